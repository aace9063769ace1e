"""What a ``FargateService`` runs and where it plugs in: the validated spec plus the Inputs of other
components (its cluster, network and route). Plain values and annotations only: importing it loads no
cloud SDK.

The spec holds every plain field and checks its own rules (``ServiceSpec``); the args check only what
joins the spec to these Inputs: a route given exactly when the spec has one, the secret values named
by the spec, a load balancer's metric dimension where the alarms or the scaling need it, the alarms a
traffic-shifting deployment rolls back on, and a deployment (alarm bake included) that ends in time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..edge.service_route_args import check_alarm_dimension
from ..errors import ConfigError, collect
from ..naming import task_names, unprefixed
from ..observability.alarm_rules import Alarms
from ..observability.unhealthy_window import check_grace_period
from .cluster_spec import ExistingCluster
from .deploy_time import MAX_DEPLOY_MINUTES, check_deploy_time
from .deployment_strategy import check_rollback
from .service_access import check_secret_values
from .service_spec import ServiceSpec

if TYPE_CHECKING:
    import pulumi
    import pulumi_aws as aws

    from ..edge.service_route_args import Route
    from .cluster import Cluster


@dataclass(frozen=True, kw_only=True)
class FargateServiceArgs:
    """The service's settings and where it plugs in."""

    spec: ServiceSpec
    """Sizing, strategy, route, scaling, access and runtime settings (validated). Required."""
    image_ref: pulumi.Input[str]
    """Digest-pinned image reference (``repo:tag@sha256:...``). Required."""
    cluster: Cluster | ExistingCluster
    """The ``Cluster`` to run in, or an ``ExistingCluster`` (FARGATE and FARGATE_SPOT associated), e.g. from
    a StackReference. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks (and the route's target group). Required."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Subnets the tasks run in. Required."""
    assign_public_ip: pulumi.Input[bool]
    """Give tasks a public IP (needed in public subnets to reach ECR; ingress stays route-only). Required."""
    route: Route | None = None
    """The load balancer the spec's route (``ServiceSpec.route``) goes through (a ``ServiceRoute`` is
    created for it); given exactly when the spec has a route. Default None: a worker."""
    alarms: Alarms | None = None
    """CloudWatch alarms and the dashboard (and an SNS topic for their addresses). With a route (which then
    needs ``load_balancer_arn_suffix``) also its 5xx, unhealthy-target and response-time alarms, the
    first two rolling back a deployment, and its widgets. Required with a canary, linear or blue/green
    deployment, which nothing else rolls back (``check_rollback``). Default None."""
    lifecycle_hooks: Sequence[aws.ecs.ServiceDeploymentConfigurationLifecycleHookArgsDict] = ()
    """Lambda functions ECS runs at stages of a deployment (``deploymentConfiguration.lifecycleHooks``),
    e.g. a ``SmokeTest``'s ``lifecycle_hook``. Default none."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by name, exactly the names of ``ServiceAccess.secret_value_names``, stored as SSM
    SecureString parameters of this service and injected like ``ServiceAccess.secrets``; pass secret
    Outputs (``pulumi.Config().require_secret``). Default none."""
    deploy_limit_minutes: int | None = MAX_DEPLOY_MINUTES
    """The longest deployment accepted, in minutes of its allowance (``deploy_time``), which is also the
    service's create and update timeout. Default 45 (``deploy_time.MAX_DEPLOY_MINUTES``: a one-hour CI
    session less the rest of the run); None accepts any, for a deploy whose credentials outlast it."""

    def unprefixed(self, name: str, stack: str, project: str) -> str:
        """Why a ``FargateService`` called ``name`` should start with the stack's name (``naming.unprefixed``),
        with the names AWS keeps unique per account that it sets from ``name`` alone; "" when it does."""
        taken = task_names(project, name, secrets=bool(self.secret_values))
        return unprefixed("FargateService", name, stack, None, taken)  # never a child of the package's

    def __post_init__(self) -> None:
        collect(self._check_route, self._check_secret_values, self._check_load_balancer_metrics, self._check_rollback)

    def _check_route(self) -> None:
        if (self.route is None) != (self.spec.route is None):
            allowed = "a Route exactly when ServiceSpec.route is set (the load balancer its listener rule joins)"
            raise ConfigError("FargateServiceArgs.route", self.route is not None, allowed)

    def _check_secret_values(self) -> None:
        check_secret_values("FargateServiceArgs.secret_values", self.secret_values, self.spec.access)

    def _check_load_balancer_metrics(self) -> None:
        arn_suffix = self.route.load_balancer_arn_suffix if self.route is not None else None
        scaling = self.spec.autoscaling
        requests = scaling.requests_per_target if scaling is not None else None
        # Without a route the spec refuses requests per target itself (check_request_scaling).
        if requests is not None and self.route is not None and arn_suffix is None:
            raise ConfigError("Autoscaling.requests_per_target", requests, "unset, or a load_balancer_arn_suffix")
        if self.route is not None:
            # The route's own rule, before the service registers its first child.
            check_alarm_dimension("FargateServiceArgs.alarms", self.alarms, self.route)

    def _check_limit(self) -> None:
        limit = self.deploy_limit_minutes
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ConfigError("FargateServiceArgs.deploy_limit_minutes", limit, "a positive number of minutes, or None")

    def _check_rollback(self) -> None:
        # Before the service registers its first child, as the program does with its other mistakes.
        alarms = self.alarms is not None
        self._check_limit()
        # Every deployment, a worker's too, ends within the limit (by default while CI's credentials last).
        checks = [lambda: check_deploy_time(self.spec, alarms=alarms, limit=self.deploy_limit_minutes)]
        if (route := self.spec.route) is not None:
            deployment = route.deployment
            checks.insert(0, lambda: check_rollback(deployment, alarms=alarms))
        collect(*checks)
        # CloudWatch's day bounds the same keys less tightly than the 45 minutes: judged after them, so the
        # bound a mistake is told is the one that holds.
        check_grace_period(self.spec, alarms=alarms)
