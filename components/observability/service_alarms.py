"""CloudWatch alarms on a service's CPU and memory (``alarm_definitions`` watching ``service``).

The alarms on its route (5xx, unhealthy targets, response time) belong to its ``ServiceRoute``: they
must exist before the service, which names the deployment alarms among them, while these need the
service's name. Both make each alarm from its definition (``AlarmDefinition.alarm_inputs``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..naming import type_token
from .alarm_rules import Alarms, alarm_definitions


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
    app_memory_mib: int | None = None
    """The app container's hard memory limit, when sidecars share the task (``ServiceSpec.app_memory_mib``):
    the memory alarm watches the app's share. Default None: the whole task's."""
    task_memory_mib: int | None = None
    """The task's memory, with ``app_memory_mib``. Default None."""


class ServiceAlarms(pulumi.ComponentResource):
    """Alarms on the service's CPU and memory."""

    alarm_names: pulumi.Output[list[str]]
    """Every alarm's name."""

    def __init__(self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_alarms", "ServiceAlarms"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        dimensions = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        alarms = [
            aws.cloudwatch.MetricAlarm(f"{name}-{d.role}", **d.alarm_inputs(dimensions, args.topic_arn), opts=child)
            for d in alarm_definitions(
                args.alarms, app_memory_mib=args.app_memory_mib, task_memory_mib=args.task_memory_mib
            )
            if d.watches == "service"
        ]
        self.alarm_names = pulumi.Output.all(*[alarm.name for alarm in alarms])
        self.register_outputs({"alarm_names": self.alarm_names})
