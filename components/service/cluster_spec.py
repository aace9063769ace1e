"""What a created ECS cluster is: Container Insights, its default capacity-provider strategy, and where
ECS Exec sessions are logged (plain values, validated on construction; ``Cluster`` realises them); and
what a service needs of an existing one (``ExistingCluster``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import validation as check
from ..errors import collect
from ..resource_arns import cluster_arn, kms_key_arn
from ..validation import DEFAULT_LOG_RETENTION_DAYS
from .capacity_strategy import StrategyItem, validate_strategy
from .service_spec import DEFAULT_STRATEGY, ServiceSpec

if TYPE_CHECKING:
    import pulumi

#: The cluster setting's values (ECS API Reference, ClusterSetting: ``enhanced``, ``enabled``, ``disabled``).
CONTAINER_INSIGHTS = ("enhanced", "enabled", "disabled")


@dataclass(frozen=True, kw_only=True)
class ClusterSpec:
    """A cluster with FARGATE and FARGATE_SPOT associated."""

    container_insights: str = "enhanced"
    """Container Insights: ``enhanced``, ``enabled`` or ``disabled``. Default enhanced."""
    service: ServiceSpec | None = None
    """The service the cluster is made for, which judged its own fields: its strategy is the cluster's
    default, its ECS Exec turns session logging on, and its log retention keeps the session log, each
    unless given below (and judged here). Default None."""
    default_strategy: tuple[StrategyItem, ...] | None = None
    """The cluster's default capacity-provider strategy. Default None: the service's, else FARGATE base 1
    weight 0, FARGATE_SPOT weight 1."""
    exec_logging: bool | None = None
    """Log ECS Exec sessions to a log group of their own (set it when a service enables ECS Exec). Default
    None: whether the service enables ECS Exec, else False."""
    exec_kms_key_arn: str = ""
    """With ``exec_logging``: the KMS key that encrypts the sessions and their log. Empty logs sessions
    unencrypted by a key of yours. Default empty."""
    log_retention_days: int | None = None
    """Retention of the session log (a CloudWatch value). Default None: the service's, else 30."""

    def __post_init__(self) -> None:
        # Only what is given here: the service's values were judged by its own spec.
        strategy, retention = self.default_strategy, self.log_retention_days
        collect(
            lambda: check.one_of("ClusterSpec.container_insights", self.container_insights, CONTAINER_INSIGHTS),
            lambda: validate_strategy(strategy, "ClusterSpec.default_strategy") if strategy is not None else None,
            lambda: kms_key_arn("ClusterSpec.exec_kms_key_arn", self.exec_kms_key_arn),
            lambda: check.log_retention("ClusterSpec.log_retention_days", retention) if retention is not None else None,
        )

    @property
    def strategy(self) -> tuple[StrategyItem, ...]:
        """The default capacity-provider strategy the cluster gets."""
        if self.default_strategy is not None:
            return self.default_strategy
        return self.service.strategy if self.service is not None else DEFAULT_STRATEGY

    @property
    def logs_sessions(self) -> bool:
        """Whether ECS Exec sessions get a log group of their own."""
        if self.exec_logging is not None:
            return self.exec_logging
        return self.service is not None and self.service.enable_execute_command

    @property
    def session_log_retention_days(self) -> int:
        """Retention of the session log."""
        if self.log_retention_days is not None:
            return self.log_retention_days
        return self.service.log_retention_days if self.service is not None else DEFAULT_LOG_RETENTION_DAYS


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
            lambda: cluster_arn("ExistingCluster.arn", self.arn) if isinstance(self.arn, str) else None,
            lambda: kms_key_arn("ExistingCluster.exec_kms_key_arn", self.exec_kms_key_arn),
        )
