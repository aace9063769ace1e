"""The month of a whole stack: what it runs besides its tasks (``StackShape``, from the settings by
``stack_shape``), priced line by line by ``stack_cost`` with the compute estimate of ``cost``. The load
balancer's public IPv4 addresses are counted from its subnets: a new VPC's AZs, the existing public
subnets, or the default VPC's, which only a deploy knows (``costDefaultVpcAzs``, else assumed).
Container Insights' metrics are counted from AWS's tables (``container_insights_metrics``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .cost import (
    CENT,
    COUNTER_GB_SECONDS_PER_RUN,
    COUNTER_RUNS_PER_HOUR,
    DEFAULT_RATES,
    HOURS_PER_MONTH,
    INCLUDED,
    NOT_INCLUDED,
    CostEstimate,
)
from .network.network_spec import NetworkSpec
from .observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY, MONITORING_ALARMS, Alarms, alarm_definitions
from .observability.container_insights_metrics import metric_count
from .service.request_metric import metrics_read
from .service.service_spec import ServiceSpec


@dataclass(frozen=True, kw_only=True)
class StackShape:
    """What the stack runs besides its tasks, in the units AWS bills."""

    load_balancer_azs: int
    """AZs the load balancer has a subnet, a node and a public IPv4 address in."""
    load_balancer_azs_assumed: bool = False
    """Whether ``load_balancer_azs`` is an assumption (the default VPC's, unless ``stack_shape``'s
    ``default_vpc_azs`` says)."""
    public_task_ips: int
    """Tasks with a public IPv4 address (tasks in public subnets)."""
    nat_gateways: int
    """NAT gateways the stack creates (each with an Elastic IP)."""
    alarms: int
    """CloudWatch alarm metrics, the billing unit: a metric-math alarm (AAS's too) counts each metric it reads."""
    dashboards: int = 0
    """CloudWatch dashboards."""
    custom_metrics: int = 0
    """Custom CloudWatch metrics (each name and dimension set): the Spot count and the task counts."""
    task_counter: bool = False
    """Whether the task counter function runs (``COUNTER_RUNS_PER_HOUR``)."""
    container_insights: str | None = "disabled"
    """The created cluster's Container Insights setting; ``None`` for an existing cluster (its owner's)."""
    tasks: int = 0
    """Tasks running. Default 0."""
    containers: int = 1
    """Containers in each task. Default 1."""
    health_checked: int = 0
    """Of those, the containers with a health check. Default 0."""
    lcus: Decimal = Decimal(1)
    """Load balancer capacity units assumed on average (traffic decides the real figure)."""

    def insights_metrics(self, setting: str, tasks: int | None = None, *, cluster_wide: bool = True) -> int:
        """The Container Insights metrics of this stack's service with ``setting`` (``metric_count``), for
        ``tasks`` tasks (default ``self.tasks``)."""
        return metric_count(setting, tasks=self.tasks if tasks is None else tasks, containers=self.containers,
                            health_checked=self.health_checked, cluster_wide=cluster_wide)  # fmt: skip


@dataclass(frozen=True)
class CostLine:
    """One line of the bill."""

    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal
    note: str = ""
    """What the quantity is made of, and which part of it is assumed, printed beside the figure."""


@dataclass(frozen=True)
class StackCost:
    """The month's lines, the total, and the total with x86 on-demand compute instead."""

    lines: tuple[CostLine, ...]
    total_usd: Decimal
    x86_total_usd: Decimal
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    """Where the figure is less sure than it reads (``cost_warnings``)."""

    def as_output(self) -> dict[str, object]:
        return {
            "lines": [
                {"item": line.item, "quantity": float(line.quantity), "unit": line.unit,
                 "unit_usd": float(line.unit_usd), "monthly_usd": float(line.monthly_usd), "note": line.note}
                for line in self.lines
            ],
            "total_monthly_usd": float(self.total_usd),
            "x86_on_demand_total_monthly_usd": float(self.x86_total_usd),
            "included": INCLUDED,
            "not_included": NOT_INCLUDED,
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
        }  # fmt: skip


def _addresses(shape: StackShape) -> str:
    """Whose the public IPv4 addresses are, the assumed part said so."""
    azs = f"{shape.load_balancer_azs} load balancer AZs" + (", assumed" if shape.load_balancer_azs_assumed else "")
    tasks = f"{shape.public_task_ips} task{'s' if shape.public_task_ips > 1 else ''}"
    nats = f"{shape.nat_gateways} NAT gateway{'s' if shape.nat_gateways > 1 else ''}"
    return "; ".join(part for part, count in ((azs, 1), (tasks, shape.public_task_ips), (nats, shape.nat_gateways))
                     if count)  # fmt: skip


def stack_cost(
    compute: CostEstimate,
    shape: StackShape,
    rates: Mapping[str, Decimal] = DEFAULT_RATES,
    hours: int = HOURS_PER_MONTH,
    assumptions: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
) -> StackCost:
    """Every line of the month for ``compute`` plus what ``shape`` runs, each rounded to the cent."""
    ipv4 = shape.load_balancer_azs + shape.public_task_ips + shape.nat_gateways
    hourly = (
        ("load balancer", Decimal(1), "running", rates["albHour"], ""),
        ("load balancer capacity units", shape.lcus, "LCU on average", rates["albLcuHour"], "assumed"),
        ("public IPv4 addresses", Decimal(ipv4), "addresses", rates["publicIpv4Hour"], _addresses(shape)),
        ("NAT gateways", Decimal(shape.nat_gateways), "gateways", rates["natGatewayHour"], ""),
    )
    split = f"{compute.tasks_on_demand:g} on FARGATE, {compute.tasks_spot:g} on FARGATE_SPOT"
    lines = [
        CostLine("Graviton compute", compute.tasks_on_demand + compute.tasks_spot, "tasks", Decimal(0),
                 compute.monthly_usd, split)
    ]  # fmt: skip
    for item, quantity, unit, price, note in hourly:
        if quantity:
            monthly = (quantity * price * hours).quantize(CENT, ROUND_HALF_UP)
            lines.append(CostLine(item, quantity, unit, price, monthly, note))
    for item, quantity, unit, price in (("alarms", shape.alarms, "alarm metrics", rates["alarmMonth"]),
                                        ("dashboards", shape.dashboards, "dashboards", rates["dashboardMonth"]),
                                        ("custom metrics", shape.custom_metrics, "custom metrics",
                                         rates["customMetricMonth"])):  # fmt: skip
        if quantity:
            lines.append(CostLine(item, Decimal(quantity), unit, price, (quantity * price).quantize(CENT)))
    insights = _container_insights(shape, rates)
    if insights is not None:
        lines.append(insights)
    if shape.task_counter:
        runs = Decimal(COUNTER_RUNS_PER_HOUR * hours)
        per_run = rates["lambdaRequest"] + COUNTER_GB_SECONDS_PER_RUN * rates["lambdaArmGbSecond"]
        lines.append(CostLine("task counter function", runs, "runs", per_run,
                              (runs * per_run).quantize(CENT, ROUND_HALF_UP)))  # fmt: skip
    total = sum((line.monthly_usd for line in lines), Decimal(0))
    return StackCost(
        tuple(lines),
        total,
        total - compute.monthly_usd + compute.x86_on_demand_monthly_usd,
        (f"{shape.lcus} LCU on average", *assumptions),
        (*warnings, *_container_insights_warnings(shape, rates)),
    )


def _container_insights(shape: StackShape, rates: Mapping[str, Decimal]) -> CostLine | None:
    """Container Insights' metrics: enhanced ones at their own rate, plain ones as custom metrics (ECS
    Developer Guide: "charged as custom metrics"; CloudWatch User Guide: embedded metrics)."""
    if shape.container_insights in (None, "disabled") or not shape.tasks:
        return None
    enhanced = shape.container_insights == "enhanced"
    count = shape.insights_metrics(shape.container_insights)
    price = rates["containerInsightsEcsMetricMonth" if enhanced else "customMetricMonth"]
    tasks = f"{shape.tasks} task{'s' if shape.tasks > 1 else ''}"
    containers = f"{shape.containers} container{'s' if shape.containers > 1 else ''}"
    checked = f", {shape.health_checked} with a health check" if enhanced else ""
    note = f"{shape.container_insights}: {tasks} of {containers}{checked}, all month"
    return CostLine(
        "Container Insights metrics", Decimal(count), "metrics", price, (count * price).quantize(CENT), note
    )


def _container_insights_warnings(shape: StackShape, rates: Mapping[str, Decimal]) -> tuple[str, ...]:
    """What AWS leaves open about Container Insights' bill: the enhanced rate's source, whether an
    enhanced cluster's plain metrics are custom metrics too, whether its metrics are prorated (each task
    started has its own, and a deployment starts the desired count), and an existing cluster's setting."""
    count = shape.insights_metrics
    rate, custom = rates["containerInsightsEcsMetricMonth"], rates["customMetricMonth"]
    if shape.container_insights is None:
        plain, enhanced = count("enabled", cluster_wide=False), count("enhanced", cluster_wide=False)
        return (
            "the stack joins an existing cluster, whose Container Insights setting this program cannot see: "
            f"with it on, this service's own metrics are not priced here ({plain} plain, "
            f"${(plain * custom).quantize(CENT)} a month; {enhanced} with enhanced observability, "
            f"${(enhanced * rate).quantize(CENT)})",
        )
    if shape.container_insights != "enhanced" or not shape.tasks:
        return ()
    plain = count("enabled")
    change = (plain * (custom - rate)).quantize(CENT)
    per_task = count("enhanced", shape.tasks + 1) - count("enhanced")
    return (
        f"Container Insights with enhanced observability is priced at containerInsightsEcsMetricMonth (${rate}), "
        "the AWS Price List's rate for usage type MetricsUsage, which AWS bills it under, as third-party captures "
        f"show it: no AWS page states it. AWS does not say either whether the {plain} metrics plain Container "
        f"Insights publishes are billed as custom metrics instead, which would {'add' if change >= 0 else 'take off'} "
        f"${abs(change)} a month",
        "AWS does not say whether enhanced observability's metrics are prorated by the hour as custom metrics "
        f"are: if not, each task started in the month adds {per_task} metrics, ${(per_task * rate).quantize(CENT)} "
        f"(a Spot replacement, scaling out), and a deployment starts {shape.tasks} "
        f"({per_task * shape.tasks} metrics, ${(per_task * shape.tasks * rate).quantize(CENT)})",
    )


#: AZs assumed for the default VPC's load balancer. A default VPC has a default subnet in each AZ of
#: its region and the load balancer takes them all (``Network``), so the real count is the region's;
#: ``costDefaultVpcAzs`` gives it.
DEFAULT_VPC_AZS = 3
#: How to count them (the README's *Costs* names it too).
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
) -> tuple[StackShape, tuple[str, ...]]:
    """What a stack of one service behind a load balancer runs besides its tasks, for ``stack_cost``,
    and the assumptions made. The load balancer's AZs are its subnets' (a new VPC's AZs, the existing
    public subnets, or the default VPC's ``default_vpc_azs``, 0 for unknown: then ``DEFAULT_VPC_AZS``,
    assumed, and how to count them in ``region`` said). Alarms are counted from their definitions
    (``alarm_rules``); a traffic-shifting deployment (the service's route's) watches its second target
    group with the target-side ones again; the scaling policies are the service's autoscaling's.
    ``container_insights`` is the created cluster's setting, ``None`` for an existing cluster."""
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
        azs, nat, public_tasks = default_vpc_azs or DEFAULT_VPC_AZS, 0, service.desired_count
        assumed = not default_vpc_azs
        if assumed:
            assumptions.append(
                f"the default VPC's load balancer in {DEFAULT_VPC_AZS} AZs, one public IPv4 address each (it takes "
                "every default subnet: count them with "
                f"`{COUNT_DEFAULT_SUBNETS.replace('<region>', region or '<region>')}` and set "
                "stack_shape.default_vpc_azs)"
            )
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
    )
    return shape, tuple(assumptions)


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
