"""The deployment strategies as ECS defines them: their limits, the combinations ECS refuses, the traffic
each moves minute by minute (``tests/models/ecs_deployment.py``), and the role ECS moves it with."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.deployment_role import (
    DESCRIBE,
    MODIFY_LISTENER,
    MODIFY_RULE,
    TARGETS,
    infrastructure_policy,
    infrastructure_trust,
)
from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.observability.alarm_rules import MIN_REQUESTS, Alarms, alarm_definitions
from components.service.deployment_strategy import (
    API_STRATEGY,
    KINDS,
    DeploymentStrategy,
    check_rollback,
    check_rolling_percents,
    check_test_header,
    parse_percent,
    parse_test_header,
)
from tests.components.builders import TEST_HEADER
from tests.models.alb import headers_kept
from tests.models.aws_api import documentation
from tests.models.cloudwatch import as_sent
from tests.models.ecs_deployment import Traffic, deploy, green_share
from tests.models.iam import Request, role_allows

CANARY = DeploymentStrategy(kind="canary", canary_percent=Decimal(10), canary_bake_minutes=10, bake_minutes=10)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("canary_percent", Decimal("0.05"), "DeploymentStrategy.canary_percent"),  # below 0.1
        ("canary_percent", Decimal("100.1"), "DeploymentStrategy.canary_percent"),
        ("canary_percent", Decimal("2.55"), "DeploymentStrategy.canary_percent"),  # not a multiple of 0.1
        ("step_percent", Decimal("2.9"), "DeploymentStrategy.step_percent"),  # below 3.0
        ("canary_bake_minutes", 1441, "DeploymentStrategy.canary_bake_minutes"),
        ("step_minutes", -1, "DeploymentStrategy.step_minutes"),
        ("bake_minutes", 1441, "DeploymentStrategy.bake_minutes"),
        ("kind", "blue-green", "DeploymentStrategy.kind"),
    ],
)
def test_a_value_outside_ecs_limits_is_refused_with_its_key(field: str, value: object, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        DeploymentStrategy(**{field: value})  # type: ignore[arg-type]
    assert error.value.key == key


#: ECS's two ways to detect a failed deployment and roll it back (ECS guide, "Amazon ECS deployment failure
#: detection"), each with the deployment strategies botocore lets it serve.
BREAKER = (
    "The deployment circuit breaker can only be used for services using the rolling update ( ECS ) deployment type."
)
ALARMS = "You can only use the DeploymentAlarms method to detect failures when the DeploymentController is set to ECS ."


def rollback_methods(kind: str, *, alarms: bool) -> set[str]:
    """What rolls back a deployment of ``kind`` on ECS's deployment controller (the only one this project
    uses): the circuit breaker for the rolling update type alone (``BREAKER``), the deployment alarms with
    every strategy (``ALARMS``), when the service has them."""
    breaker = {"circuit breaker"} if API_STRATEGY[kind] == "ROLLING" else set()
    return breaker | ({"deployment alarms"} if alarms else set())


def test_botocore_says_which_deployments_each_rollback_method_serves() -> None:
    assert BREAKER in documentation("ecs", "DeploymentCircuitBreaker")
    assert ALARMS in documentation("ecs", "DeploymentAlarms")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("alarms", [True, False])
def test_a_strategy_is_refused_exactly_when_nothing_would_roll_it_back(kind: str, alarms: bool) -> None:
    strategy = DeploymentStrategy(kind=kind)
    if rollback_methods(kind, alarms=alarms):
        check_rollback(strategy, alarms=alarms)
        return
    with pytest.raises(ConfigError) as error:
        check_rollback(strategy, alarms=alarms)
    assert (error.value.key, error.value.value) == ("DeploymentStrategy.kind", kind)
    assert error.value.allowed.startswith(f"rolling, or {kind} with FargateServiceArgs.alarms: true")


@given(st.integers(min_value=1, max_value=1000))
def test_every_multiple_of_a_tenth_from_0_1_to_100_is_a_canary_percent(tenths: int) -> None:
    DeploymentStrategy(kind="canary", canary_percent=Decimal(tenths) / 10)


def test_a_percent_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ConfigError, match="canaryPercent"):
        parse_percent("canaryPercent", "ten")


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_traffic_shifting_needs_the_default_batch_limits(kind: str) -> None:
    strategy = DeploymentStrategy(kind=kind)
    with pytest.raises(ConfigError, match="SCALE_UP") as error:
        check_rolling_percents(strategy, min_healthy_percent=50, max_percent=200)
    assert error.value.key == "ServiceSpec.min_healthy_percent"
    with pytest.raises(ConfigError) as both:
        check_rolling_percents(strategy, min_healthy_percent=50, max_percent=150)
    assert [e.key for e in both.value.errors] == ["ServiceSpec.min_healthy_percent", "ServiceSpec.max_percent"]
    check_rolling_percents(strategy, min_healthy_percent=100, max_percent=200)


def test_a_rolling_deployment_takes_any_batch_limits_but_no_test_rule() -> None:
    check_rolling_percents(DeploymentStrategy(), min_healthy_percent=50, max_percent=150)
    with pytest.raises(ConfigError, match=r"RouteSpec\.test_header"):
        RouteSpec(listener_rule_priority=LAST_PRIORITY, test_header=TEST_HEADER)


def test_the_test_rule_needs_a_priority_before_the_production_rule() -> None:
    with pytest.raises(ConfigError, match=r"RouteSpec\.listener_rule_priority"):
        RouteSpec(listener_rule_priority=1, path_patterns=("/api",), deployment=CANARY, test_header=TEST_HEADER)
    RouteSpec(listener_rule_priority=2, path_patterns=("/api",), deployment=CANARY, test_header=TEST_HEADER)


@pytest.mark.parametrize(
    "text", ["x-deploy-test", "host=a", "x test=1", "x_deploy=1", "x-t=*", "x-t=" + "a" * 129, "a" * 41 + "=1", "x-t=1"]
)
def test_a_test_header_elb_would_refuse_is_refused(text: str) -> None:
    """By the spec that holds it, whether the program parsed it from config or a caller built it."""
    with pytest.raises(ConfigError) as error:
        header = parse_test_header(text)
        RouteSpec(listener_rule_priority=2, path_patterns=("/api",), deployment=CANARY, test_header=header)
    assert [e.key for e in error.value.errors] == ["RouteSpec.test_header"]


#: RFC 7230 token characters (``tchar``): what a header name may hold on the wire.
RFC_7230_NAMES = st.text(st.sampled_from("!#$%&'*+-.^_`|~0123456789abcXYZ"), min_size=1, max_size=40)


@given(RFC_7230_NAMES)
def test_a_test_header_name_is_taken_exactly_when_the_load_balancer_keeps_it_for_the_rules(name: str) -> None:
    """The load balancer drops header names outside [-A-Za-z0-9]+ (drop_invalid_header_fields, which the stack
    turns on): such a test request would match the production rule and be answered by the old revision."""
    kept = headers_kept({name: "1"}, drop_invalid=True) == {name: "1"}
    try:
        check_test_header((name, TEST_HEADER[1]))
        taken = True
    except ConfigError:
        taken = False
    assert taken == kept or name.lower() == "host"


def test_a_test_header_built_by_hand_is_held_to_the_same_rules() -> None:
    with pytest.raises(ConfigError) as error:
        RouteSpec(
            listener_rule_priority=2, path_patterns=("/api",), deployment=CANARY, test_header=("x t", TEST_HEADER[1])
        )
    # The header's value is a credential: an error never shows it.
    assert (error.value.key, error.value.value) == ("RouteSpec.test_header", "(hidden)")


def test_a_test_header_is_a_name_and_a_value() -> None:
    assert parse_test_header("x-deploy-test=1") == ("x-deploy-test", "1")
    assert parse_test_header("") is None


# ---- the model: minute-by-minute shares, and what a bad revision costs


def test_a_canary_holds_its_share_for_the_bake_then_moves_everything() -> None:
    shares = [green_share(CANARY, minute) for minute in range(12)]
    assert shares == [Decimal(10)] * 10 + [Decimal(100)] * 2


def test_a_linear_deployment_moves_equal_steps_and_the_last_step_takes_the_rest() -> None:
    linear = DeploymentStrategy(kind="linear", step_percent=Decimal(30), step_minutes=5)
    assert [green_share(linear, m) for m in (0, 5, 10, 15, 20)] == [30, 60, 90, 100, 100]
    assert linear.steps() == 4 and linear.shift_minutes() == 15


def test_a_bad_canary_caught_in_its_bake_exposed_only_its_share() -> None:
    # The 5xx alarm fires after 2 minutes at 10 %: 20 percent-minutes, 2 % of the bake's traffic at most.
    outcome = deploy(CANARY, bad_after_minutes=2)
    assert not outcome.completed and outcome.exposure == 20 and outcome.peak_share == 10


def test_a_bad_blue_green_revision_took_all_the_traffic_until_its_alarm() -> None:
    outcome = deploy(DeploymentStrategy(kind="blueGreen", bake_minutes=10), bad_after_minutes=2)
    assert not outcome.completed and outcome.exposure == 200 and outcome.peak_share == 100


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_a_good_revision_completes_after_the_shift_and_the_bake(kind: str) -> None:
    strategy = DeploymentStrategy(kind=kind)
    outcome = deploy(strategy, bad_after_minutes=None)
    assert outcome.completed and outcome.minutes == strategy.shift_minutes() + strategy.bake_minutes
    assert outcome.peak_share == 100


@given(st.integers(min_value=1, max_value=100), st.integers(min_value=1, max_value=22))
def test_a_canary_caught_within_its_bake_never_exposes_more_than_its_share(tenths: int, caught: int) -> None:
    # The longest canary bake a deploy may take (deploy_time.MAX_DEPLOY_MINUTES), with no bake of its own after it.
    strategy = DeploymentStrategy(kind="canary", canary_percent=Decimal(tenths) / 10, canary_bake_minutes=22,
                                  bake_minutes=0)  # fmt: skip
    outcome = deploy(strategy, bad_after_minutes=caught)
    assert outcome.peak_share == strategy.canary_percent
    assert outcome.exposure == strategy.canary_percent * caught


def test_blue_green_doubles_the_tasks_and_rolling_runs_up_to_max_percent() -> None:
    assert DeploymentStrategy(kind="blueGreen").peak_tasks(6, 200) == 12
    assert DeploymentStrategy().peak_tasks(6, 150) == 9


@given(st.integers(1, 5000), st.integers(100, 2000))
def test_a_rolling_peak_is_ecs_s_documented_bound_even_above_twice_the_count(count: int, max_percent: int) -> None:
    """botocore ecs DeploymentConfiguration.maximumPercent: "an upper limit on the number of your service's tasks
    that are allowed in the RUNNING or PENDING state during a deployment", rounded down; ECS starts replacements
    of unhealthy tasks first within it, so no cap at both revisions' count holds."""
    assert DeploymentStrategy().peak_tasks(count, max_percent) == count * max_percent // 100


