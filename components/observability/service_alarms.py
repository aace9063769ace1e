"""CloudWatch alarms on a service, its target group and load balancer, and an optional SNS topic.

Built in two steps because ECS deployment alarms must exist before the service that names them, while
the service's own alarms need its name: the constructor makes the topic and the target-side alarms
(the deployment alarms among them), and ``watch`` adds the service's CPU and memory alarms once the
service exists, then registers the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..naming import type_token
from .alarm_rules import AlarmDefinition, Alarms, alarm_definitions


@dataclass(frozen=True, kw_only=True)
class ServiceAlarmsArgs:
    """What the alarms watch and whom they tell."""

    alarms: Alarms
    """Thresholds and e-mail addresses (validated). Required."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """``app/<name>/<id>``: the ``LoadBalancer`` dimension. Required."""
    target_group_arn_suffix: pulumi.Input[str]
    """``targetgroup/<name>/<id>``: the ``TargetGroup`` dimension. Required."""


class ServiceAlarms(pulumi.ComponentResource):
    """Alarms on 5xx, unhealthy targets, response time, CPU and memory; an SNS topic if there are addresses."""

    deployment_alarm_names: pulumi.Output[list[str]]
    """The alarms that roll back an ECS deployment (target 5xx, unhealthy targets)."""
    alarm_names: pulumi.Output[list[str]]
    """Every alarm's name (complete once ``watch`` has run)."""
    topic_arn: pulumi.Output[str] | None
    """The SNS topic alarms go to, or None without addresses."""

    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_alarms", "ServiceAlarms"), name, None, opts)
        self._name = name
        self._child = pulumi.ResourceOptions(parent=self)
        self._definitions = alarm_definitions(args.alarms)
        self.topic_arn = None
        if args.alarms.emails:
            topic = aws.sns.Topic(f"{name}-topic", opts=self._child)
            for index, email in enumerate(args.alarms.emails):
                aws.sns.TopicSubscription(
                    f"{name}-email-{index}", topic=topic.arn, protocol="email", endpoint=email, opts=self._child
                )
            self.topic_arn = topic.arn
        target = {"LoadBalancer": args.load_balancer_arn_suffix, "TargetGroup": args.target_group_arn_suffix}
        on_target = [d for d in self._definitions if d.watches == "target"]
        self._alarms = [self._alarm(d, target) for d in on_target]
        self.deployment_alarm_names = pulumi.Output.all(
            *[alarm.name for alarm, d in zip(self._alarms, on_target, strict=True) if d.rolls_back_deployments]
        )

    def _alarm(
        self, definition: AlarmDefinition, dimensions: dict[str, pulumi.Input[str]]
    ) -> aws.cloudwatch.MetricAlarm:
        percentile = definition.statistic.startswith("p")
        actions = [self.topic_arn] if self.topic_arn is not None else []
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-{definition.role}",
            alarm_description=definition.description,
            namespace=definition.namespace,
            metric_name=definition.metric,
            dimensions=dimensions,
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
            opts=self._child,
        )

    def watch(self, cluster_name: pulumi.Input[str], service_name: pulumi.Input[str]) -> None:
        """Add the service's own alarms (CPU, memory) and register the outputs."""
        service = {"ClusterName": cluster_name, "ServiceName": service_name}
        self._alarms += [self._alarm(d, service) for d in self._definitions if d.watches == "service"]
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in self._alarms])
        self.register_outputs(
            {
                "deployment_alarm_names": self.deployment_alarm_names,
                "alarm_names": self.alarm_names,
                "topic_arn": self.topic_arn,
            }
        )
