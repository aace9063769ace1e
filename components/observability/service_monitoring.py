"""Spot interruptions made visible, tasks counted by capacity provider, and the service's dashboard.

ECS tells of a Spot interruption only as task state change events (stop code ``SpotInterruption``,
from the two-minute notice to the task's stop). An EventBridge rule sends this service's STOPPED ones,
one per interrupted task, to a log group, where a metric filter counts them for an alarm, and to the
alarm topic when there is one (with the topic policy EventBridge needs to publish). A ``TaskCounter``
counts the running tasks per capacity provider, and an alarm fires when fewer run than desired for
``BELOW_DESIRED_MINUTES`` (ECS never falls back from Spot), and another when the counter publishes
nothing for ``COUNTER_SILENT_MINUTES`` (the first alarm is blind then). The dashboard shows CPU and memory
against the task size, requests, 5xx, response time, running tasks by provider against the desired
count, and the interruptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..iam_policies import alarm_topic_policy, event_log_policy
from ..naming import type_token
from .alarm_rules import MONITORING_ALARMS, Alarms
from .dashboard import (
    BELOW_DESIRED_MINUTES,
    COUNTER_SILENT,
    METRIC_NAMESPACE,
    SPOT_FILTER_DIMENSIONS,
    SPOT_FILTER_PATTERN,
    SPOT_METRIC,
    below_desired_queries,
    dashboard_body,
    dashboard_name,
    dashboard_url,
    spot_dimensions,
    spot_interruption_pattern,
)
from .task_counter import TaskCounter, TaskCounterArgs

#: The roles of the three alarms, from the tuple the cost estimate counts: a fourth alarm here fails to
#: import until it is added there.
SPOT_ALARM, BELOW_DESIRED, COUNTER_SILENT_ALARM = MONITORING_ALARMS


@dataclass(frozen=True, kw_only=True)
class ServiceMonitoringArgs:
    """What to watch and whom to tell."""

    alarms: Alarms
    """Thresholds (validated). Required."""
    cluster_arn: pulumi.Input[str]
    """The service's cluster ARN (the events name it). Required."""
    cluster_name: pulumi.Input[str]
    """The cluster's name (metric dimension). Required."""
    service_name: pulumi.Input[str]
    """The service. Required."""
    route_widgets: pulumi.Input[list[dict[str, object]]] | None = None
    """The widgets of the service's route (``ServiceRoute.widgets``). Default None: no route widgets."""
    capacity_providers: tuple[str, ...] = ("FARGATE", "FARGATE_SPOT")
    """The providers of the service's strategy, each graphed with its running tasks. Default both."""
    on_demand_base: int = 0
    """Tasks on FARGATE before Spot takes the rest, for the dashboard's label. Default 0."""
    topic_arn: pulumi.Input[str] | None = None
    """SNS topic the interruptions and their alarm go to. Default None."""
    log_retention_days: int = 30
    """Retention of the interruption events' log group. Default 30."""
    role_path: str = ""
    """IAM path of the task counter's role (``TaskCounterArgs.role_path``). Default empty."""
    permissions_boundary_arn: pulumi.Input[str] = ""
    """Permissions boundary of the task counter's role (``TaskCounterArgs``). Default empty."""
    app_memory_mib: int | None = None
    """The app container's hard memory limit with sidecars (``ServiceAlarmsArgs.app_memory_mib``): the
    dashboard draws the memory alarm's threshold for it. Default None: the whole task's."""
    task_memory_mib: int | None = None
    """The task's memory, with ``app_memory_mib``. Default None."""


