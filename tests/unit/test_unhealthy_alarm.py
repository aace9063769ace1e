"""The unhealthy-target deployment alarm waits out a whole deployment of an app that answers within its
health-check grace period: each new target fails its checks until its app answers, and the group's
``UnHealthyHostCount`` is above 0 while any of them does, so an alarm sized for one target rolls back a
revision whose tasks start at different times (``tests/models/target_health.py``, evaluated as CloudWatch
evaluates the alarm, ``tests/models/cloudwatch.py``; the waves from ``tests/models/ecs_rolling.py``)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.observability.alarm_rules import Alarms, alarm_definitions
from components.observability.unhealthy_window import (
    GRACE,
    MAX_MINUTE_PERIODS,
    UNHEALTHY_MINUTES,
    WAVE_SECONDS,
    check_grace_period,
    start_spread_seconds,
    unhealthy_minutes,
)
from components.service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
    drain_delay_seconds,
)
from components.service.autoscaling_rules import Autoscaling
from components.service.deployment_strategy import DeploymentStrategy
from components.service.rolling_batches import rolling_waves
from components.service.service_spec import ServiceSpec
from tests.models.cloudwatch import alarm_metrics, alarm_states, as_sent
from tests.models.ecs_rolling import rolling_deploy
from tests.models.target_health import deployment_targets, unhealthy_host_count

DIMENSIONS = {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"}
NEVER = 10**9


def unhealthy_alarm(grace: int, spread: int) -> dict:
    alarm = next(d for d in alarm_definitions(Alarms(), grace_period_seconds=grace, spread_seconds=spread)
                 if d.role == "unhealthy")  # fmt: skip
    return as_sent(alarm.alarm_inputs(DIMENSIONS, None))


def states_of(alarm: dict, tasks: list[tuple[int, int]], *, until: int) -> list[str]:
    """The alarm's states over a deployment of ``tasks`` (registered at, app answers at), ``until`` seconds."""
    targets = deployment_targets(tasks, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                                 healthy_threshold=TARGET_HEALTHY_THRESHOLD,
                                 unhealthy_threshold=TARGET_UNHEALTHY_THRESHOLD, until=until)  # fmt: skip
    (metric,) = alarm_metrics(alarm)
    return alarm_states(alarm, {metric: unhealthy_host_count(*targets)})


def service(**fields: object) -> ServiceSpec:
    route = RouteSpec(listener_rule_priority=50000, **fields.pop("route", {}))  # type: ignore[arg-type]
    return ServiceSpec(route=route, **fields)  # type: ignore[arg-type]


@st.composite
def healthy_deployments(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int]]]:
    """A grace period, a spread and tasks started within it, each registering at or after its start and
    its app answering at any second of its grace period."""
    grace, spread = draw(st.integers(0, 900)), draw(st.integers(0, 3 * WAVE_SECONDS))
    tasks = []
    for _ in range(draw(st.integers(1, 8))):
        started = draw(st.integers(0, spread))
        tasks.append((started + draw(st.integers(0, 120)), started + draw(st.integers(0, grace))))
    return grace, spread, tasks


@settings(max_examples=150, deadline=None)
@given(healthy_deployments(), st.integers(0, 59))
def test_no_deployment_of_an_app_answering_within_its_grace_period_trips_the_alarm(deployment, phase: int) -> None:
    grace, spread, tasks = deployment
    # ``phase``: where CloudWatch's minutes fall against the deployment's first second.
    shifted = [(registered + phase, ready + phase) for registered, ready in tasks]
    until = (spread + grace + 600) // 60 * 60
    assert "ALARM" not in states_of(unhealthy_alarm(grace, spread), shifted, until=until)


@settings(max_examples=60, deadline=None)
@given(healthy_deployments(), st.integers(0, 59))
def test_a_deployment_of_an_app_that_never_answers_trips_the_alarm_once_the_deployment_is_waited_out(
    deployment, phase: int
) -> None:
    grace, spread, tasks = deployment
    never = [(registered + phase, NEVER) for registered, _ in tasks]
    first = min(registered for registered, _ in never)
    until = (spread + grace + 600) // 60 * 60 + 1800
    states = states_of(unhealthy_alarm(grace, spread), never, until=until)
    # From the first target's third failed check (30 s after it registers), the whole window.
    assert "ALARM" in states and states.index("ALARM") <= (first + 30) // 60 + unhealthy_minutes(grace, spread) - 1


