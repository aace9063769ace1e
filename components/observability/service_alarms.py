"""CloudWatch alarms on a service's CPU and memory (``alarm_definitions`` watching ``service``).

The alarms on its route (5xx, unhealthy targets, response time) belong to its ``ServiceRoute``: they
must exist before the service, which names the deployment alarms among them, while these need the
service's name. ``metric_alarm`` makes one alarm from its definition for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..naming import type_token
from .alarm_rules import AlarmDefinition, Alarms, alarm_definitions


def metric_alarm(
    name: str,
    definition: AlarmDefinition,
    dimensions: Mapping[str, pulumi.Input[str]],
    topic_arn: pulumi.Input[str] | None,
    opts: pulumi.ResourceOptions,
) -> aws.cloudwatch.MetricAlarm:
    """The alarm ``definition`` describes, on ``dimensions``, telling ``topic_arn`` (if any)."""
    percentile = definition.statistic.startswith("p")
    actions = [topic_arn] if topic_arn is not None else []
    return aws.cloudwatch.MetricAlarm(
        name,
        alarm_description=definition.description,
        namespace=definition.namespace,
        metric_name=definition.metric,
        dimensions=dict(dimensions),
        statistic=None if percentile else definition.statistic,
        extended_statistic=definition.statistic if percentile else None,
        period=60,
        evaluation_periods=definition.periods,
        threshold=definition.threshold,
        comparison_operator=definition.comparison,
        # No traffic is no error: a quiet service must not alarm, nor block a deployment.
        treat_missing_data="notBreaching",
        alarm_actions=actions,
        ok_actions=actions,
        opts=opts,
    )


@dataclass(frozen=True, kw_only=True)
class ServiceAlarmsArgs:
    """What the alarms watch and whom they tell."""

    alarms: Alarms
    """Thresholds (validated). Required."""
    cluster_name: pulumi.Input[str]
    """The service's cluster: the ``ClusterName`` dimension. Required."""
    service_name: pulumi.Input[str]
    """The service: the ``ServiceName`` dimension. Required."""
    topic_arn: pulumi.Input[str] | None = None
    """The SNS topic alarms go to (``AlarmTopic``). Default None."""


class ServiceAlarms(pulumi.ComponentResource):
    """Alarms on the service's CPU and memory."""

    alarm_names: pulumi.Output[list[str]]
    """Every alarm's name."""

    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_alarms", "ServiceAlarms"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        dimensions = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        alarms = [
            metric_alarm(f"{name}-{d.role}", d, dimensions, args.topic_arn, child)
            for d in alarm_definitions(args.alarms)
            if d.watches == "service"
        ]
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in alarms])
        self.register_outputs({"alarm_names": self.alarm_names})