class ServiceMonitoring(pulumi.ComponentResource):
    """Spot interruptions (rule, log group, metric filter, alarm), a task counter with alarms on tasks
    below the desired count and on the counter gone quiet, and a dashboard."""

    dashboard_url: pulumi.Output[str]
    """The dashboard in the CloudWatch console; empty in a partition with no published console host (ISO,
    European Sovereign Cloud: ``dashboard.CONSOLE_HOSTS``)."""
    alarm_names: pulumi.Output[list[str]]
    """Its alarms: Spot interruptions in an hour, fewer tasks running than desired, the counter gone quiet."""

    def __init__(self, name: str, args: ServiceMonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_monitoring", "ServiceMonitoring"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        spot_alarm = self._spot_interruptions(name, args)
        TaskCounter(
            f"{name}-task-count",
            TaskCounterArgs(
                cluster_arn=args.cluster_arn, cluster_name=args.cluster_name, service_name=args.service_name,
                namespace=METRIC_NAMESPACE, log_retention_days=args.log_retention_days,
                role_path=args.role_path, permissions_boundary_arn=args.permissions_boundary_arn,
            ),
            opts=child,
        )  # fmt: skip
        below_desired = self._below_desired(name, args)
        # Without it the below-desired alarm would sit at OK while nothing counts (its missing data is no shortfall).
        dimensions = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        silent = aws.cloudwatch.MetricAlarm(
            f"{name}-{COUNTER_SILENT_ALARM}", **COUNTER_SILENT.alarm_inputs(dimensions, args.topic_arn), opts=child
        )
        project, stack = pulumi.get_project(), pulumi.get_stack()
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            # The region the provider deploys to, not config: it is there even when only a profile names it.
            dashboard_name=region.apply(lambda r: dashboard_name(project, stack, name, r)),
            dashboard_body=pulumi.Output.all(region, args.cluster_name, args.service_name, args.route_widgets).apply(
                lambda v: dashboard_body(
                    region=v[0],
                    cluster=v[1],
                    service=v[2],
                    route_widgets=v[3],
                    alarms=args.alarms,
                    on_demand_base=args.on_demand_base,
                    capacity_providers=args.capacity_providers,
                    app_memory_mib=args.app_memory_mib,
                    task_memory_mib=args.task_memory_mib,
                )
            ),
            opts=child,
        )
        self.dashboard_url = pulumi.Output.all(region, dashboard.dashboard_name).apply(
            lambda v: dashboard_url(v[0], v[1])
        )
        self.alarm_names = pulumi.Output.all(spot_alarm.name, below_desired.name, silent.name)
        self.register_outputs({"dashboard_url": self.dashboard_url, "alarm_names": self.alarm_names})

    def _spot_interruptions(self, name: str, args: ServiceMonitoringArgs) -> aws.cloudwatch.MetricAlarm:
        """The interruption events to a log group (and the topic), counted by a metric filter, alarmed on
        (the alarm returned)."""
        child = pulumi.ResourceOptions(parent=self)
        # EventBridge writes only to log groups under /aws/events/; the prefix gets a unique suffix (the
        # same stack and service names in another project must not collide).
        events = aws.cloudwatch.LogGroup(
            f"{name}-spot-events",
            name_prefix=f"/aws/events/{name}-spot-interruptions-",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-spot-rule",
            description="This service's tasks stopped by a Fargate Spot interruption",
            event_pattern=pulumi.Output.all(args.cluster_arn, args.service_name).apply(
                lambda v: spot_interruption_pattern(v[0], v[1])
            ),
            opts=child,
        )
        # Attached to the log group (resource-scoped): an account has room for only 10 account-wide
        # log resource policies per region, which every stack and service would share. It admits this
        # rule only, so it waits for the rule's ARN.
        policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-spot-events-policy",
            resource_arn=events.arn,
            policy_document=pulumi.Output.all(events.arn, rule.arn).apply(
                lambda v: event_log_policy(log_group_arn=v[0], rule_arn=v[1])
            ),
            opts=child,
        )
        # Delivered only once the policy admits the rule: before it, each delivery would fail.
        aws.cloudwatch.EventTarget(
            f"{name}-spot-to-logs",
            rule=rule.name,
            arn=events.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        if args.topic_arn is not None:
            account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
            aws.sns.TopicPolicy(
                f"{name}-topic-policy",
                arn=args.topic_arn,
                policy=pulumi.Output.all(args.topic_arn, account).apply(
                    lambda v: alarm_topic_policy(topic_arn=v[0], account_id=v[1])
                ),
                opts=child,
            )
            aws.cloudwatch.EventTarget(f"{name}-spot-to-topic", rule=rule.name, arn=args.topic_arn, opts=child)
        return self._spot_alarm(name, args, events)

    def _spot_alarm(
        self, name: str, args: ServiceMonitoringArgs, events: aws.cloudwatch.LogGroup
    ) -> aws.cloudwatch.MetricAlarm:
        """The interruptions counted from their log group, and alarmed on above the hourly threshold."""
        child = pulumi.ResourceOptions(parent=self)
        aws.cloudwatch.LogMetricFilter(
            f"{name}-spot-count",
            log_group_name=events.name,
            pattern=SPOT_FILTER_PATTERN,
            metric_transformation={
                "name": SPOT_METRIC,
                "namespace": METRIC_NAMESPACE,
                "value": "1",
                "dimensions": SPOT_FILTER_DIMENSIONS,
            },
            opts=child,
        )
        actions = [args.topic_arn] if args.topic_arn is not None else []
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{SPOT_ALARM}",
            alarm_description=f"More than {args.alarms.spot_interruptions_per_hour} Spot interruptions in an hour",
            namespace=METRIC_NAMESPACE,
            metric_name=SPOT_METRIC,
            dimensions=pulumi.Output.from_input(args.service_name).apply(spot_dimensions),
            statistic="Sum",
            period=3600,
            evaluation_periods=1,
            threshold=args.alarms.spot_interruptions_per_hour,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            opts=child,
        )

    def _below_desired(self, name: str, args: ServiceMonitoringArgs) -> aws.cloudwatch.MetricAlarm:
        """Alarm when fewer tasks run than desired for ``BELOW_DESIRED_MINUTES`` (the counter's metrics)."""
        actions = [args.topic_arn] if args.topic_arn is not None else []
        expression, metrics = below_desired_queries(args.capacity_providers)
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{BELOW_DESIRED}",
            alarm_description=f"Fewer tasks running than desired for {BELOW_DESIRED_MINUTES} minutes "
            "(no Spot capacity, or tasks failing to start)",
            metric_queries=[
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="missing", expression=expression, label="tasks desired but not running", return_data=True
                ),
                *(
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id=query_id,
                        return_data=False,
                        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                            namespace=METRIC_NAMESPACE,
                            metric_name=metric,
                            period=60,
                            stat="Maximum",
                            dimensions={"ClusterName": args.cluster_name, "ServiceName": args.service_name, **extra},
                        ),
                    )
                    for query_id, metric, extra in metrics
                ),
            ],
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            evaluation_periods=BELOW_DESIRED_MINUTES,
            datapoints_to_alarm=BELOW_DESIRED_MINUTES,
            # No counts (the counter not yet running) is no shortfall; a counter that stays quiet has its own alarm.
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            ok_actions=actions,
            opts=pulumi.ResourceOptions(parent=self),
        )