# ---- the role ECS assumes: exactly the managed policy's calls, on this route's resources only

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-app-tg-0a1b2c3/73e2d6bc24d8a067"
ALT = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-app-tg-alt-0a1b2c3/93e2d6bc24d8a067"
RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod-web/50dc/f2f7/9683"
OTHER_TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other-tg/1"
OTHER_RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/other/50dc/f2f7/1"
LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod-web/50dc/f2f7"
POLICY = infrastructure_policy(target_group_arns=[TG, ALT], rule_arns=[RULE])

#: The calls ECS makes for an Application Load Balancer, as AmazonECSInfrastructureRolePolicyForLoadBalancers
#: v6 grants them, on this route's resources.
ECS_CALLS = [
    *(Request(action, "*") for action in DESCRIBE),
    *(Request(action, group) for action in TARGETS for group in (TG, ALT)),
    Request(MODIFY_RULE, RULE),
]


def test_the_deployment_role_admits_every_call_ecs_makes_on_this_route() -> None:
    assert all(role_allows([POLICY], request) for request in ECS_CALLS)


@pytest.mark.parametrize(
    "request_",
    [
        Request(TARGETS[0], OTHER_TG),
        Request(MODIFY_RULE, OTHER_RULE),
        Request(MODIFY_LISTENER, LISTENER),  # the shared listener's default action stays the platform's
        Request("elasticloadbalancing:DeleteRule", RULE),
        Request("elasticloadbalancing:CreateRule", LISTENER),
    ],
)
def test_the_deployment_role_admits_nothing_else(request_: Request) -> None:
    assert not role_allows([POLICY], request_)


