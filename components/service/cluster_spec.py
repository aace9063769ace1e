"""What a created ECS cluster is: Container Insights, its default capacity-provider strategy, and where
ECS Exec sessions are logged (plain values, validated on construction; ``Cluster`` realises them); and
what a service needs of an existing one (``ExistingCluster``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import validation as check
from ..errors import collect
from .capacity_strategy import StrategyItem, validate_strategy
from .service_spec import DEFAULT_STRATEGY

if TYPE_CHECKING:
    import pulumi

#: The cluster setting's values (ECS API Reference, ClusterSetting: ``enhanced``, ``enabled``, ``disabled``).
CONTAINER_INSIGHTS = ("enhanced", "enabled", "disabled")


@dataclass(frozen=True, kw_only=True)
class ClusterSpec:
    """A cluster with FARGATE and FARGATE_SPOT associated."""

    container_insights: str = "enhanced"
    """Container Insights: ``enhanced``, ``enabled`` or ``disabled``. Default enhanced."""
    default_strategy: tuple[StrategyItem, ...] = DEFAULT_STRATEGY
    """The cluster's default capacity-provider strategy. Default: FARGATE base 1 weight 0, FARGATE_SPOT weight 1."""
    exec_logging: bool = False
    """Log ECS Exec sessions to a log group of their own (set it when a service enables ECS Exec). Default False."""
    exec_kms_key_arn: str = ""
    """With ``exec_logging``: the KMS key that encrypts the sessions and their log. Empty logs sessions
    unencrypted by a key of yours. Default empty."""
    log_retention_days: int = 30
    """Retention of the session log (a CloudWatch value). Default 30."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.one_of("ClusterSpec.container_insights", self.container_insights, CONTAINER_INSIGHTS),
            lambda: validate_strategy(self.default_strategy, "ClusterSpec.default_strategy"),
            lambda: check.kms_key_arn("ClusterSpec.exec_kms_key_arn", self.exec_kms_key_arn),
            lambda: check.log_retention("ClusterSpec.log_retention_days", self.log_retention_days),
        )


@dataclass(frozen=True, kw_only=True)
class ExistingCluster:
    """A cluster the service does not create (FARGATE and FARGATE_SPOT associated), e.g. another stack's."""

    arn: pulumi.Input[str]
    """The cluster's ARN, plain or an Output (e.g. a StackReference's: then it is not checked here, being
    unknown until deploy). Required."""
    exec_kms_key_arn: str = ""
    """With ``ServiceSpec.enable_execute_command``: the KMS key the cluster encrypts ECS Exec sessions with,
    which the task role must decrypt with. Default empty: none."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.cluster_arn("ExistingCluster.arn", self.arn) if isinstance(self.arn, str) else None,
            lambda: check.kms_key_arn("ExistingCluster.exec_kms_key_arn", self.exec_kms_key_arn),
        )
