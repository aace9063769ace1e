"""The requests-per-target metric of a service whose traffic moves between two target groups.

After a traffic-shifting deployment ECS swaps the production and alternate target groups, so the traffic
may be on either (docs/decisions.md, "Deploys that cannot hurt"). A predefined ``ALBRequestCountPerTarget``
names one group (its ``ResourceLabel``), and "a target tracking scaling policy does not perform scaling
when the specified metric has insufficient data" (ECS Developer Guide, "Use a target metric to scale
Amazon ECS services"; aws/containers-roadmap#1681). So the policy reads both groups' counts with metric
math, as AWS's sample does (aws-samples/sample-amazon-ecs-blue-green-deployment-patterns):
``FILL(m1, 0) + FILL(m2, 0)``.

The sum of the two per-target counts is the load per task: between deployments one group has every
target and every request (the other has no datapoint: FILL makes it 0); during a shift ECS runs the new
revision at the full desired count beside the old, so each group's count is its share of the requests
over the same number of tasks, and the shares add up to the whole. Requests over running tasks would need
a task count beside the ALB's (the old and new revisions both run during a shift, doubling it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the arguments' shape only: a rule module loads no Pulumi SDK
    from pulumi_aws.appautoscaling import (
        PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgsDict as Query,
    )

#: ELB User Guide, "CloudWatch metrics for your Application Load Balancer": RequestCountPerTarget, "The
#: only valid statistic is Sum. This represents the average, not the sum."; dimensions "TargetGroup" or
#: "TargetGroup, LoadBalancer".
NAMESPACE, METRIC, STAT = "AWS/ApplicationELB", "RequestCountPerTarget", "Sum"


def request_count_queries(target_groups: Sequence[Any]) -> list[Query]:
    """The ``TargetTrackingMetricDataQuery``s (pulumi_aws arguments) of requests per target over the
    ``target_groups`` (ARN suffixes, ``targetgroup/<name>/<id>``): one ``MetricStat`` each, and the one
    expression that returns data, their sum with a group without a datapoint counted as 0."""
    # TargetTrackingMetricDataQuery.Id (botocore application-autoscaling): "letters, numbers, and
    # underscores. The first character must be a lowercase letter"; ReturnData: "true for ... only the
    # final math expression", "false ... for all the other metrics and expressions".
    ids = [f"group{index}" for index in range(len(target_groups))]
    reads: list[Query] = [
        {
            "id": query_id,
            "metric_stat": {
                "metric": {"namespace": NAMESPACE, "metric_name": METRIC,
                           "dimensions": [{"name": "TargetGroup", "value": group}]},
                "stat": STAT,
            },
            "return_data": False,
        }
        for query_id, group in zip(ids, target_groups, strict=True)
    ]  # fmt: skip
    total: Query = {
        "id": "requests",
        "expression": " + ".join(f"FILL({query_id}, 0)" for query_id in ids),
        "label": "Requests per target, every target group",
        "return_data": True,
    }
    return [*reads, total]
