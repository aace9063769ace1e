"""The requests-per-target metric of a service whose traffic moves between two target groups.

After a traffic-shifting deployment ECS swaps the production and alternate target groups, so the traffic
may be on either (docs/decisions.md, "Deploys that cannot hurt"). A predefined ``ALBRequestCountPerTarget``
names one group (its ``ResourceLabel``), and "a target tracking scaling policy does not perform scaling
when the specified metric has insufficient data" (ECS Developer Guide, "Use a target metric to scale
Amazon ECS services"; aws/containers-roadmap#1681). So the policy reads both groups with metric math.

It tracks the requests of both groups over the healthy targets of both. Target tracking sets a capacity
in proportion to the metric, and "the actual running task count in a service is the value that service
auto scaling uses as its starting point, as opposed to the desired count" (ECS Developer Guide,
"Automatically scale your Amazon ECS service", considerations). During a shift ECS runs the new revision
at the full desired count beside the old, so 2N tasks run for N desired: a metric per task must count
them all. The sum of the groups' ``RequestCountPerTarget`` (each group's share over its N) is R/N, and
2N x (R/N) / target asked for twice the tasks R needs; R over 2N healthy targets gives R / target, as
between deployments, when one group has every target and the other none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the arguments' shape only: a rule module loads no Pulumi SDK
    from pulumi_aws.appautoscaling import (
        PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgsDict as Query,
    )

#: ELB User Guide, "CloudWatch metrics for your Application Load Balancer": RequestCount ("The most useful
#: statistic is Sum") and HealthyHostCount ("The most useful statistics are Average, Minimum, and Maximum";
#: Sum is "the aggregate value across all load balancer nodes", so a count of targets times the nodes),
#: both published under the dimensions "TargetGroup, LoadBalancer".
NAMESPACE = "AWS/ApplicationELB"
REQUESTS, TARGETS = ("RequestCount", "Sum"), ("HealthyHostCount", "Average")


def request_count_queries(load_balancer: Any, target_groups: Sequence[Any]) -> list[Query]:
    """The ``TargetTrackingMetricDataQuery``s (pulumi_aws arguments) of requests per healthy target over
    the ``target_groups`` (ARN suffixes, ``targetgroup/<name>/<id>``) of ``load_balancer`` (its ARN suffix):
    each group's requests and healthy targets, a group without a datapoint counted as 0, and the one
    expression that returns data, their ratio."""
    # TargetTrackingMetricDataQuery.Id (botocore application-autoscaling): "letters, numbers, and
    # underscores. The first character must be a lowercase letter"; ReturnData: "true for ... only the
    # final math expression", "false ... for all the other metrics and expressions".
    reads: list[Query] = []
    sums: list[Query] = []
    for total, (metric, stat) in (("requests", REQUESTS), ("targets", TARGETS)):
        ids = [f"{total[0]}{index}" for index in range(len(target_groups))]
        reads += [_read(i, metric, stat, load_balancer, group) for i, group in zip(ids, target_groups, strict=True)]
        sums.append({"id": total, "expression": " + ".join(f"FILL({i}, 0)" for i in ids), "return_data": False})
    # The worker's guard (examples/worker): with no healthy target there is none to divide by, though ELB
    # still routes ("If a target group contains only unhealthy registered targets, the load balancer nodes
    # route requests across its unhealthy targets", ELB guide "Health checks for your target groups"), so
    # the requests count as one target's.
    ratio: Query = {
        "id": "per_target",
        "expression": "IF(targets >= 1, requests / targets, requests)",
        "label": "Requests per healthy target, every target group",
        "return_data": True,
    }
    return [*reads, *sums, ratio]


def _read(query_id: str, metric: str, stat: str, load_balancer: Any, group: Any) -> Query:
    return {
        "id": query_id,
        "metric_stat": {
            "metric": {"namespace": NAMESPACE, "metric_name": metric,
                       "dimensions": [{"name": "TargetGroup", "value": group},
                                      {"name": "LoadBalancer", "value": load_balancer}]},
            "stat": stat,
        },
        "return_data": False,
    }  # fmt: skip


def metrics_read(group_count: int) -> int:
    """The metrics the queries over ``group_count`` target groups read: what CloudWatch bills each alarm
    of the policy for (a metric-math alarm is billed per metric it reads, ``stack_cost``)."""
    return sum("metric_stat" in query for query in request_count_queries("", [""] * group_count))
