import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from policies import POLICIES
from rules import RULES, STACK_RULES, stack_violations, violations
from tools.offline import RecordingMocks, Registered, Run, run_program

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
RULES_BY_NAME = {rule.name: rule for rule in (*RULES, *STACK_RULES)}


def stack_policy_config(stack: str) -> dict[str, Any]:
    return json.loads((POLICY / f"config.{stack}.json").read_text())


@functools.cache
def program_run(stack: str) -> Run:
    return run_program(stack)


def example_resources() -> list[Registered]:
    mocks = RecordingMocks(stack_outputs={"acme/graviton-node/dev": program_run("dev").outputs})
    return run_program("dev", mocks=mocks, root=ROOT / "examples" / "second-service").mocks.resources


def validate(resource_type: str, props: dict[str, Any], config: dict[str, Any] | None = None) -> list[str]:
    """Run every policy of the pack, as the engine would, and collect what they report."""
    reported: list[str] = []
    for policy in POLICIES:
        args = ResourceValidationArgs(
            resource_type,
            props,
            "urn:pulumi:test::p::" + resource_type + "::r",
            "r",
            PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []),
            None,
            RULES_BY_NAME[policy.name].config((config or {}).get(policy.name)),
        )
        policy.validate(args, lambda message, urn=None, name=policy.name: reported.append(f"{name}: {message}"))
    return reported


def enforcement(rule: str, config: dict[str, Any]) -> str:
    """The level the engine applies: the stack config's ``enforcementLevel`` (or its string shorthand),
    else the pack's default, mandatory."""
    setting = config.get(rule, {})
    return setting if isinstance(setting, str) else setting.get("enforcementLevel", "mandatory")


def settings(config: dict[str, Any]) -> dict[str, Any]:
    """The stack config without enforcement levels: what each rule receives."""
    return {
        k: {n: v for n, v in c.items() if n != "enforcementLevel"} for k, c in config.items() if isinstance(c, dict)
    }


def as_deployed(run: Run) -> list[tuple[str, dict[str, Any]]]:
    """Each resource's props as a stack policy sees them: inputs plus the outputs the mocks answer."""
    return [
        (r.type, {**r.inputs, "name": r.inputs.get("name", r.name), "id": f"{r.name}-id"}) for r in run.mocks.resources
    ]


def stack_report(stack: str, run: Run) -> dict[str, list[str]]:
    """Every violation the pack reports for the stack, by the level the stack's config gives it."""
    config = stack_policy_config(stack)
    found = [m for r in run.mocks.resources for m in violations(r.type, r.inputs, settings(config))]
    found += stack_violations(as_deployed(run), settings(config))
    levels: dict[str, list[str]] = {"mandatory": [], "advisory": []}
    for message in found:
        levels[enforcement(message.split(":", 1)[0], config)].append(message)
    return levels


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_nothing_the_program_registers_breaks_a_mandatory_rule_of_its_stack(stack: str) -> None:
    assert stack_report(stack, program_run(stack))["mandatory"] == []


def test_prod_meets_every_control() -> None:
    assert stack_report("prod", program_run("prod")) == {"mandatory": [], "advisory": []}


def test_dev_differs_from_prod_only_where_it_means_to_and_is_told_so() -> None:
    advisory = {m.split(":", 1)[0] for m in stack_report("dev", program_run("dev"))["advisory"]}
    assert advisory == {
        "ecs-service-not-exposed",  # tasks in the default VPC's public subnets
        "ecs-container-insights",  # off to save money
        "elb-access-logs",
        "elb-deletion-protection",
        "elb-https-only",
    }


def test_the_pack_wrappers_report_what_the_rules_find() -> None:
    assert validate(TASK, {"runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
                           "requiresCompatibilities": ["FARGATE"], "containerDefinitions": "[]"}) == [
        "ecs-task-arm64-fargate: runtimePlatform is {'cpuArchitecture': 'X86_64', 'operatingSystemFamily': "
        "'LINUX'}; set runtime_platform={\"cpu_architecture\": \"ARM64\", \"operating_system_family\": "
        "\"LINUX\"} and build the image for linux/arm64."
    ]  # fmt: skip
    assert validate("aws:s3/bucket:Bucket", {}) == []


