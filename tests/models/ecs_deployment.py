"""A model of an ECS traffic-shifting deployment, minute by minute, as the ECS guide describes it.

After the new (green) revision has scaled up beside the old (blue) one (lifecycle stage SCALE_UP), ECS
moves the production rule's weights: ``canary`` — the canary share at once, the rest after the canary
bake; ``linear`` — one step every step bake, the last step whatever is left; ``blueGreen`` — everything
at once. Then blue keeps running for ``bakeTimeInMinutes`` (BAKE_TIME). A deployment alarm in ALARM at
any minute of the shift or the bake rolls back: the weights go back to blue, which is still running.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from components.service.deployment_strategy import BLUE_GREEN, CANARY, LINEAR, DeploymentStrategy


def green_share(strategy: DeploymentStrategy, minute: int) -> Decimal:
    """Percent of production traffic on the new revision ``minute`` minutes after the first shift."""
    if strategy.kind == BLUE_GREEN:
        return Decimal(100)
    if strategy.kind == CANARY:
        return strategy.canary_percent if minute < strategy.canary_bake_minutes else Decimal(100)
    if strategy.kind == LINEAR:
        step = minute // strategy.step_minutes if strategy.step_minutes else strategy.steps()
        return min(Decimal(100), strategy.step_percent * (step + 1))
    raise ValueError(strategy.kind)


@dataclass(frozen=True)
class Outcome:
    completed: bool
    minutes: int
    """Minutes from the first shift to the end (completion after the bake, or the rollback)."""
    exposure: Decimal
    """Traffic the new revision served, in percent-minutes (100 = all traffic for a minute)."""
    peak_share: Decimal


def deploy(strategy: DeploymentStrategy, *, bad_after_minutes: int | None) -> Outcome:
    """Run a deployment; a bad revision's alarm fires ``bad_after_minutes`` after it first takes traffic."""
    end = strategy.shift_minutes() + strategy.bake_minutes
    exposure, peak = Decimal(0), Decimal(0)
    for minute in range(end + 1):
        if bad_after_minutes is not None and minute >= bad_after_minutes:
            return Outcome(False, minute, exposure, peak)
        share = green_share(strategy, minute)
        exposure += share
        peak = max(peak, share)
    return Outcome(True, end, exposure, peak)
