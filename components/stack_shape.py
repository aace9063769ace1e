"""What a stack of one service behind a load balancer runs besides its tasks (``stack_shape``), in the
units AWS bills, for ``stack_cost``. The load balancer's public IPv4 addresses are counted from its
subnets: a new VPC's AZs, the existing public subnets, or the default VPC's, which only a deploy knows
(``costDefaultVpcAzs``, else the region's AZs, assumed: ``region_zones``).
"""

from __future__ import annotations

from .network.network_spec import NetworkSpec
from .network.region_zones import region_azs
from .observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY, MONITORING_ALARMS, Alarms, alarm_definitions
from .service.request_metric import metrics_read
from .service.service_spec import ServiceSpec
from .stack_cost import StackShape

#: How to count the default VPC's default subnets (the README's *Costs* names it too).
COUNT_DEFAULT_SUBNETS = (
    "aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'length(Subnets)' --region <region>"
)


def stack_shape(
    *,
    network: NetworkSpec,
    service: ServiceSpec,
    alarms: Alarms | None,
    default_vpc_azs: int = 0,
    region: str | None = None,
    container_insights: str | None = "disabled",
    secrets_key: bool = False,
) -> tuple[StackShape, tuple[str, ...]]:
    """What a stack of one service behind a load balancer runs besides its tasks, for ``stack_cost``,
    and the assumptions made. The load balancer's AZs are its subnets' (a new VPC's AZs, the existing
    public subnets, or the default VPC's ``default_vpc_azs``, 0 for unknown: then ``region``'s AZs,
    assumed, and how to count them said). Alarms are counted from their definitions (``alarm_rules``); a
    traffic-shifting deployment (the service's route's) watches its second target group with the
    target-side ones again; the scaling policies are the service's autoscaling's. ``container_insights``
    is the created cluster's setting, ``None`` for an existing cluster; ``secrets_key`` whether the task
    has its own KMS key (secret values)."""
    assumptions: list[str] = []
    assumed = False
    if network.mode == "new":
        azs = network.availability_zones
        nat = network.nat_gateways
        public_tasks = service.desired_count if nat == 0 else 0
    elif network.mode == "existing":
        azs, nat = len(network.public_subnet_ids), 0
        public_tasks = 0 if network.task_subnet_ids else service.desired_count
    else:
        azs, nat, public_tasks = default_vpc_azs, 0, service.desired_count
        assumed = not default_vpc_azs
        if assumed:
            azs, assumption = _default_vpc_assumption(region, network.fargate_zone_ids)
            assumptions.append(assumption)
    if service.autoscaling:
        assumptions.append(f"{service.desired_count} tasks, the desired count (autoscaling moves it)")
    # With alarms: the Spot count, the desired count and the running tasks of each provider.
    metrics = 2 + len(service.strategy) if alarms else 0
    shape = StackShape(
        load_balancer_azs=azs,
        load_balancer_azs_assumed=assumed,
        public_task_ips=public_tasks,
        nat_gateways=nat,
        alarms=_alarm_metrics(service, alarms),
        dashboards=1 if alarms else 0,
        custom_metrics=metrics,
        task_counter=alarms is not None,
        container_insights=container_insights,
        tasks=service.desired_count,
        containers=1 + len(service.sidecars),
        health_checked=len(service.health_checked_containers),
        kms_keys=1 if secrets_key else 0,
    )
    return shape, tuple(assumptions)


def _default_vpc_assumption(region: str | None, fargate_zone_ids: tuple[str, ...] = ()) -> tuple[int, str]:
    """The AZs assumed for the default VPC's load balancer in ``region``, and the assumption in words:
    whose count it is, and how to count the account's own. Where Fargate runs in some AZs only, the load
    balancer takes the default subnets in those (``Network``): at most as many."""
    azs, known = region_azs(region)
    whose = (
        f"{region}'s count" if known else f"the fewest a region has (no count of {region or 'an unset region'} here)"
    )
    if fargate_zone_ids and len(fargate_zone_ids) < azs:
        azs, whose = len(fargate_zone_ids), f"those of Fargate's AZs in {region}"
    count = COUNT_DEFAULT_SUBNETS.replace("<region>", region or "<region>")
    if fargate_zone_ids:
        count = count.replace(
            "Values=true", f"Values=true Name=availability-zone-id,Values={','.join(fargate_zone_ids)}"
        )
    which = "every default subnet in Fargate's AZs" if fargate_zone_ids else "every default subnet"
    return azs, (
        f"the default VPC's load balancer in {azs} AZs, {whose}, one public IPv4 address each (it takes {which}: "
        f"count them with `{count}` and set stack_shape.default_vpc_azs)"
    )


def _alarm_metrics(service: ServiceSpec, alarms: Alarms | None) -> int:
    """The alarm metrics CloudWatch bills (pricing page, "Alarms": "per alarm metric"): the 5xx ratio reads
    two, the below-desired alarm the desired count and each provider's running tasks; a traffic-shifting
    deployment's second target group is watched again; each target-tracking policy adds its own, whose
    alarms read both groups' requests and healthy targets for a shifting service's (``request_metric``)."""
    deployment = service.route.deployment if service.route is not None else None
    count = 0
    if alarms:
        definitions = alarm_definitions(alarms)
        count = sum(d.metrics for d in definitions) + len(MONITORING_ALARMS) + len(service.strategy)
        if deployment is not None and deployment.shifts_traffic:
            count += sum(d.metrics for d in definitions if d.watches == "target")
    if autoscaling := service.autoscaling:
        targets = (autoscaling.cpu_target_percent, autoscaling.memory_target_percent, autoscaling.requests_per_target)
        count += ALARMS_PER_TARGET_TRACKING_POLICY * sum(t is not None for t in targets)
        if autoscaling.requests_per_target is not None and deployment is not None and deployment.shifts_traffic:
            count += ALARMS_PER_TARGET_TRACKING_POLICY * (metrics_read(2) - 1)
    return count
