import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from policies import POLICIES
from rules import RULES, violations
from tools.offline import RecordingMocks, Registered, Run, run_program

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
RULES_BY_NAME = {rule.name: rule for rule in RULES}


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


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_everything_the_program_registers_passes_with_the_stacks_policy_config(stack: str) -> None:
    config = stack_policy_config(stack)
    found = {r.name: violations(r.type, r.inputs, config) for r in program_run(stack).mocks.resources}
    assert {name: v for name, v in found.items() if v} == {}


def test_the_second_service_example_passes_too() -> None:
    found = {r.name: violations(r.type, r.inputs) for r in example_resources()}
    assert {name: v for name, v in found.items() if v} == {}


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
            assert set(settings) <= set(RULES_BY_NAME[policy].config_properties), stack_config_file.name
    assert "PolicyPack(" in (POLICY / "__main__.py").read_text()
