"""A service that deploys by canary, linear or blue/green: the route's second target group, the rules ECS
moves (and the program then leaves alone), the role ECS assumes, and the service's deployment
configuration as pulumi-aws sends it."""

import dataclasses
import json
from decimal import Decimal

import pytest

from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.observability.alarm_rules import Alarms
from components.service.deployment_strategy import DeploymentStrategy
from components.service.fargate_service_args import FargateServiceArgs
from components.service.service_spec import ServiceSpec
from tests.components.builders import LB_SUFFIX, TEST_HEADER, service
from tools.offline import RecordingMocks, run_mocked

SERVICE = "aws:ecs/service:Service"
RULE = "aws:lb/listenerRule:ListenerRule"
CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/shared"
CANARY = DeploymentStrategy(kind="canary", canary_percent=Decimal("2.5"), canary_bake_minutes=12, bake_minutes=5)


@pytest.fixture(scope="module")
def canary(mocked) -> RecordingMocks:
    return mocked(
        lambda: service(deployment=CANARY, test_header=TEST_HEADER, alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX)
    )


@pytest.fixture(scope="module")
def rolling(mocked) -> RecordingMocks:
    return mocked(lambda: service(alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX))


def test_a_canary_service_sends_ecs_its_strategy_share_and_minutes(canary: RecordingMocks) -> None:
    configuration = canary.one(SERVICE).inputs["deploymentConfiguration"]
    assert configuration == {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "5",
        "canaryConfiguration": {"canaryPercent": 2.5, "canaryBakeTimeInMinutes": "12"},
    }


def test_the_circuit_breaker_is_for_rolling_deployments_only(canary: RecordingMocks, rolling: RecordingMocks) -> None:
    assert "deploymentCircuitBreaker" not in canary.one(SERVICE).inputs
    assert rolling.one(SERVICE).inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert rolling.one(SERVICE).inputs["deploymentConfiguration"] == {"strategy": "ROLLING"}


def test_a_rolling_service_has_one_target_group_one_rule_and_no_deployment_role(rolling: RecordingMocks) -> None:
    assert len(rolling.inputs_of("aws:lb/targetGroup:TargetGroup")) == 1
    assert len(rolling.inputs_of(RULE)) == 1
    assert not [r for r in rolling.resources if r.name.endswith("-deploy-role")]
    (balancer,) = rolling.one(SERVICE).inputs["loadBalancers"]
    assert "advancedConfiguration" not in balancer


def test_the_canary_route_names_its_second_group_rules_and_role_to_the_service(canary: RecordingMocks) -> None:
    groups = {r.name: r for r in canary.resources if r.type == "aws:lb/targetGroup:TargetGroup"}
    assert set(groups) == {"svc-tg", "svc-tg-alt"}
    rules = {r.name: r for r in canary.resources if r.type == RULE}
    (balancer,) = canary.one(SERVICE).inputs["loadBalancers"]
    advanced = balancer["advancedConfiguration"]
    assert balancer["targetGroupArn"] == groups["svc-tg"].outputs["arn"]
    assert advanced["alternateTargetGroupArn"] == groups["svc-tg-alt"].outputs["arn"]
    assert advanced["productionListenerRule"] == rules["svc-rule"].outputs["arn"]
    assert advanced["testListenerRule"] == rules["svc-test-rule"].outputs["arn"]
    (role,) = [r for r in canary.resources if r.name == "svc-deploy-role"]
    assert advanced["roleArn"] == role.outputs["arn"]


def test_ecs_owns_the_rules_weights_after_they_are_created(canary: RecordingMocks) -> None:
    for rule in canary.resources:
        if rule.type == RULE:
            (action,) = rule.inputs["actions"]
            assert [g["weight"] for g in action["forward"]["targetGroups"]] == [100, 0]
            assert rule.ignore_changes == [f"actions[0].forward.targetGroups[{i}]" for i in range(2)]


def test_the_test_rule_matches_the_header_before_the_production_rule(canary: RecordingMocks) -> None:
    rules = {r.name: r.inputs for r in canary.resources if r.type == RULE}
    assert rules["svc-test-rule"]["priority"] == rules["svc-rule"]["priority"] - 1
    header = [c["httpHeader"] for c in rules["svc-test-rule"]["conditions"] if "httpHeader" in c]
    assert header == [{"httpHeaderName": TEST_HEADER[0], "values": [TEST_HEADER[1]]}]


