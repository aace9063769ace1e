"""Application Auto Scaling's target tracking on a customized metric-math metric: what a policy's metric
reads each minute, and the capacity it settles at; and the scale-out alarm of a predefined ECS policy.

AWS (botocore application-autoscaling 2016-02-06; Application Auto Scaling User Guide, "Target tracking
scaling policies" and "Create a target tracking scaling policy for Application Auto Scaling using metric
math"):

- ``CustomizedMetricSpecification.Metrics`` are ``TargetTrackingMetricDataQuery``s: each a ``MetricStat``
  (one metric and a statistic) or an ``Expression`` over other queries' ``Id``s; ``ReturnData`` true for
  "only the final math expression that the metric specification is based on", and "any expressions used
  in a metric specification must eventually return a single time series".
- The metric must change "in inverse proportion to the number of capacity units", and the policy "adds or
  removes capacity as required to keep the metric at, or close to, the specified target value", within
  the scalable target's MinCapacity..MaxCapacity. The model takes the capacity at which the metric would
  be at the target, ``capacity * value / target``, rounded up (a fraction of a task is a task), within the
  range; the tasks it adds start at once.

CloudWatch metric math ("Metric math syntax and functions"): ``SUM([a, b])`` of time series is their sum
at each point; ``IF(condition, x, y)`` gives ``x`` where the condition holds, else ``y``; ``FILL(m, 0)``
gives 0 where ``m`` has no datapoint; ``a + b`` adds at each point; an expression over a series without a
datapoint has none (as ``cloudwatch.alarm_states`` reads it). A sum of FILLs over series of which none has
a datapoint is given none too: the model does not claim what CloudWatch returns then. Only the forms the
worker example and the requests policy of a traffic-shifting service use are played; any other raises
NotImplementedError rather than being guessed at.

A predefined ``ALBRequestCountPerTarget`` (Application Auto Scaling ``PredefinedMetricSpecification``)
reads the one target group its ``ResourceLabel`` names, ``app/<lb>/<id>/targetgroup/<tg>/<id>``: ELB's
``RequestCountPerTarget`` of dimensions LoadBalancer and TargetGroup. ELB (User Guide, "CloudWatch metrics
for your Application Load Balancer") publishes ``RequestCountPerTarget`` under the dimensions "TargetGroup"
and "TargetGroup, LoadBalancer", Sum being the average per target, and a target group's ``RequestCount``
(statistic Sum) and ``HealthyHostCount`` (Average, Minimum or Maximum: Sum adds the load balancer nodes'
reports) under "TargetGroup, LoadBalancer" (``cloudwatch.AWS_PUBLISHED``); a query for another statistic
or dimension set fails here rather than reading nothing. A group with no registered target (the alternate
group after a deployment: ECS has scaled the old revision to zero) gets no request and has no target to
count per: the model publishes nothing for it, which ``FILL(m, 0)`` reads as it would a 0.

ECS (Developer Guide, "Automatically scale your Amazon ECS service", considerations): "the actual running
task count in a service is the value that service auto scaling uses as its starting point, as opposed to
the desired count"; and "Application Auto Scaling turns off scale-in processes while Amazon ECS deployments
are in progress" ("Troubleshooting service auto scaling in Amazon ECS"). During a traffic-shifting
deployment ECS runs the new revision at the desired count beside the old, so ``settle(deploying=True)``
scales from twice the desired count and never in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from tests.models.cloudwatch import MetricId, published_by_aws

_SUM = re.compile(r"SUM\(\[([\w, ]+)\]\)")
_GUARDED_RATIO = re.compile(r"IF\((\w+) >= (\d+), (\w+) / \1, \3\)")
_FILLED = re.compile(r"FILL\((\w+), 0\)")
ELB = "AWS/ApplicationELB"
#: The statistics ELB's guide gives each metric the model publishes ("only valid", "most useful").
STATISTICS = {"RequestCountPerTarget": {"Sum"}, "RequestCount": {"Sum"},
              "HealthyHostCount": {"Average", "Minimum", "Maximum"}}  # fmt: skip


def request_metrics(load_balancer: str, groups: Mapping[str, tuple[float, int]]) -> dict[MetricId, float]:
    """A minute of ELB's metrics for target groups (ARN suffix -> requests, registered targets, every one
    healthy): ``RequestCountPerTarget`` under both dimension sets ELB publishes it with, ``RequestCount``
    and ``HealthyHostCount``; a group without targets publishes none."""
    data: dict[MetricId, float] = {}
    for group, (requests, targets) in groups.items():
        if targets:
            both = frozenset({("TargetGroup", group), ("LoadBalancer", load_balancer)})
            for dimensions in (frozenset({("TargetGroup", group)}), both):
                data[(ELB, "RequestCountPerTarget", dimensions)] = requests / targets
            data[(ELB, "RequestCount", both)] = requests
            data[(ELB, "HealthyHostCount", both)] = targets
    return data


def settled_capacity(backlog: int, per_task: float, min_count: int, max_count: int) -> int:
    """The tasks target tracking on backlog per task settles at: ``ceil(backlog / per_task)``, within
    ``min_count..max_count``."""
    return max(min_count, min(max_count, math.ceil(backlog / per_task)))


def queried_metric(query: dict[str, Any]) -> MetricId:
    """The metric a ``metricStat`` query (as recorded: camelCase) reads."""
    metric = query["metricStat"]["metric"]
    dimensions = frozenset((d["name"], d["value"]) for d in metric.get("dimensions", []))
    return metric["namespace"], metric["metricName"], dimensions


def metric_value(queries: list[dict[str, Any]], data: Mapping[MetricId, float]) -> float | None:
    """The value of the one query with ``returnData`` for a minute's ``data`` (None: no datapoint)."""
    by_id = {q["id"]: q for q in queries}
    (returned,) = [q for q in queries if q.get("returnData")]

    def value(query_id: str) -> float | None:
        query = by_id[query_id]
        if "metricStat" in query:
            metric = queried_metric(query)
            if metric[0] == ELB:
                assert query["metricStat"]["stat"] in STATISTICS[metric[1]], query
                assert published_by_aws(metric, container_insights=False), metric
            return data.get(metric)
        expression = query["expression"]
        if match := _SUM.fullmatch(expression):
            parts = [value(part.strip()) for part in match[1].split(",")]
            return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        terms = [_FILLED.fullmatch(term) for term in expression.split(" + ")]
        if all(terms):
            filled = [value(term[1]) for term in terms if term]
            return None if all(p is None for p in filled) else sum(p or 0.0 for p in filled)
        if match := _GUARDED_RATIO.fullmatch(expression):
            guard, least, numerator = value(match[1]), float(match[2]), value(match[3])
            if guard is None or numerator is None:
                return None
            return numerator / guard if guard >= least else numerator
        raise NotImplementedError(expression)

    return value(returned["id"])


