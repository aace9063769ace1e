"""A deployment's peak: how many tasks a deployment runs at once, where they land and what the overlap
costs. Canary, linear and blue/green run the old and the new revision side by side (the new one at the
full desired count) for the shift and the bake; a rolling one runs up to ``maxPercent``.

With autoscaling the desired count a deployment starts from is the scaler's, up to ``maxCount``: the
peak is taken at ``max(desiredCount, maxCount)``. Service Quotas counts the two capacity providers
apart ("Fargate On-Demand vCPU resource count" and "Fargate Spot vCPU resource count", AWS General
Reference, "Amazon ECS endpoints and quotas"): the peak's ``on_demand`` tasks times the task's vCPU must
fit the first, its ``spot`` tasks the second.

Where ECS places the new revision's tasks is not verified on AWS: the capacity-provider strategy's base
may apply to the service's running tasks as a whole (then the green revision lands all on Spot, and once
blue is cleaned up no task is on-demand until ECS rebalances) or to each revision. The plan counts it per
revision, each revision placed as the steady service is: the higher cost, and the one consistent with the
base staying on-demand after the deployment (docs/decisions.md, "Where a deployment's tasks land")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .cost import CENT, DEFAULT_RATES, rate, vcpus
from .service.capacity_strategy import FARGATE, FARGATE_SPOT, split_tasks
from .service.deploy_time import DeployTime
from .service.deployment_strategy import DeploymentStrategy
from .service.service_spec import ServiceSpec


@dataclass(frozen=True, kw_only=True)
class DeploymentPeak:
    """What one deployment runs at its peak and where the tasks land."""

    strategy: str
    """The strategy in one line (``DeploymentStrategy.describe``)."""
    peak_tasks: int
    """Most tasks running at once."""
    on_demand: Decimal
    """Of those, expected on FARGATE."""
    spot: Decimal
    """Of those, expected on FARGATE_SPOT."""
    vcpu_per_task: Decimal
    """Each task's vCPU: the peak's tasks on each provider times it is what that provider's quota must hold."""
    overlap_minutes: int
    """Minutes both revisions may run: the deployment's allowance (``deploy_time.DeployTime.minutes``: the
    new revision's scale-up, the shift, the bake and a margin); 0 for rolling, whose overlap lasts until
    each new task is healthy (not priced)."""
    extra_usd: Decimal
    """ARM64 compute of the tasks beyond the desired count for those minutes, per deployment."""

    def as_output(self) -> dict[str, object]:
        return {"strategy": self.strategy, "peak_tasks": self.peak_tasks, "peak_on_demand": float(self.on_demand),
                "peak_spot": float(self.spot), "peak_on_demand_vcpu": float(self.on_demand * self.vcpu_per_task),
                "peak_spot_vcpu": float(self.spot * self.vcpu_per_task), "overlap_minutes": self.overlap_minutes,
                "extra_usd_per_deployment": float(self.extra_usd)}  # fmt: skip


def deployment_peak(
    *,
    deployment: DeploymentStrategy,
    service: ServiceSpec,
    max_count: int | None = None,
    rates: Mapping[str, Decimal] = DEFAULT_RATES,
) -> DeploymentPeak:
    """The peak of a deployment of ``service`` (autoscaled up to ``max_count``, if given): each revision's
    tasks placed by the service's capacity-provider strategy (base first, then weights), so on Spot they
    take the Spot price and Spot's interruptions."""
    count = max(service.desired_count, max_count or 0)
    peak = deployment.peak_tasks(count, service.max_percent)
    steady = split_tasks(count, service.strategy)
    # A traffic-shifting deployment runs a second revision of the full count, placed as the first (unverified:
    # see the module's docstring); a rolling one runs the service's tasks up to maxPercent, placed together.
    split = {p: 2 * n for p, n in steady.items()} if deployment.shifts_traffic else split_tasks(peak, service.strategy)
    on_demand, spot = split.get(FARGATE, Decimal(0)), split.get(FARGATE_SPOT, Decimal(0))
    extra_on_demand = on_demand - steady.get(FARGATE, Decimal(0))
    extra_spot = spot - steady.get(FARGATE_SPOT, Decimal(0))
    hourly = extra_on_demand * rate(rates, "arm", "OnDemand").task_hour(service.cpu, service.memory) + (
        extra_spot * rate(rates, "arm", "Spot").task_hour(service.cpu, service.memory)
    )
    # A shifting strategy always has its deployment alarms (``check_rollback``); a rolling overlap is not priced.
    grace = service.route.health_check_grace_period_seconds if service.route is not None else 0
    time = DeployTime(strategy=deployment, batches=1, grace_seconds=grace, alarms=True)
    minutes = time.minutes() if deployment.shifts_traffic else 0
    extra = (hourly * minutes / 60).quantize(CENT, ROUND_HALF_UP)
    return DeploymentPeak(strategy=deployment.describe(), peak_tasks=peak, on_demand=on_demand, spot=spot,
                          vcpu_per_task=vcpus(service.cpu), overlap_minutes=minutes, extra_usd=extra)  # fmt: skip
