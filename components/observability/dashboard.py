"""The service's CloudWatch dashboard name, body and console URL, as pure functions of names."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..naming import account_unique
from ..validation import partition_of
from .alarm_rules import MONITORING_ALARMS, AlarmDefinition, Alarms, alarm_definitions
from .task_counter_handler import DESIRED_METRIC, RUNNING_METRIC

#: Where the Spot-interruption count (a metric filter on the interruption events' log group) and the
#: task counts (``task_counter_handler``) are kept.
METRIC_NAMESPACE = "GravitonNode"
SPOT_METRIC = "SpotInterruptions"
#: ECS sends a task state change event at each step of an interrupted task's stop (the notice while it
#: runs, then deactivating, stopping, deprovisioning, stopped), each carrying the stop code: only the
#: STOPPED one is counted, so an interruption counts once.
SPOT_FILTER_PATTERN = '{ $.detail.stopCode = "SpotInterruption" && $.detail.lastStatus = "STOPPED" }'
#: ECS puts a service's tasks in the group ``service:<name>``; the filter takes the dimension from it.
SPOT_FILTER_DIMENSIONS = {"Service": "$.detail.group"}


#: Minutes with fewer tasks running than desired before the alarm: past a deployment's or a scale-out's
#: start-up and a Spot replacement, which take a few minutes.
BELOW_DESIRED_MINUTES = 15


#: Minutes without a desired count from the task counter before its alarm: its function failing (ECS
#: refusing it under a boundary without ecs:DescribeServices, throttled, a bad deploy) or never invoked
#: leaves the below-desired alarm and the counts' readers without data, which they take as no shortfall.
COUNTER_SILENT_MINUTES = 10
#: The counter publishes ``DesiredTasks`` once a minute, after each count that succeeds: a minute with no
#: sample is a minute it did not count. A missing datapoint breaches ("breaching": for "a metric that
#: continually reports data ... missing data points ... might indicate that something is wrong", CloudWatch
#: guide, "Configuring how CloudWatch alarms treat missing data"), so the alarm fires when the metric
#: stops, whatever stopped it: a Lambda ``Errors`` alarm would miss a function that is never invoked.
COUNTER_SILENT = AlarmDefinition(
    MONITORING_ALARMS[2], f"The task counter published no count for {COUNTER_SILENT_MINUTES} minutes: "
    "the below-desired alarm and the dashboard's task counts are blind (see the counter function's logs)",
    METRIC_NAMESPACE, DESIRED_METRIC, "SampleCount", 1, COUNTER_SILENT_MINUTES, "service",
    comparison="LessThanThreshold", missing="breaching",
)  # fmt: skip


def below_desired_queries(capacity_providers: tuple[str, ...]) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """Metric math for the alarm on tasks missing: the desired count less the running tasks of every
    provider (``task_counter_handler``'s metrics), and each metric it reads as (query id, metric name,
    dimensions besides the service's). ECS never moves a task it cannot place on FARGATE_SPOT to
    FARGATE, so without this a Spot shortage only shows as tasks left PENDING."""
    running = [(f"running{i}", RUNNING_METRIC, {"CapacityProvider": p}) for i, p in enumerate(capacity_providers)]
    expression = f"desired - SUM([{', '.join(query_id for query_id, _, _ in running)}])"
    return expression, [("desired", DESIRED_METRIC, {}), *running]


def spot_dimensions(service: str) -> dict[str, str]:
    """The dimensions the filter gives a service's interruption count (what an alarm or graph must ask for)."""
    return {"Service": f"service:{service}"}


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
    alarms: Alarms,
    on_demand_base: int,
    capacity_providers: tuple[str, ...],
    route_widgets: list[dict[str, object]] | None = None,
    app_memory_mib: int | None = None,
    task_memory_mib: int | None = None,
) -> str:
    """CPU and memory against the task's size (100 % is all of it) with the alarms' own thresholds (the
    memory alarm's is the app's share with sidecars: ``alarm_rules.memory_threshold``), a route's
    widgets (its requests, 5xx and response time: ``route_widgets``, which lays them out for this body),
    running tasks per capacity provider against the desired count (the first ``on_demand_base`` on
    FARGATE, the rest on Spot) and Spot interruptions."""
    ecs = {"ClusterName": cluster, "ServiceName": service}
    threshold = {
        d.role: d.threshold
        for d in alarm_definitions(alarms, app_memory_mib=app_memory_mib, task_memory_mib=task_memory_mib)
    }
    widgets = [
        _widget("CPU and memory, % of the task size", [
            ["AWS/ECS", "CPUUtilization", *sum(ecs.items(), ())], [".", "MemoryUtilization", ".", ".", ".", "."]],
            0, 0, region=region, stat="Average", yAxis={"left": {"min": 0, "max": 100}},
            annotations={"horizontal": [{"label": "CPU alarm", "value": threshold["cpu"]},
                                        {"label": "memory alarm", "value": threshold["memory"]}]}),
        *(route_widgets or []),
    ]  # fmt: skip
    # Each row is 6 high; the route's widgets take the first row's right and the second's left.
    row = 6 if route_widgets else 0
    widgets += [
        _widget(f"Running tasks by capacity provider (the first {on_demand_base} on FARGATE, the rest on Spot)", [
            *([METRIC_NAMESPACE, RUNNING_METRIC, *sum(ecs.items(), ()), "CapacityProvider", provider,
               {"label": f"running on {provider}"}] for provider in capacity_providers),
            [METRIC_NAMESPACE, DESIRED_METRIC, *sum(ecs.items(), ()), {"label": "desired"}]],
            12, row, region=region, stat="Maximum", yAxis={"left": {"min": 0}}),
        _widget("Spot interruptions", [
            [METRIC_NAMESPACE, SPOT_METRIC, *sum(spot_dimensions(service).items(), ()), {"stat": "Sum"}]],
            0, row + 6, region=region),
    ]  # fmt: skip
    return json.dumps({"widgets": widgets}, sort_keys=True)