@pytest.mark.parametrize(("grace", "apart"), [(60, 20), (60, 80), (60, 100), (90, 12)])
def test_tasks_starting_apart_tripped_the_alarm_sized_for_one_target(grace: int, apart: int) -> None:
    """The review's reproduction: two tasks (six for prod's 90 s) registered ``apart`` seconds after one
    another join their unhealthy stretches; the one-target alarm fired at some phase, the deployment's does
    at none."""
    count = 6 if grace == 90 else 2
    deployments = [[(phase + i * apart, phase + i * apart + grace) for i in range(count)] for phase in range(60)]
    one_target = unhealthy_alarm(grace, 0)
    assert any("ALARM" in states_of(one_target, tasks, until=1800) for tasks in deployments)
    sized = unhealthy_alarm(grace, WAVE_SECONDS)
    assert not any("ALARM" in states_of(sized, tasks, until=1800) for tasks in deployments)


@pytest.mark.parametrize("grace", [0, 60, 90, 600])
@pytest.mark.parametrize("count", [1, 6])
def test_an_app_that_never_answers_still_rolls_back_once_the_deployment_is_waited_out(grace: int, count: int) -> None:
    tasks = [(i * WAVE_SECONDS // count, NEVER) for i in range(count)]
    states = states_of(unhealthy_alarm(grace, WAVE_SECONDS), tasks, until=3600)
    # Minutes: unhealthy from the first target's third failed check on.
    assert states.index("ALARM") <= unhealthy_minutes(grace, WAVE_SECONDS) + 1


def test_a_shifting_deployment_starts_its_whole_count_in_one_wave_and_rolling_s_defaults_do_too() -> None:
    # The waves are rolling_batches.rolling_waves, held to tests/models/ecs_rolling.py in test_deploy_time.py.
    assert {rolling_waves(d, min_healthy_percent=100, max_percent=200) for d in range(1, 100)} == {1}
    assert start_spread_seconds(service()) == WAVE_SECONDS
    assert start_spread_seconds(service(route={"deployment": DeploymentStrategy(kind="canary")})) == WAVE_SECONDS


def test_the_spread_of_a_rolling_deployment_counts_every_wave_at_every_count_it_may_start_from() -> None:
    scaled = service(desired_count=2, max_percent=150, autoscaling=Autoscaling(min_count=2, max_count=8),
                     route={"deregistration_delay_seconds": 40})  # fmt: skip
    most = max(rolling_deploy(d, min_healthy_percent=100, max_percent=150).waves for d in range(2, 9))
    # At 3 tasks 100/150 starts one at a time: 3 waves, with a drain between each two.
    assert most == 3 and start_spread_seconds(scaled) == most * WAVE_SECONDS + (most - 1) * 40


def test_without_a_spread_or_a_grace_period_the_alarm_keeps_its_two_minutes_and_the_drain_is_unchanged() -> None:
    assert unhealthy_alarm(0, 0)["evaluationPeriods"] == UNHEALTHY_MINUTES
    assert unhealthy_alarm(90, WAVE_SECONDS)["evaluationPeriods"] == 14
    # The target group's checks stay as they were: the drain fallback (and stopTimeout's budget) rest on them.
    assert drain_delay_seconds(0) == TARGET_HEALTH_INTERVAL_SECONDS * TARGET_UNHEALTHY_THRESHOLD == 45


def test_a_grace_period_longer_than_cloudwatch_can_wait_out_with_the_deployment_is_refused_with_alarms_only() -> None:
    most = max(g for g in range(84_000, 87_000) if unhealthy_minutes(g, WAVE_SECONDS) <= MAX_MINUTE_PERIODS)
    assert most == 85_680  # the README's figure (settings.py's healthCheckGracePeriodSeconds)
    check_grace_period(service(route={"health_check_grace_period_seconds": most}), alarms=True)
    too_long = service(route={"health_check_grace_period_seconds": most + 1})
    check_grace_period(too_long, alarms=False)
    with pytest.raises(ConfigError) as error:
        check_grace_period(too_long, alarms=True)
    assert (error.value.key, error.value.value) == (GRACE, most + 1) and f"at most {most}" in error.value.allowed


def test_a_rolling_deployment_in_more_waves_than_a_day_can_wait_out_is_refused_naming_max_percent() -> None:
    slow = service(desired_count=199, min_healthy_percent=100, max_percent=101)  # one task a wave: 199 waves
    with pytest.raises(ConfigError) as error:
        check_grace_period(slow, alarms=True)
    assert (error.value.key, error.value.value) == ("ServiceSpec.max_percent", 101)
