"""How long a deployment may take until ECS reports it done, which is how long ``pulumi up`` waits for it,
and the rule that it ends within the CI deploy's AWS session. No pulumi import.

The provider waits (``wait_for_steady_state``) for a new deployment of the ECS deployment controller, every
strategy here, rolling included, until DescribeServiceDeployments reports it ``SUCCESSFUL`` (one reported
``STOPPED`` or ``ROLLBACK_SUCCESSFUL`` fails it; a rollback under way is still waited for), within the
service's create or update timeout, 20 minutes unless set (terraform-provider-aws
``internal/service/ecs/service.go``: ``statusServiceWaitForStable``, ``findDeploymentStatus``,
``Update: schema.DefaultTimeout(20 * time.Minute)``).

With deployment alarms a rolling deployment is done only after a bake: "a period of time after a new service
version has scaled out and the old service version has scaled in, during which Amazon ECS continues to
monitor the alarm associated with the deployment. Amazon ECS computes this time period based on the alarm
configuration associated with the deployment. You can't set this value." (ECS guide, "How CloudWatch alarms
detect Amazon ECS deployment failures"). How it computes it is not documented. The estimate here: the
longest evaluation window of the deployment alarms, as ECS's team described it to AWS Copilot's ("based on
the evaluation time of the alarm(s). (With multiple different times, the longest is used.)",
aws/copilot-cli#4294). A traffic-shifting strategy sets its own bake (``bakeTimeInMinutes``, botocore: "The
time period when both blue and green service revisions are running simultaneously after the production
traffic has shifted"); the allowance takes the longer of the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import ConfigError, raise_any
from ..observability.alarm_rules import deployment_alarm_minutes
from ..observability.unhealthy_window import GRACE, waves_spread_seconds
from ..validation import largest_fitting
from .app_contract import TARGET_HEALTH_INTERVAL_SECONDS, TARGET_HEALTHY_THRESHOLD
from .deployment_strategy import BLUE_GREEN, CANARY, LINEAR, DeploymentStrategy
from .rolling_batches import deployment_waves

if TYPE_CHECKING:
    from .service_spec import ServiceSpec

#: The provider's wait without a timeout of ours (``internal/service/ecs/service.go``).
PROVIDER_DEFAULT_MINUTES = 20
#: A new task from placement until its app answers: Fargate capacity, the network interface, the image pull,
#: Node's start (a project estimate; with the 60 s default grace and the two health checks a batch is 10).
TASK_START_MINUTES = 8
#: Room for the old tasks' draining (at most 90 s, ``deregistrationDelaySeconds``), the test-traffic shift and
#: the smoke-test hook (at most 30 s) (a project estimate). Not for a failing deployment: with fewer than 6 tasks
#: the circuit breaker waits for 3 failed tasks (ECS API DeploymentCircuitBreaker), so the wait may end first
#: (README, "Rolling back"; tools/rollout_check.sh catches what the state then records).
MARGIN_MINUTES = 10
#: The CI deploy's AWS session: ``role-duration-seconds: 3600`` in .github/workflows/pulumi-up.yml, a role's
#: default MaxSessionDuration (IAM CreateRole: "the default value of one hour is applied"), which the deploy
#: roles of docs/ci.md keep.
CI_SESSION_MINUTES = 60
#: What the rest of a ``pulumi up`` needs of that session: the image build and push, the other resources.
RUN_MINUTES = 15
#: The longest deployment a stack may take: it must end within the CI session, or the credentials expire
#: while the provider still waits (and ``pulumi up`` fails while ECS carries on).
MAX_DEPLOY_MINUTES = CI_SESSION_MINUTES - RUN_MINUTES
WHY = (f"the CI deploy's session lasts {CI_SESSION_MINUTES} minutes (pulumi-up.yml role-duration-seconds) and the "
       f"rest of the run needs {RUN_MINUTES}")  # fmt: skip


def batch_minutes(grace_period_seconds: int) -> int:
    """Minutes one batch of new tasks takes to count as healthy: its start, then (an app answering within
    the grace period) ``HealthyThresholdCount`` passing checks by the end of the grace at the latest."""
    healthy_by = grace_period_seconds + TARGET_HEALTHY_THRESHOLD * TARGET_HEALTH_INTERVAL_SECONDS
    return TASK_START_MINUTES + math.ceil(healthy_by / 60)


@dataclass(frozen=True, kw_only=True)
class DeployTime:
    """What a deployment of one service waits for, and so how long the provider must wait."""

    strategy: DeploymentStrategy
    batches: int
    """Batches of new tasks started one after the other: ``rolling_waves`` at the largest, 1 for a shifting
    strategy (the new revision scales up to the full count at once, lifecycle stage SCALE_UP)."""
    grace_seconds: int
    """The route's health-check grace period (0 without a route)."""
    alarms: bool
    """Whether the service has deployment alarms (a route and ``alarms``), which add ECS's bake."""
    deregistration_delay_seconds: int = 0
    """The route's, which ECS waits between batches: the unhealthy-target alarm's window spans it."""

    def bake_minutes(self) -> int:
        """Minutes after the last task or shift: the alarm bake (estimated: the deployment alarms' longest
        window, which the unhealthy-target alarm's spread of task starts over the batches lengthens), or a
        shifting strategy's own bake if longer."""
        spread = waves_spread_seconds(self.batches, self.deregistration_delay_seconds)
        alarm = deployment_alarm_minutes(self.grace_seconds, spread) if self.alarms else 0
        return max(self.strategy.bake_minutes, alarm) if self.strategy.shifts_traffic else alarm

    def minutes(self) -> int:
        """The allowance: the batches, the shift, the bake and the margin."""
        rollout = self.batches * batch_minutes(self.grace_seconds)
        return rollout + self.strategy.shift_minutes() + self.bake_minutes() + MARGIN_MINUTES

    def summary(self) -> str:
        """How ``minutes`` adds up, for messages and the docs."""
        return (f"{self.batches} batch(es) x {batch_minutes(self.grace_seconds)} (start, {self.grace_seconds} s "
                f"grace, health checks) + {self.strategy.shift_minutes()} shift + {self.bake_minutes()} bake + "
                f"{MARGIN_MINUTES} margin")  # fmt: skip

    def timeouts(self) -> dict[str, str]:
        """The service's ``create`` and ``update`` custom timeouts: the allowance, never below the
        provider's own default."""
        minutes = max(self.minutes(), PROVIDER_DEFAULT_MINUTES)
        return {"create": f"{minutes}m", "update": f"{minutes}m"}