def test_the_deployment_role_grants_only_the_managed_policys_actions() -> None:
    granted = {a for s in json.loads(POLICY)["Statement"] for a in s["Action"]}
    assert granted == {*DESCRIBE, *TARGETS, MODIFY_RULE}


def test_only_ecs_of_this_account_and_region_may_assume_the_role_when_it_says_whose_it_is() -> None:
    (statement,) = json.loads(infrastructure_trust(partition="aws", region="us-east-1", account_id="1"))["Statement"]
    assert statement["Principal"] == {"Service": "ecs.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEqualsIfExists": {"aws:SourceAccount": "1"},
        "ArnLikeIfExists": {"aws:SourceArn": "arn:aws:ecs:us-east-1:1:*"},
    }


def test_a_hook_before_every_production_shift_runs_once_per_canary_step_and_can_stop_the_second() -> None:
    """Review 19 #12: ``PRE_PRODUCTION_TRAFFIC_SHIFT`` is a hook stage (botocore
    ``DeploymentLifecycleHookStage``), "invoked before every traffic shift step" of a canary or linear."""
    calls: list[int] = []

    def hook() -> dict[str, str]:
        calls.append(1)
        return {"hookStatus": "SUCCEEDED" if len(calls) == 1 else "FAILED"}

    outcome = deploy(CANARY, bad_after_minutes=None, hooks={"PRE_PRODUCTION_TRAFFIC_SHIFT": hook})
    assert len(calls) == 2 and not outcome.completed
    assert (outcome.minutes, outcome.exposure) == (10, Decimal(100))  # 10 minutes at 10 %, then stopped


