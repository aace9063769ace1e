"""Monthly cost estimate of the stack from a dated us-east-1 rate table.

Fargate bills per vCPU-hour and per GB-hour (GB = memory MiB / 1024). ``stack_cost`` adds what the
stack itself creates: the load balancer (hours, and LCUs at a stated assumption), public IPv4
addresses (AWS bills each one: the load balancer's, one per AZ, every task's in a public subnet, each
NAT gateway's), NAT gateways, alarms (ours and the two each target-tracking policy creates),
dashboards, custom metrics and the task counter's runs. Data transfer, logs and ECR storage depend
on traffic and are not in it; free tiers are not subtracted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import ConfigError
from .network.network_spec import NetworkSpec
from .observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY, MONITORING_ALARMS, Alarms, alarm_definitions
from .service.autoscaling_rules import Autoscaling
from .service.capacity_strategy import FARGATE, FARGATE_SPOT, StrategyItem, split_tasks
from .service.deployment_strategy import DeploymentStrategy
from .service.service_spec import ServiceSpec

RATES_AS_OF = "2026-09"
RATES_REGION = "us-east-1"
HOURS_PER_MONTH = 730
CENT = Decimal("0.01")
#: The task counter runs once a minute (``task_counter.SCHEDULE``) with 128 MB for at most about a
#: second: the GB-seconds each run is billed, rounded up.
COUNTER_RUNS_PER_HOUR = 60
COUNTER_GB_SECONDS_PER_RUN = Decimal("0.125")


@dataclass(frozen=True)
class Rate:
    """USD per vCPU-hour and per GB-hour."""

    vcpu_hour: Decimal
    gb_hour: Decimal

    def task_hour(self, cpu: int, memory_mib: int) -> Decimal:
        """USD for one task of this size for one hour."""
        return self.vcpu_hour * Decimal(cpu) / 1024 + self.gb_hour * Decimal(memory_mib) / 1024


#: us-east-1, Linux. On-demand: AWS Fargate pricing page. ARM Spot: 2026-09 snapshot (Spot floats).
#: x86 Spot: no snapshot was checked; it is x86 on-demand x 0.30 — override it with real figures.
DEFAULT_RATES: Mapping[str, Decimal] = {
    "x86OnDemandVcpuHour": Decimal("0.04048"),
    "x86OnDemandGbHour": Decimal("0.004445"),
    "armOnDemandVcpuHour": Decimal("0.03238"),
    "armOnDemandGbHour": Decimal("0.00356"),
    "armSpotVcpuHour": Decimal("0.01031"),
    "armSpotGbHour": Decimal("0.001133"),
    "x86SpotVcpuHour": Decimal("0.012144"),
    "x86SpotGbHour": Decimal("0.0013335"),
    # Elastic Load Balancing, VPC (public IPv4 since 2024-02, NAT gateway) and CloudWatch pricing pages.
    "albHour": Decimal("0.0225"),
    "albLcuHour": Decimal("0.008"),
    "publicIpv4Hour": Decimal("0.005"),
    "natGatewayHour": Decimal("0.045"),
    "alarmMonth": Decimal("0.10"),
    "dashboardMonth": Decimal("3.00"),
    # CloudWatch (first 10,000 custom metrics) and AWS Lambda (Arm) pricing pages.
    "customMetricMonth": Decimal("0.30"),
    "lambdaRequest": Decimal("0.0000002"),
    "lambdaArmGbSecond": Decimal("0.0000133334"),
}


def parse_rate_overrides(entries: tuple[str, ...]) -> dict[str, Decimal]:
    """The rate table with ``costRateOverrides`` (``name=USD`` strings) applied."""
    rates = dict(DEFAULT_RATES)
    allowed = f"name=USD with name one of {', '.join(DEFAULT_RATES)} and USD > 0"
    for entry in entries:
        name, _, value = entry.partition("=")
        try:
            amount = Decimal(value)
        except ArithmeticError:
            raise ConfigError("costRateOverrides", entry, allowed) from None
        if name not in DEFAULT_RATES or not amount.is_finite() or amount <= 0:
            raise ConfigError("costRateOverrides", entry, allowed)
        rates[name] = amount
    return rates


def rate(rates: Mapping[str, Decimal], arch: str, market: str) -> Rate:
    """The rate for ``arch`` (``arm``/``x86``) and ``market`` (``OnDemand``/``Spot``)."""
    return Rate(rates[f"{arch}{market}VcpuHour"], rates[f"{arch}{market}GbHour"])


@dataclass(frozen=True)
class CostEstimate:
    """A month of compute for the service, and what the same tasks would cost on x86 on-demand."""

    monthly_usd: Decimal
    x86_on_demand_monthly_usd: Decimal
    saving_percent: Decimal
    tasks_on_demand: Decimal
    tasks_spot: Decimal

    def as_output(self) -> dict[str, object]:
        """A JSON-friendly dict for ``pulumi.export``."""
        return {
            "monthly_usd": float(self.monthly_usd),
            "x86_on_demand_monthly_usd": float(self.x86_on_demand_monthly_usd),
            "saving_percent": float(self.saving_percent),
            "tasks_on_demand": float(self.tasks_on_demand),
            "tasks_spot": float(self.tasks_spot),
            "rates_as_of": RATES_AS_OF,
            "rates_region": RATES_REGION,
            "hours_per_month": HOURS_PER_MONTH,
        }


def estimate(
    *,
    cpu: int,
    memory_mib: int,
    desired_count: int,
    strategy: tuple[StrategyItem, ...],
    rates: Mapping[str, Decimal] = DEFAULT_RATES,
    hours: int = HOURS_PER_MONTH,
) -> CostEstimate:
    """Monthly ARM64 compute for ``desired_count`` tasks split by ``strategy``, rounded to the cent."""
    split = split_tasks(desired_count, strategy)
    on_demand = split.get(FARGATE, Decimal(0))
    spot = split.get(FARGATE_SPOT, Decimal(0))
    arm = (
        on_demand * rate(rates, "arm", "OnDemand").task_hour(cpu, memory_mib)
        + spot * rate(rates, "arm", "Spot").task_hour(cpu, memory_mib)
    ) * hours
    x86 = Decimal(desired_count) * rate(rates, "x86", "OnDemand").task_hour(cpu, memory_mib) * hours
    monthly = arm.quantize(CENT, ROUND_HALF_UP)
    x86_monthly = x86.quantize(CENT, ROUND_HALF_UP)
    saving = ((x86 - arm) / x86 * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if x86 else Decimal("0.0")
    return CostEstimate(
        monthly_usd=monthly,
        x86_on_demand_monthly_usd=x86_monthly,
        saving_percent=saving,
        tasks_on_demand=on_demand,
        tasks_spot=spot,
    )


@dataclass(frozen=True, kw_only=True)
class StackShape:
    """What the stack runs besides its tasks, in the units AWS bills."""

    load_balancer_azs: int
    """AZs the load balancer has a node (and a public IPv4 address) in."""
    public_task_ips: int
    """Tasks with a public IPv4 address (tasks in public subnets)."""
    nat_gateways: int
    """NAT gateways the stack creates (each with an Elastic IP)."""
    alarms: int
    """CloudWatch alarms, those Application Auto Scaling creates included."""
    dashboards: int = 0
    """CloudWatch dashboards."""
    custom_metrics: int = 0
    """Custom CloudWatch metrics (each name and dimension set): the Spot count and the task counts."""
    task_counter: bool = False
    """Whether the task counter function runs (``COUNTER_RUNS_PER_HOUR``)."""
    lcus: Decimal = Decimal(1)
    """Load balancer capacity units assumed on average (traffic decides the real figure)."""


@dataclass(frozen=True)
class CostLine:
    """One line of the bill."""

    item: str
    quantity: Decimal
    unit: str
    unit_usd: Decimal
    monthly_usd: Decimal


@dataclass(frozen=True)
class StackCost:
    """The month's lines, the total, and the total with x86 on-demand compute instead."""

    lines: tuple[CostLine, ...]
    total_usd: Decimal
    x86_total_usd: Decimal
    assumptions: tuple[str, ...]

    def as_output(self) -> dict[str, object]:
        return {
            "lines": [
                {"item": line.item, "quantity": float(line.quantity), "unit": line.unit,
                 "unit_usd": float(line.unit_usd), "monthly_usd": float(line.monthly_usd)}
                for line in self.lines
            ],
            "total_monthly_usd": float(self.total_usd),
            "x86_on_demand_total_monthly_usd": float(self.x86_total_usd),
            "assumptions": list(self.assumptions),
        }  # fmt: skip


