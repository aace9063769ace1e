"""What a ``ServiceRoute`` needs: the load balancer (``Route``: its Inputs) and the service it routes to,
whose spec holds the route's ``RouteSpec``. Plain values and annotations only: importing it loads no
cloud SDK."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError, collect
from ..observability.alarm_rules import Alarms
from ..service.service_spec import ServiceSpec
from ..validation import policy_arn
from .route_spec import RouteSpec

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class Route:
    """The load balancer a service is reached through (``LoadBalancer``'s outputs, or another stack's)."""

    listener_arn: pulumi.Input[str]
    """The listener the service adds its rule to. Required."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The load balancer's security group: the only source the tasks admit. Required."""
    load_balancer_arn_suffix: pulumi.Input[str] | None = None
    """``app/<name>/<id>``: the load balancer's metric dimension, for the route's alarms, the dashboard
    and the requests-per-target policy. Default None."""
    idle_timeout_seconds: pulumi.Input[int]
    """The load balancer's idle timeout: ``LoadBalancer.idle_timeout_seconds``, or another stack's
    ``idle_timeout_seconds`` output (a stack output's number arrives as a float: ``int()`` it); the app
    keeps its connections open longer, as it does for any idle timeout the ALB allows (``app_contract``:
    a raised timeout needs no new revision). Not judged here: ``LoadBalancerSpec`` held it to the ALB's
    range where the load balancer was built. Required: a route states which load balancer it joins."""
    alarm_on_load_balancer: bool = True
    """With alarms: whether this route's service also alarms on the load balancer's own 5xx
    (``HTTPCode_ELB_5XX_Count``, whose one dimension is the load balancer). Default True, for the stack that
    owns the load balancer; False for a service joining another stack's, whose owner alarms on it already (a
    copy would page this service's topic for every other service's 503s)."""


def check_alarm_dimension(key: str, alarms: Alarms | None, route: Route) -> None:
    """Refuse a route's alarms without the load balancer's metric dimension: its target-side alarms are per
    load balancer and target group (AWS/ApplicationELB dimensions), so it would create none, silently."""
    if alarms is not None and route.load_balancer_arn_suffix is None:
        raise ConfigError(key, True, "a Route with a load_balancer_arn_suffix (its alarms' dimension)")


@dataclass(frozen=True, kw_only=True)
class ServiceRouteArgs:
    """The route, what it forwards to, and its alarms."""

    route: Route
    """The load balancer. Required."""
    service: ServiceSpec
    """The service: its port, health check, and its route (``ServiceSpec.route``: paths, priority, draining,
    deployment strategy and test header), which it must have. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks and the target group. Required."""
    task_security_group_id: pulumi.Input[str]
    """The tasks' security group, which admits the load balancer. Required."""
    alarms: Alarms | None = None
    """Thresholds of the target-side alarms (needs ``route.load_balancer_arn_suffix``). Default None."""
    topic_arn: pulumi.Input[str] | None = None
    """The SNS topic the alarms go to. Default None."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permissions boundary of the deployment role (its IAM path is ``ServiceAccess.role_path``). Default
    None."""

    def __post_init__(self) -> None:
        boundary = self.permissions_boundary_arn
        collect(
            self._check_service,
            lambda: check_alarm_dimension("ServiceRouteArgs.alarms", self.alarms, self.route),
            lambda: (
                policy_arn("ServiceRouteArgs.permissions_boundary_arn", boundary) if isinstance(boundary, str) else None
            ),
        )

    def _check_service(self) -> None:
        if self.service.route is None:
            raise ConfigError("ServiceRouteArgs.service", None, "a ServiceSpec with a ServiceSpec.route")

    @property
    def spec(self) -> RouteSpec:
        """The service's route (``ServiceSpec.route``)."""
        assert self.service.route is not None, "__post_init__ refuses a service without a route"
        return self.service.route

    @property
    def health_check_path(self) -> str:
        """The path the target group checks: the service's health check, which a routed spec has."""
        assert self.service.health_check is not None, "ServiceSpec refuses a route without a health check"
        return self.service.health_check.path
