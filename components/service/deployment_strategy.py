"""How a new revision takes traffic: ECS's own deployment strategies (no CodeDeploy), as rules.

- ``rolling`` (ECS ``ROLLING``): tasks are replaced batch by batch (``minHealthyPercent``/``maxPercent``),
  each new task taking its share of traffic as soon as it is healthy; the circuit breaker and the
  deployment alarms roll back.
- ``canary``, ``linear``, ``blueGreen`` (``CANARY``, ``LINEAR``, ``BLUE_GREEN``): the new (green) revision
  scales up to the full desired count beside the old (blue) one in a second target group, then ECS moves
  the production listener rule's weights to it — a canary share for a bake, equal steps, or all at once —
  and keeps blue running for ``bakeTimeInMinutes`` after the last shift, so a rollback is a weight flip.

Every limit is botocore's ECS model (``ecs/2014-11-13/service-2.json``) or the Terraform provider that
pulumi-aws bridges (``internal/service/ecs/service.go``); the source sits beside each check. How long a
deployment takes with the service's counts, grace period and alarms is ``deploy_time``'s. No pulumi
import: ``RouteSpec``, which holds a strategy, validates it on construction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ..errors import ConfigError, collect, raise_any
from .rolling_batches import most_tasks

if TYPE_CHECKING:
    import pulumi_aws as aws

ROLLING, CANARY, LINEAR, BLUE_GREEN = "rolling", "canary", "linear", "blueGreen"
KINDS = (ROLLING, CANARY, LINEAR, BLUE_GREEN)
#: botocore ``DeploymentStrategy`` enum: ROLLING | BLUE_GREEN | LINEAR | CANARY.
API_STRATEGY = {ROLLING: "ROLLING", CANARY: "CANARY", LINEAR: "LINEAR", BLUE_GREEN: "BLUE_GREEN"}
#: botocore ``CanaryConfiguration.canaryPercent``: "multiples of 0.1 from 0.1 to 100.0".
CANARY_PERCENT = (Decimal("0.1"), Decimal("100"))
#: botocore ``LinearConfiguration.stepPercent``: "multiples of 0.1 from 3.0 to 100.0".
STEP_PERCENT = (Decimal("3"), Decimal("100"))
PERCENT_STEP = Decimal("0.1")
#: botocore ``canaryBakeTimeInMinutes``/``stepBakeTimeInMinutes``: "0 to 1440 minutes (24 hours)"; the
#: provider validates ``bake_time_in_minutes`` to the same range (``IntBetween(0, 1440)``).
MAX_BAKE_MINUTES = 1440


def parse_percent(key: str, text: str) -> Decimal:
    """A percentage as typed in config (``10``, ``2.5``)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ConfigError(key, text, "a number, e.g. 10 or 2.5") from None
    if not value.is_finite():
        raise ConfigError(key, text, "a number, e.g. 10 or 2.5")
    return value


def _percent(key: str, value: Decimal, bounds: tuple[Decimal, Decimal], source: str) -> None:
    low, high = bounds
    if not low <= value <= high or value % PERCENT_STEP != 0:
        raise ConfigError(key, str(value), f"a multiple of 0.1 from {low} to {high} ({source})")


def _minutes(key: str, value: int, source: str) -> None:
    if not 0 <= value <= MAX_BAKE_MINUTES:
        raise ConfigError(key, value, f"0 to {MAX_BAKE_MINUTES} minutes ({source})")


