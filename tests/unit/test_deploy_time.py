"""How long ``pulumi up`` waits for a deployment: the provider waits until ECS reports it SUCCESSFUL, which
for a rolling deployment with alarms is after every batch and the alarm bake (``tests/models/
ecs_deploy_wait.py``); the service's timeout covers that, and a deployment that cannot end within the CI
session is refused naming what to change."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.observability.alarm_rules import Alarms, alarm_definitions, deployment_alarm_minutes
from components.observability.unhealthy_window import GRACE, WAVE_SECONDS, check_grace_period, start_spread_seconds
from components.service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from components.service.deploy_time import (
    MARGIN_MINUTES,
    MAX_DEPLOY_MINUTES,
    PROVIDER_DEFAULT_MINUTES,
    TASK_START_MINUTES,
    batch_minutes,
    check_deploy_time,
    deploy_time,
)
from components.service.deployment_strategy import DeploymentStrategy
from components.service.rolling_batches import progresses, rolling_waves
from components.service.service_spec import ServiceSpec
from tests.models.cloudwatch import as_sent
from tests.models.ecs_deploy_wait import (
    evaluation_window_seconds,
    healthy_after_seconds,
    provider_wait,
    rolling_statuses,
)
from tests.models.ecs_deployment import deploy
from tests.models.ecs_rolling import rolling_deploy

DIMENSIONS = {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"}
PRIORITY = 50000  # the catch-all's


def routed(grace: int = 60, deployment: DeploymentStrategy | None = None, **spec: object) -> ServiceSpec:
    route = RouteSpec(listener_rule_priority=PRIORITY, health_check_grace_period_seconds=grace,
                      deployment=deployment or DeploymentStrategy())  # fmt: skip
    return ServiceSpec(route=route, **spec)  # type: ignore[arg-type]


def deployment_alarms(grace: int, spread: int = WAVE_SECONDS) -> list[dict]:
    """The deployment alarms as CloudWatch receives them, for tasks starting up to ``spread`` seconds apart
    (one wave unless told)."""
    definitions = alarm_definitions(Alarms(), grace_period_seconds=grace, spread_seconds=spread)
    return [as_sent(d.alarm_inputs(DIMENSIONS, None)) for d in definitions if d.rolls_back_deployments]


def modelled_wait_seconds(spec: ServiceSpec, *, alarms: bool) -> int:
    """When the provider stops waiting for a good rolling deployment of ``spec``, from the largest count;
    deployment alarms need a route."""
    grace = spec.route.health_check_grace_period_seconds if spec.route else 0
    alarms = alarms and spec.route is not None
    healthy = healthy_after_seconds(start=TASK_START_MINUTES * 60, grace=grace, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                                    healthy=TARGET_HEALTHY_THRESHOLD, unhealthy=TARGET_UNHEALTHY_THRESHOLD)  # fmt: skip
    counts = {spec.desired_count} | ({spec.autoscaling.max_count} if spec.autoscaling else set())
    waits = []
    watched = deployment_alarms(grace, start_spread_seconds(spec)) if alarms else []
    for count in counts:
        statuses = rolling_statuses(count, min_healthy_percent=spec.min_healthy_percent, max_percent=spec.max_percent,
                                    batch_seconds=healthy, deployment_alarms=watched)  # fmt: skip
        read, poll = provider_wait(statuses)
        assert read == "stable"
        waits.append(poll)
    return max(waits)


@pytest.mark.parametrize("low", range(0, 101, 5))
@pytest.mark.parametrize("high", range(100, 201, 5))
def test_a_rolling_deployment_starts_as_many_batches_as_the_scheduler_makes(low: int, high: int) -> None:
    percents = {"min_healthy_percent": low, "max_percent": high}
    moving = [desired for desired in range(1, 61) if progresses(desired, **percents)]  # stuck: check_progress's
    assert [rolling_waves(d, **percents) for d in moving] == [rolling_deploy(d, **percents).waves for d in moving]


def test_the_provider_waits_for_a_rolling_deployment_with_alarms_until_the_bake_is_over() -> None:
    statuses = rolling_statuses(2, min_healthy_percent=100, max_percent=200, batch_seconds=600,
                                deployment_alarms=deployment_alarms(60))  # fmt: skip
    read, poll = provider_wait(statuses)
    assert read == "stable" and poll == 600 + 13 * 60  # the unhealthy-target alarm's 13 minutes for one wave
    assert provider_wait(["IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL"]) == ("failed", 2)


@pytest.mark.parametrize("spread", [0, WAVE_SECONDS, 2 * WAVE_SECONDS + 30])
@pytest.mark.parametrize("grace", [0, 15, 60, 90, 120, 600, 720, 3600])
def test_the_alarm_bake_is_the_longest_window_of_the_deployment_alarms_as_cloudwatch_receives_them(
    grace: int, spread: int
) -> None:
    longest = max(evaluation_window_seconds(alarm) for alarm in deployment_alarms(grace, spread))
    assert deployment_alarm_minutes(grace, spread) * 60 == longest


@pytest.mark.parametrize("grace", [*range(0, 300), 600, 719, 720, 3600])
def test_a_batch_allowance_covers_its_targets_turning_healthy_at_the_end_of_the_grace_period(grace: int) -> None:
    healthy = healthy_after_seconds(start=TASK_START_MINUTES * 60, grace=grace, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                                    healthy=TARGET_HEALTHY_THRESHOLD, unhealthy=TARGET_UNHEALTHY_THRESHOLD)  # fmt: skip
    assert healthy <= batch_minutes(grace) * 60


@given(
    desired=st.integers(1, 40),
    percents=st.sampled_from([(100, 200), (50, 100), (50, 150), (100, 125), (0, 100), (90, 110), (100, 101)]),
    grace=st.one_of(st.integers(0, 1200), st.sampled_from([None])),
    alarms=st.booleans(),
)
def test_every_rolling_deployment_a_service_may_take_ends_within_its_timeout_or_is_refused_by_name(
    desired: int, percents: tuple[int, int], grace: int | None, alarms: bool
) -> None:
    low, high = percents
    fields = {"desired_count": desired, "min_healthy_percent": low, "max_percent": high}
    try:
        spec = ServiceSpec(**fields) if grace is None else routed(grace, **fields)  # type: ignore[arg-type]
    except ConfigError:
        assume(False)  # e.g. percentages that leave the deployment stuck: refused by their own rule
        return
    try:
        check_deploy_time(spec, alarms=alarms)
    except ConfigError as error:
        assert error.key in {GRACE, "ServiceSpec.max_percent"}
        assert deploy_time(spec, alarms=alarms).minutes() > MAX_DEPLOY_MINUTES
        return
    time = deploy_time(spec, alarms=alarms)
    timeout = int(time.timeouts()["update"].removesuffix("m"))
    assert time.minutes() <= MAX_DEPLOY_MINUTES and timeout >= PROVIDER_DEFAULT_MINUTES
    assert modelled_wait_seconds(spec, alarms=alarms) + MARGIN_MINUTES * 60 <= timeout * 60


def test_a_grace_period_the_deploy_cannot_wait_out_with_its_alarm_bake_is_refused_with_the_longest_that_fits() -> None:
    """With alarms the grace period counts twice: the batch waits it out, and the unhealthy-target alarm's
    window (ceil((grace + the tasks' 600 s spread) / 60) + 2 minutes) that ECS bakes after the last batch grows
    with it."""
    check_deploy_time(routed(420), alarms=True)
    with pytest.raises(ConfigError) as error:
        check_deploy_time(routed(421), alarms=True)
    assert (error.value.key, error.value.value) == (GRACE, 421)
    assert "at most 420" in error.value.allowed and "bake" in error.value.allowed
    check_deploy_time(routed(421), alarms=False)  # no alarms, no bake


def test_the_largest_grace_period_cloudwatchs_day_allows_one_wave_is_refused_by_the_same_key() -> None:
    """The one-day window (``unhealthy_window.check_grace_period``) allows 85680 s; the 45 minutes allow less."""
    check_grace_period(routed(85_680), alarms=True)
    with pytest.raises(ConfigError) as error:
        check_deploy_time(routed(85_680), alarms=True)
    assert error.value.key == GRACE and "1440 bake" in error.value.allowed and "at most 420" in error.value.allowed


def test_the_longest_grace_period_route_spec_takes_is_told_the_longest_that_fits_at_once() -> None:
    """Both bounds are found by bisection: a scan down from 2147483647 s would never end."""
    from components.edge.route_spec import MAX_GRACE_PERIOD

    for check in (check_grace_period, check_deploy_time):
        with pytest.raises(ConfigError) as error:
            check(routed(MAX_GRACE_PERIOD), alarms=True)
        assert error.value.key == GRACE
        assert ("at most 85680" if check is check_grace_period else "at most 420") in error.value.allowed


def test_a_worker_rolled_one_task_at_a_time_is_refused_naming_its_batch_limits() -> None:
    spec = ServiceSpec(desired_count=40, min_healthy_percent=100, max_percent=110)
    with pytest.raises(ConfigError) as error:
        check_deploy_time(spec, alarms=False)
    assert (error.value.key, error.value.value) == ("ServiceSpec.max_percent", 110)
    assert "10 batch(es)" in error.value.allowed and "ServiceSpec.min_healthy_percent" in error.value.allowed


def test_a_rolling_deployment_with_alarms_waits_past_the_providers_default() -> None:
    time = deploy_time(routed(90), alarms=True)
    assert time.minutes() == 10 + 14 + MARGIN_MINUTES  # one batch, the 14-minute unhealthy-target alarm
    assert time.timeouts() == {"create": "34m", "update": "34m"}


def test_a_short_rolling_deployment_keeps_at_least_the_providers_default_wait() -> None:
    assert deploy_time(ServiceSpec(), alarms=False).timeouts()["update"] == f"{PROVIDER_DEFAULT_MINUTES}m"


def test_prods_canary_takes_longer_than_the_providers_default_wait() -> None:
    """Review 19 #1: 10 min at 10 % and a 10 min bake are 20 minutes after the first shift alone; the
    unhealthy-target alarm's 14 minutes outlast that bake, so ECS's alarm bake is the longer."""
    canary = DeploymentStrategy(kind="canary", canary_percent=Decimal(10), canary_bake_minutes=10, bake_minutes=10)
    modelled = deploy(canary, bad_after_minutes=None).minutes
    time = deploy_time(routed(90, canary, desired_count=6), alarms=True)
    assert modelled >= PROVIDER_DEFAULT_MINUTES
    alarm_past_bake = deployment_alarm_minutes(90, WAVE_SECONDS) - canary.bake_minutes
    assert time.minutes() == batch_minutes(90) + modelled + alarm_past_bake + MARGIN_MINUTES == 44


@given(
    st.sampled_from(["canary", "linear", "blueGreen"]),
    st.integers(30, 1000).map(lambda tenths: Decimal(tenths) / 10),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_every_shifting_strategy_a_stack_may_take_completes_within_the_ci_session(
    kind: str, percent: Decimal, minutes: int, bake: int
) -> None:
    strategy = DeploymentStrategy(kind=kind, step_percent=percent, step_minutes=minutes, canary_bake_minutes=minutes,
                                  bake_minutes=bake)  # fmt: skip
    spec = routed(60, strategy)
    modelled = deploy(strategy, bad_after_minutes=None).minutes  # the shift and the strategy's own bake

    def allowance(grace: int) -> int:  # a shifting deployment starts its tasks in one wave
        alarm = deployment_alarm_minutes(grace, WAVE_SECONDS)
        return batch_minutes(grace) + modelled + max(0, alarm - bake) + MARGIN_MINUTES

    try:
        check_deploy_time(spec, alarms=True)
    except ConfigError as error:
        assert allowance(60) > MAX_DEPLOY_MINUTES
        # The grace period if a shorter one fits, else the strategy's minutes.
        shorter = allowance(0) <= MAX_DEPLOY_MINUTES
        assert (error.key, error.value) == ((GRACE, 60) if shorter else ("DeploymentStrategy.kind", kind))
        return
    assert deploy_time(spec, alarms=True).minutes() == allowance(60) <= MAX_DEPLOY_MINUTES


def test_ecss_default_linear_deployment_outlasts_the_session_and_is_refused_naming_the_minutes() -> None:
    linear = DeploymentStrategy(kind="linear", step_percent=Decimal(10), step_minutes=6)  # ECS's defaults
    with pytest.raises(ConfigError) as error:
        check_deploy_time(routed(0, linear), alarms=True)
    assert error.value.key == "DeploymentStrategy.kind"
    assert "not 85" in error.value.allowed and "DeploymentStrategy.step_minutes" in error.value.allowed


def test_a_grace_period_one_batch_could_not_hold_is_refused_beside_too_many_batches() -> None:
    spec = routed(900, desired_count=40, max_percent=110)
    with pytest.raises(ConfigError) as error:
        check_deploy_time(spec, alarms=True)
    keys = {one.key: one.allowed for one in error.value.errors}
    assert keys.keys() == {"ServiceSpec.max_percent", GRACE}
    assert "at most 420 with one rolling batch" in keys[GRACE]


#: Kinds and rolling limits (min healthy, max percent): one wave, two, one task a wave, and a shifting one.
DEPLOYMENTS = [("rolling", 100, 200), ("rolling", 50, 150), ("rolling", 100, 150), ("rolling", 100, 101),
               ("rolling", 0, 100), ("canary", 100, 200)]  # fmt: skip


@given(
    grace=st.integers(0, 90_000),
    deployment=st.sampled_from(DEPLOYMENTS),
    desired=st.sampled_from([2, 6, 199]),
)
def test_what_cloudwatchs_day_refuses_the_deploys_45_minutes_refuse_too_by_the_same_key(
    grace: int, deployment: tuple[str, int, int], desired: int
) -> None:
    """The two refusals of one config agree: the 45 minutes are the tighter bound, so a config the day's
    window refuses is refused again by the same key."""
    kind, low, high = deployment
    try:
        spec = routed(grace, DeploymentStrategy(kind=kind), desired_count=desired, min_healthy_percent=low,
                      max_percent=high)  # fmt: skip
    except ConfigError:
        assume(False)  # e.g. percentages that leave the deployment stuck: refused by their own rule
        return
    try:
        check_grace_period(spec, alarms=True)
    except ConfigError as day:
        with pytest.raises(ConfigError) as minutes:
            check_deploy_time(spec, alarms=True)
        assert day.key in {one.key for one in minutes.value.errors}
