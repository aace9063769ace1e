"""Application Auto Scaling's target tracking on a customized metric-math metric: what a policy's metric
reads each minute, and the capacity it settles at.

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
at each point; ``IF(condition, x, y)`` gives ``x`` where the condition holds, else ``y``; an expression
over a series without a datapoint has none (as ``cloudwatch.alarm_states`` reads it). Only the forms the
worker example uses are played; any other raises NotImplementedError rather than being guessed at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from tests.models.cloudwatch import MetricId

_SUM = re.compile(r"SUM\(\[([\w, ]+)\]\)")
_GUARDED_RATIO = re.compile(r"IF\((\w+) >= (\d+), (\w+) / \1, \3\)")


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
            return data.get(queried_metric(query))
        expression = query["expression"]
        if match := _SUM.fullmatch(expression):
            parts = [value(part.strip()) for part in match[1].split(",")]
            return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
        if match := _GUARDED_RATIO.fullmatch(expression):
            guard, least, numerator = value(match[1]), float(match[2]), value(match[3])
            if guard is None or numerator is None:
                return None
            return numerator / guard if guard >= least else numerator
        raise NotImplementedError(expression)

    return value(returned["id"])


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
) -> int:
    """The capacity a target-tracking ``policy`` (recorded inputs) comes to rest at from ``start``, the
    metrics at each capacity given by ``data_at``."""
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    queries, target = tracking["customizedMetricSpecification"]["metrics"], tracking["targetValue"]
    capacity = start
    for _ in range(64):
        value = metric_value(queries, data_at(capacity))
        assert value is not None, "every metric the policy reads has a datapoint"
        following = next_capacity(capacity, value, target, min_count, max_count)
        if following == capacity:
            return capacity
        capacity = following
    raise AssertionError(f"no rest from {start}")
