"""Spot interruptions made visible, and the service's dashboard.

ECS tells of a Spot interruption only as a task state change event (stop code ``SpotInterruption``,
sent with the two-minute notice). An EventBridge rule sends this service's to a log group, where a
metric filter counts them for an alarm, and to the alarm topic when there is one. The dashboard
shows CPU and memory against the task size, requests, 5xx, response time, running tasks and the
interruptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .alarm_rules import Alarms
from .dashboard import METRIC_NAMESPACE, SPOT_METRIC, dashboard_body, dashboard_url, spot_interruption_pattern
from .naming import type_token


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
    load_balancer_arn_suffix: pulumi.Input[str]
    """The load balancer's metric dimension. Required."""
    target_group_arn_suffix: pulumi.Input[str]
    """The target group's metric dimension. Required."""
    on_demand_base: int = 0
    """Tasks on FARGATE before Spot takes the rest, for the dashboard's label. Default 0."""
    topic_arn: pulumi.Input[str] | None = None
    """SNS topic the interruptions and their alarm go to. Default None."""
    log_retention_days: int = 30
    """Retention of the interruption events' log group. Default 30."""


class ServiceMonitoring(pulumi.ComponentResource):
    """An EventBridge rule, a log group and metric filter, an alarm, and a dashboard."""

    dashboard_url: pulumi.Output[str]
    """The dashboard in the CloudWatch console."""

    def __init__(self, name: str, args: ServiceMonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_monitoring", "ServiceMonitoring"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        region = aws.get_region_output(opts=invoke).region
        # EventBridge writes only to log groups under /aws/events/.
        events = aws.cloudwatch.LogGroup(
            f"{name}-spot-events",
            name=f"/aws/events/{name}-spot-interruptions",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        aws.cloudwatch.LogResourcePolicy(
            f"{name}-spot-events-policy",
            policy_name=f"{name}-spot-events",
            policy_document=events.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                "Resource": f"{arn}:*",
                            }
                        ],
                    },
                    sort_keys=True,
                )
            ),
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-spot-rule",
            description="This service's tasks interrupted by Fargate Spot (two minutes' notice)",
            event_pattern=pulumi.Output.all(args.cluster_arn, args.service_name).apply(
                lambda v: spot_interruption_pattern(v[0], v[1])
            ),
            opts=child,
        )
        aws.cloudwatch.EventTarget(f"{name}-spot-to-logs", rule=rule.name, arn=events.arn, opts=child)
        if args.topic_arn is not None:
            aws.cloudwatch.EventTarget(f"{name}-spot-to-topic", rule=rule.name, arn=args.topic_arn, opts=child)
        aws.cloudwatch.LogMetricFilter(
            f"{name}-spot-count",
            log_group_name=events.name,
            pattern='{ $.detail.stopCode = "SpotInterruption" }',
            metric_transformation={
                "name": SPOT_METRIC,
                "namespace": METRIC_NAMESPACE,
                "value": "1",
                "dimensions": {"Service": "$.detail.group"},
            },
            opts=child,
        )
        actions = [args.topic_arn] if args.topic_arn is not None else []
        aws.cloudwatch.MetricAlarm(
            f"{name}-spot-alarm",
            alarm_description=f"More than {args.alarms.spot_interruptions_per_hour} Spot interruptions in an hour",
            namespace=METRIC_NAMESPACE,
            metric_name=SPOT_METRIC,
            dimensions={"Service": pulumi.Output.concat("service:", args.service_name)},
            statistic="Sum",
            period=3600,
            evaluation_periods=1,
            threshold=args.alarms.spot_interruptions_per_hour,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            opts=child,
        )
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=name,
            dashboard_body=pulumi.Output.all(
                region,
                args.cluster_name,
                args.service_name,
                args.load_balancer_arn_suffix,
                args.target_group_arn_suffix,
            ).apply(
                lambda v: dashboard_body(
                    region=v[0],
                    cluster=v[1],
                    service=v[2],
                    load_balancer=v[3],
                    target_group=v[4],
                    alarms=args.alarms,
                    on_demand_base=args.on_demand_base,
                )
            ),
            opts=child,
        )
        self.dashboard_url = pulumi.Output.all(region, dashboard.dashboard_name).apply(
            lambda v: dashboard_url(v[0], v[1])
        )
        self.register_outputs({"dashboard_url": self.dashboard_url})
