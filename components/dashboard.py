"""The service's CloudWatch dashboard body and console URL, as pure functions of names."""

from __future__ import annotations

import json

from .alarm_rules import Alarms

#: Where the Spot-interruption count is kept (a metric filter on the interruption events' log group).
METRIC_NAMESPACE = "GravitonNode"
SPOT_METRIC = "SpotInterruptions"


def _widget(title: str, metrics: list[list[object]], x: int, y: int, **properties: object) -> dict[str, object]:
    return {
        "type": "metric", "x": x, "y": y, "width": 12, "height": 6,
        "properties": {"title": title, "metrics": metrics, "period": 60, "view": "timeSeries", **properties},
    }  # fmt: skip


def dashboard_body(
    *,
    region: str,
    cluster: str,
    service: str,
    load_balancer: str,
    target_group: str,
    alarms: Alarms,
    on_demand_base: int,
) -> str:
    """CPU and memory against the task's size (100 % is all of it) with the alarm lines, requests, 5xx,
    response time, running tasks (the first ``on_demand_base`` on FARGATE, the rest on Spot) and Spot
    interruptions."""
    ecs = {"ClusterName": cluster, "ServiceName": service}
    alb = ["LoadBalancer", load_balancer, "TargetGroup", target_group]
    widgets = [
        _widget("CPU and memory, % of the task size", [
            ["AWS/ECS", "CPUUtilization", *sum(ecs.items(), ())], [".", "MemoryUtilization", ".", ".", ".", "."]],
            0, 0, region=region, stat="Average", yAxis={"left": {"min": 0, "max": 100}},
            annotations={"horizontal": [{"label": "CPU alarm", "value": alarms.cpu_percent},
                                        {"label": "memory alarm", "value": alarms.memory_percent}]}),
        _widget("Requests and target 5xx", [
            ["AWS/ApplicationELB", "RequestCount", *alb, {"stat": "Sum"}],
            [".", "HTTPCode_Target_5XX_Count", *alb, {"stat": "Sum"}]], 12, 0, region=region),
        _widget("Target response time (p95, s)", [["AWS/ApplicationELB", "TargetResponseTime", *alb, {"stat": "p95"}]],
                0, 6, region=region,
                annotations={"horizontal": [{"label": "alarm", "value": alarms.response_time_ms / 1000}]}),
        _widget(f"Running tasks (the first {on_demand_base} on FARGATE, the rest on FARGATE_SPOT)", [
            ["ECS/ContainerInsights", "RunningTaskCount", *sum(ecs.items(), ())],
            [".", "DesiredTaskCount", ".", ".", ".", "."]], 12, 6, region=region, stat="Average"),
        _widget("Spot interruptions", [[METRIC_NAMESPACE, SPOT_METRIC, "ServiceName", service, {"stat": "Sum"}]],
                0, 12, region=region),
    ]  # fmt: skip
    return json.dumps({"widgets": widgets}, sort_keys=True)


def dashboard_url(region: str, name: str) -> str:
    """The dashboard in the CloudWatch console."""
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards:name={name}"


def spot_interruption_pattern(cluster_arn: str, service: str) -> str:
    """EventBridge pattern: this service's tasks stopping for a Spot interruption (the two-minute notice)."""
    return json.dumps(
        {
            "source": ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            "detail": {"clusterArn": [cluster_arn], "group": [f"service:{service}"], "stopCode": ["SpotInterruption"]},
        },
        sort_keys=True,
    )
