import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from conditions import names_callers
from documents import action_matches, arn_matches, every_resource
from iam_policies import NO_RESOURCE_LEVEL
from load_balancers import accepts_only_tls12_or_later
from policies import POLICIES
from rules import RULES, STACK_RULES
from tests.models import iam
from tests.policy.corpus import CORPUS, Case
from tests.policy.engine import engine, shown_as_written, stack_violations, violations
from tests.program.stacks import PROGRAMS, run_config
from tools.offline import Run

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
RULES_BY_NAME = {rule.name: rule for rule in (*RULES, *STACK_RULES)}


#: The stack whose policy config each program is held to: maximal is prod with every option on, the
#: example runs beside dev.
POLICY_STACK = {"dev": "dev", "prod": "prod", "maximal": "prod", "second-service": "dev", "worker": "dev"}


def stack_policy_config(stack: str) -> dict[str, Any]:
    return json.loads((POLICY / f"config.{stack}.json").read_text())


def validate(resource_type: str, props: dict[str, Any], config: dict[str, Any] | None = None) -> list[str]:
    """Run every policy of the pack, as the engine would, and collect what they report."""
    reported: list[str] = []
    for policy in POLICIES:
        args = ResourceValidationArgs(
            resource_type,
            engine(props),
            "urn:pulumi:test::p::" + resource_type + "::r",
            "r",
            PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), []),
            None,
            RULES_BY_NAME[policy.name].config((config or {}).get(policy.name)),
        )
        policy.validate(args, lambda message, urn=None, name=policy.name: reported.append(f"{name}: {message}"))
    return shown_as_written(reported)


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
    """Each resource's props as a stack policy sees them: its outputs, as the mocks answer them (AWS's
    values, such as ARNs), over its inputs."""
    return [
        (r.type, {**r.inputs, **r.outputs, "name": r.inputs.get("name", r.name), "id": r.id})
        for r in run.mocks.resources
    ]


