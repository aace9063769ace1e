"""An ECS cluster with FARGATE and FARGATE_SPOT associated, and ECS Exec sessions logged (``ClusterSpec``).

Services take it, or an ``ExistingCluster``, as ``FargateServiceArgs.cluster`` (CDK's ``ecs.Cluster``,
awsx's ``cluster`` argument): several services share one cluster.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..autonames import check_autonames
from ..naming import type_token, unprefixed
from .capacity_strategy import FARGATE, FARGATE_SPOT, StrategyItem
from .cluster_spec import ClusterSpec
from .service_names import cluster_children

#: Up to 0.4.0 a ``FargateService`` of the same name created the cluster: an alias to it keeps each
#: child's state, so an existing stack replaces nothing.
FARGATE_SERVICE_TYPE = type_token("fargate_service", "FargateService")


def strategy_inputs(strategy: tuple[StrategyItem, ...]) -> list[aws.ecs.ServiceCapacityProviderStrategyArgsDict]:
    """A capacity-provider strategy as the ECS resources take it."""
    # Only one item may carry a base; leaving base out where it is 0 keeps the API request minimal.
    items: list[aws.ecs.ServiceCapacityProviderStrategyArgsDict] = []
    for item in strategy:
        entry: aws.ecs.ServiceCapacityProviderStrategyArgsDict = {
            "capacity_provider": item.capacity_provider,
            "weight": item.weight,
        }
        if item.base:
            entry["base"] = item.base
        items.append(entry)
    return items


class Cluster(pulumi.ComponentResource):
    """The cluster, its capacity providers and, with ``exec_logging``, the session log group."""

    arn: pulumi.Output[str]
    """The cluster's ARN."""
    name: pulumi.Output[str]
    """The cluster's name."""
    exec_log_group_arn: pulumi.Output[str] | None
    """The ECS Exec session log group (with ``exec_logging``), else None."""
    exec_kms_key_arn: str
    """The key ECS Exec sessions are encrypted with (``ClusterSpec.exec_kms_key_arn``)."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when AWS or the provider would
        refuse the name of a child a ``Cluster`` called ``name`` registers (``cluster_children``)."""
        check_autonames(key, value or name, cluster_children(name))

    def __init__(self, name: str, args: ClusterSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("cluster", "Cluster"), name, None, opts)
        if warning := unprefixed("Cluster", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        parent = opts.parent if opts is not None else None
        moved = pulumi.Alias(parent=pulumi.create_urn(name, FARGATE_SERVICE_TYPE, parent))
        child = pulumi.ResourceOptions(parent=self, aliases=[moved])
        logs = self._exec_logs(name, args, child) if args.logs_sessions else None
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[{"name": "containerInsights", "value": args.container_insights}],
            configuration=_exec_configuration(logs, args.exec_kms_key_arn) if logs is not None else None,
            opts=child,
        )
        # A service must wait for this association (it depends on the whole component), or its create
        # races it and fails.
        aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity-providers",
            cluster_name=cluster.name,
            capacity_providers=[FARGATE, FARGATE_SPOT],
            default_capacity_provider_strategies=strategy_inputs(args.strategy),
            opts=child,
        )
        self.arn, self.name = cluster.arn, cluster.name
        self.exec_log_group_arn = logs.arn if logs is not None else None
        self.exec_kms_key_arn = args.exec_kms_key_arn
        self.register_outputs(
            {
                "arn": self.arn,
                "name": self.name,
                "exec_log_group_arn": self.exec_log_group_arn,
                "exec_kms_key_arn": self.exec_kms_key_arn,
            }
        )

    @staticmethod
    def _exec_logs(name: str, args: ClusterSpec, child: pulumi.ResourceOptions) -> aws.cloudwatch.LogGroup:
        # The sessions' log (what ran in them; who opened them is CloudTrail's, and the task role may write
        # here too: docs/decisions.md) outlives ECS Exec being turned off, and the stack: deleting it would
        # take the sessions with it. Left in AWS, it expires by its retention;
        # its name is made anew (autonamed), so turning Exec on again creates no clash.
        retained = pulumi.ResourceOptions(retain_on_delete=True)
        return aws.cloudwatch.LogGroup(
            f"{name}-exec-logs",
            retention_in_days=args.session_log_retention_days,
            kms_key_id=args.exec_kms_key_arn or None,
            opts=pulumi.ResourceOptions.merge(child, retained),
        )


def _exec_configuration(logs: aws.cloudwatch.LogGroup, key: str) -> aws.ecs.ClusterConfigurationArgsDict:
    """ECS Exec sessions logged to their own log group, encrypted with ``key`` (if any)."""
    return {
        "execute_command_configuration": {
            "logging": "OVERRIDE",
            "kms_key_id": key or None,
            "log_configuration": {
                "cloud_watch_log_group_name": logs.name,
                "cloud_watch_encryption_enabled": bool(key),
            },
        }
    }
