"""Monthly cost estimate of the stack from a dated us-east-1 rate table.

Fargate bills per vCPU-hour and per GB-hour (GB = memory MiB / 1024). ``stack_cost`` adds what the
stack itself creates: the load balancer (hours, and LCUs at a stated assumption), public IPv4
addresses (AWS bills each one: the load balancer's, one per AZ it has a subnet in, every task's in a
public subnet, each NAT gateway's), NAT gateways, alarms (ours and the two each target-tracking policy
creates), dashboards, custom metrics and the task counter's runs. ``INCLUDED`` and ``NOT_INCLUDED``
say so in the words every figure is quoted with; ``cost_warnings`` says where a figure is less sure
than it looks (another region's rates, Container Insights unpriced).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import ConfigError
from .network.network_spec import NetworkArgs
from .observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY, MONITORING_ALARMS, Alarms, alarm_definitions
from .service.autoscaling_rules import Autoscaling
from .service.capacity_strategy import FARGATE, FARGATE_SPOT, StrategyItem, split_tasks
from .service.deployment_strategy import DeploymentStrategy
from .service.service_spec import ServiceSpec

RATES_AS_OF = "2026-09"
#: The one region the table holds rates of; a stack elsewhere gets a warning (``cost_warnings``).
RATES_REGION = "us-east-1"
#: What every figure covers and what it leaves out, word for word wherever a figure is quoted: the plan
#: prints these, and the README's figures are tested to stand beside them.
INCLUDED = (
    "Graviton compute, the load balancer (hours and LCUs), public IPv4 addresses, NAT gateways, alarms, "
    "the dashboard, custom metrics and the task counter, as the config has them"
)
NOT_INCLUDED = "data transfer, CloudWatch Logs, ECR storage and Container Insights; free tiers are not subtracted"
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


def _percent_less(before: Decimal, after: Decimal) -> Decimal:
    """How much less ``after`` is than ``before``, in percent to one decimal (0 when ``before`` is 0)."""
    return ((before - after) / before * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if before else Decimal("0.0")


@dataclass(frozen=True)
class CostEstimate:
    """A month of compute for the service, and the same tasks on x86 on-demand and on Graviton on-demand,
    so that Graviton's saving and Spot's are told apart."""

    monthly_usd: Decimal
    """Graviton, each task on FARGATE or FARGATE_SPOT as the strategy places it."""
    arm_on_demand_monthly_usd: Decimal
    """Every task on Graviton on-demand (FARGATE)."""
    x86_on_demand_monthly_usd: Decimal
    """Every task on x86 on-demand."""
    graviton_saving_percent: Decimal
    """x86 on-demand -> Graviton on-demand: what the architecture alone saves."""
    spot_saving_percent: Decimal
    """Graviton on-demand -> Graviton as placed: what Spot saves on top."""
    tasks_on_demand: Decimal
    tasks_spot: Decimal

    def as_output(self) -> dict[str, object]:
        """A JSON-friendly dict for ``pulumi.export``."""
        return {
            "monthly_usd": float(self.monthly_usd),
            "arm_on_demand_monthly_usd": float(self.arm_on_demand_monthly_usd),
            "x86_on_demand_monthly_usd": float(self.x86_on_demand_monthly_usd),
            "graviton_saving_percent": float(self.graviton_saving_percent),
            "spot_saving_percent": float(self.spot_saving_percent),
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
    """Monthly ARM64 compute for ``desired_count`` tasks split by ``strategy``, rounded to the cent, beside
    the same tasks all on Graviton on-demand and all on x86 on-demand."""
    split = split_tasks(desired_count, strategy)
    on_demand = split.get(FARGATE, Decimal(0))
    spot = split.get(FARGATE_SPOT, Decimal(0))
    arm_task = rate(rates, "arm", "OnDemand").task_hour(cpu, memory_mib)
    arm = (on_demand * arm_task + spot * rate(rates, "arm", "Spot").task_hour(cpu, memory_mib)) * hours
    arm_on_demand = Decimal(desired_count) * arm_task * hours
    x86 = Decimal(desired_count) * rate(rates, "x86", "OnDemand").task_hour(cpu, memory_mib) * hours
    return CostEstimate(
        monthly_usd=arm.quantize(CENT, ROUND_HALF_UP),
        arm_on_demand_monthly_usd=arm_on_demand.quantize(CENT, ROUND_HALF_UP),
        x86_on_demand_monthly_usd=x86.quantize(CENT, ROUND_HALF_UP),
        graviton_saving_percent=_percent_less(x86, arm_on_demand),
        spot_saving_percent=_percent_less(arm_on_demand, arm),
        tasks_on_demand=on_demand,
        tasks_spot=spot,
    )


@dataclass(frozen=True, kw_only=True)
class StackShape:
    """What the stack runs besides its tasks, in the units AWS bills."""

    load_balancer_azs: int
    """AZs the load balancer has a subnet, a node and a public IPv4 address in."""
    load_balancer_azs_assumed: bool = False
    """Whether ``load_balancer_azs`` is an assumption (the default VPC's, unless ``costDefaultVpcAzs`` says)."""
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
        warnings,
    )


