"""ECS task definitions, services and clusters: ARM64 on Fargate, Spot beyond an on-demand base,
deployments that roll back, no public IP, Container Insights (their autoscaling and alarms:
``service_watch``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .containers import ECS_EXEC_CONFIG
    from .rule_types import Config, Props, Rule
else:
    from containers import ECS_EXEC_CONFIG
    from rule_types import Config, Props, Rule


def _task_definition_arm64_fargate(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    platform = props.get("runtimePlatform") or {}
    if platform.get("cpuArchitecture") != "ARM64" or platform.get("operatingSystemFamily") != "LINUX":
        found.append(
            # dict(): the engine's wrapper of a mapping would show as an object, not its keys.
            f"runtimePlatform is {dict(platform) or 'unset'}; set runtime_platform="
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
    # Tasks beyond the base go to the providers by weight, none to one of weight 0 (ECS Developer Guide,
    # "Capacity provider strategies"; API Reference, CapacityProviderStrategyItem.weight).
    spot = [item for item in strategy if item.get("capacityProvider") == "FARGATE_SPOT"]
    if not spot:
        found.append(
            "The strategy has no FARGATE_SPOT; add it with a weight > 0 to run the tasks beyond the base on Spot."
        )
    elif not any(int(item.get("weight") or 0) > 0 for item in spot):
        found.append("FARGATE_SPOT has weight 0, so no task beyond the base runs on Spot; give it a weight > 0.")
    minimum = int(config.get("minOnDemandBase", 0))
    base = sum(int(item.get("base") or 0) for item in strategy if item.get("capacityProvider") == "FARGATE")
    if base < minimum:
        found.append(
            f"FARGATE base is {base} but this stack needs at least {minimum} on-demand tasks (ECS never falls "
            f"back from Spot); set fargateBase to {minimum} or more."
        )
    return found


#: The strategies that shift traffic between two target groups: they roll back on the deployment alarms.
#: botocore ``ecs`` ``DeploymentCircuitBreaker`` documents the breaker for "the rolling update (ECS)
#: deployment type" only; the ECS guide's "deployment failure detection" names blue/green too. The pack
#: takes the reading both agree on, as the components do (docs/decisions.md).
SHIFTING_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")


def rolls_back_on_alarms(service: Props) -> bool:
    """Whether an ECS service's deployment alarms are on, roll back, and name alarms."""
    alarms = service.get("alarms") or {}
    return bool(alarms.get("enable") and alarms.get("rollback") and alarms.get("alarmNames"))


def _deployments_roll_back(_: str, props: Props, __: Config) -> list[str]:
    """Every deployment of an ECS-controlled service can roll back (``DeploymentAlarms``: with the ``ECS``
    controller only; CodeDeploy and external controllers are not checked here)."""
    if ((props.get("deploymentController") or {}).get("type") or "ECS") != "ECS":
        return []
    if rolls_back_on_alarms(props):
        return []
    strategy = (props.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"
    if strategy in SHIFTING_STRATEGIES:
        return [
            f"A {strategy} deployment rolls back only on its deployment alarms (the circuit breaker is documented "
            'for rolling deployments); set alarms={"enable": True, "rollback": True, "alarm_names": [...]}.'
        ]
    breaker = props.get("deploymentCircuitBreaker") or {}
    if breaker.get("enable") and breaker.get("rollback"):
        return []
    return [
        "A rolling deployment with neither the circuit breaker nor deployment alarms, each with rollback, never "
        'rolls back; set deployment_circuit_breaker={"enable": True, "rollback": True} or alarms.'
    ]


def _service_exposure(_: str, props: Props, config: Config) -> list[str]:
    """ECS.2 (no public IP) and no ECS Exec unless the stack allows it."""
    found: list[str] = []
    if (props.get("networkConfiguration") or {}).get("assignPublicIp"):
        found.append("Tasks get public IPs; run them in private subnets (taskSubnetIds, or vpc: new with NAT).")
    if props.get("enableExecuteCommand") and not config.get("allowExecuteCommand"):
        found.append("ECS Exec is on: anyone allowed ecs:ExecuteCommand gets a shell; set enableExecuteCommand false.")
    return found


def _cluster_insights(_: str, props: Props, __: Config) -> list[str]:
    """ECS.12 and AwsSolutions-ECS4."""
    settings = {s.get("name"): s.get("value") for s in props.get("settings") or []}
    if settings.get("containerInsights") not in ("enabled", "enhanced"):
        return ["Container Insights is off; set containerInsights to enhanced (or enabled)."]
    return []


TASK_ARM64_FARGATE = Rule(
    "ecs-task-arm64-fargate",
    "ECS task definitions run ARM64/LINUX and are FARGATE-compatible.",
    ("aws:ecs/taskDefinition:TaskDefinition",),
    _task_definition_arm64_fargate,
)

SPOT_STRATEGY = Rule(
    "ecs-service-spot-strategy",
    "Services use a capacity-provider strategy with FARGATE_SPOT, no launchType, and an on-demand base.",
    ("aws:ecs/service:Service",),
    _service_strategy,
    {"minOnDemandBase": {"type": "integer", "minimum": 0, "default": 0}},
)

DEPLOYMENTS_ROLL_BACK = Rule(
    "ecs-deployments-roll-back",
    "ECS deployments can roll back: rolling on the circuit breaker or alarms, a shifting one on alarms.",
    ("aws:ecs/service:Service",),
    _deployments_roll_back,
)

NOT_EXPOSED = Rule(
    "ecs-service-not-exposed",
    "Tasks get no public IP and no ECS Exec.",
    ("aws:ecs/service:Service",),
    _service_exposure,
    ECS_EXEC_CONFIG,
    anchors=("ECS.2",),
)

CONTAINER_INSIGHTS = Rule(
    "ecs-container-insights",
    "Clusters have Container Insights on.",
    ("aws:ecs/cluster:Cluster",),
    _cluster_insights,
    anchors=("ECS.12", "AwsSolutions-ECS4"),
)