GOOD_STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 0},
    {"capacityProvider": "FARGATE_SPOT", "weight": 1},
]
ARM64 = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
CONTAINER = {"name": "app", "stopTimeout": 120, "user": "1000:1000"}
WORLD_3000 = {"protocol": "tcp", "fromPort": 3000, "toPort": 3000, "cidrBlocks": ["0.0.0.0/0"]}
WORLD_5432 = {"type": "ingress", "protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}
SCANNED = {"scanOnPush": True}
LB = "aws:lb/loadBalancer:LoadBalancer"

BAD = [
    (TASK, {"requiresCompatibilities": ["EC2"], "runtimePlatform": ARM64}, "requiresCompatibilities lacks FARGATE"),
    (TASK, {"requiresCompatibilities": ["FARGATE"]}, "runtimePlatform is unset"),
    (SERVICE, {"launchType": "FARGATE", "capacityProviderStrategies": GOOD_STRATEGY}, "remove launch_type"),
    (SERVICE, {"capacityProviderStrategies": [{"capacityProvider": "FARGATE", "weight": 1}]}, "has no FARGATE_SPOT"),
    (SERVICE, {"launchType": "FARGATE"}, "no capacity-provider strategy"),
    (INGRESS_RULE, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}, "ports 22-22"),
    (INGRESS_RULE, {"cidrIpv6": "::/0", "ipProtocol": "-1", "fromPort": 0, "toPort": 0}, "Ingress from ::/0"),
    (INGRESS_RULE, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 0, "toPort": 65535}, "ports 0-65535"),
    ("aws:ec2/securityGroup:SecurityGroup", {"ingress": [WORLD_3000]}, "ports 3000-3000"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", WORLD_5432, "ports 5432-5432"),
    ("aws:cloudwatch/logGroup:LogGroup", {}, "set retention_in_days"),
    (
        "aws:ecr/repository:Repository",
        {"imageTagMutability": "MUTABLE", "imageScanningConfiguration": SCANNED},
        "set IMMUTABLE",
    ),
    ("aws:ecr/repository:Repository", {"imageTagMutability": "IMMUTABLE"}, "scan_on_push"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"stopTimeout": 300}])}, "stopTimeout is 300"),
    (TASK, {"containerDefinitions": json.dumps([{"name": "app", "user": "1000"}])}, "stopTimeout is None"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "root"}])}, "runs as root"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "0:0"}])}, "runs as root"),
    (TASK, {"containerDefinitions": json.dumps([{"name": "app", "stopTimeout": 30}])}, "the image's default user"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "0000:0"}])}, "runs as root"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": " 00"}])}, "runs as root"),
    (INGRESS_RULE, {"cidrIpv4": "0.0.0.0/1", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}, "0.0.0.0/1"),
    (INGRESS_RULE, {"cidrIpv6": "2000::/3", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}, "2000::/3"),
    # The crafted task of the review: privileged, writable root, a password in its environment.
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"privileged": True}])}, "is privileged"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"readonlyRootFilesystem": False}])}, "writable root"),
    (
        TASK,
        {"containerDefinitions": json.dumps([CONTAINER | {"environment": [{"name": "DB_PASSWORD", "value": "x"}]}])},
        "passes DB_PASSWORD as plain environment",
    ),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"readonlyRootFilesystem": True}])}, "no logConfiguration"),
    (
        SERVICE,
        {"capacityProviderStrategies": GOOD_STRATEGY, "networkConfiguration": {"assignPublicIp": True}},
        "Tasks get public IPs",
    ),
    (SERVICE, {"capacityProviderStrategies": GOOD_STRATEGY, "enableExecuteCommand": True}, "ECS Exec is on"),
    (
        "aws:ecs/cluster:Cluster",
        {"settings": [{"name": "containerInsights", "value": "disabled"}]},
        "Container Insights is off",
    ),
    (LB, {"dropInvalidHeaderFields": False}, "drop_invalid_header_fields"),
    (LB, {"dropInvalidHeaderFields": True, "desyncMitigationMode": "monitor"}, "desyncMitigationMode is 'monitor'"),
    (LB, {"dropInvalidHeaderFields": True}, "no access logs"),
    (LB, {"dropInvalidHeaderFields": True}, "set deletionProtection"),
    ("aws:lb/listener:Listener", {"protocol": "HTTP", "defaultActions": [{"type": "forward"}]}, "redirect it to HTTPS"),
    (
        "aws:lb/listener:Listener",
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08"},
        "allows TLS before 1.2",
    ),
    ("aws:lb/listener:Listener", {"protocol": "HTTPS"}, "sslPolicy 'unset'"),
    (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
        "AWS-managed policy",
    ),
    (
        "aws:iam/rolePolicy:RolePolicy",
        {"policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": ["ecr:BatchGetImage"], "Resource": "*"}]})},
        "ecr:BatchGetImage on every resource",
    ),
    (
        "aws:iam/rolePolicy:RolePolicy",
        {"policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]})},
        "Wildcard actions s3:*",
    ),
    ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", {"policyName": "spot-events"}, "one of the region's 10"),
    ("aws:lambda/permission:Permission", {"principal": "*", "action": "lambda:InvokeFunction"}, "principal '*'"),
    ("aws:lambda/permission:Permission", {"principal": "events.amazonaws.com"}, "without sourceArn"),
    # ListTasks on "*" is scoped only by a cluster condition naming one cluster.
    (
        "aws:iam/rolePolicy:RolePolicy",
        {"policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "ecs:ListTasks", "Resource": "*"}]})},
        "ecs:ListTasks on every resource",
    ),
    (
        "aws:iam/rolePolicy:RolePolicy",
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "ecs:ListTasks",
                            "Resource": "*",
                            "Condition": {"ArnLike": {"ecs:cluster": "arn:aws:ecs:*"}},
                        }
                    ]
                }
            )
        },
        "ecs:ListTasks on every resource",
    ),
]


