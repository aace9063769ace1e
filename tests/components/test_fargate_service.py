import dataclasses
import json
from typing import Any

import pulumi
import pytest

from components.edge.route_spec import RouteSpec
from components.edge.service_route_args import Route
from components.errors import ConfigError
from components.observability.alarm_rules import Alarms
from components.service.autoscaling_rules import Autoscaling, parse_schedule
from components.service.capacity_strategy import build_strategy
from components.service.cluster_spec import ClusterSpec, ExistingCluster
from components.service.fargate_service import FargateServiceArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import HealthCheck, ServiceSpec
from tests.components.builders import CATCH_ALL, IMAGE, LB_SUFFIX, service
from tests.models.aws_contract import CONTRACT
from tests.models.cloudwatch import alarm_metrics
from tools.offline import RecordingMocks, Registered, run_mocked

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/c"
CLUSTER = ExistingCluster(arn=CLUSTER_ARN)


def container(mocks: RecordingMocks) -> dict[str, Any]:
    (definition,) = json.loads(mocks.one(TASK).inputs["containerDefinitions"])
    return definition


@pytest.fixture(scope="module")
def default(mocked) -> RecordingMocks:
    return mocked(service)


def test_the_task_runs_on_arm64_linux_fargate_in_awsvpc_mode(default: RecordingMocks) -> None:
    task = default.one(TASK).inputs
    assert task["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert task["networkMode"] == "awsvpc"
    assert (task["cpu"], task["memory"]) == ("1024", "2048")


def test_the_service_keeps_one_on_demand_task_and_runs_the_rest_on_spot(default: RecordingMocks) -> None:
    assert default.one(SERVICE).inputs["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]


def test_the_service_omits_launch_type_when_a_strategy_is_set(default: RecordingMocks) -> None:
    assert "launchType" not in default.one(SERVICE).inputs


def test_the_service_pins_platform_version_one_four(default: RecordingMocks) -> None:
    assert default.one(SERVICE).inputs["platformVersion"] == "1.4.0"


def test_the_cluster_gets_fargate_and_fargate_spot_with_the_same_default_strategy(default: RecordingMocks) -> None:
    association = default.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs
    assert association["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert association["defaultCapacityProviderStrategies"] == default.one(SERVICE).inputs["capacityProviderStrategies"]


def test_the_service_depends_on_the_association_the_listener_rule_and_the_execution_policy(
    default: RecordingMocks,
) -> None:
    depends = {default.by_urn(urn).name for urn in default.one(SERVICE).dependencies}
    assert {"svc-capacity-providers", "svc-rule", "svc-exec-policy"} <= depends


def test_the_container_runs_the_digest_pinned_image(default: RecordingMocks) -> None:
    assert container(default)["image"] == IMAGE


def environment(mocks: RecordingMocks) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container(mocks)["environment"]}


def test_the_container_gets_the_node_and_glibc_tuning(default: RecordingMocks) -> None:
    env = environment(default)
    assert (env["MALLOC_ARENA_MAX"], env["NODE_OPTIONS"], env["UV_THREADPOOL_SIZE"]) == (
        "2",
        "--max-old-space-size=1433",
        "8",
    )


def test_the_app_is_told_the_port_health_path_timeouts_and_drain_the_task_and_alb_use(mocked) -> None:
    spec = ServiceSpec(
        container_port=8080,
        health_check=HealthCheck(path="/ready"),
        stop_timeout_seconds=100,
    )
    route = RouteSpec(listener_rule_priority=50000, deregistration_delay_seconds=60)
    mocks = mocked(lambda: service(spec, idle_timeout_seconds=120, route_spec=route))
    env = environment(mocks)
    target_group = mocks.one("aws:lb/targetGroup:TargetGroup").inputs
    assert int(env["PORT"]) == container(mocks)["portMappings"][0]["containerPort"] == target_group["port"]
    assert env["HEALTH_CHECK_PATH"] == target_group["healthCheck"]["path"] == "/ready"
    # Above any idle timeout the ALB allows (this one's 120 s included); Node's headers <= request order.
    assert int(env["KEEP_ALIVE_TIMEOUT_MS"]) > 4000 * 1000
    assert int(env["HEADERS_TIMEOUT_MS"]) <= int(env["REQUEST_TIMEOUT_MS"])
    assert int(env["DRAIN_DELAY_MS"]) == 60_000 == int(target_group["deregistrationDelay"]) * 1000
    drain_and_finish = int(env["DRAIN_DELAY_MS"]) + int(env["SHUTDOWN_TIMEOUT_MS"])
    assert drain_and_finish < container(mocks)["stopTimeout"] * 1000


def test_user_environment_is_kept_next_to_the_tuning(mocked) -> None:
    mocks = mocked(
        lambda: service(ServiceSpec(environment={"LOG_LEVEL": "debug", "NODE_OPTIONS": "--enable-source-maps"}))
    )
    env = {item["name"]: item["value"] for item in container(mocks)["environment"]}
    assert env["LOG_LEVEL"] == "debug"
    assert env["NODE_OPTIONS"] == "--enable-source-maps --max-old-space-size=1433"


def test_the_container_stops_within_fargates_two_minutes_with_an_init_process(default: RecordingMocks) -> None:
    definition = container(default)
    assert definition["stopTimeout"] == 120
    assert definition["linuxParameters"] == {"initProcessEnabled": True}


def test_the_container_runs_as_a_non_root_user_on_a_read_only_root(default: RecordingMocks) -> None:
    definition = container(default)
    assert definition["user"] == "1000:1000"
    assert definition["readonlyRootFilesystem"] is True


def test_the_container_health_check_timings_come_from_the_spec(mocked) -> None:
    spec = ServiceSpec(health_check=HealthCheck(path="/ready", interval_seconds=10, retries=2))
    check = container(mocked(lambda: service(spec)))["healthCheck"]
    assert check["command"][:3] == ["CMD", "node", "-e"]
    assert (check["interval"], check["timeout"], check["retries"], check["startPeriod"]) == (10, 5, 2, 10)


def test_logs_go_to_a_log_group_with_retention_through_awslogs(default: RecordingMocks) -> None:
    assert default.one("aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 30
    logging = container(default)["logConfiguration"]
    assert logging["logDriver"] == "awslogs"
    assert logging["options"]["awslogs-group"] == "svc-logs"
    assert logging["options"]["awslogs-region"] == "us-east-1"


def test_the_execution_role_may_pull_this_image_and_write_this_log_group_only(default: RecordingMocks) -> None:
    assert default.inputs_of("aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []
    (policy,) = [p for p in default.inputs_of("aws:iam/rolePolicy:RolePolicy") if p["role"] == "svc-exec-role-id"]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert statements["PullTheImage"]["Resource"] == "arn:aws:ecr:us-east-1:123456789012:repository/app"
    assert statements["Logs"]["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:svc-logs:log-stream:*"
    assert (statements["EcrLogin"]["Action"], statements["EcrLogin"]["Resource"]) == (
        ["ecr:GetAuthorizationToken"],
        "*",
    )


def test_both_roles_trust_ecs_tasks_of_this_account_only_the_task_role_of_its_region_too(
    default: RecordingMocks,
) -> None:
    roles = [r for r in default.resources if r.type == "aws:iam/role:Role"]
    trusts = {r.name: json.loads(r.inputs["assumeRolePolicy"]) for r in roles}
    for trust in trusts.values():
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert trusts["svc-task-role"]["Statement"][0]["Condition"]["ArnLike"] == {
        "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"
    }


def test_ecs_exec_adds_the_ssm_channels_and_a_writable_root(mocked) -> None:
    mocks = mocked(lambda: service(ServiceSpec(enable_execute_command=True)))
    (policy,) = [p for p in mocks.inputs_of("aws:iam/rolePolicy:RolePolicy") if p["role"] == "svc-task-role-id"]
    assert set(json.loads(policy["policy"])["Statement"][0]["Action"]) == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    assert mocks.one(SERVICE).inputs["enableExecuteCommand"] is True
    assert container(mocks)["readonlyRootFilesystem"] is False


def test_tasks_admit_only_the_load_balancers_security_group(default: RecordingMocks) -> None:
    (ingress,) = [r for r in default.inputs_of("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")]
    assert ingress["referencedSecurityGroupId"] == "sg-alb"
    assert (ingress["fromPort"], ingress["toPort"]) == (3000, 3000)
    assert "cidrIpv4" not in ingress and "cidrIpv6" not in ingress


def test_the_load_balancer_may_reach_only_the_app_port_of_the_tasks(default: RecordingMocks) -> None:
    alb_egress = default.find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "svc-alb-egress").inputs
    assert alb_egress["securityGroupId"] == "sg-alb"
    assert (alb_egress["ipProtocol"], alb_egress["fromPort"], alb_egress["toPort"]) == ("tcp", 3000, 3000)


def test_the_target_group_checks_health_and_drains_well_under_two_minutes(default: RecordingMocks) -> None:
    group = default.one("aws:lb/targetGroup:TargetGroup").inputs
    assert group["targetType"] == "ip"
    assert group["healthCheck"]["path"] == "/health"
    assert group["deregistrationDelay"] == 30


def test_the_listener_rule_forwards_the_path_patterns_to_the_target_group(default: RecordingMocks) -> None:
    rule = default.one("aws:lb/listenerRule:ListenerRule").inputs
    assert rule["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
    assert rule["actions"][0]["type"] == "forward"
    assert rule["priority"] == 50000  # a catch-all is the last rule


def test_deployments_roll_back_on_failure_and_wait_for_steady_state(default: RecordingMocks) -> None:
    inputs = default.one(SERVICE).inputs
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert (inputs["deploymentMinimumHealthyPercent"], inputs["deploymentMaximumPercent"]) == (100, 200)
    assert inputs["healthCheckGracePeriodSeconds"] == 60
    assert inputs["waitForSteadyState"] is True
    assert inputs["forceNewDeployment"] is True


def test_tasks_run_in_the_given_subnets_with_the_given_public_ip_choice(mocked) -> None:
    mocks = mocked(lambda: service(assign_public_ip=False, subnet_ids=["subnet-9"]))
    network = mocks.one(SERVICE).inputs["networkConfiguration"]
    assert network["subnets"] == ["subnet-9"]
    assert network["assignPublicIp"] is False


def test_container_insights_is_enhanced_by_default(default: RecordingMocks) -> None:
    assert default.one("aws:ecs/cluster:Cluster").inputs["settings"] == [
        {"name": "containerInsights", "value": "enhanced"}
    ]


def test_an_existing_cluster_is_used_without_creating_or_reassociating_one(mocked) -> None:
    arn = "arn:aws:ecs:us-east-1:123456789012:cluster/shared"
    mocks = mocked(lambda: service(cluster_arn=arn))
    assert mocks.inputs_of("aws:ecs/cluster:Cluster") == []
    assert mocks.inputs_of("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders") == []
    assert mocks.one(SERVICE).inputs["cluster"] == arn


def test_an_existing_cluster_may_come_from_another_stack_as_an_output(mocked) -> None:
    arn = pulumi.Output.from_input("arn:aws:ecs:us-east-1:123456789012:cluster/from-stack-ref")
    names: list[str] = []
    mocks = mocked(lambda: service(cluster_arn=arn).cluster_name.apply(names.append))
    assert mocks.one(SERVICE).inputs["cluster"] == "arn:aws:ecs:us-east-1:123456789012:cluster/from-stack-ref"
    assert names == ["from-stack-ref"]


def test_every_resource_descends_from_the_service_or_its_cluster_and_is_named_after_them(
    default: RecordingMocks,
) -> None:
    tops = [default.one("graviton-node:fargate_service:FargateService"), default.one("graviton-node:cluster:Cluster")]
    by_urn = {r.urn: r for r in default.resources}

    def top(resource: Registered) -> Registered:
        return top(by_urn[resource.parent]) if resource.parent in by_urn else resource

    children = [r for r in default.resources if r not in tops]
    assert children and all(top(r) in tops for r in children)
    assert all(r.name == "svc" or r.name.startswith("svc-") for r in children)


@pytest.mark.parametrize(
    ("build", "key"),
    [
        (lambda: service(container_insights="on"), "ClusterSpec.container_insights"),
        (lambda: service(cluster_arn="shared"), "ExistingCluster.arn"),
        (lambda: service(cluster_arn=""), "ExistingCluster.arn"),
        (lambda: service(ServiceSpec(cpu=1024, memory=1024)), "ServiceSpec.memory"),
        (
            lambda: service(
                ServiceSpec(
                    strategy=build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=0, use_spot=True)
                )
            ),
            "ServiceSpec.strategy[FARGATE_SPOT].weight",
        ),
    ],
)
def test_bad_arguments_fail_before_any_resource_is_registered(mocked, build, key: str) -> None:
    created: list[Any] = []
    with pytest.raises(ConfigError) as error:
        mocked(lambda: created.append(build()))
    assert error.value.key == key
    assert created == []


def test_tasks_reach_out_on_https_only_unless_told_more(default: RecordingMocks, mocked) -> None:
    def egress(mocks: RecordingMocks) -> list[tuple[str, int, str]]:
        rules = [r for r in mocks.inputs_of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")]
        return sorted((r["ipProtocol"], r["fromPort"], r.get("cidrIpv4", "")) for r in rules if "cidrIpv4" in r)

    assert egress(default) == [("tcp", 443, "0.0.0.0/0")]
    assert egress(mocked(lambda: service(egress_ports=(443, 5432)))) == [
        ("tcp", 443, "0.0.0.0/0"),
        ("tcp", 5432, "0.0.0.0/0"),
    ]


SCALING = Autoscaling(min_count=1, max_count=6, cpu_target_percent=60, memory_target_percent=75,
                      requests_per_target=500, schedules=(parse_schedule("cron(0 8 ? * MON-FRI *)=2..6"),))  # fmt: skip


@pytest.fixture(scope="module")
def scaled(mocked) -> RecordingMocks:
    return mocked(lambda: service(autoscaling=SCALING, load_balancer_arn_suffix=LB_SUFFIX))


def test_autoscaling_scales_the_services_desired_count_between_min_and_max(scaled: RecordingMocks) -> None:
    target = scaled.one("aws:appautoscaling/target:Target").inputs
    assert (target["serviceNamespace"], target["scalableDimension"]) == ("ecs", "ecs:service:DesiredCount")
    assert target["resourceId"] == "service/svc-cluster/svc-svc"
    assert (target["minCapacity"], target["maxCapacity"]) == (1, 6)


def test_each_target_becomes_a_target_tracking_policy_with_the_cooldowns(scaled: RecordingMocks) -> None:
    policies = {
        p["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"]: p
        for p in scaled.inputs_of("aws:appautoscaling/policy:Policy")
    }
    assert set(policies) == {
        "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget",
    }  # fmt: skip
    requests = policies["ALBRequestCountPerTarget"]["targetTrackingScalingPolicyConfiguration"]
    assert requests["predefinedMetricSpecification"]["resourceLabel"] == (
        f"{LB_SUFFIX}/targetgroup/svc-tg/73e2d6bc24d8a067"
    )
    assert (requests["targetValue"], requests["scaleInCooldown"], requests["scaleOutCooldown"]) == (500, 300, 60)


def test_schedules_move_the_range(scaled: RecordingMocks) -> None:
    (action,) = scaled.inputs_of("aws:appautoscaling/scheduledAction:ScheduledAction")
    assert action["schedule"] == "cron(0 8 ? * MON-FRI *)" and action["timezone"] == "UTC"
    assert action["scalableTargetAction"] == {"minCapacity": 2, "maxCapacity": 6}


def changes_on_refreshed_up(mocks: RecordingMocks, running: int) -> set[str]:
    """What ``pulumi up --refresh`` sends for the service once autoscaling has moved it to ``running``
    tasks: the engine diffs the program's inputs against the refreshed state, keeping from the state the
    inputs named in ``ignore_changes``."""
    recorded = mocks.one(SERVICE)
    state = dict(recorded.inputs, desiredCount=running)
    wanted = {k: (state[k] if k in recorded.ignore_changes else v) for k, v in recorded.inputs.items()}
    return {key for key in wanted if wanted[key] != state.get(key)}


def test_a_deploy_never_resets_a_scaled_out_service(scaled: RecordingMocks) -> None:
    assert "desiredCount" not in changes_on_refreshed_up(scaled, running=5)


def test_without_autoscaling_a_deploy_does_set_the_configured_count(default: RecordingMocks) -> None:
    """The model is not vacuous: a fixed count is restored, as it should be without a scaler."""
    assert "desiredCount" in changes_on_refreshed_up(default, running=5)


def test_desired_count_outside_the_range_or_requests_without_the_alb_are_refused() -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(desired_count=9, autoscaling=SCALING, route=CATCH_ALL)
    assert error.value.key == "ServiceSpec.desired_count"
    with pytest.raises(ConfigError) as error:
        FargateServiceArgs(spec=ServiceSpec(autoscaling=SCALING, route=CATCH_ALL), image_ref=IMAGE, cluster=CLUSTER,
                           vpc_id="v", subnet_ids=["s"], assign_public_ip=False,
                           route=Route(listener_arn="l", load_balancer_security_group_id="sg",
                                       idle_timeout_seconds=60))  # fmt: skip
    assert error.value.key == "Autoscaling.requests_per_target"


def test_a_worker_s_spec_scaling_on_requests_per_target_is_refused_when_it_is_built() -> None:
    """No route, no target group to count requests on: the spec says so, before any queue or args exist."""
    with pytest.raises(ConfigError) as error:
        ServiceSpec(autoscaling=Autoscaling(requests_per_target=100))
    assert (error.value.key, error.value.value) == ("Autoscaling.requests_per_target", 100)
    assert ServiceSpec(autoscaling=Autoscaling(requests_per_target=100), route=CATCH_ALL).autoscaling


@pytest.fixture(scope="module")
def alarmed(mocked) -> RecordingMocks:
    alarms = Alarms(emails=("ops@example.com", "oncall@example.com"))
    return mocked(lambda: service(alarms=alarms, load_balancer_arn_suffix=LB_SUFFIX))


def alarms_by_role(mocks: RecordingMocks) -> dict[str, Any]:
    return {
        r.name.removeprefix("svc-alarms-"): r
        for r in mocks.resources
        if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm" and r.name.startswith("svc-alarms-")
    }


def test_a_service_joining_another_stacks_load_balancer_leaves_its_own_5xx_to_the_owner(mocked) -> None:
    """HTTPCode_ELB_5XX_Count has the load balancer as its one dimension: a joining service's copy would alarm,
    to its own topic, on every other service's 503s."""
    joined = RouteSpec(path_patterns=("/orders",), listener_rule_priority=300)
    mocks = mocked(lambda: service(alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX, route_spec=joined,
                                   alarm_on_load_balancer=False))  # fmt: skip
    assert "elb-5xx" not in alarms_by_role(mocks) and "target-5xx" in alarms_by_role(mocks)


def test_alarms_watch_the_target_group_the_load_balancer_and_the_service_and_tell_the_topic(
    alarmed: RecordingMocks,
) -> None:
    alarms = alarms_by_role(alarmed)
    assert set(alarms) == {"target-5xx", "unhealthy", "response-time", "elb-5xx", "cpu", "memory"}
    target = {"LoadBalancer": LB_SUFFIX, "TargetGroup": "targetgroup/svc-tg/73e2d6bc24d8a067"}
    assert alarms["unhealthy"].inputs["dimensions"] == target
    assert [dict(metric[2]) for metric in alarm_metrics(alarms["elb-5xx"].inputs)] == [{"LoadBalancer": LB_SUFFIX}]
    assert [dict(metric[2]) for metric in alarm_metrics(alarms["target-5xx"].inputs)] == [target, target]
    assert alarms["memory"].inputs["dimensions"] == {"ClusterName": "svc-cluster", "ServiceName": "svc-svc"}
    topic = alarmed.one("aws:sns/topic:Topic")
    assert all(
        a.inputs["alarmActions"] == [f"arn:aws:sns:us-east-1:123456789012:{topic.name}"] for a in alarms.values()
    )
    endpoints = sorted(s["endpoint"] for s in alarmed.inputs_of("aws:sns/topicSubscription:TopicSubscription"))
    assert endpoints == ["oncall@example.com", "ops@example.com"]


def test_a_deployment_that_serves_errors_rolls_back_on_the_5xx_and_unhealthy_alarms(alarmed: RecordingMocks) -> None:
    deployment = alarmed.one(SERVICE).inputs["alarms"]
    assert deployment == {
        "alarmNames": ["svc-alarms-target-5xx", "svc-alarms-unhealthy"],
        "enable": True,
        "rollback": True,
    }
    depends = {alarmed.by_urn(urn).name for urn in alarmed.one(SERVICE).dependencies}
    assert {"svc-alarms-target-5xx", "svc-alarms-unhealthy"} <= depends  # they exist before the service


def test_without_addresses_there_is_no_topic_and_without_alarms_no_deployment_alarms(mocked, default) -> None:
    quiet = mocked(lambda: service(alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX))
    assert quiet.inputs_of("aws:sns/topic:Topic") == []
    assert all(a.inputs.get("alarmActions", []) == [] for a in alarms_by_role(quiet).values())
    assert "alarms" not in default.one(SERVICE).inputs


KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_ecs_exec_sessions_are_logged_and_encrypted_with_the_given_key(mocked) -> None:
    mocks = mocked(lambda: service(ServiceSpec(enable_execute_command=True), exec_kms_key_arn=KEY))
    configuration = mocks.one("aws:ecs/cluster:Cluster").inputs["configuration"]["executeCommandConfiguration"]
    assert (configuration["logging"], configuration["kmsKeyId"]) == ("OVERRIDE", KEY)
    assert configuration["logConfiguration"] == {
        "cloudWatchLogGroupName": "svc-exec-logs",
        "cloudWatchEncryptionEnabled": True,
    }
    assert mocks.find("aws:cloudwatch/logGroup:LogGroup", "svc-exec-logs").inputs["kmsKeyId"] == KEY
    (policy,) = [p for p in mocks.inputs_of("aws:iam/rolePolicy:RolePolicy") if p["role"] == "svc-task-role-id"]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert (
        statements["SessionLog"]["Resource"]
        == "arn:aws:logs:us-east-1:123456789012:log-group:svc-exec-logs:log-stream:*"
    )
    assert statements["SessionKey"] == {
        "Sid": "SessionKey",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": KEY,
    }


def test_without_ecs_exec_the_cluster_has_no_exec_configuration(default: RecordingMocks) -> None:
    assert "configuration" not in default.one("aws:ecs/cluster:Cluster").inputs


def test_the_component_refuses_a_partial_secrets_manager_arn_as_the_config_does() -> None:
    """Other projects build these args themselves: the execution role could never read such a secret."""
    partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"
    with pytest.raises(ConfigError) as error:
        ServiceAccess(secrets={"DB": partial})
    assert (error.value.key, error.value.value) == ("ServiceAccess.secrets", f"DB={partial}")
    assert "6-character suffix" in error.value.allowed


def test_a_service_without_a_route_runs_with_no_load_balancer_wiring(mocked) -> None:
    """A worker: no target group, listener rule or rule pair with a load balancer's security group."""
    mocks = mocked(lambda: service(route=None))
    for absent in ("aws:lb/targetGroup:TargetGroup", "aws:lb/listenerRule:ListenerRule",
                   "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                   "graviton-node:service_route:ServiceRoute"):  # fmt: skip
        assert mocks.inputs_of(absent) == [], absent
    egress = mocks.inputs_of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert [rule.get("cidrIpv4") for rule in egress] == ["0.0.0.0/0"]
    inputs = mocks.one(SERVICE).inputs
    assert not inputs.get("loadBalancers") and "healthCheckGracePeriodSeconds" not in inputs


def test_a_service_without_a_route_tells_its_app_no_load_balancer_timeouts_and_gives_it_the_whole_stop(
    mocked,
) -> None:
    mocks = mocked(lambda: service(ServiceSpec(stop_timeout_seconds=120), route=None))
    (container,) = json.loads(mocks.one(TASK).inputs["containerDefinitions"])
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert not {"KEEP_ALIVE_TIMEOUT_MS", "HEADERS_TIMEOUT_MS", "REQUEST_TIMEOUT_MS", "DRAIN_DELAY_MS"} & env.keys()
    assert env["SHUTDOWN_TIMEOUT_MS"] == "115000"  # stopTimeout less the exit margin: no drain to wait out


def test_a_service_without_a_route_alarms_on_itself_with_a_dashboard_without_a_route_s_widgets(mocked) -> None:
    mocks = mocked(lambda: service(route=None, alarms=Alarms()))
    alarms = {r.name for r in mocks.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"}
    own = {"svc-alarms-cpu", "svc-alarms-memory", "svc-monitoring-spot-alarm", "svc-monitoring-below-desired",
           "svc-monitoring-counter-silent"}  # fmt: skip
    assert alarms == own
    assert "AWS/ApplicationELB" not in mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"]
    assert not mocks.one(SERVICE).inputs.get("alarms")  # no route: no deployment alarms to roll back on


def test_a_worker_that_stops_in_thirty_seconds_registers_with_all_but_the_exit_margin_to_finish(mocked) -> None:
    mocks = mocked(lambda: service(ServiceSpec(stop_timeout_seconds=30), route=None))
    assert container(mocks)["stopTimeout"] == 30
    assert environment(mocks)["SHUTDOWN_TIMEOUT_MS"] == "25000"


def test_a_worker_without_a_health_check_has_neither_a_port_nor_a_health_check_and_passes_aws_s_rules(
    mocked,
) -> None:
    """CDK's queue worker: nothing requests the app, so it need not serve HTTP on PORT."""
    mocks = mocked(lambda: service(ServiceSpec(health_check=None), route=None))
    assert not {"portMappings", "healthCheck"} & container(mocks).keys()
    assert not {"PORT", "HEALTH_CHECK_PATH"} & environment(mocks).keys()
    problems, _ = CONTRACT.problems(TASK, "svc-task", mocks.one(TASK).inputs)
    assert problems == []


def test_a_routed_service_without_a_health_check_is_refused_before_anything_is_registered(mocked) -> None:
    created: list[Any] = []
    with pytest.raises(ConfigError) as error:
        mocked(lambda: created.append(service(ServiceSpec(health_check=None))))
    assert (error.value.key, error.value.value, created) == ("ServiceSpec.health_check", None, [])
    assert "with a ServiceSpec.route" in error.value.allowed


def test_the_grace_period_is_the_route_s(mocked) -> None:
    route = RouteSpec(listener_rule_priority=50000, health_check_grace_period_seconds=90)
    assert mocked(lambda: service(route_spec=route)).one(SERVICE).inputs["healthCheckGracePeriodSeconds"] == 90


def test_a_service_s_security_group_keeps_one_description_with_or_without_a_route(default, mocked) -> None:
    """EC2 cannot change a group's description: a route added or removed must not replace the group."""
    worker = mocked(lambda: service(route=None))
    descriptions = {m.one("aws:ec2/securityGroup:SecurityGroup").inputs["description"] for m in (default, worker)}
    assert descriptions == {"Tasks: container port from the load balancer only"}  # 0.4.0's, kept


def resolve(outputs: dict[str, Any], **values: Any) -> None:
    """Record what each Output resolves to under ``outputs`` (the run waits for every apply)."""
    for key, value in values.items():
        pulumi.Output.from_input(value).apply(lambda v, key=key: outputs.__setitem__(key, v))


def test_the_route_s_scaling_label_and_widgets_are_what_the_policy_and_the_dashboard_use(mocked) -> None:
    scaling = Autoscaling(min_count=1, max_count=4, requests_per_target=100)
    seen: dict[str, Any] = {}

    def program() -> None:
        route = service(alarms=Alarms(), autoscaling=scaling, load_balancer_arn_suffix=LB_SUFFIX).route
        assert route is not None and route.resource_label is not None and route.widgets is not None
        resolve(seen, label=route.resource_label, widgets=route.widgets, suffix=route.target_group_arn_suffix)

    mocks = mocked(program)
    requests = mocks.find("aws:appautoscaling/policy:Policy", "svc-scaling-requests").inputs
    label = requests["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]["resourceLabel"]
    assert label == seen["label"] == f"{LB_SUFFIX}/{seen['suffix']}"
    body = json.loads(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    assert seen["widgets"] and all(widget in body["widgets"] for widget in seen["widgets"])


def test_the_service_s_scalable_target_is_the_one_it_registers(mocked) -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        scaled, fixed = service(autoscaling=Autoscaling(min_count=1, max_count=4)), service_named("fixed")
        assert scaled.scalable_target is not None and fixed.scalable_target is None
        resolve(seen, urn=scaled.scalable_target.urn)

    (target,) = [r for r in mocked(program).resources if r.type == "aws:appautoscaling/target:Target"]
    assert seen["urn"] == target.urn


def service_named(name: str):
    from components.service.fargate_service import FargateService

    return FargateService(name, FargateServiceArgs(spec=ServiceSpec(), image_ref=IMAGE, cluster=CLUSTER, vpc_id="v",
                                                   subnet_ids=["s"], assign_public_ip=False))  # fmt: skip


def test_ecs_exec_in_an_existing_cluster_decrypts_with_the_key_that_cluster_names(mocked) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    mocks = mocked(lambda: service(ServiceSpec(enable_execute_command=True), cluster_arn=CLUSTER_ARN, exec_key=key))
    policy = json.loads(mocks.find("aws:iam/rolePolicy:RolePolicy", "svc-exec-command").inputs["policy"])
    assert {"Sid": "SessionKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": key} in policy["Statement"]


def test_an_exec_key_is_the_cluster_s_so_a_cluster_that_brings_its_own_cannot_be_given_another() -> None:
    """Up to 0.4.0 the args took a key beside a ``Cluster`` and refused it: now only a cluster names one."""
    assert "exec_kms_key_arn" not in {f.name for f in dataclasses.fields(FargateServiceArgs)}
    assert all("exec_kms_key_arn" in {f.name for f in dataclasses.fields(c)} for c in (ClusterSpec, ExistingCluster))
    with pytest.raises(ConfigError) as error:
        ExistingCluster(arn=CLUSTER_ARN, exec_kms_key_arn="alias/exec")
    assert error.value.key == "ExistingCluster.exec_kms_key_arn"


def test_each_secret_value_keeps_the_parameter_name_earlier_releases_registered_it_under(mocked) -> None:
    mocks = mocked(lambda: service(secret_values={"DB_KEY": "a", "Api_Token": "b"}))
    names = sorted(r.name for r in mocks.resources if r.type == "aws:ssm/parameter:Parameter")
    assert names == ["svc-secret-api-token", "svc-secret-db-key"]


def test_secret_values_of_a_service_in_a_project_named_aws_are_refused_before_anything_is_registered() -> None:
    created: list[Any] = []
    with pytest.raises(ConfigError) as error:
        run_mocked(lambda: created.append(service(secret_values={"TOKEN": "t"})), project="aws")
    assert error.value.key == "FargateServiceArgs.secret_values" and "Pulumi project 'aws'" in error.value.allowed
    assert created == []
