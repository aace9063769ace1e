"""The plain-value part of a service's route through a load balancer, validated on construction.

What only a routed service has: the listener rule's paths and priority, the target group's draining,
the health-check grace period ECS gives a load-balanced service, and how a deployment moves its traffic
(a canary, linear or blue/green strategy shifts the weights of two target groups, so only a route has
one). A worker (no route) has none of them, so none of them constrains it, and it can only roll. Whether
the drain fits in the app's ``stopTimeout`` needs the service too: ``ServiceSpec``, which holds its
route, checks it.

The health-check grace period: the ECS API reference (botocore ``CreateService``) now says the scheduler
ignores unhealthy "Elastic Load Balancing, VPC Lattice, and container health checks" during it; older
ECS refused it for a service without a load balancer (cfn-lint issue 3612), so it is sent only with a
route, as CDK sends its default only then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import validation as check
from ..errors import ConfigError, collect
from ..service.deployment_strategy import DeploymentStrategy, check_test_header
from . import alb_rules

#: Spot gives two minutes' warning; draining plus the app's own shutdown must fit in it.
MAX_DEREGISTRATION_DELAY = 90
#: ECS CreateService ``healthCheckGracePeriodSeconds``: "up to 2,147,483,647 seconds".
MAX_GRACE_PERIOD = 2_147_483_647


@dataclass(frozen=True, kw_only=True)
class RouteSpec:
    """The listener rule and target group of one service."""

    listener_rule_priority: int
    """Listener-rule priority (1-50000), unique on the listener: the ALB evaluates rules lowest number
    first and the first match wins, so only the stack that owns the listener knows which number is
    free. A catch-all pattern (``/*``) must take 50000, the last. Required: a default would let a
    second service take the platform's catch-all priority."""
    path_patterns: tuple[str, ...] = ("/*",)
    """Path patterns routed to the service (1-3, the ALB's limit per condition). Default ``("/*",)``."""
    deregistration_delay_seconds: int = 30
    """Target-group draining seconds (0-90, under Spot's two-minute warning). Default 30."""
    health_check_grace_period_seconds: int = 60
    """Seconds ECS ignores failing target health checks after a task starts (CDK's 60 with a load
    balancer). Default 60."""
    deployment: DeploymentStrategy = field(default_factory=DeploymentStrategy)
    """How a deployment moves traffic to the new revision: rolling, or canary, linear and blue/green, which
    add the alternate target group, the test rule and the role ECS moves traffic with. Default rolling."""
    test_header: tuple[str, str] | None = None
    """(name, value) of the header whose requests reach the new revision before production traffic does
    (the test listener rule, at the priority before ``listener_rule_priority``; a traffic-shifting
    ``deployment`` only). Default None."""

    @property
    def test_rule_priority(self) -> int:
        """The test listener rule's priority: the one before the production rule's, so that a request with the
        header meets it first and, like production traffic, after every other rule of the listener before it."""
        return self.listener_rule_priority - 1

    def __post_init__(self) -> None:
        collect(
            lambda: check.int_in_range(
                "RouteSpec.deregistration_delay_seconds", self.deregistration_delay_seconds, 0, MAX_DEREGISTRATION_DELAY
            ),
            lambda: check.int_in_range(
                "RouteSpec.health_check_grace_period_seconds",
                self.health_check_grace_period_seconds,
                0,
                MAX_GRACE_PERIOD,
            ),
            lambda: alb_rules.path_patterns(
                "RouteSpec.path_patterns",
                self.path_patterns,
                "RouteSpec.listener_rule_priority",
                self.listener_rule_priority,
            ),
            self._check_test_header,
        )

    def _check_test_header(self) -> None:
        if self.test_header is None:
            return
        check_test_header(self.test_header)
        if not self.deployment.shifts_traffic:
            raise ConfigError("RouteSpec.test_header", "set", "unset with a rolling DeploymentStrategy.kind: only "
                "canary, linear and blue/green have a test listener rule (AdvancedConfiguration)")  # fmt: skip
        if self.listener_rule_priority <= 1:
            # ELB priorities run 1-50000, lowest first: the test rule must come before the production one.
            raise ConfigError("RouteSpec.listener_rule_priority", self.listener_rule_priority, "2 or more with "
                "RouteSpec.test_header: the test rule takes the priority before the production rule's")  # fmt: skip