def stack_cost(
    compute: CostEstimate,
    shape: StackShape,
    rates: Mapping[str, Decimal] = DEFAULT_RATES,
    hours: int = HOURS_PER_MONTH,
    assumptions: tuple[str, ...] = (),
) -> StackCost:
    """Every line of the month for ``compute`` plus what ``shape`` runs, each rounded to the cent."""
    ipv4 = shape.load_balancer_azs + shape.public_task_ips + shape.nat_gateways
    hourly = (
        ("load balancer", Decimal(1), "running", rates["albHour"]),
        ("load balancer capacity units", shape.lcus, "LCU on average", rates["albLcuHour"]),
        ("public IPv4 addresses", Decimal(ipv4), "addresses", rates["publicIpv4Hour"]),
        ("NAT gateways", Decimal(shape.nat_gateways), "gateways", rates["natGatewayHour"]),
    )
    lines = [
        CostLine("Graviton compute", compute.tasks_on_demand + compute.tasks_spot, "tasks", Decimal(0),
                 compute.monthly_usd)
    ]  # fmt: skip
    for item, quantity, unit, price in hourly:
        if quantity:
            lines.append(
                CostLine(item, quantity, unit, price, (quantity * price * hours).quantize(CENT, ROUND_HALF_UP))
            )
    for item, quantity, price in (("alarms", shape.alarms, rates["alarmMonth"]),
                                  ("dashboards", shape.dashboards, rates["dashboardMonth"]),
                                  ("custom metrics", shape.custom_metrics, rates["customMetricMonth"])):  # fmt: skip
        if quantity:
            lines.append(CostLine(item, Decimal(quantity), item, price, (quantity * price).quantize(CENT)))
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
    )


