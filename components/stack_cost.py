"""The month of a whole stack: what it runs besides its tasks (``StackShape``, from the settings by
``stack_shape``, its own module), priced line by line by ``stack_cost`` with the compute estimate of
``cost``. Container Insights' metrics are counted from AWS's tables (``container_insights_metrics``).
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
from .observability.container_insights_metrics import metric_count


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
    kms_keys: int = 0
    """Customer-managed KMS keys the stack creates (the task's secret values' key), each rotated yearly."""

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


def _key_rotation(rates: Mapping[str, Decimal]) -> str:
    """What a rotated key adds later. AWS KMS pricing page: "If you enable automatic key rotation, each
    newly generated backing key costs an additional $1/month"; since 2024-04 "a new limit on the price of
    all symmetric keys that have had two or more rotations" (AWS Security Blog): the first two only."""
    return f"a key's first year: each of its first two yearly rotations adds ${rates['kmsKeyMonth']} a month"


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
    for item, quantity, unit, price, note in (
        ("alarms", shape.alarms, "alarm metrics", rates["alarmMonth"], ""),
        ("dashboards", shape.dashboards, "dashboards", rates["dashboardMonth"], ""),
        ("custom metrics", shape.custom_metrics, "custom metrics", rates["customMetricMonth"], ""),
        ("KMS keys", shape.kms_keys, "keys", rates["kmsKeyMonth"], _key_rotation(rates)),
    ):
        if quantity:
            lines.append(CostLine(item, Decimal(quantity), unit, price, (quantity * price).quantize(CENT), note))
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