#: AZs assumed for the default VPC's load balancer. A default VPC has a default subnet in each AZ of
#: its region and the load balancer takes them all (``Network``), so the real count is the region's;
#: ``costDefaultVpcAzs`` gives it.
DEFAULT_VPC_AZS = 3
#: How to count them (the README's *Costs* names it too).
COUNT_DEFAULT_SUBNETS = (
    "aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'length(Subnets)' --region <region>"
)


def check_default_vpc_azs(count: int) -> int:
    """``costDefaultVpcAzs``: 0 (unknown), or the default subnets the load balancer takes. An ALB takes
    subnets in at least two AZs (botocore elbv2 ``CreateLoadBalancerInput.Subnets``: "[Application Load
    Balancers] You must specify subnets from at least two Availability Zones")."""
    if count != 0 and count < 2:
        raise ConfigError(
            "costDefaultVpcAzs", count, f"0 (unknown: {DEFAULT_VPC_AZS} is assumed and the plan says so) or the "
            "number of the default VPC's default subnets, 2 or more (an ALB spans two AZs at least)"
        )  # fmt: skip
    return count


def stack_shape(
    *,
    network: NetworkArgs,
    service: ServiceSpec,
    alarms: Alarms | None,
    autoscaling: Autoscaling | None,
    deployment: DeploymentStrategy | None = None,
    default_vpc_azs: int = 0,
    region: str | None = None,
) -> tuple[StackShape, tuple[str, ...]]:
    """What a stack of one service behind a load balancer runs besides its tasks, for ``stack_cost``,
    and the assumptions made. The load balancer's AZs are its subnets' (a new VPC's AZs, the existing
    public subnets, or the default VPC's ``default_vpc_azs``, 0 for unknown: then ``DEFAULT_VPC_AZS``,
    assumed, and how to count them in ``region`` said). Alarms are counted from their definitions
    (``alarm_rules``); a traffic-shifting ``deployment`` watches its second target group with the
    target-side ones again."""
    assumptions: list[str] = []
    assumed = False
    if network.mode == "new":
        azs = network.availability_zones
        nat = {"None": 0, "Single": 1, "OnePerAz": azs}[network.nat_strategy]
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
                f"every default subnet: count them with "
                f"`{COUNT_DEFAULT_SUBNETS.replace('<region>', region or '<region>')}` and set costDefaultVpcAzs)"
            )
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
        load_balancer_azs_assumed=assumed,
        public_task_ips=public_tasks,
        nat_gateways=nat,
        alarms=count,
        dashboards=1 if alarms else 0,
        custom_metrics=metrics,
        task_counter=alarms is not None,
    )
    return shape, tuple(assumptions)


#: What AWS bills Container Insights by, where no rate could be verified from a stored copy of AWS's
#: pages. Enhanced: the CloudWatch pricing page, "Container Insights with enhanced observability uses a
#: tiered pricing model based on observations" (quoted in aws-observability/observability-best-practices
#: issue 123); the rate per observation and the observations a task makes were not found. Enabled:
#: "Metrics collected by CloudWatch Container Insights are charged as custom metrics" (Amazon ECS
#: Developer Guide, "Amazon ECS CloudWatch Container Insights"); how many a cluster publishes was not.
CONTAINER_INSIGHTS_BILLING = {
    "enhanced": "Container Insights with enhanced observability is on: AWS bills it per observation, on tiers "
    "(Amazon CloudWatch pricing page); no rate could be verified, so it is not priced here",
    "enabled": "Container Insights is on: AWS bills its metrics as CloudWatch custom metrics (Amazon ECS "
    "Developer Guide); how many it publishes could not be verified, so they are not priced here",
}


def cost_warnings(*, region: str | None, rates: Mapping[str, Decimal], container_insights: str) -> tuple[str, ...]:
    """Where a figure is less sure than it reads: rates of another region than the stack's (unless every
    rate is overridden), and Container Insights, on but unpriced (``container_insights`` as the cluster
    the stack creates has it; ``disabled`` when it creates none)."""
    warnings: list[str] = []
    kept = [name for name in DEFAULT_RATES if rates.get(name) == DEFAULT_RATES[name]]
    if region != RATES_REGION and kept:
        where = f"the stack deploys to {region}" if region else "the stack's region is not set (aws:region)"
        warnings.append(
            f"{where}, but {len(kept)} of the {len(DEFAULT_RATES)} rates are {RATES_REGION}'s (the only table "
            f"here): set costRateOverrides to its own, e.g. {kept[0]}=USD"
        )
    if container_insights in CONTAINER_INSIGHTS_BILLING:
        warnings.append(CONTAINER_INSIGHTS_BILLING[container_insights])
    return tuple(warnings)
