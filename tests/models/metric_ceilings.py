"""The most an AWS metric an alarm watches can read: the worst series it can be fed.

- ``AWS/ECS`` ``CPUUtilization`` and ``MemoryUtilization`` of a service are its tasks' use over "the CPU and
  memory that is specified in the service's task definition" (ECS guide, "Amazon ECS service utilization
  metrics"). A Fargate task sets both at the task level (ECS guide, "Choosing Fargate task sizes": "you're
  required to specify CPU and memory at the task level"), and the same page: "If you define CPU units at the
  task level, the utilization will not go above the defined task-level limit"; memory "is a hard limit and it
  can't be exceeded, so in this case, service memory utilization can't exceed 100%".
- ``HTTPCode_Target_5XX_Count`` counts the targets' answers, ``RequestCount`` the requests for which a target
  was chosen (ELB guide, "CloudWatch metrics for your Application Load Balancer"): each 5xx answers a counted
  request, so at worst every request answers 5xx, the part as large as the whole.
"""

from __future__ import annotations

from typing import Any

from tests.models.cloudwatch import MetricId, alarm_metrics

CEILINGS: dict[tuple[str, str], float] = {
    ("AWS/ECS", "CPUUtilization"): 100.0,
    ("AWS/ECS", "MemoryUtilization"): 100.0,
}
#: A count that is a part of another: at most as large.
PART_OF: dict[tuple[str, str], tuple[str, str]] = {
    ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"): ("AWS/ApplicationELB", "RequestCount"),
}
#: Requests a minute of a busy service: any number, every one of them failing.
BUSY_REQUESTS = 1000.0


def worst_value(namespace: str, name: str) -> float:
    """The metric at its ceiling, or a count and its part both at ``BUSY_REQUESTS``."""
    if (namespace, name) in CEILINGS:
        return CEILINGS[(namespace, name)]
    if (namespace, name) in PART_OF or (namespace, name) in PART_OF.values():
        return BUSY_REQUESTS
    raise NotImplementedError(f"{namespace} {name}: no ceiling modelled")


def worst_series(alarm: dict[str, Any], minutes: int) -> dict[MetricId, list[float | None]]:
    """Every metric the alarm reads at its worst, each of ``minutes``."""
    return {metric: [worst_value(metric[0], metric[1])] * minutes for metric in alarm_metrics(alarm)}