def stack_report(stack: str, run: Run, config: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Every violation the pack reports for the stack, by the level the stack's config (or ``config``, a
    stack config file's content) gives it."""
    config = stack_policy_config(stack) if config is None else config
    found = [m for r in run.mocks.resources for m in violations(r.type, r.inputs, settings(config))]
    found += stack_violations(as_deployed(run), settings(config))
    levels: dict[str, list[str]] = {"mandatory": [], "advisory": []}
    for message in found:
        levels[enforcement(message.split(":", 1)[0], config)].append(message)
    return levels


def ecs_exec_opt_in() -> dict[str, Any]:
    """The policy config a stack that turns ECS Exec on adds, as docs/policy.md shows it."""
    text = (ROOT / "docs" / "policy.md").read_text()
    block = re.search(r"```json\n(.*?allowExecuteCommand.*?)```", text, re.DOTALL)
    assert block, "docs/policy.md shows the ECS Exec opt-in as a json block"
    return json.loads(block.group(1))


def with_ecs_exec_allowed(config: dict[str, Any]) -> dict[str, Any]:
    return config | {rule: config.get(rule, {}) | setting for rule, setting in ecs_exec_opt_in().items()}


@pytest.mark.parametrize("program", ["dev", "prod", "second-service"])
def test_nothing_the_program_registers_breaks_a_mandatory_rule_of_its_stack(program: str) -> None:
    assert stack_report(POLICY_STACK[program], run_config(program))["mandatory"] == []


def test_prod_meets_every_control() -> None:
    assert stack_report("prod", run_config("prod")) == {"mandatory": [], "advisory": []}


def test_every_option_on_meets_every_control_once_the_stack_allows_the_ecs_exec_it_turns_on() -> None:
    """maximal is prod with every option on, ECS Exec among them: break-glass access that a stack
    allows in its policy config, the documented opt-in, and nothing else relaxed."""
    report = stack_report("prod", run_config("maximal"), with_ecs_exec_allowed(stack_policy_config("prod")))
    assert report == {"mandatory": [], "advisory": []}


def test_prods_own_config_refuses_the_ecs_exec_maximal_turns_on_and_the_writable_root_it_needs() -> None:
    assert stack_report("prod", run_config("maximal")) == {
        "mandatory": [
            "ecs-containers-hardened: Container 'app' has a writable root; set readonlyRootFilesystem (ECS Exec is "
            "what turns it off).",
            "ecs-service-not-exposed: ECS Exec is on: anyone allowed ecs:ExecuteCommand gets a shell; set "
            "enableExecuteCommand false.",
        ],
        "advisory": [],
    }


def test_allowing_ecs_exec_waives_the_exec_flag_and_the_writable_root_and_nothing_else() -> None:
    allowed = settings(with_ecs_exec_allowed({}))
    task = {"containerDefinitions": json.dumps([CONTAINER | {
        "privileged": True, "readonlyRootFilesystem": False, "environment": [{"name": "DB_PASSWORD", "value": "x"}],
    }])}  # fmt: skip
    service = {
        "capacityProviderStrategies": GOOD_STRATEGY,
        "networkConfiguration": {"assignPublicIp": True},
        "enableExecuteCommand": True,
        "deploymentCircuitBreaker": ROLLS_BACK,
    }
    hardening = [m for m in violations(TASK, task, allowed) if m.startswith("ecs-containers-hardened:")]
    assert [m.split(":", 1)[1].split(";")[0].strip() for m in hardening] == [
        "Container 'app' is privileged",
        "Container 'app' passes DB_PASSWORD as plain environment",
        "Container 'app' has no logConfiguration",
    ]
    assert violations(SERVICE, service, allowed) == [
        "ecs-service-not-exposed: Tasks get public IPs; run them in private subnets (taskSubnetIds, or vpc: new "
        "with NAT)."
    ]


def rules_reported(findings: list[str]) -> set[str]:
    return {m.split(":", 1)[0] for m in findings}


def test_dev_differs_from_prod_only_where_it_means_to_and_is_told_so() -> None:
    assert rules_reported(stack_report("dev", run_config("dev"))["advisory"]) == {
        "ecs-service-not-exposed",  # tasks in the default VPC's public subnets
        "ecs-container-insights",  # off to save money
        "elb-access-logs",
        "elb-deletion-protection",
        "elb-https-only",
        "elb-https-only-listener-rules",  # the service's rule forwards on that HTTP listener
    }


def test_the_example_service_beside_dev_differs_from_prod_only_in_its_public_tasks() -> None:
    assert rules_reported(stack_report("dev", run_config("second-service"))["advisory"]) == {"ecs-service-not-exposed"}


@pytest.mark.parametrize("program", PROGRAMS)
def test_no_program_breaks_a_rule_the_corpus_exercises(program: str) -> None:
    """Not vacuous: those rules see the programs' roles, policies, trusts, listeners, buckets and log policies."""
    config = stack_policy_config(POLICY_STACK[program])
    # maximal turns ECS Exec on, which its stack allows in its config (the documented opt-in).
    config = with_ecs_exec_allowed(config) if program == "maximal" else config
    report = stack_report(POLICY_STACK[program], run_config(program), config)
    found = rules_reported(report["mandatory"] + report["advisory"]) & {case.rule for case in CORPUS}
    plain_http = {"elb-https-only", "elb-https-only-listener-rules"}  # dev serves plain HTTP, its rule too
    assert found <= (plain_http if POLICY_STACK[program] == "dev" else set())


def test_the_rules_the_corpus_exercises_see_what_production_registers() -> None:
    checked = {t for rule in RULES if rule.name in {c.rule for c in CORPUS} for t in rule.resource_types}
    registered = {r.type for r in run_config("prod").mocks.resources}
    assert {
        "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy",
        "aws:sns/topicPolicy:TopicPolicy", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:lambda/permission:Permission", "aws:lb/listener:Listener", "aws:ecr/repository:Repository",
    } <= checked & registered  # fmt: skip


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
ROLLS_BACK = {"enable": True, "rollback": True}
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
    (
        SERVICE,
        {"capacityProviderStrategies": GOOD_STRATEGY, "deploymentConfiguration": {"strategy": "CANARY"}},
        'set alarms={"enable": True, "rollback": True',
    ),
    (
        SERVICE,
        {
            "capacityProviderStrategies": GOOD_STRATEGY,
            "deploymentConfiguration": {"strategy": "LINEAR"},
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
        "rolls back only on its deployment alarms",
    ),
    (
        SERVICE,
        {
            "capacityProviderStrategies": GOOD_STRATEGY,
            "deploymentConfiguration": {"strategy": "BLUE_GREEN"},
            "alarms": {"enable": True, "rollback": False, "alarmNames": ["a"]},
            "deploymentCircuitBreaker": ROLLS_BACK,
        },
        "rolls back only on its deployment alarms",
    ),
    (
        SERVICE,
        {"capacityProviderStrategies": GOOD_STRATEGY, "deploymentCircuitBreaker": {"enable": True, "rollback": False}},
        "never rolls back",
    ),
    (
        SERVICE,
        {
            "capacityProviderStrategies": GOOD_STRATEGY,
            "deploymentConfiguration": {"strategy": "CANARY"},
            "alarms": {"enable": True, "rollback": True, "alarmNames": []},
        },
        "rolls back only on its deployment alarms",
    ),
    (SERVICE, {"capacityProviderStrategies": GOOD_STRATEGY}, 'set deployment_circuit_breaker={"enable": True'),
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
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "root"}])}, "may run as root"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "0:0"}])}, "may run as root"),
    (TASK, {"containerDefinitions": json.dumps([{"name": "app", "stopTimeout": 30}])}, "the image's default user"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": "0000:0"}])}, "may run as root"),
    (TASK, {"containerDefinitions": json.dumps([CONTAINER | {"user": " 00"}])}, "may run as root"),
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


@pytest.mark.parametrize(
    ("resource_type", "props", "fix"),
    [
        ("aws:alb/loadBalancer:LoadBalancer", {"dropInvalidHeaderFields": False}, "drop_invalid_header_fields"),
        ("aws:alb/listener:Listener", {"protocol": "HTTP", "defaultActions": [{"type": "forward"}]}, "redirect it"),
        ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", {"ingress": [WORLD_3000]}, "ports 3000-3000"),
    ],
    ids=["alb-load-balancer", "alb-listener", "default-security-group"],
)
def test_a_resource_under_the_sdks_other_name_or_the_vpcs_default_group_is_held_to_the_same_rule(
    resource_type: str, props: dict[str, Any], fix: str
) -> None:
    """``aws.alb`` registers its own type tokens; the default group takes the same inline rules."""
    assert any(fix in message for message in validate(resource_type, props))


def test_a_world_open_listener_port_is_allowed_on_a_group_an_alb_named_load_balancer_uses() -> None:
    world_443 = {"cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443, "ipProtocol": "tcp"}
    world_443["securityGroupId"] = "sg-1"
    unused = [(INGRESS_RULE, world_443)]
    used = [("aws:alb/loadBalancer:LoadBalancer", {"securityGroups": ["sg-1"]}), *unused]
    assert [m for m in stack_violations(unused) if "no load balancer uses" in m]
    assert [m for m in stack_violations(used) if "no load balancer uses" in m] == []


@pytest.mark.parametrize(
    "props",
    [
        {"deploymentCircuitBreaker": ROLLS_BACK},
        {"deploymentConfiguration": {"strategy": "ROLLING"}, "alarms": {"enable": True, "rollback": True,
                                                                        "alarmNames": ["a"]}},
        {"deploymentConfiguration": {"strategy": "CANARY"}, "alarms": {"enable": True, "rollback": True,
                                                                       "alarmNames": ["a"]}},
        {"deploymentController": {"type": "CODE_DEPLOY"}},
        {"deploymentController": {"type": "EXTERNAL"}},
    ],
)  # fmt: skip
def test_a_deployment_that_can_roll_back_passes(props: dict[str, Any]) -> None:
    """Rolling on the circuit breaker or the alarms, canary on the alarms; the CodeDeploy and external
    controllers are not checked."""
    reported = validate(SERVICE, {"capacityProviderStrategies": GOOD_STRATEGY, **props})
    assert [m for m in reported if m.startswith("ecs-deployments-roll-back")] == []


def test_production_needs_an_on_demand_base_and_dev_does_not() -> None:
    all_spot = {
        "capacityProviderStrategies": [
            {"capacityProvider": "FARGATE", "weight": 0},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
        "deploymentCircuitBreaker": ROLLS_BACK,
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


PROD_CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/prod-app-cluster"


def test_production_services_must_autoscale_and_dev_ones_need_not() -> None:
    service = ("aws:ecs/service:Service", {"name": "prod-app-svc", "cluster": PROD_CLUSTER})
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
               {"name": "prod-app-svc", "cluster": PROD_CLUSTER,
                "alarms": {"enable": True, "rollback": True, "alarmNames": ["a"]}})  # fmt: skip
    memory = ("aws:cloudwatch/metricAlarm:MetricAlarm", {"metricName": "MemoryUtilization",
              "dimensions": {"ClusterName": "prod-app-cluster", "ServiceName": "prod-app-svc"}})  # fmt: skip
    assert [m for m in stack_violations([alarmed, memory], prod) if m.startswith("services-alarmed:")] == []
    assert stack_violations([bare], settings(stack_policy_config("dev"))) == []


STACK_RULE_NAMES = {rule.name for rule in STACK_RULES}


def reported(case: Case) -> list[str]:
    """What the pack reports for a corpus case: through the engine's wrappers for a resource, through the
    stack rules for a stack."""
    if case.rule in STACK_RULE_NAMES:
        return stack_violations(case.resources)
    return validate(*case.resource)


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_each_crafted_violation_is_caught_by_its_rule_with_its_fix(case: Case) -> None:
    mine = [m for m in reported(case) if m.startswith(f"{case.rule}: ")]
    assert any(case.fix in m for m in mine), reported(case)


def test_the_corpus_spans_every_gap_of_the_review_and_each_is_mandatory_in_production() -> None:
    assert len(CORPUS) >= 40
    kinds = {resource_type for case in CORPUS for resource_type, *_ in case.resources}
    assert {
        "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:s3/bucketPolicy:BucketPolicy",
        "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:sns/topicPolicy:TopicPolicy",
        "aws:secretsmanager/secretPolicy:SecretPolicy", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        "aws:kms/key:Key", "aws:lambda/permission:Permission", "aws:lb/listener:Listener",
        "aws:ecr/repository:Repository",
    } <= kinds  # fmt: skip
    prod = stack_policy_config("prod")
    assert {enforcement(case.rule, prod) for case in CORPUS} == {"mandatory"}


STATEMENT = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}


@pytest.mark.parametrize("as_json", [True, False], ids=["json-string", "object"])
@pytest.mark.parametrize("as_list", [True, False], ids=["statement-list", "one-statement"])
@pytest.mark.parametrize("elements", ["string", "list"])
def test_a_document_is_read_whatever_its_shape(as_json: bool, as_list: bool, elements: str) -> None:
    statement = {k: [v] if elements == "list" and k != "Effect" else v for k, v in STATEMENT.items()}
    body = {"Version": "2012-10-17", "Statement": [statement] if as_list else statement}
    props = {"policy": json.dumps(body) if as_json else body}
    assert [m.split(";")[0] for m in validate("aws:iam/rolePolicy:RolePolicy", props)] == [
        "iam-least-privilege: NotAction ['iam:*'] with Allow grants every other action of every service"
    ]


ACTIONS = st.sampled_from(["s3:GetObject", "iam:*", "iam:Pass?ole", "*", "ecr:GetAuthorizationToken", "Logs:Put*"])
RESOURCES = st.sampled_from(
    ["*", "arn:aws:iam::*:role/*", "arn:aws:s3:::b/*", "arn:aws:logs:us-east-1:1:log-group:/a:*", "*:*"]
)
ELEMENTS = st.sampled_from(["Action", "NotAction"]), st.sampled_from(["Resource", "NotResource"])


@examples(max_examples=80, deadline=None)
@given(
    effect=st.sampled_from(["Allow", "Deny"]),
    elements=st.tuples(*ELEMENTS),
    actions=st.lists(ACTIONS, min_size=1, max_size=3),
    resources=st.lists(RESOURCES, min_size=1, max_size=3),
)
def test_the_findings_do_not_depend_on_how_a_document_is_written(
    effect: str, elements: tuple[str, str], actions: list[str], resources: list[str]
) -> None:
    """As a JSON string or an object, one statement or a list of them, each element a string or a list: IAM
    reads them alike, and so does the pack."""
    action_key, resource_key = elements

    def shaped(as_json: bool, as_list: bool, one: bool) -> dict[str, Any]:
        def element(values: list[str]) -> str | list[str]:
            return values[0] if one and len(values) == 1 else values

        statement = {"Effect": effect, action_key: element(actions), resource_key: element(resources)}
        body = {"Statement": [statement] if as_list else statement}
        return {"policy": json.dumps(body) if as_json else body}

    shapes = [shaped(a, b, c) for a in (True, False) for b in (True, False) for c in (True, False)]
    findings = [violations("aws:iam/rolePolicy:RolePolicy", props) for props in shapes]
    assert all(f == findings[0] for f in findings)
    granted_everywhere = any(every_resource(r) for r in resources) and any(
        a.lower() not in {n.lower() for n in NO_RESOURCE_LEVEL} for a in actions
    )
    wildcards = any(any(c in a for c in "*?") for a in actions)
    negated = action_key == "NotAction" or resource_key == "NotResource"
    assert (findings[0] != []) is (effect == "Allow" and (negated or wildcards or granted_everywhere))


ARN_PARTS = st.sampled_from(["arn", "aws", "s3", "iam", "us-east-1", "1", "", "role/a", "b/k", "log-group:/a"])
PATTERN_PARTS = st.one_of(ARN_PARTS, st.sampled_from(["*", "?", "r*", "*/a", "b/*", "role/?"]))


@examples(max_examples=200, deadline=None)
@given(pattern=st.lists(PATTERN_PARTS, min_size=1, max_size=7), arn=st.lists(ARN_PARTS, min_size=1, max_size=7))
def test_the_packs_arn_matching_is_the_iam_models(pattern: list[str], arn: list[str]) -> None:
    assert arn_matches(":".join(pattern), ":".join(arn)) is iam.resource_matches(":".join(pattern), ":".join(arn))


@pytest.mark.parametrize(
    ("pattern", "every"),
    [
        ("*", True),
        ("*:*", True),
        ("arn:*", True),
        ("arn:aws:iam::*", True),
        ("arn:aws:iam::*:role/app", True),  # a role of every account
        ("arn:aws:iam::123456789012:role/*", True),
        ("arn:aws:iam::123456789012:role*", True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:*", True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:*:*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:s*:us-east-1:123456789012:thing/x", True),
        ("arn:aws:kms:us-east-1:123456789012:key/*", True),
        ("arn:aws:kms:us-east-1:123456789012:key/1*", True),  # KMS issues the ID: its start names no key
        ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890a?", True),
        ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", False),
        ("arn:aws:kms:us-east-1:123456789012:alias/app-*", False),
        ("arn:aws:iam::123456789012:role/app", False),
        ("arn:aws:iam::123456789012:role/app-*", False),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*", False),
        ("arn:aws:logs:*:123456789012:log-group:/ecs/app:*", False),  # every region, one group's name
        ("arn:aws:ecs:us-east-1:123456789012:task/cluster/*", False),
        ("arn:aws:s3:::bucket/*", False),
        ("arn:aws:s3:::bucket/alb/AWSLogs/123456789012/*", False),
        ("arn:aws:sns:us-east-1:123456789012:alarms", False),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????", False),
        ("arn:aws:execute-api:us-east-1:123456789012:api1/*", False),
    ],
)
def test_a_resource_covers_every_resource_only_when_it_names_none(pattern: str, every: bool) -> None:
    assert every_resource(pattern) is every


def test_the_pack_matches_arns_and_actions_as_the_iam_model_does() -> None:
    """The pack runs in its own environment, so it carries its own matcher: the same as tests/models/iam.py."""
    arns = ["arn:aws:s3:::b/k", "arn:aws:logs:us-east-1:1:log-group:/a:log-stream:x", "arn:aws:iam::1:role/a/b"]
    patterns = ["arn:aws:s3:::b/*", "arn:aws:logs:*:1:log-group:/a:*", "arn:aws:iam::1:role/*", "arn:aws:*",
                "arn:aws:iam::?:role/a/b", "arn:aws:s3:::B/*", "arn:*:logs:us*1:1:*"]  # fmt: skip
    assert [[arn_matches(p, a) for a in arns] for p in patterns] == [
        [iam.resource_matches(p, a) for a in arns] for p in patterns
    ]
    actions = ["s3:GetObject", "iam:PassRole", "ECR:GetAuthorizationToken"]
    for pattern in ["s3:*", "IAM:pass*", "*", "ecr:Get?uthorizationToken", "s3:Get"]:
        assert [action_matches(pattern, a) for a in actions] == [iam.action_matches(pattern, a) for a in actions]


GITHUB_SUBJECTS = [
    ("repo:acme/app:ref:refs/heads/main", True),
    ("repo:acme/app:environment:prod:job_workflow_ref:acme/app/.github/workflows/pulumi-up.yml@refs/heads/main", True),
    ("repo:acme/app:ref:refs/heads/*", True),
    ("repo:acme/app:environment:prod*", True),
    ("repo:acme/app:pull_request*", True),
    ("repo:acme/app:*", False),  # every branch, pull request and environment
    ("repo:acme/app:environment:*", False),  # every environment, protected or not
    ("repo:acme/app:?", False),
    ("repo:acme/app*", False),  # also acme/app-fork
    ("repo:acme/*", False),
    ("repo:*", False),
    ("*", False),
]


@pytest.mark.parametrize(("subject", "pinned"), GITHUB_SUBJECTS)
def test_a_github_trust_is_pinned_only_to_one_repository(subject: str, pinned: bool) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": subject},
        },
    }
    found = validate("aws:iam/role:Role", {"assumeRolePolicy": json.dumps({"Statement": [statement]})})
    assert (found == []) is pinned, found


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"AWS:SourceOwner": "123456789012"}},  # SNS's default: this account's services
        {"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/app-*"}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        {"ForAnyValue:StringEquals": {"aws:SourceAccount": ["123456789012"]}},
    ],
)
def test_a_grant_to_everyone_is_allowed_only_with_a_condition_naming_the_callers(condition: dict) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "*"}
    topic_policy = "aws:sns/topicPolicy:TopicPolicy"
    assert validate(topic_policy, {"policy": json.dumps({"Statement": [statement | {"Condition": condition}]})}) == []
    negated = {f"{operator.replace('Equals', 'NotEquals').replace('Like', 'NotLike')}": keys
               for operator, keys in condition.items()}  # fmt: skip
    assert validate(topic_policy, {"policy": json.dumps({"Statement": [statement | {"Condition": negated}]})}) != []


