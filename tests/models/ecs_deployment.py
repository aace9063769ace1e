"""A model of an ECS traffic-shifting deployment, minute by minute, as the ECS guide describes it.

After the new (green) revision has scaled up beside the old (blue) one (lifecycle stage SCALE_UP), ECS
moves the production rule's weights: ``canary`` — the canary share at once, the rest after the canary
bake; ``linear`` — one step every step bake, the last step whatever is left; ``blueGreen`` — everything
at once. Then blue keeps running for ``bakeTimeInMinutes`` (BAKE_TIME). A deployment alarm in ALARM at
any minute of the shift or the bake rolls back: the weights go back to blue, which is still running.

Lifecycle hooks run at the stages a hook may take, in ECS's order (botocore ``DeploymentLifecycleHookStage``,
which has ``PRE_PRODUCTION_TRAFFIC_SHIFT``; the deployment's own ``ServiceDeploymentLifecycleStage`` does
not); a hook that answers ``FAILED``, or no ``hookStatus`` at all, rolls back there, and ``IN_PROGRESS``
calls it again (ECS guide, "Lambda hooks for Amazon ECS service deployments"). Hooks before
``PRE_PRODUCTION_TRAFFIC_SHIFT`` run once, while blue still has all production traffic;
``PRE_PRODUCTION_TRAFFIC_SHIFT`` "is invoked before every traffic shift step" of a canary or linear
deployment, so a failure there rolls back with the traffic the earlier steps exposed. Later stages are not
modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from components.service.deployment_strategy import BLUE_GREEN, CANARY, LINEAR, DeploymentStrategy
from tests.models.aws_api import service, shape_at
from tests.models.cloudwatch import alarm_metrics, alarm_states

#: The stages of a deployment, in the order ECS runs them.
STAGES: tuple[str, ...] = tuple(shape_at("ecs", "ServiceDeployment.lifecycleStage").enum)
#: The stages a lifecycle hook may run at, in the order ECS runs them.
HOOK_STAGES: tuple[str, ...] = tuple(service("ecs").shape_for("DeploymentLifecycleHookStage").enum)
PRE_SHIFT = "PRE_PRODUCTION_TRAFFIC_SHIFT"
#: Times ECS calls an IN_PROGRESS hook again before the model calls it stuck (ECS's own limit is the hook's
#: timeout; the model needs one only to end).
MAX_CALLS = 100
Hook = Callable[[], Mapping[str, Any]]


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


@dataclass(frozen=True)
class Traffic:
    """A bad revision under load, and the target 5xx alarm of its target group."""

    requests_per_minute: Decimal
    """Production requests a minute, all target groups together."""
    error_rate: Decimal
    """Share of the new revision's requests that answer 5xx (0-1)."""
    alarm: Mapping[str, Any]
    """The alarm on the new revision's target group as CloudWatch receives it (camelCase inputs)."""


def _published(value: Decimal) -> float | None:
    """A Sum the load balancer publishes for a minute: none at all when nothing happened (ELB guide,
    "CloudWatch metrics for your Application Load Balancer": metrics are reported only when non-zero)."""
    return float(value) if value else None


def alarm_minute(strategy: DeploymentStrategy, traffic: Traffic) -> int | None:
    """The minute after the first shift at which the new revision's 5xx alarm fires, from what its target
    group publishes (its share of the requests, and those times the error rate, each minute) evaluated as
    CloudWatch evaluates the alarm, or None if it never fires within the shift and the bake."""
    minutes = range(strategy.shift_minutes() + strategy.bake_minutes + 1)
    requests = [traffic.requests_per_minute * green_share(strategy, m) / 100 for m in minutes]
    counts = {"RequestCount": requests, "HTTPCode_Target_5XX_Count": [r * traffic.error_rate for r in requests]}
    series = {metric: [_published(v) for v in counts[metric[1]]] for metric in alarm_metrics(dict(traffic.alarm))}
    states = alarm_states(dict(traffic.alarm), series)
    return states.index("ALARM") if "ALARM" in states else None


def _hook_passes(hook: Hook) -> bool:
    for _ in range(MAX_CALLS):
        status = hook().get("hookStatus")
        if status != "IN_PROGRESS":
            return status == "SUCCEEDED"
    return False


def deploy(
    strategy: DeploymentStrategy,
    *,
    bad_after_minutes: int | None = None,
    traffic: Traffic | None = None,
    hooks: Mapping[str, Hook] | None = None,
) -> Outcome:
    """Run a deployment; a bad revision's alarm fires ``bad_after_minutes`` after it first takes traffic,
    or when its ``traffic`` makes it fire (``alarm_minute``). ``hooks`` are the lifecycle hooks by stage,
    each answering as a Lambda hook does."""
    if traffic is not None:
        bad_after_minutes = alarm_minute(strategy, traffic)
    hooks = hooks or {}
    assert set(hooks) <= set(HOOK_STAGES), f"not a hook stage: {set(hooks) - set(HOOK_STAGES)}"
    before_production = HOOK_STAGES[: HOOK_STAGES.index(PRE_SHIFT)]
    if any(not _hook_passes(hooks[stage]) for stage in before_production if stage in hooks):
        return Outcome(False, 0, Decimal(0), Decimal(0))
    end = strategy.shift_minutes() + strategy.bake_minutes
    exposure, peak = Decimal(0), Decimal(0)
    for minute in range(end + 1):
        if bad_after_minutes is not None and minute >= bad_after_minutes:
            return Outcome(False, minute, exposure, peak)
        share = green_share(strategy, minute)
        steps = minute == 0 or share != green_share(strategy, minute - 1)
        if steps and minute <= strategy.shift_minutes() and PRE_SHIFT in hooks and not _hook_passes(hooks[PRE_SHIFT]):
            return Outcome(False, minute, exposure, peak)
        exposure += share
        peak = max(peak, share)
    return Outcome(True, end, exposure, peak)
