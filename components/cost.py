"""Monthly cost estimate of the stack's compute from a dated us-east-1 rate table.

Fargate bills per vCPU-hour and per GB-hour (GB = memory MiB / 1024). ``stack_cost`` (its own module)
adds what the stack itself creates: the load balancer (hours, and LCUs at a stated assumption), public
IPv4 addresses (AWS bills each one: the load balancer's, one per AZ it has a subnet in, every task's in
a public subnet, each NAT gateway's), NAT gateways, alarms (ours and the two each target-tracking
policy creates; priced per metric an alarm reads, as CloudWatch bills a metric-math alarm), dashboards,
custom metrics, Container Insights' metrics, the task counter's runs and the secret values' KMS key.
``INCLUDED`` and ``NOT_INCLUDED`` say so in the words every figure is quoted with (a test holds every
registered resource to a line or to NOT_INCLUDED: tests/program/test_cost_coverage.py);
``cost_warnings`` and ``CostEstimate.split_warnings`` say where a figure is less sure than it looks (another
region's rates, a weighted part of a task).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .service.capacity_strategy import FARGATE, FARGATE_SPOT, StrategyItem, split_tasks, whole_splits

RATES_AS_OF = "2026-09"
#: The one region the table holds rates of; a stack elsewhere gets a warning (``cost_warnings``).
RATES_REGION = "us-east-1"
#: What every figure covers and what it leaves out, word for word wherever a figure is quoted: the plan
#: prints these, and the README's figures are tested to stand beside them.
INCLUDED = (
    "Graviton compute, the load balancer (hours and LCUs), public IPv4 addresses, NAT gateways, alarms, "
    "the dashboard, custom metrics, Container Insights' metrics, the task counter and the secret values' KMS "
    "key, as the config has them"
)
NOT_INCLUDED = (
    "data transfer, NAT gateways' per-GB processing, CloudWatch Logs (Container Insights' performance log "
    "events too), ECR storage, S3 storage of the load balancer's access logs, requests to KMS, Route 53 "
    "queries, alarm notifications and the smoke test's runs; "
    "free tiers are not subtracted"
)
HOURS_PER_MONTH = 730
CENT = Decimal("0.01")
#: The task counter runs once a minute (``task_counter.SCHEDULE``) with 256 MB (``task_counter.MEMORY_MB``)
#: for at most about a second for a service of tens of tasks: the GB-seconds each run is billed, rounded up.
COUNTER_RUNS_PER_HOUR = 60
COUNTER_GB_SECONDS_PER_RUN = Decimal("0.25")


def vcpus(cpu: int) -> Decimal:
    """A task's vCPU from its CPU units: 1,024 units a vCPU (Amazon ECS Developer Guide, task definition
    parameters, ``cpu``). Fargate bills by it and Service Quotas counts it (``deployment_cost``)."""
    return Decimal(cpu) / 1024


@dataclass(frozen=True)
class Rate:
    """USD per vCPU-hour and per GB-hour."""

    vcpu_hour: Decimal
    gb_hour: Decimal

    def task_hour(self, cpu: int, memory_mib: int) -> Decimal:
        """USD for one task of this size for one hour."""
        return self.vcpu_hour * vcpus(cpu) + self.gb_hour * Decimal(memory_mib) / 1024


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
    "alarmMonth": Decimal("0.10"),  # per alarm metric, a standard-resolution alarm's each metric
    "dashboardMonth": Decimal("3.00"),
    # AWS KMS pricing page, "Key Storage": "Each AWS KMS key that you create in KMS costs $1/month".
    "kmsKeyMonth": Decimal("1.00"),
    # CloudWatch (first 10,000 custom metrics) and AWS Lambda (Arm) pricing pages.
    "customMetricMonth": Decimal("0.30"),
    # Container Insights with enhanced observability for ECS: usage type MetricsUsage, operation
    # MetricStorage:CI-ECS (CloudWatch User Guide, "Analyzing, optimizing, and reducing CloudWatch
    # costs"; EKS's is ObservationCount:CI-EKS). No AWS page states the rate: it is the Price List API's
    # for MetricsUsage as third-party captures show it, us-east-1 2025-10 and 2026-07, ap-southeast-1
    # 2026-08 (docs/decisions.md). Override it with your own bill's.
    "containerInsightsEcsMetricMonth": Decimal("0.07"),
    "lambdaRequest": Decimal("0.0000002"),
    "lambdaArmGbSecond": Decimal("0.0000133334"),
}


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
    split_warnings: tuple[str, ...] = ()
    """Where the weights give FARGATE_SPOT a fraction of a task: both whole splits ECS may run, priced."""

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
    arm = _placed(split, cpu, memory_mib, rates) * hours
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
        split_warnings=_split_warnings(split, desired_count, strategy, cpu, memory_mib, rates, hours),
    )


def _placed(split: Mapping[str, Decimal], cpu: int, memory_mib: int, rates: Mapping[str, Decimal]) -> Decimal:
    """USD an hour for Graviton tasks ``split`` between FARGATE and FARGATE_SPOT."""
    on_demand = split.get(FARGATE, Decimal(0)) * rate(rates, "arm", "OnDemand").task_hour(cpu, memory_mib)
    return on_demand + split.get(FARGATE_SPOT, Decimal(0)) * rate(rates, "arm", "Spot").task_hour(cpu, memory_mib)


def _split_warnings(
    split: Mapping[str, Decimal],
    desired_count: int,
    strategy: tuple[StrategyItem, ...],
    cpu: int,
    memory_mib: int,
    rates: Mapping[str, Decimal],
    hours: int,
) -> tuple[str, ...]:
    """Where the weights give FARGATE_SPOT a fraction of a task (``split``): the compute priced at that
    proportion lies between the two whole splits a steady service runs (``whole_splits``), each said with
    its month."""
    splits = whole_splits(desired_count, strategy)
    if not splits:
        return ()
    spot = split[FARGATE_SPOT].quantize(Decimal("0.01")).normalize()
    fewer, more = ((_placed(split, cpu, memory_mib, rates) * hours).quantize(CENT, ROUND_HALF_UP) for split in splits)
    return (
        f"the weights give FARGATE_SPOT {spot} of the {desired_count} tasks, priced so; ECS places whole tasks and "
        f"AWS does not say which provider takes the odd one: the compute is ${more} a month with "
        f"{splits[1][FARGATE_SPOT]} on FARGATE_SPOT, ${fewer} with {splits[0][FARGATE_SPOT]}",
    )


def cost_warnings(*, region: str | None, rates: Mapping[str, Decimal]) -> tuple[str, ...]:
    """Where a figure is less sure than it reads: rates of another region than the stack's (unless every
    rate is overridden)."""
    kept = [name for name in DEFAULT_RATES if rates.get(name) == DEFAULT_RATES[name]]
    if region == RATES_REGION or not kept:
        return ()
    where = f"the stack deploys to {region}" if region else "the stack's region is not set (aws:region)"
    return (
        f"{where}, but {len(kept)} of the {len(DEFAULT_RATES)} rates are {RATES_REGION}'s (the only table "
        f"here): set estimate.rates to its own, e.g. {kept[0]}=USD",
    )