def test_a_linear_deployment_calls_the_pre_shift_hook_at_each_of_its_steps() -> None:
    linear = DeploymentStrategy(kind="linear", step_percent=Decimal(25), step_minutes=2)
    calls: list[int] = []

    def hook() -> dict[str, str]:
        calls.append(1)
        return {"hookStatus": "SUCCEEDED"}

    outcome = deploy(linear, bad_after_minutes=None, hooks={"PRE_PRODUCTION_TRAFFIC_SHIFT": hook})
    assert outcome.completed and len(calls) == linear.steps() == 4


def prod_traffic(requests_per_minute: int) -> Traffic:
    """Every request of the new revision fails, against the 5xx alarm as the stack defines it."""
    (five_xx,) = [d for d in alarm_definitions(Alarms()) if d.role == "target-5xx"]
    dimensions = {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg-alt/2"}
    return Traffic(Decimal(requests_per_minute), Decimal(1), as_sent(five_xx.alarm_inputs(dimensions, None)))


def test_a_failing_canary_of_a_busy_service_is_caught_in_its_second_minute_at_its_share() -> None:
    outcome = deploy(CANARY, traffic=prod_traffic(1000))  # 100 errors in 100 requests a minute at 10 %
    assert (outcome.completed, outcome.minutes, outcome.peak_share) == (False, 1, Decimal(10))


def test_a_failing_canary_of_a_quiet_service_is_caught_at_its_share_during_the_bake() -> None:
    """Review 19 #7: at 40 requests a minute a 10 % canary serves 4 errors a minute, below the old count
    alarm's 5, so its bake passed and all traffic moved; as a share of its requests it is 100 %."""
    outcome = deploy(CANARY, traffic=prod_traffic(40))
    assert (outcome.completed, outcome.minutes, outcome.peak_share) == (False, 1, Decimal(10))


def test_a_canary_below_the_minimum_requests_a_minute_is_not_judged_by_its_share() -> None:
    """The guard: fewer than ``MIN_REQUESTS`` a minute at the canary's share is no ratio (one request
    failing is 100 %), so only the full shift's traffic can trip the alarm."""
    quiet = 10 * (MIN_REQUESTS - 1)  # MIN_REQUESTS - 1 requests a minute at 10 %
    outcome = deploy(CANARY, traffic=prod_traffic(quiet))
    assert not outcome.completed and outcome.peak_share == 100
    assert outcome.minutes > CANARY.canary_bake_minutes