def test_the_deployment_role_is_bounded_under_the_stacks_path_and_names_only_this_route(canary: RecordingMocks) -> None:
    (role,) = [r for r in canary.resources if r.name == "svc-deploy-role"]
    assert role.inputs["path"].startswith("/") and role.inputs["permissionsBoundary"]
    (policy,) = [r for r in canary.resources if r.name == "svc-deploy-policy"]
    resources = {json.dumps(s["Resource"]) for s in json.loads(policy.inputs["policy"])["Statement"]}
    groups = sorted(r.outputs["arn"] for r in canary.resources if r.type == "aws:lb/targetGroup:TargetGroup")
    assert json.dumps(groups) in resources


def test_the_deployment_alarms_watch_both_target_groups(canary: RecordingMocks) -> None:
    names = canary.one(SERVICE).inputs["alarms"]["alarmNames"]
    groups = {a["dimensions"]["TargetGroup"] for a in canary.inputs_of("aws:cloudwatch/metricAlarm:MetricAlarm")
              if "TargetGroup" in a.get("dimensions", {})}  # fmt: skip
    assert len(names) == 4 and len(groups) == 2


def test_only_a_route_holds_a_deployment_strategy_so_a_worker_can_only_roll(mocked) -> None:
    """Canary, linear and blue/green shift a load balancer's weights (ECS CreateService, 'Load balancer
    requirement'): the strategy is a field of ``RouteSpec`` only, and a worker's deployments roll."""
    fields = {spec: {f.name for f in dataclasses.fields(spec)} for spec in (RouteSpec, ServiceSpec, FargateServiceArgs)}
    assert "deployment" in fields[RouteSpec] and "deployment" not in fields[ServiceSpec] | fields[FargateServiceArgs]
    worker = mocked(lambda: service(route=None))
    assert worker.one(SERVICE).inputs["deploymentConfiguration"]["strategy"] == "ROLLING"


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_a_shifting_service_without_alarms_is_refused_before_it_registers_anything(kind: str) -> None:
    """Nothing else rolls a shifting deployment back: the circuit breaker is for rolling ones only (ECS
    DeploymentCircuitBreaker), so without its deployment alarms a revision serving 5xx takes all traffic."""
    mocks = RecordingMocks()

    def program() -> None:
        # In an existing cluster: the service's are the only resources the program would register.
        service(deployment=DeploymentStrategy(kind=kind), cluster_arn=CLUSTER_ARN)

    with pytest.raises(ConfigError) as error:
        run_mocked(program, {"aws:region": "us-east-1"}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("DeploymentStrategy.kind", kind)
    assert error.value.allowed.startswith(f"rolling, or {kind} with FargateServiceArgs.alarms: true")
    assert mocks.resources == []


def test_a_rolling_service_needs_no_alarms_its_circuit_breaker_rolls_it_back(mocked) -> None:
    quiet = mocked(lambda: service()).one(SERVICE).inputs
    assert quiet["deploymentCircuitBreaker"] == {"enable": True, "rollback": True} and "alarms" not in quiet


def test_a_canary_with_a_smaller_max_percent_is_refused() -> None:
    with pytest.raises(ConfigError) as error:
        service(ServiceSpec(max_percent=150), deployment=CANARY)
    assert error.value.key == "ServiceSpec.max_percent"


def minutes(timeout: str) -> int:
    """A Pulumi custom timeout (``"40m"``, ``"1h"``, ``"90s"``) in whole minutes, rounded down."""
    units = {"s": 1, "m": 60, "h": 3600}
    return int(timeout[:-1]) * units[timeout[-1]] // 60


def test_pulumi_up_waits_for_the_whole_canary_and_its_bake_not_the_providers_20_minutes(canary: RecordingMocks) -> None:
    """Review 19 #1: the provider's default Update timeout is 20 minutes (``service.go``), and ECS reports a
    shifting deployment done only after its bake; the model's shift and bake, plus the green revision's
    scale-up, must fit in the wait."""
    from tests.models.ecs_deployment import deploy

    timeouts = canary.one(SERVICE).custom_timeouts
    shift_and_bake = deploy(CANARY, bad_after_minutes=None).minutes  # 12 at 2.5 % + 5 of bake
    assert minutes(timeouts["update"]) >= shift_and_bake + 10 > 20
    assert minutes(timeouts["create"]) == minutes(timeouts["update"])


def test_a_rolling_service_with_alarms_waits_for_its_batches_and_the_alarm_bake(rolling: RecordingMocks) -> None:
    """The provider waits for ECS's SUCCESSFUL, which a rolling deployment with deployment alarms reaches only
    after their bake (``tests/models/ecs_deploy_wait.py``): the default 20 minutes do not cover it."""
    from components.observability.alarm_rules import deployment_alarm_minutes
    from components.observability.unhealthy_window import WAVE_SECONDS
    from components.service.deploy_time import MARGIN_MINUTES, batch_minutes

    timeouts = rolling.one(SERVICE).custom_timeouts
    grace = rolling.one(SERVICE).inputs["healthCheckGracePeriodSeconds"]
    # One batch, one wave of task starts: the default 100/200.
    wait = batch_minutes(grace) + deployment_alarm_minutes(grace, WAVE_SECONDS) + MARGIN_MINUTES
    assert minutes(timeouts["update"]) == minutes(timeouts["create"]) == wait > 20


def rule_inputs(run: RecordingMocks) -> tuple[dict, list[str]]:
    (rule,) = [r for r in run.resources if r.name == "svc-rule"]
    return rule.inputs, rule.ignore_changes


def test_a_rolling_stack_moving_to_a_canary_gets_both_target_groups_in_its_production_rule(
    rolling: RecordingMocks, canary: RecordingMocks
) -> None:
    """Review 19 #2: with ``ignore_changes=["actions"]`` the engine kept the rolling rule's single-group
    action (the old inputs), so the alternate group was in no rule. State before: the rolling rule; after:
    the inputs the engine sends and the provider updates."""
    from tests.models.pulumi_ignore_changes import engine_inputs, provider_changes

    before, _ = rule_inputs(rolling)
    program, ignore = rule_inputs(canary)
    sent = engine_inputs(program, before, ignore)
    groups = {r.name: r.outputs["arn"] for r in canary.resources if r.type == "aws:lb/targetGroup:TargetGroup"}
    (action,) = sent["actions"]
    assert [(g["arn"], g["weight"]) for g in action["forward"]["targetGroups"]] == [
        (groups["svc-tg"], 100), (groups["svc-tg-alt"], 0)]  # fmt: skip
    assert "actions" in provider_changes(before, sent, ignore)


def test_after_ecs_has_swapped_the_weights_a_rerun_leaves_the_rule_alone(canary: RecordingMocks) -> None:
    from tests.models.pulumi_ignore_changes import engine_inputs, provider_changes

    program, ignore = rule_inputs(canary)
    swapped = json.loads(json.dumps(program))
    for group in swapped["actions"][0]["forward"]["targetGroups"]:
        group["weight"] = 100 - group["weight"]  # the state ECS left (read back by a refresh)
    assert provider_changes(swapped, engine_inputs(program, program, ignore), ignore) == set()
    # Not vacuous: without the ignore the rerun would set the weights back, to the revision ECS scaled in.
    assert provider_changes(swapped, program, []) == {"actions"}


def test_the_dashboard_graphs_both_target_groups_wherever_production_is(canary: RecordingMocks) -> None:
    """Review 19 #6: after a deploy that ends on ``-tg-alt`` a dashboard of ``-tg`` alone went flat."""
    from tests.models.cloudwatch import dashboard_metrics

    body = canary.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]
    graphed = {dict(dimensions)["TargetGroup"] for _, (_, name, dimensions) in dashboard_metrics(body)
               if name == "RequestCount"}  # fmt: skip
    groups = {r.outputs["arnSuffix"] for r in canary.resources if r.type == "aws:lb/targetGroup:TargetGroup"}
    assert graphed == groups and len(groups) == 2
