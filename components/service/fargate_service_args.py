"""What a ``FargateService`` runs and where it plugs in: the validated spec plus the Inputs of other
components (its cluster, network and route). Plain values and annotations only: importing it loads no
cloud SDK."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import validation as check
from ..edge.alb_rules import LAST_PRIORITY
from ..errors import ConfigError, collect
from ..iam_policies import is_role_path
from ..observability.alarm_rules import Alarms
from .autoscaling_rules import Autoscaling
from .deployment_strategy import DeploymentStrategy
from .secrets import check_names, check_reference, secret_name
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
    """Sizing, strategy, deployment and runtime settings (validated). Required."""
    image_ref: pulumi.Input[str]
    """Digest-pinned image reference (``repo:tag@sha256:...``). Required."""
    cluster: Cluster | pulumi.Input[str]
    """The ``Cluster`` to run in, or an existing cluster's ARN (FARGATE and FARGATE_SPOT associated), e.g.
    from a StackReference. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks (and the route's target group). Required."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Subnets the tasks run in. Required."""
    assign_public_ip: pulumi.Input[bool]
    """Give tasks a public IP (needed in public subnets to reach ECR; ingress stays route-only). Required."""
    route: Route | None = None
    """The load balancer the service is reached through, with the route's ``RouteSpec`` (a ``ServiceRoute``
    is created for it). Default None: a worker, with no target group, listener rule or drain."""
    autoscaling: Autoscaling | None = None
    """Scale the service between a minimum and a maximum (``desired_count`` must lie between); ``pulumi up``
    then never resets the running count. Default None: a fixed ``desired_count``."""
    alarms: Alarms | None = None
    """CloudWatch alarms and the dashboard (and an SNS topic for their addresses). With a route (which then
    needs ``load_balancer_arn_suffix``) also its 5xx, unhealthy-target and response-time alarms, the
    first two rolling back a deployment, and its widgets. Default None."""
    deployment: DeploymentStrategy = field(default_factory=DeploymentStrategy)
    """How a deployment moves traffic to the new revision: rolling, or canary, linear and blue/green
    (these need a route). Default rolling."""
    test_header: tuple[str, str] | None = None
    """(name, value) of the header whose requests reach the new revision before production traffic does
    (the route's test rule; a traffic-shifting ``deployment`` only). Default None."""
    lifecycle_hooks: Sequence[aws.ecs.ServiceDeploymentConfigurationLifecycleHookArgsDict] = ()
    """Lambda functions ECS runs at stages of a deployment (``deploymentConfiguration.lifecycleHooks``),
    e.g. a ``SmokeTest``'s ``lifecycle_hook``. Default none."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Container secrets by name: an SSM parameter ARN or a Secrets Manager ARN (optionally with a JSON
    key), resolved by ECS at task start; the execution role may read exactly these. Default none."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by name, stored as SSM SecureString parameters of this service and injected like
    ``secrets``; pass secret Outputs (``pulumi.Config().require_secret``). Default none."""
    secret_kms_key_arns: tuple[str, ...] = ()
    """Customer-managed KMS keys the referenced secrets are encrypted with. Default none."""
    egress_ports: tuple[int, ...] = (443,)
    """TCP ports the tasks may reach anywhere. ECR, CloudWatch Logs and most APIs need 443 only (the VPC's
    DNS resolver is not filtered by security groups). Default ``(443,)``."""
    role_path: str = ""
    """IAM path of the service's roles (and its task counter's). Empty: ``/<project>/<stack>/``, the path
    ``docs/iam-deployer.json`` lets a stack's deployer create roles under. Default empty."""
    permissions_boundary_arn: str = ""
    """Managed policy every role of the service carries as its permissions boundary. Empty: the deploying
    account's ``<project>-boundary-<stack>`` (``docs/iam-boundary.json``, created once per stack). Default
    empty."""
    exec_kms_key_arn: str = ""
    """With ``ServiceSpec.enable_execute_command`` and an existing cluster (an ARN in ``cluster``): the KMS
    key that cluster encrypts ECS Exec sessions with, which the task role must decrypt with. A ``Cluster``
    brings its own (``ClusterSpec.exec_kms_key_arn``): then it must stay empty. Default empty: none."""

    def __post_init__(self) -> None:
        route = self.route.spec if self.route is not None else None
        self.deployment.check_service(
            has_route=route is not None,
            min_healthy_percent=self.spec.min_healthy_percent,
            max_percent=self.spec.max_percent,
            test_header=self.test_header is not None,
            listener_rule_priority=route.listener_rule_priority if route is not None else LAST_PRIORITY,
        )
        check_plain_fields(
            spec=self.spec,
            idle_timeout_seconds=self.route.idle_timeout_seconds if self.route is not None else None,
            deregistration_delay_seconds=route.deregistration_delay_seconds if route is not None else 0,
            egress_ports=self.egress_ports,
            secrets=self.secrets,
            secret_value_names=tuple(self.secret_values),
            secret_kms_key_arns=self.secret_kms_key_arns,
            permissions_boundary_arn=self.permissions_boundary_arn,
            cluster_arn=self.cluster if isinstance(self.cluster, str) else None,
            exec_kms_key_arn=self.exec_kms_key_arn,
        )
        arn_suffix = self.route.load_balancer_arn_suffix if self.route is not None else None
        if self.autoscaling is not None:
            self.autoscaling.check_desired(self.spec.desired_count)
            if self.autoscaling.requests_per_target is not None and arn_suffix is None:
                raise ConfigError(
                    "Autoscaling.requests_per_target",
                    self.autoscaling.requests_per_target,
                    "unset, or a load_balancer_arn_suffix",
                )
        if self.alarms is not None and self.route is not None and arn_suffix is None:
            raise ConfigError(
                "FargateServiceArgs.alarms", True, "a route with a load_balancer_arn_suffix (its alarms' dimension)"
            )
        if self.role_path and not is_role_path(self.role_path):
            raise ConfigError(
                "FargateServiceArgs.role_path", self.role_path, "an IAM path: / or /segments/, 512 characters at most"
            )


def check_plain_fields(
    *,
    spec: ServiceSpec,
    idle_timeout_seconds: int | None,
    egress_ports: tuple[int, ...],
    secrets: Mapping[str, str],
    secret_value_names: tuple[str, ...],
    secret_kms_key_arns: tuple[str, ...],
    permissions_boundary_arn: str,
    cluster_arn: str | None = None,
    deregistration_delay_seconds: int = 0,
    exec_kms_key_arn: str = "",
) -> None:
    """The one check of ``FargateServiceArgs``' plain fields beside its spec (egress ports, secrets, KMS
    keys, boundary, ``cluster`` when it is an ARN: None for a ``Cluster`` or an Output, and an existing
    cluster's exec key), and of the app's environment with the route's idle timeout and draining
    (None: no route), every mistake at once. The args run it on construction; a program runs it on its
    config first, so that a mistake shows before anything is registered (``settings.py``)."""
    collect(
        lambda: check.ports("FargateServiceArgs.egress_ports", egress_ports),
        *(lambda name=name: secret_name("FargateServiceArgs.secret_values", name) for name in secret_value_names),
        *(lambda item=item: check_reference(*item) for item in secrets.items()),
        lambda: _check_secret_names(
            spec, idle_timeout_seconds, deregistration_delay_seconds, secrets, secret_value_names
        ),
        *(
            lambda key=key: check.kms_key_arn("FargateServiceArgs.secret_kms_key_arns", key, optional=False)
            for key in secret_kms_key_arns
        ),
        lambda: check.policy_arn("FargateServiceArgs.permissions_boundary_arn", permissions_boundary_arn),
        lambda: _check_cluster_arn(cluster_arn),
        lambda: check.kms_key_arn("FargateServiceArgs.exec_kms_key_arn", exec_kms_key_arn),
    )


def _check_cluster_arn(cluster_arn: str | None) -> None:
    if cluster_arn is not None and not check.cluster_arn(cluster_arn):
        raise ConfigError("FargateServiceArgs.cluster", cluster_arn, "an ECS cluster ARN, or a Cluster")


def _check_secret_names(
    spec: ServiceSpec,
    idle_timeout_seconds: int | None,
    deregistration_delay_seconds: int,
    secrets: Mapping[str, str],
    secret_value_names: tuple[str, ...],
) -> None:
    """A name is a secret reference, a secret value or plain environment: one of them. The environment
    is the app's with its route, whose drain must fit in ``stopTimeout`` (``shutdown_budget_seconds``)."""
    both = sorted(secrets.keys() & set(secret_value_names))
    if both:
        raise ConfigError("FargateServiceArgs.secret_values", both[0], "a name not also in FargateServiceArgs.secrets")
    environment = spec.container_environment(
        idle_timeout_seconds=idle_timeout_seconds, deregistration_delay_seconds=deregistration_delay_seconds
    )
    check_names(environment, [*secrets, *secret_value_names])