#: AZs assumed for the default VPC's load balancer (it takes every default subnet; the count varies).
DEFAULT_VPC_AZS = 3


def stack_shape(
    *,
    network: NetworkSpec,
    service: ServiceSpec,
    alarms: Alarms | None,
    autoscaling: Autoscaling | None,
    deployment: DeploymentStrategy | None = None,
) -> tuple[StackShape, tuple[str, ...]]:
    """What a stack of one service behind a load balancer runs besides its tasks, for ``stack_cost``,
    and the assumptions made. Alarms are counted from their definitions (``alarm_rules``); a
    traffic-shifting ``deployment`` watches its second target group with the target-side ones again."""
    assumptions: list[str] = []
    if network.mode == "new":
        azs = network.availability_zones
        nat = {"None": 0, "Single": 1, "OnePerAz": azs}[network.nat_strategy]
        public_tasks = service.desired_count if nat == 0 else 0
    elif network.mode == "existing":
        azs, nat = len(network.public_subnet_ids), 0
        public_tasks = 0 if network.task_subnet_ids else service.desired_count
    else:
        azs, nat, public_tasks = DEFAULT_VPC_AZS, 0, service.desired_count
        assumptions.append(f"the default VPC's load balancer in {DEFAULT_VPC_AZS} AZs")
    count = len(alarm_definitions(alarms)) + len(MONITORING_ALARMS) if alarms else 0
    if alarms and deployment is not None and deployment.shifts_traffic:
        count += sum(d.watches == "target" for d in alarm_definitions(alarms))
    if autoscaling:
        targets = (autoscaling.cpu_target_percent, autoscaling.memory_target_percent, autoscaling.requests_per_target)
        count += ALARMS_PER_TARGET_TRACKING_POLICY * sum(t is not None for t in targets)
        assumptions.append(f"{service.desired_count} tasks, the desired count (autoscaling moves it)")
    # With alarms: the Spot count, the desired count and the running tasks of each provider.
    metrics = 2 + len(service.strategy) if alarms else 0
    shape = StackShape(
        load_balancer_azs=azs,
        public_task_ips=public_tasks,
        nat_gateways=nat,
        alarms=count,
        dashboards=1 if alarms else 0,
        custom_metrics=metrics,
        task_counter=alarms is not None,
    )
    return shape, tuple(assumptions)