def deploy_time(spec: ServiceSpec, *, alarms: bool) -> DeployTime:
    """The deployment of ``spec`` with or without the alarms (deployment alarms need its route too), from
    any task count it may start at (``running_counts``)."""
    route = spec.route
    strategy = route.deployment if route is not None else DeploymentStrategy()
    batches = deployment_waves(spec)
    if route is None:
        return DeployTime(strategy=strategy, batches=batches, grace_seconds=0, alarms=False)
    return DeployTime(strategy=strategy, batches=batches, grace_seconds=route.health_check_grace_period_seconds,
                      alarms=alarms, deregistration_delay_seconds=route.deregistration_delay_seconds)  # fmt: skip


def _most_grace(time: DeployTime, limit: int) -> int | None:
    """The longest grace period with which the deployment fits, or None if even none is too long (the
    allowance grows with the grace)."""
    return largest_fitting(time.grace_seconds, lambda grace: replace(time, grace_seconds=grace).minutes() <= limit)


#: What shortens each traffic-shifting strategy: only the keys it reads.
_SHORTER = {
    CANARY: "shorten DeploymentStrategy.canary_bake_minutes or DeploymentStrategy.bake_minutes",
    LINEAR: "shorten DeploymentStrategy.step_minutes or DeploymentStrategy.bake_minutes, or take a larger "
    "DeploymentStrategy.step_percent",
    BLUE_GREEN: "shorten DeploymentStrategy.bake_minutes",
}


def check_deploy_time(spec: ServiceSpec, *, alarms: bool, limit: int | None = MAX_DEPLOY_MINUTES) -> None:
    """A deployment whose allowance ends within ``limit`` minutes (default ``MAX_DEPLOY_MINUTES``, this
    repository's CI session; None: any), refused naming the setting to change: the grace period if a shorter
    one fits (as ``unhealthy_window.check_grace_period`` names it for CloudWatch's day); else a shifting
    strategy's minutes, or a rolling one's batch limits, and the grace period too if one batch could not
    hold it."""
    time = deploy_time(spec, alarms=alarms)
    minutes = time.minutes()
    if limit is None or minutes <= limit:
        return
    why = WHY if limit == MAX_DEPLOY_MINUTES else "the limit FargateServiceArgs.deploy_limit_minutes sets"
    took = f"not {minutes} ({time.summary()}): {why}"
    grace = _grace_error(time, took, limit)
    if grace is not None and _most_grace(time, limit) is not None:
        raise grace
    if time.strategy.shifts_traffic:
        shorter = _SHORTER[time.strategy.kind]
        raise ConfigError("DeploymentStrategy.kind", time.strategy.kind, f"a strategy that completes within "
            f"{limit} minutes, even with no grace period, {took}; {shorter}")  # fmt: skip
    # Even with no grace period: the batches are what to change (and the grace too, if one batch cannot hold it).
    most = _most_batches(replace(time, grace_seconds=0), limit)
    batches = ConfigError("ServiceSpec.max_percent", spec.max_percent, f"with ServiceSpec.min_healthy_percent "
        f"{spec.min_healthy_percent}, batches large enough for a rolling deployment to complete within "
        f"{limit} minutes (at most {most} batches, with no grace period), {took}; raise "
        "ServiceSpec.max_percent or lower ServiceSpec.min_healthy_percent")  # fmt: skip
    raise_any([batches, *([grace] if grace is not None else [])])


def _most_batches(time: DeployTime, limit: int) -> int:
    """The most batches with which the deployment fits (each adds its start, and with alarms its spread to
    the alarm bake), fewer than ``time.batches``."""
    return max((b for b in range(time.batches) if replace(time, batches=b).minutes() <= limit),
               default=0)  # fmt: skip


def _grace_error(time: DeployTime, took: str, limit: int) -> ConfigError | None:
    """The grace period as a mistake of its own: longer than fits with a single batch, or with the service's
    batches if a shorter one is all they need; None if a single batch holds it (or no grace period would)."""
    single = _most_grace(replace(time, batches=1), limit)
    most = _most_grace(time, limit)
    fits = most if most is not None else single
    if fits is None or fits >= time.grace_seconds:
        return None
    where = "this deployment" if most is not None else "one rolling batch"
    return ConfigError(GRACE, time.grace_seconds, f"at most {fits} with {where}, whose allowance must end within "
        f"{limit} minutes, {took}")  # fmt: skip