def route_widgets(
    region: str, load_balancer: str, target_groups: Sequence[str], alarms: Alarms
) -> list[dict[str, object]]:
    """A route's widgets: requests and target 5xx, and p95 response time against the alarm, of each of its
    target groups (a traffic-shifting route has two, and production may be on either after a deploy), and
    the 5xx the load balancer answers itself (a 503 of a rule with no target registered reaches none)."""
    albs = [["LoadBalancer", load_balancer, "TargetGroup", group] for group in target_groups]
    elb = "AWS/ApplicationELB"
    threshold = {"horizontal": [{"label": "alarm", "value": alarms.response_time_ms / 1000}]}
    return [
        _widget("Requests, target 5xx and the load balancer's own 5xx", [
            *([elb, metric, *alb, {"stat": "Sum"}] for alb in albs
              for metric in ("RequestCount", "HTTPCode_Target_5XX_Count")),
            [elb, "HTTPCode_ELB_5XX_Count", "LoadBalancer", load_balancer, {"stat": "Sum"}]],
                12, 0, region=region),
        _widget("Target response time (p95, s)", [[elb, "TargetResponseTime", *alb, {"stat": "p95"}] for alb in albs],
                0, 6, region=region, annotations=threshold),
    ]  # fmt: skip


#: PutDashboard's ``DashboardName``: at most 255 characters, each a letter, a digit, "-" or "_"
#: (CloudWatch API reference, PutDashboard; botocore ``cloudwatch`` model, ``PutDashboardInput``).
DASHBOARD_NAME_MAX = 255


def dashboard_name(project: str, stack: str, name: str, region: str) -> str:
    """``<project>-<stack hash>-<name>-<region>`` (``naming.account_unique``). Dashboards are global per
    account, not per region (PutDashboard: "All dashboards in your account are global, not
    region-specific"), and PutDashboard replaces one of the same name without a word: the region keeps
    one stack's copies in two regions apart, the project and the stack's hash copies of the project and
    stacks whose project and stack join alike (``shop`` + ``api-dev``, ``shop-api`` + ``dev``)."""
    return account_unique(project, stack, f"{name}-{region}")


#: The console of each partition: the commercial one has a host per region (AWS General Reference, "AWS
#: Management Console endpoints"); GovCloud's is amazonaws-us-gov.com (AWS GovCloud (US) User Guide, IAM:
#: "AWS Management Console for AWS GovCloud (US)"), China's amazonaws.cn (AWS's own EB CLI, its
#: ``cloudwatch-logs.bjslink`` message).
CONSOLE_HOSTS = {
    "aws": "{region}.console.aws.amazon.com",
    "aws-us-gov": "console.amazonaws-us-gov.com",
    "aws-cn": "console.amazonaws.cn",
}


def dashboard_url(region: str, name: str) -> str:
    """The dashboard in the CloudWatch console of the region's partition; empty where AWS publishes no
    console host (the isolated partitions, the European Sovereign Cloud): a commercial console's URL
    would open another partition's sign-in."""
    host = CONSOLE_HOSTS.get(partition_of(region) or "")
    return (
        f"https://{host.format(region=region)}/cloudwatch/home?region={region}#dashboards:name={name}" if host else ""
    )


def spot_interruption_pattern(cluster_arn: str, service: str) -> str:
    """EventBridge pattern: this service's tasks stopped by a Spot interruption, one event per task (the
    STOPPED one; the earlier steps of the same stop carry the same stop code)."""
    return json.dumps(
        {
            "source": ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            "detail": {
                "clusterArn": [cluster_arn],
                "group": [f"service:{service}"],
                "stopCode": ["SpotInterruption"],
                "lastStatus": ["STOPPED"],
            },
        },
        sort_keys=True,
    )
