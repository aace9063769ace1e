"""The rules, as pure functions of a resource's properties (engine names, camelCase) and config.

Each returns the violations it finds, every message saying how to fix it. ``policies.py`` wraps them
as pulumi_policy policies; tests call them directly and through those wrappers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Props = Mapping[str, Any]
Config = Mapping[str, Any]
WORLD = ("0.0.0.0/0", "::/0")
DEFAULT_LOAD_BALANCER_PORTS = [80, 443]


@dataclass(frozen=True)
class Rule:
    """A named check of some resource types, with its config schema (JSON Schema properties)."""

    name: str
    description: str
    resource_types: tuple[str, ...]
    check: Callable[[str, Props, Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        """The schema defaults overlaid with a stack's settings, as the engine applies them."""
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


def _task_definition_arm64_fargate(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    platform = props.get("runtimePlatform") or {}
    if platform.get("cpuArchitecture") != "ARM64" or platform.get("operatingSystemFamily") != "LINUX":
        found.append(
            f"runtimePlatform is {platform or 'unset'}; set runtime_platform="
            '{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"} and build the image for linux/arm64.'
        )
    if "FARGATE" not in (props.get("requiresCompatibilities") or []):
        found.append('requiresCompatibilities lacks FARGATE; set requires_compatibilities=["FARGATE"].')
    return found


def _service_strategy(_: str, props: Props, config: Config) -> list[str]:
    strategy: Sequence[Mapping[str, Any]] = props.get("capacityProviderStrategies") or []
    if not strategy:
        return ["The service has no capacity-provider strategy; use FARGATE (base) and FARGATE_SPOT (weight)."]
    found: list[str] = []
    if props.get("launchType"):
        found.append(f"launchType {props['launchType']!r} conflicts with the strategy; remove launch_type.")
    providers = {item.get("capacityProvider") for item in strategy}
    if "FARGATE_SPOT" not in providers:
        found.append(
            "The strategy has no FARGATE_SPOT; add it with a weight > 0 to run the tasks beyond the base on Spot."
        )
    minimum = int(config.get("minOnDemandBase", 0))
    base = sum(int(item.get("base") or 0) for item in strategy if item.get("capacityProvider") == "FARGATE")
    if base < minimum:
        found.append(
            f"FARGATE base is {base} but this stack needs at least {minimum} on-demand tasks (ECS never falls "
            f"back from Spot); set fargateBase to {minimum} or more."
        )
    return found


def _ports(props: Props) -> tuple[int, int]:
    return int(props.get("fromPort") or 0), int(props.get("toPort") or 0)


def _world_open(cidr4: Any, cidr6: Any, ports: tuple[int, int], protocol: Any, allowed: Sequence[int]) -> list[str]:
    opened = [c for c in (cidr4, cidr6) if c in WORLD]
    if not opened:
        return []
    if str(protocol) in ("tcp", "6") and ports[0] == ports[1] and ports[0] in allowed:
        return []
    return [
        f"Ingress from {opened[0]} on {protocol} ports {ports[0]}-{ports[1]}; only load-balancer listener ports "
        f"{list(allowed)} may be open to the world. Admit a security group or specific CIDRs instead."
    ]


def _no_world_open_ingress(resource_type: str, props: Props, config: Config) -> list[str]:
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    if resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return _world_open(
            props.get("cidrIpv4"), props.get("cidrIpv6"), _ports(props), props.get("ipProtocol"), allowed
        )
    if resource_type == "aws:ec2/securityGroupRule:SecurityGroupRule":
        return _open_cidr_blocks(props, allowed) if props.get("type") == "ingress" else []
    return [message for rule in props.get("ingress") or [] for message in _open_cidr_blocks(rule, allowed)]


def _open_cidr_blocks(rule: Props, allowed: Sequence[int]) -> list[str]:
    # Inline security-group rules and SecurityGroupRule resources share this shape.
    blocks = [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]
    return [m for block in blocks for m in _world_open(block, None, _ports(rule), rule.get("protocol"), allowed)]


def _log_group_retention(_: str, props: Props, __: Config) -> list[str]:
    if not props.get("retentionInDays"):
        return ["The log group keeps logs forever; set retention_in_days (e.g. 30, or 365 for production)."]
    return []


def _ecr_immutable_and_scanned(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    if props.get("imageTagMutability") not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
        found.append(
            f"imageTagMutability is {props.get('imageTagMutability', 'MUTABLE')!r}; set IMMUTABLE "
            "(or IMMUTABLE_WITH_EXCLUSION for tags that must move, such as a build cache)."
        )
    if not (props.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        found.append('Images are not scanned; set image_scanning_configuration={"scan_on_push": True}.')
    return found


def _is_root(user: Any) -> bool:
    # No user means the image's USER, which may well be root: require it explicitly.
    return user is None or str(user).split(":")[0] in ("", "0", "root")


def _containers_graceful_non_root(_: str, props: Props, __: Config) -> list[str]:
    try:
        containers = json.loads(props.get("containerDefinitions") or "[]")
    except (TypeError, json.JSONDecodeError):
        return []  # unknown during preview: checked again once known
    found: list[str] = []
    for container in containers:
        name = container.get("name", "?")
        timeout = container.get("stopTimeout")
        if timeout is None or not 0 < int(timeout) <= 120:
            found.append(
                f"Container {name!r} stopTimeout is {timeout}; set 1-120 s (Fargate's maximum) so SIGTERM "
                "from a Spot interruption or a deployment leaves time to drain."
            )
        if _is_root(container.get("user")):
            found.append(
                f"Container {name!r} runs as root or as the image's default user; set user to an unprivileged "
                "uid such as '1000:1000'."
            )
    return found


RULES: tuple[Rule, ...] = (
    Rule(
        "ecs-task-arm64-fargate",
        "ECS task definitions run ARM64/LINUX and are FARGATE-compatible.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _task_definition_arm64_fargate,
    ),
    Rule(
        "ecs-service-spot-strategy",
        "Services use a capacity-provider strategy with FARGATE_SPOT, no launchType, and an on-demand base.",
        ("aws:ecs/service:Service",),
        _service_strategy,
        {"minOnDemandBase": {"type": "integer", "minimum": 0, "default": 0}},
    ),
    Rule(
        "no-world-open-ingress",
        "No ingress from 0.0.0.0/0 or ::/0 except load-balancer listener ports.",
        (
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        ),
        _no_world_open_ingress,
        {"loadBalancerPorts": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_LOAD_BALANCER_PORTS}},
    ),
    Rule(
        "log-group-retention",
        "CloudWatch log groups have a retention.",
        ("aws:cloudwatch/logGroup:LogGroup",),
        _log_group_retention,
    ),
    Rule(
        "ecr-immutable-scanned",
        "ECR repositories have immutable tags and scan on push.",
        ("aws:ecr/repository:Repository",),
        _ecr_immutable_and_scanned,
    ),
    Rule(
        "containers-graceful-non-root",
        "Containers stop within 120 s of SIGTERM and run as a non-root user.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _containers_graceful_non_root,
    ),
)


def violations(resource_type: str, props: Props, config_by_rule: Mapping[str, Config] | None = None) -> list[str]:
    """Every violation of every rule for one resource, each prefixed by its rule's name."""
    found: list[str] = []
    for rule in RULES:
        if resource_type in rule.resource_types:
            config = rule.config((config_by_rule or {}).get(rule.name))
            found += [f"{rule.name}: {message}" for message in rule.check(resource_type, props, config)]
    return found