@dataclass(frozen=True, kw_only=True)
class DeploymentStrategy:
    """How a deployment moves production traffic to the new revision. Validated on construction."""

    kind: str = ROLLING
    """``rolling``, ``canary``, ``linear`` or ``blueGreen``. Default ``rolling``."""
    canary_percent: Decimal = Decimal(10)
    """Canary: share of production traffic the new revision takes first (0.1-100, steps of 0.1). Default 10."""
    canary_bake_minutes: int = 10
    """Canary: minutes at that share before the rest moves (0-1440). Default 10."""
    step_percent: Decimal = Decimal(20)
    """Linear: share moved at each step (3-100, steps of 0.1). Default 20: ECS's own 10 % every 6 minutes
    shifts for 54 minutes, past what a deploy may take (``deploy_time.MAX_DEPLOY_MINUTES``)."""
    step_minutes: int = 3
    """Linear: minutes between steps (0-1440). Default 3 (with 20 %: 12 minutes of shifting)."""
    bake_minutes: int = 10
    """Minutes the old revision keeps running after all traffic has moved, ready to take it back
    (``bakeTimeInMinutes``, 0-1440; always sent with a traffic-shifting strategy, since "You must provide
    this parameter when you use the BLUE_GREEN deployment strategy"). Default 10."""

    def __post_init__(self) -> None:
        canary, linear = "ECS CanaryConfiguration", "ECS LinearConfiguration"
        collect(
            self._check_kind,
            lambda: _percent(
                "DeploymentStrategy.canary_percent", self.canary_percent, CANARY_PERCENT, f"{canary}.canaryPercent"
            ),
            lambda: _minutes(
                "DeploymentStrategy.canary_bake_minutes", self.canary_bake_minutes, f"{canary}.canaryBakeTimeInMinutes"
            ),
            lambda: _percent(
                "DeploymentStrategy.step_percent", self.step_percent, STEP_PERCENT, f"{linear}.stepPercent"
            ),
            lambda: _minutes("DeploymentStrategy.step_minutes", self.step_minutes, f"{linear}.stepBakeTimeInMinutes"),
            lambda: _minutes(
                "DeploymentStrategy.bake_minutes", self.bake_minutes, "bakeTimeInMinutes, as the provider checks it"
            ),
        )

    def _check_kind(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError("DeploymentStrategy.kind", self.kind, " | ".join(KINDS))

    @property
    def shifts_traffic(self) -> bool:
        """True for canary, linear and blue/green: two target groups, and ECS moves the rule's weights."""
        return self.kind != ROLLING

    def shift_minutes(self) -> int:
        """Minutes from the first production shift to the last (the bake after it not included)."""
        if self.kind == CANARY:
            return self.canary_bake_minutes
        if self.kind == LINEAR:
            return (self.steps() - 1) * self.step_minutes
        return 0

    def peak_tasks(self, desired_count: int, max_percent: int) -> int:
        """Most tasks a deployment runs at once: blue and green side by side for the shift and the bake
        (the green revision scales up to the full desired count first: ECS lifecycle stage SCALE_UP), or
        ``maxPercent`` of the desired count, rounded down as ECS rounds it, for a rolling one
        (``rolling_batches.most_tasks``)."""
        if self.shifts_traffic:
            return 2 * desired_count
        return most_tasks(desired_count, max_percent)

    def overlap_minutes(self) -> int:
        """Minutes the old and new revisions both run once the new one is up (the shift and the bake)."""
        return self.shift_minutes() + self.bake_minutes if self.shifts_traffic else 0

    def steps(self) -> int:
        """Linear: shifts to reach 100 % (the last one may be smaller)."""
        # Decimal's // truncates toward zero, so ceiling division by negation would round the wrong way.
        return math.ceil(Decimal(100) / self.step_percent)

    def describe(self) -> str:
        """One line for the plan: what a deployment does with production traffic."""
        if self.kind == CANARY:
            return (f"canary: {self.canary_percent} % for {self.canary_bake_minutes} min, then 100 %; "
                    f"old revision kept {self.bake_minutes} min")  # fmt: skip
        if self.kind == LINEAR:
            return (f"linear: +{self.step_percent} % every {self.step_minutes} min ({self.steps()} steps); "
                    f"old revision kept {self.bake_minutes} min")  # fmt: skip
        if self.kind == BLUE_GREEN:
            return f"blue/green: 100 % at once; old revision kept {self.bake_minutes} min"
        return "rolling: tasks replaced batch by batch (minHealthyPercent/maxPercent)"


def check_rolling_percents(strategy: DeploymentStrategy, *, min_healthy_percent: int, max_percent: int) -> None:
    """The service's rolling batch limits, which only a rolling deployment paces: a shifting one scales the
    new revision up to its full desired count beside the old one before any traffic moves (ECS
    ServiceDeployment.lifecycleStage SCALE_UP), so a value other than the default would not mean what it
    says."""
    if not strategy.shifts_traffic:
        return
    why = (
        f"(the default) with DeploymentStrategy.kind {strategy.kind}: the new revision scales up to its full "
        "desired count beside the old one before traffic moves (ECS lifecycle stage SCALE_UP), so the rolling "
        "batch limits do not apply"
    )
    limits = (
        ("ServiceSpec.min_healthy_percent", min_healthy_percent, 100),
        ("ServiceSpec.max_percent", max_percent, 200),
    )
    raise_any([ConfigError(key, value, f"{default} {why}") for key, value, default in limits if value != default])


def check_rollback(strategy: DeploymentStrategy, *, alarms: bool) -> None:
    """A shifting deployment needs its deployment alarms (``alarms``: the service has them), the only thing
    that rolls it back. The circuit breaker "can only be used for services using the rolling update (ECS)
    deployment type" (botocore ``ecs`` ``DeploymentCircuitBreaker``), so a canary, linear or blue/green
    deployment without alarms detects no failure: a revision that serves 5xx while passing its health check
    takes all the traffic, and one whose tasks crash holds the deployment in ``SCALE_UP`` until the
    provider's timeout. ``DeploymentAlarms`` work with the ``ECS`` deployment controller, every strategy here.
    A smoke test does not count (docs/decisions.md, "Deploys that cannot hurt"): it judges one request
    before production traffic moves, not the errors after the shift nor tasks that never start."""
    if strategy.shifts_traffic and not alarms:
        raise ConfigError("DeploymentStrategy.kind", strategy.kind, f"{ROLLING}, or {strategy.kind} with "
            f"FargateServiceArgs.alarms: true (a {strategy.kind} deployment rolls back only on its deployment "
            "alarms, target 5xx and unhealthy targets: the circuit breaker is for rolling deployments only, ECS "
            "DeploymentCircuitBreaker)")  # fmt: skip


#: At most 40 characters (``HttpHeaderConditionConfig``: "The maximum length is 40 characters"), and only
#: letters, digits and hyphens: RFC 7230 allows more, but the load balancer drops every other header name
#: (``LoadBalancer.drop_invalid_header_fields``: "Elastic Load Balancing requires that message header names
#: conform to the regular expression [-A-Za-z0-9]+": ELB guide, "Load balancer attributes"), so the test
#: request would never match the test rule and reach the old revision instead.
_TOKEN = re.compile(r"[-A-Za-z0-9]{1,40}")
#: A header value as ELB compares it: at most 128 characters (``HttpHeaderConditionConfig.Values``), visible
#: ASCII without ``*`` and ``?``, which ELB reads as wildcards, and case-insensitively ("The comparison strings
#: are case insensitive"), so ``AbC`` and ``abc`` are one value to the rule.
_VALUE = re.compile(r"[!-)+->@-~]{1,128}")
TEST_HEADER = (
    "a header name of at most 40 letters, digits and hyphens (the load balancer drops any other) and a value of "
    "at most 128 visible ASCII characters without * or ? (ELB HttpHeaderConditionConfig)"
)
#: How strong the value must be: this program's policy, not AWS's. With a smoke test the listener is open
#: to everyone and the value is the only gate to a revision not yet tested, so it is held to what
#: ``openssl rand -hex 16`` gives (32 characters) and refused when it repeats a few characters, both
#: counted as ELB compares it, case folded: ``aAaA...`` is ``aaaa...`` to the rule. 32 random hex digits
#: show fewer than 6 different ones less than once in 10**12, so a generated value is not refused.
STRONG_LENGTH, STRONG_DISTINCT = 32, 6
#: A strong header, as a shell makes one.
MAKE_ONE = "x-deploy-test=$(openssl rand -hex 16)"
STRONG_VALUE = (
    f"a value of at least {STRONG_LENGTH} characters, {STRONG_DISTINCT} of them different, counted case folded "
    f"as ELB compares header values (this program's policy: the value gates a revision not yet tested), e.g. {MAKE_ONE}"
)


def parse_test_header(text: str) -> tuple[str, str] | None:
    """``NAME=VALUE`` (``deploymentTestHeader``) as the (name, value) ``RouteSpec.test_header`` holds and
    checks. Empty: no test rule."""
    if not text:
        return None
    name, sep, value = text.partition("=")
    if not sep:
        raise ConfigError("RouteSpec.test_header", text, f"NAME=VALUE, e.g. {MAKE_ONE}: {TEST_HEADER}")
    return name, value


def as_elb_compares(value: str) -> str:
    """A header value as the listener rule compares it: case folded (visible ASCII: its lower case)."""
    return value.lower()


def check_test_header(header: tuple[str, str]) -> None:
    """A header ELB matches in a listener rule's condition, other than ``host``, whose value is strong."""
    name, value = header
    if not _TOKEN.fullmatch(name) or not _VALUE.fullmatch(value):
        raise ConfigError("RouteSpec.test_header", f"{name}={value}", TEST_HEADER)
    if name.lower() == "host":
        raise ConfigError("RouteSpec.test_header", f"{name}={value}", "a header other than host (ELB: use a host "
            "condition)")  # fmt: skip
    compared = as_elb_compares(value)
    if len(compared) < STRONG_LENGTH or len(set(compared)) < STRONG_DISTINCT:
        raise ConfigError("RouteSpec.test_header", f"{name}={value}", STRONG_VALUE)


def deployment_configuration(
    strategy: DeploymentStrategy, hooks: Sequence[aws.ecs.ServiceDeploymentConfigurationLifecycleHookArgsDict] = ()
) -> aws.ecs.ServiceDeploymentConfigurationArgsDict:
    """The strategy and lifecycle hooks as pulumi-aws takes them (the minutes are strings: the provider's
    nullable ints)."""
    config: aws.ecs.ServiceDeploymentConfigurationArgsDict = {"strategy": API_STRATEGY[strategy.kind]}
    if hooks:
        config["lifecycle_hooks"] = list(hooks)
    if strategy.shifts_traffic:
        config["bake_time_in_minutes"] = str(strategy.bake_minutes)
    if strategy.kind == CANARY:
        config["canary_configuration"] = {
            "canary_percent": float(strategy.canary_percent),
            "canary_bake_time_in_minutes": str(strategy.canary_bake_minutes),
        }
    if strategy.kind == LINEAR:
        config["linear_configuration"] = {
            "step_percent": float(strategy.step_percent),
            "step_bake_time_in_minutes": str(strategy.step_minutes),
        }
    return config
