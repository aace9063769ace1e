"""A deployment's peak: how many tasks a deployment runs at once, where they land and what the overlap
costs. Canary, linear and blue/green run the old and the new revision side by side (the new one at the
full desired count) for the shift and the bake; a rolling one runs up to ``maxPercent``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .cost import CENT, DEFAULT_RATES, rate
from .service.capacity_strategy import FARGATE, FARGATE_SPOT, split_tasks
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
    overlap_minutes: int
    """Minutes both revisions run (the shift and the bake); 0 for rolling."""
    extra_usd: Decimal
    """ARM64 compute of the tasks beyond the desired count for those minutes, per deployment."""

    def as_output(self) -> dict[str, object]:
        return {"strategy": self.strategy, "peak_tasks": self.peak_tasks, "peak_on_demand": float(self.on_demand),
                "peak_spot": float(self.spot), "overlap_minutes": self.overlap_minutes,
                "extra_usd_per_deployment": float(self.extra_usd)}  # fmt: skip


def deployment_peak(
    *,
    deployment: DeploymentStrategy,
    service: ServiceSpec,
    rates: Mapping[str, Decimal] = DEFAULT_RATES,
) -> DeploymentPeak:
    """The peak of a deployment of ``service``: the new revision's tasks are placed by the service's
    capacity-provider strategy like any other (base first, then weights, over all its running tasks), so
    on Spot they take the Spot price and Spot's interruptions."""
    peak = deployment.peak_tasks(service.desired_count, service.max_percent)
    split = split_tasks(peak, service.strategy)
    steady = split_tasks(service.desired_count, service.strategy)
    on_demand, spot = split.get(FARGATE, Decimal(0)), split.get(FARGATE_SPOT, Decimal(0))
    extra_on_demand = on_demand - steady.get(FARGATE, Decimal(0))
    extra_spot = spot - steady.get(FARGATE_SPOT, Decimal(0))
    hourly = extra_on_demand * rate(rates, "arm", "OnDemand").task_hour(service.cpu, service.memory) + (
        extra_spot * rate(rates, "arm", "Spot").task_hour(service.cpu, service.memory)
    )
    minutes = deployment.overlap_minutes()
    extra = (hourly * minutes / 60).quantize(CENT, ROUND_HALF_UP)
    return DeploymentPeak(strategy=deployment.describe(), peak_tasks=peak, on_demand=on_demand, spot=spot,
                          overlap_minutes=minutes, extra_usd=extra)  # fmt: skip