@pytest.mark.parametrize(
    ("key", "value", "names"),
    [
        ("aws:PrincipalArn", "arn:aws:iam::123456789012:role/deployer", True),
        ("aws:PrincipalArn", "arn:aws:iam::123456789012:*", True),  # that account's principals
        ("aws:SourceArn", "arn:aws:ecs:us-east-1:123456789012:*", True),
        ("aws:PrincipalArn", "arn:aws:iam::*:*", False),
        ("aws:PrincipalArn", "arn:aws:iam::*:role/deployer", False),
        ("aws:PrincipalArn", "arn:aws:iam::12345678901?:root", False),
        ("aws:PrincipalArn", "arn:aws:iam::1234*:root", False),
        ("aws:SourceArn", "arn:aws:events:*:123456789012:rule/app", False),  # a * before the account
        ("aws:SourceArn", "arn:aws:s3:::bucket", False),  # names no account: pair it with aws:SourceAccount
        ("aws:SourceArn", "arn:aws:events", False),
        ("aws:PrincipalAccount", "123456789012", True),
        ("aws:PrincipalAccount", "*1", False),
        ("aws:SourceAccount", "12345678901?", False),
        ("AWS:SourceOwner", "1234*", False),
        ("kms:CallerAccount", "*", False),
        ("aws:PrincipalOrgID", "o-abc123", True),
        ("aws:PrincipalOrgID", "o-*", False),
        ("aws:SourceOrgID", "o-a?c123", False),
        ("aws:PrincipalOrgPaths", "o-abc123/r-ab12/ou-ab12-11111111/*", True),
        ("aws:PrincipalOrgPaths", "o-*/r-ab12/*", False),
        ("aws:SourceVpce", "vpce-1a2b3c4d", True),
        ("aws:SourceVpce", "vpce-*", False),
    ],
)
def test_a_condition_names_the_callers_only_by_a_literal_account_organization_or_endpoint(
    key: str, value: str, names: bool
) -> None:
    """An account, organization or endpoint ID with a wildcard is anyone's whose ID fits; an ARN names
    callers only through its account segment (IAM User Guide, "AWS global condition context keys")."""
    assert names_callers(key, value) is names
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                 "Condition": {"StringLike": {key: value}}}  # fmt: skip
    found = validate("aws:iam/role:Role", {"assumeRolePolicy": json.dumps({"Statement": [statement]})})
    assert (found == []) is names, found


