"""What a service's roles and tasks may reach: egress ports, secrets, KMS keys, the IAM path and boundary
(plain values, validated on construction; ``ServiceSpec.access``). The secret values themselves are
Inputs (``FargateServiceArgs.secret_values``): only their names are here, so that a name is checked
before anything is registered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import validation as check
from ..errors import ConfigError, collect
from ..iam_policies import check_role_path
from ..resource_arns import kms_key_arn
from ..secrets_key import check_deployer_role_arn
from ..security_group_quota import SecurityGroupQuota
from .secrets import check_reference, names_apart, secret_name

HTTPS = 443


@dataclass(frozen=True, kw_only=True)
class ServiceAccess:
    """The network and IAM reach of one service's tasks."""

    egress_ports: tuple[int, ...] = (HTTPS,)
    """TCP ports the tasks may reach anywhere, 443 among them: ECR, CloudWatch Logs and most APIs need 443 only
    (the VPC's DNS resolver is not filtered by security groups). Default ``(443,)``."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Container secrets by name: an SSM parameter ARN or a Secrets Manager ARN (optionally with a JSON
    key), resolved by ECS at task start; the execution role may read exactly these. Default none."""
    secret_value_names: tuple[str, ...] = ()
    """The names of the secret values the service stores (``FargateServiceArgs.secret_values``, whose keys
    must be exactly these): SSM SecureString parameters of this service, injected like ``secrets``.
    Default none."""
    secret_kms_key_arns: tuple[str, ...] = ()
    """Customer-managed KMS keys the referenced secrets are encrypted with. Default none."""
    role_path: str = ""
    """IAM path of the service's roles (and its task counter's). Empty: ``/<project>/<stack>/``, the path
    ``docs/iam-deployer.json`` lets a stack's deployer create roles under. Default empty."""
    permissions_boundary_arn: str = ""
    """Managed policy every role of the service carries as its permissions boundary. Empty: the deploying
    account's ``<project>-boundary-<stack>`` (``docs/iam-boundary.json``, created once per stack). Default
    empty."""
    deployer_role_arn: str = ""
    """With ``secret_value_names``, the ARN of the IAM role that deploys the stack, path included, outside
    the project's path: the values' key names it, as KMS creates a key only with a policy that lets its
    creator change it (``components.secrets_key``). Default empty: required with secret values."""
    security_group_quota: SecurityGroupQuota = field(default_factory=SecurityGroupQuota)
    """The account's rules per security group and direction: the tasks' group takes one outbound rule per
    ``egress_ports`` port, so there may be no more ports than it allows. Default the Amazon VPC quota's
    default, 60."""

    def __post_init__(self) -> None:
        collect(
            self._check_egress_ports,
            lambda: self.security_group_quota.check(
                "ServiceAccess.egress_ports",
                f"{len(self.egress_ports)} ports",
                rules=len(self.egress_ports),
                fewer="fewer ports: each takes an outbound rule on the tasks' security group",
            ),
            *(lambda item=item: check_reference(*item) for item in self.secrets.items()),
            *(
                lambda name=name: secret_name("ServiceAccess.secret_value_names", name)
                for name in self.secret_value_names
            ),
            self._check_secret_value_names,
            *(
                lambda key=key: kms_key_arn("ServiceAccess.secret_kms_key_arns", key, optional=False)
                for key in self.secret_kms_key_arns
            ),
            lambda: check.policy_arn("ServiceAccess.permissions_boundary_arn", self.permissions_boundary_arn),
            lambda: check_role_path("ServiceAccess.role_path", self.role_path) if self.role_path else None,
            self._check_deployer_role_arn,
        )

    def _check_deployer_role_arn(self) -> None:
        """Named with secret values, whose key must name it (``components.secrets_key``)."""
        if self.deployer_role_arn or self.secret_value_names:
            check_deployer_role_arn("ServiceAccess.deployer_role_arn", self.deployer_role_arn, self.role_path)

    def _check_egress_ports(self) -> None:
        """Ports, each once, 443 among them. On Fargate (platform 1.4.0 on) the image pull, the awslogs driver
        and the secrets resolved at start all go out through the task's own network interface ("Fargate task
        networking", ECS Developer Guide), to ECR, S3, CloudWatch Logs, SSM and Secrets Manager, each over
        HTTPS: without 443 no task ever starts."""
        check.ports("ServiceAccess.egress_ports", self.egress_ports)
        if HTTPS not in self.egress_ports:
            raise ConfigError(
                "ServiceAccess.egress_ports",
                list(self.egress_ports),
                f"ports that include {HTTPS}: the tasks pull their image, write their logs and read their secrets "
                "over HTTPS through this group",
            )

    @property
    def secret_names(self) -> tuple[str, ...]:
        """Every name the container gets a secret under: the references', then the values'."""
        return (*self.secrets, *self.secret_value_names)

    def _check_secret_value_names(self) -> None:
        """A name is a secret reference or a secret value, once: never both."""
        if len(set(self.secret_value_names)) != len(self.secret_value_names):
            raise ConfigError("ServiceAccess.secret_value_names", list(self.secret_value_names), "each name once")
        names_apart("ServiceAccess.secret_value_names", self.secret_value_names)
        both = sorted(self.secrets.keys() & set(self.secret_value_names))
        if both:
            allowed = f"a name not also in ServiceAccess.secrets ({both[0]} is in both)"
            raise ConfigError("ServiceAccess.secret_value_names", both[0], allowed)


def check_secret_values(key: str, names: Iterable[str], access: ServiceAccess) -> None:
    """Refuse secret values (their names only: the values are secret) for other than exactly the names
    ``access.secret_value_names`` gives, which the container definition injects them under."""
    if sorted(names) != sorted(access.secret_value_names):
        allowed = f"values for exactly ServiceAccess.secret_value_names {sorted(access.secret_value_names)}"
        raise ConfigError(key, sorted(names), allowed)
