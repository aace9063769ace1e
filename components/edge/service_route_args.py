"""What a ``ServiceRoute`` needs: the load balancer (``Route``: its Inputs and the route's ``RouteSpec``)
and the service it routes to. Plain values and annotations only: importing it loads no cloud SDK."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..observability.alarm_rules import Alarms
from ..service.app_contract import DEFAULT_IDLE_TIMEOUT, shutdown_budget_seconds
from ..service.deployment_strategy import DeploymentStrategy
from ..service.service_spec import ServiceSpec
from .route_spec import RouteSpec

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class Route:
    """The load balancer a service is reached through (``LoadBalancer``'s outputs, or another stack's)."""

    listener_arn: pulumi.Input[str]
    """The listener the service adds its rule to. Required."""
    spec: RouteSpec
    """The rule's paths and priority, the target group's draining, the health-check grace period. Required."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The load balancer's security group: the only source the tasks admit. Required."""
    load_balancer_arn_suffix: pulumi.Input[str] | None = None
    """``app/<name>/<id>``: the load balancer's metric dimension, for the route's alarms, the dashboard
    and the requests-per-target policy. Default None."""
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT
    """The load balancer's idle timeout (``LoadBalancerSpec.idle_timeout_seconds``, or another stack's
    ``idle_timeout_seconds`` output): the app keeps its connections open longer. Default 60."""


@dataclass(frozen=True, kw_only=True)
class ServiceRouteArgs:
    """The route, what it forwards to, and its alarms."""

    route: Route
    """The load balancer and the route's spec. Required."""
    service: ServiceSpec
    """The service's port, health check, stop timeout and deployment percents. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks and the target group. Required."""
    task_security_group_id: pulumi.Input[str]
    """The tasks' security group, which admits the load balancer. Required."""
    alarms: Alarms | None = None
    """Thresholds of the target-side alarms (needs ``route.load_balancer_arn_suffix``). Default None."""
    topic_arn: pulumi.Input[str] | None = None
    """The SNS topic the alarms go to. Default None."""
    deployment: DeploymentStrategy = field(default_factory=DeploymentStrategy)
    """How deployments move traffic; canary, linear and blue/green add the alternate target group, the
    test rule and the role ECS moves traffic with. Default rolling."""
    test_header: tuple[str, str] | None = None
    """(name, value) of the header the test rule matches (a traffic-shifting strategy only). Default None."""
    role_path: str = "/"
    """IAM path of the deployment role. Default ``/``."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permissions boundary of the deployment role. Default None."""

    def __post_init__(self) -> None:
        self.service.routed_health_check()
        # The drain fits in the app's stopTimeout: known only here, with the route and the service.
        shutdown_budget_seconds(
            stop_timeout_seconds=self.service.stop_timeout_seconds,
            deregistration_delay_seconds=self.route.spec.deregistration_delay_seconds,
        )
        self.deployment.check_service(
            has_route=True,
            min_healthy_percent=self.service.min_healthy_percent,
            max_percent=self.service.max_percent,
            test_header=self.test_header is not None,
            listener_rule_priority=self.route.spec.listener_rule_priority,
        )