@pytest.mark.parametrize(
    ("policy", "tls12"),
    [
        ("ELBSecurityPolicy-TLS13-1-2-2021-06", True),
        ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", True),
        ("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", True),
        ("ELBSecurityPolicy-FS-1-2-Res-2020-10", True),
        ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", True),
        ("ELBSecurityPolicy-TLS13-1-1-2021-06", False),
        ("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", False),
        ("ELBSecurityPolicy-FS-2018-06", False),
        ("ELBSecurityPolicy-TLS-1-0-2015-04", False),
        ("ELBSecurityPolicy-2015-05", False),
        ("", False),
    ],
)
def test_a_tls_policy_passes_only_when_its_name_says_tls_1_2_or_later(policy: str, tls12: bool) -> None:
    assert accepts_only_tls12_or_later(policy) is tls12


def test_a_bucket_policy_that_refuses_plain_http_on_the_bucket_and_its_objects_passes() -> None:
    bucket = ("aws:s3/bucket:Bucket", {"arn": "arn:aws:s3:::logs"})
    deny = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
    policy = ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "logs", "policy": json.dumps({"Statement": [deny]})})
    assert [m for m in stack_violations([bucket, policy]) if m.startswith("s3-tls-only")] == []


ANCHOR = re.compile(r"\b(?:[A-Z][A-Za-z0-9]*\.\d+|AwsSolutions-[A-Z0-9]+)\b")


def test_docs_policy_names_each_rules_anchors_as_the_rules_do() -> None:
    """The control column of docs/policy.md lists exactly the Security Hub control and cdk-nag rule IDs each
    rule carries (and the pack shows with each violation); a rule of this project's own says so."""
    table = (ROOT / "docs" / "policy.md").read_text()
    for name, rule in RULES_BY_NAME.items():
        (row,) = [line for line in table.splitlines() if line.startswith("|") and f"`{name}`" in line]
        control = row.strip("|").split("|")[0].strip()
        assert set(ANCHOR.findall(control)) == set(rule.anchors), row
        assert rule.anchors or control.startswith("—"), row


def test_a_cognito_trust_naming_one_identity_pool_passes() -> None:
    pool = "us-east-1:12345678-1234-1234-1234-123456789012"
    statement = {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                 "Action": "sts:AssumeRoleWithWebIdentity",
                 "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool}}}  # fmt: skip
    trust = {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}
    assert violations("aws:iam/role:Role", trust) == []
