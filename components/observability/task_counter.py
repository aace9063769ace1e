"""A service's running tasks by capacity provider, counted once a minute into CloudWatch metrics.

CloudWatch has no such metric for Fargate, and the dashboard must show how many tasks run on
FARGATE and how many on FARGATE_SPOT (a Spot shortage shows as fewer Spot tasks than the strategy
asks for). A small arm64 Lambda function (``task_counter_handler``) counts them on a schedule and
prints the counts in the embedded metric format; see that module for why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from .. import validation as check
from ..autonames import check_autonames
from ..errors import collect
from ..iam_policies import check_role_path, default_boundary_arn, lambda_trust, role_path, task_counter_policy
from ..naming import type_token, unprefixed
from ..resource_arns import cluster_arn
from . import task_counter_handler
from .monitoring_names import counter_children

#: The newest Python runtime the provider accepts (cdk-nag AwsSolutions-L1 asks for the latest). Lambda's API
#: lists python3.15 (botocore ``lambda`` ``Runtime``), but pulumi_aws 7.51.1's ``lambda_.Runtime`` ends at
#: python3.14 and its provider refuses any other (terraform-provider-aws ``internal/service/lambda/function.go``:
#: ``enum.Validate[awstypes.Runtime]``).
RUNTIME = "python3.14"
SOURCE = Path(task_counter_handler.__file__)
#: Once a minute: ``cost.COUNTER_RUNS_PER_HOUR`` prices it.
SCHEDULE = "rate(1 minute)"
#: Lambda gives CPU in proportion to memory ("At 1,769 MB, a function has the equivalent of one vCPU": Lambda
#: guide, "Configure Lambda function memory"): 5,000 tasks (``autoscaling_rules.MAX_TASKS``) take 50 ListTasks
#: and 50 DescribeTasks pages of 100 (botocore ecs), about 30 s of parsing at 128 MB, under 15 s at 256 MB.
#: Within the minute, so a scheduled run ends before the next starts (Lambda's own retries of a failed run,
#: after about 1 and 2 minutes, may overlap one: its readers take the Maximum). ``cost.COUNTER_GB_SECONDS_PER_RUN``
#: prices it.
MEMORY_MB = 256
TIMEOUT_SECONDS = 55


@dataclass(frozen=True, kw_only=True)
class TaskCounterArgs:
    """Which service to count and where the counts go."""

    cluster_arn: pulumi.Input[str]
    """The service's cluster ARN. Required."""
    cluster_name: pulumi.Input[str]
    """The cluster's name (a metric dimension). Required."""
    service_name: pulumi.Input[str]
    """The service (a metric dimension). Required."""
    namespace: str
    """The CloudWatch namespace of the counts. Required."""
    log_retention_days: int = 30
    """Retention of the function's log group (the counts' source). Default 30."""
    role_path: str = ""
    """IAM path of the function's role. Empty: ``/<project>/<stack>/``. Default empty."""
    permissions_boundary_arn: pulumi.Input[str] = ""
    """Permissions boundary of the function's role. Empty: the stack's
    ``<project>-boundary-<stack>`` in the deploying account. Default empty."""

    def __post_init__(self) -> None:
        # Plain values only: an Output (another component's, a stack reference's) is AWS's to judge.
        boundary, cluster = self.permissions_boundary_arn, self.cluster_arn
        collect(
            lambda: cluster_arn("TaskCounterArgs.cluster_arn", cluster) if isinstance(cluster, str) else None,
            lambda: check.metric_namespace("TaskCounterArgs.namespace", self.namespace),
            lambda: check.log_retention("TaskCounterArgs.log_retention_days", self.log_retention_days),
            lambda: check_role_path("TaskCounterArgs.role_path", self.role_path) if self.role_path else None,
            lambda: (
                check.policy_arn("TaskCounterArgs.permissions_boundary_arn", boundary)
                if isinstance(boundary, str)
                else None
            ),
        )


class TaskCounter(pulumi.ComponentResource):
    """A scheduled Lambda function that publishes ``RunningTasks`` per ``CapacityProvider`` and ``DesiredTasks``."""

    function_name: pulumi.Output[str]
    """The counting function."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when AWS or the provider would
        refuse the name of a child a ``TaskCounter`` called ``name`` registers (``counter_children``)."""
        check_autonames(key, value or name, counter_children(name))

    def __init__(self, name: str, args: TaskCounterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("task_counter", "TaskCounter"), name, None, opts)
        if warning := unprefixed("TaskCounter", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        child = pulumi.ResourceOptions(parent=self)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=args.log_retention_days, opts=child)
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=lambda_trust(),
            path=args.role_path or role_path(pulumi.get_project(), pulumi.get_stack().lower()),
            permissions_boundary=args.permissions_boundary_arn or self._default_boundary(),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(args.cluster_arn, args.service_name, logs.arn).apply(
                lambda v: task_counter_policy(cluster_arn=v[0], service_name=v[1], log_group_arn=v[2])
            ),
            opts=child,
        )
        function = aws.lambda_.Function(
            f"{name}-function",
            role=role.arn,
            runtime=RUNTIME,
            architectures=["arm64"],
            handler=f"{SOURCE.stem}.handler",
            # The text, not the path: the code's hash is its content wherever the project is checked out.
            code=pulumi.AssetArchive({SOURCE.name: pulumi.StringAsset(SOURCE.read_text())}),
            memory_size=MEMORY_MB,
            timeout=TIMEOUT_SECONDS,
            environment={
                "variables": {
                    "CLUSTER": args.cluster_name,
                    "SERVICE": args.service_name,
                    "NAMESPACE": args.namespace,
                }
            },
            logging_config={"log_format": "Text", "log_group": logs.name},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        schedule = aws.cloudwatch.EventRule(
            f"{name}-schedule",
            description="Count the service's running tasks by capacity provider",
            schedule_expression=SCHEDULE,
            opts=child,
        )
        aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="events.amazonaws.com",
            source_arn=schedule.arn,
            opts=child,
        )
        aws.cloudwatch.EventTarget(f"{name}-target", rule=schedule.name, arn=function.arn, opts=child)
        self.function_name = function.name
        self.register_outputs({"function_name": self.function_name})

    def _default_boundary(self) -> pulumi.Output[str]:
        """The stack's ``<project>-boundary-<stack>`` in the deploying account."""
        return pulumi.Output.all(
            aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition,
            aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id,
        ).apply(lambda v: default_boundary_arn(v[0], v[1], pulumi.get_project(), pulumi.get_stack().lower()))