@pytest.mark.parametrize(
    ("resource_type", "props", "fix"), BAD, ids=[f"{t.split(':')[-1]}-{i}" for i, (t, _, _) in enumerate(BAD)]
)
def test_each_rule_fires_on_a_bad_resource_with_a_message_that_says_how_to_fix_it(
    resource_type: str, props: dict[str, Any], fix: str
) -> None:
    reported = validate(resource_type, props)
    assert any(fix in message for message in reported), reported


def test_production_needs_an_on_demand_base_and_dev_does_not() -> None:
    all_spot = {
        "capacityProviderStrategies": [
            {"capacityProvider": "FARGATE", "weight": 0},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ]
    }
    assert validate(SERVICE, all_spot, stack_policy_config("dev")) == []
    (message,) = validate(SERVICE, all_spot, stack_policy_config("prod"))
    assert "FARGATE base is 0 but this stack needs at least 2" in message and "fargateBase" in message


def test_listener_ports_may_be_open_to_the_world_and_the_list_is_configurable() -> None:
    http = {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80}
    assert validate(INGRESS_RULE, http) == []
    assert validate(INGRESS_RULE, http, {"no-world-open-ingress": {"loadBalancerPorts": [443]}}) != []
    assert (
        validate(INGRESS_RULE, {"referencedSecurityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22})
        == []
    )


def test_the_pack_manifest_and_stack_configs_name_real_policies_and_settings() -> None:
    manifest = yaml.safe_load((POLICY / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    for stack_config_file in POLICY.glob("config.*.json"):
        for policy, settings in json.loads(stack_config_file.read_text()).items():
            assert policy in RULES_BY_NAME, stack_config_file.name
            known = {*RULES_BY_NAME[policy].config_properties, "enforcementLevel"}
            assert set(settings) <= known, stack_config_file.name
            assert settings.get("enforcementLevel", "advisory") in ("advisory", "mandatory", "disabled")
    assert "PolicyPack(" in (POLICY / "__main__.py").read_text()


def test_a_repository_without_a_lifecycle_policy_is_reported() -> None:
    repo = "aws:ecr/repository:Repository"
    resources = [(repo, {"name": "orphan"}), (repo, {"name": "kept"}),
                 ("aws:ecr/lifecyclePolicy:LifecyclePolicy", {"repository": "kept"})]  # fmt: skip
    (message,) = stack_violations(resources)
    assert message.startswith("ecr-lifecycle: ECR repository 'orphan' has no lifecycle policy")


def test_a_listener_port_open_to_the_world_is_allowed_only_on_a_load_balancers_group() -> None:
    http = {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}
    on_lb = [(LB, {"securityGroups": ["sg-alb"]}), (INGRESS_RULE, http | {"securityGroupId": "sg-alb"})]
    on_tasks = [(LB, {"securityGroups": ["sg-alb"]}), (INGRESS_RULE, http | {"securityGroupId": "sg-tasks"})]
    assert stack_violations(on_lb) == []
    (message,) = stack_violations(on_tasks)
    assert "Port 443 is open to 0.0.0.0/0 on sg-tasks, which no load balancer uses" in message


def test_the_stack_policies_wrap_the_stack_rules() -> None:
    from policies import STACK_POLICIES

    assert [p.name for p in STACK_POLICIES] == [r.name for r in STACK_RULES]


def test_docs_policy_lists_every_rule_with_what_dev_and_prod_do() -> None:
    table = (ROOT / "docs" / "policy.md").read_text()
    dev, prod = stack_policy_config("dev"), stack_policy_config("prod")
    for name in RULES_BY_NAME:
        (row,) = [line for line in table.splitlines() if line.startswith("|") and f"`{name}`" in line]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[-2:] == [enforcement(name, dev), enforcement(name, prod)], row


def test_production_services_must_autoscale_and_dev_ones_need_not() -> None:
    service = ("aws:ecs/service:Service", {"name": "prod-app-svc"})
    scaling = {"resourceId": "service/prod-app-cluster/prod-app-svc", "scalableDimension": "ecs:service:DesiredCount"}
    target = ("aws:appautoscaling/target:Target", scaling)
    prod = settings(stack_policy_config("prod"))
    assert stack_violations([service], settings(stack_policy_config("dev"))) == []

    def autoscale(found: list[str]) -> list[str]:
        return [m for m in found if m.startswith("services-autoscale:")]

    (message,) = autoscale(stack_violations([service], prod))
    assert message.startswith("services-autoscale: ECS service 'prod-app-svc' does not autoscale")
    assert autoscale(stack_violations([service, target], prod)) == []


def test_production_services_must_roll_back_on_alarms_and_watch_memory() -> None:
    prod = settings(stack_policy_config("prod"))
    bare = ("aws:ecs/service:Service", {"name": "prod-app-svc"})
    assert [m.split(";")[0] for m in stack_violations([bare], prod) if m.startswith("services-alarmed:")] == [
        "services-alarmed: ECS service 'prod-app-svc' has no deployment alarms with rollback",
        "services-alarmed: ECS service 'prod-app-svc' has no memory alarm",
    ]
    alarmed = ("aws:ecs/service:Service",
               {"name": "prod-app-svc", "alarms": {"enable": True, "rollback": True, "alarmNames": ["a"]}})  # fmt: skip
    memory = ("aws:cloudwatch/metricAlarm:MetricAlarm",
              {"metricName": "MemoryUtilization", "dimensions": {"ServiceName": "prod-app-svc"}})  # fmt: skip
    assert [m for m in stack_violations([alarmed, memory], prod) if m.startswith("services-alarmed:")] == []
    assert stack_violations([bare], settings(stack_policy_config("dev"))) == []