def policy_value(policy: dict[str, Any], data: Mapping[MetricId, float]) -> float | None:
    """The value the target-tracking ``policy`` (recorded inputs) reads for a minute's ``data``: its
    customized metric's, or the target group's its predefined ``ALBRequestCountPerTarget`` names."""
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    if "customizedMetricSpecification" in tracking:
        return metric_value(tracking["customizedMetricSpecification"]["metrics"], data)
    predefined = tracking["predefinedMetricSpecification"]
    if predefined["predefinedMetricType"] != "ALBRequestCountPerTarget":
        raise NotImplementedError(predefined["predefinedMetricType"])
    load_balancer, _, group = predefined["resourceLabel"].partition("/targetgroup/")
    dimensions = frozenset({("LoadBalancer", load_balancer), ("TargetGroup", f"targetgroup/{group}")})
    return data.get((ELB, "RequestCountPerTarget", dimensions))


def next_capacity(capacity: int, value: float, target: float, min_count: int, max_count: int) -> int:
    """The capacity one target-tracking step sets: where the (inversely proportional) metric would be at
    the target, rounded up, within the range."""
    # Rounded first: the float error of a division (3 * (10 / 3) is not 10) is no task.
    return max(min_count, min(max_count, math.ceil(round(capacity * value / target, 9))))


def settle(
    policy: dict[str, Any],
    data_at: Callable[[int], Mapping[MetricId, float]],
    start: int,
    min_count: int,
    max_count: int,
    *,
    deploying: bool = False,
) -> int:
    """The capacity (desired count) a target-tracking ``policy`` (recorded inputs) comes to rest at from
    ``start``, the metrics at each capacity given by ``data_at``; ``deploying``: during a traffic-shifting
    deployment, both revisions running at the desired count and scale-in off."""
    target = policy["targetTrackingScalingPolicyConfiguration"]["targetValue"]
    capacity = start
    for _ in range(64):
        value = policy_value(policy, data_at(capacity))
        assert value is not None, "every metric the policy reads has a datapoint"
        running = 2 * capacity if deploying else capacity
        following = next_capacity(running, value, target, min_count, max_count)
        if deploying:
            following = max(following, capacity)
        if following == capacity:
            return capacity
        capacity = following
    raise AssertionError(f"no rest from {start}")


#: The ECS metric each predefined type tracks (Application Auto Scaling API reference,
#: PredefinedMetricSpecification: "ECSServiceAverageCPUUtilization - Average CPU utilization of the Amazon ECS
#: service", likewise memory): ``AWS/ECS``'s service metric, statistic Average.
ECS_PREDEFINED = {"ECSServiceAverageCPUUtilization": "CPUUtilization",
                  "ECSServiceAverageMemoryUtilization": "MemoryUtilization"}  # fmt: skip


def scale_out_alarm(policy: dict[str, Any], dimensions: dict[str, str], minutes: int) -> dict[str, Any]:
    """The scale-out alarm (``AlarmHigh``) target tracking creates for a predefined ECS ``policy`` (recorded
    inputs), as ``cloudwatch.alarm_states`` reads it: the service's metric above the target value ("When the
    metric is above the target value, Application Auto Scaling scales out", User Guide, "How target tracking
    scaling works"), which is CloudWatch's strict ``GreaterThanThreshold``, in every one of ``minutes``
    one-minute datapoints. AWS documents neither the operator's name nor the count of datapoints: tests
    try several counts."""
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    metric = ECS_PREDEFINED[tracking["predefinedMetricSpecification"]["predefinedMetricType"]]
    return {"namespace": "AWS/ECS", "metricName": metric, "dimensions": dimensions, "statistic": "Average",
            "period": 60, "evaluationPeriods": minutes, "threshold": tracking["targetValue"],
            "comparisonOperator": "GreaterThanThreshold"}  # fmt: skip
