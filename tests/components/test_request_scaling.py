"""Requests per target of a service whose deployments shift traffic (canary, linear, blue/green): ECS swaps
its two target groups after each deployment, so the requests policy must read the load on whichever group
holds the traffic, or it reads no data and does not scale ("A target tracking scaling policy does not
perform scaling when the specified metric has insufficient data", ECS Developer Guide); and during a shift
both revisions run, and target tracking scales from the running count, so the load must be per running
task. Played on ELB's metrics and Application Auto Scaling's target tracking as
``tests/models/target_tracking.py`` models them.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest

from components.observability.alarm_rules import Alarms
from components.service.autoscaling_rules import Autoscaling
from tests.components.builders import CANARY, LB_SUFFIX, service
from tests.models.cloudwatch import MetricId
from tests.models.target_tracking import STATISTICS, policy_value, request_metrics, settle
from tools.offline import RecordingMocks

POLICY = "aws:appautoscaling/policy:Policy"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
SCALING = Autoscaling(min_count=2, max_count=10, cpu_target_percent=None, requests_per_target=1000)
#: TargetTrackingMetricDataQuery.Id (botocore application-autoscaling 2016-02-06): "The valid characters are
#: letters, numbers, and underscores. The first character must be a lowercase letter."
QUERY_ID = re.compile(r"[a-z][A-Za-z0-9_]*")
Metrics = dict[MetricId, float]


@pytest.fixture(scope="module")
def shifting(mocked) -> RecordingMocks:
    return mocked(
        lambda: service(route_spec=CANARY, autoscaling=SCALING, alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX)
    )


@pytest.fixture(scope="module")
def rolling(mocked) -> RecordingMocks:
    return mocked(lambda: service(autoscaling=SCALING, load_balancer_arn_suffix=LB_SUFFIX))


def requests_policy(mocks: RecordingMocks) -> dict[str, Any]:
    (policy,) = [r.inputs for r in mocks.resources if r.type == POLICY and r.name.endswith("-requests")]
    return policy


def groups(mocks: RecordingMocks) -> tuple[str, ...]:
    """The target groups' ARN suffixes: the production group, then the alternate (``-tg-alt``)."""
    registered = sorted((r.name, r.outputs["arnSuffix"]) for r in mocks.resources if r.type == TARGET_GROUP)
    return tuple(suffix for _, suffix in registered)


def serving(group: str, requests: float) -> Callable[[int], Metrics]:
    """A minute's metrics at each task count with every task and request on ``group`` (the other group
    has no targets: ECS scaled the previous revision to zero)."""
    return lambda tasks: request_metrics(LB_SUFFIX, {group: (requests, tasks)})


def test_after_traffic_moves_to_the_alternate_group_the_policy_reads_its_load_and_scales_out(
    shifting: RecordingMocks,
) -> None:
    _, alternate = groups(shifting)
    policy = requests_policy(shifting)
    assert policy_value(policy, serving(alternate, 6000)(2)) == 3000
    assert settle(policy, serving(alternate, 6000), 2, 2, 10) == 6


def test_before_any_deployment_it_reads_the_production_group(shifting: RecordingMocks) -> None:
    production, _ = groups(shifting)
    assert settle(requests_policy(shifting), serving(production, 6000), 2, 2, 10) == 6


def shifting_traffic(production: str, alternate: str, requests: float, moved: float) -> Callable[[int], Metrics]:
    """A minute's metrics at each desired count during a shift: both revisions run that many tasks, the
    new one (on ``alternate``) taking the ``moved`` share of the requests."""
    return lambda tasks: request_metrics(
        LB_SUFFIX, {production: (requests * (1 - moved), tasks), alternate: (requests * moved, tasks)}
    )


def test_during_a_shift_the_policy_reads_the_requests_over_the_healthy_targets_of_both_revisions(
    shifting: RecordingMocks,
) -> None:
    production, alternate = groups(shifting)
    assert policy_value(requests_policy(shifting), shifting_traffic(production, alternate, 6000, 0.1)(3)) == 1000


@pytest.mark.parametrize("moved", [0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("start", [2, 6])
def test_during_a_shift_it_settles_at_the_count_it_settles_at_between_deployments_for_the_same_requests(
    shifting: RecordingMocks, moved: float, start: int
) -> None:
    production, alternate = groups(shifting)
    policy = requests_policy(shifting)
    between = settle(policy, serving(production, 6000), start, 2, 20)
    assert settle(policy, shifting_traffic(production, alternate, 6000, moved), start, 2, 20, deploying=True) == between
    assert between == 6


def test_the_sum_of_each_group_s_requests_per_target_would_ask_for_twice_the_tasks_during_a_shift(
    shifting: RecordingMocks,
) -> None:
    """The policy up to now: the per-target figure of each group is its share over the desired count, so
    the sum is the load per desired task, and target tracking multiplies it by the running count."""
    production, alternate = groups(shifting)
    reads = [
        {"id": f"group{index}", "returnData": False, "metricStat": {"stat": "Sum", "metric": {
            "namespace": "AWS/ApplicationELB", "metricName": "RequestCountPerTarget",
            "dimensions": [{"name": "TargetGroup", "value": group}]}}}
        for index, group in enumerate((production, alternate))
    ]  # fmt: skip
    total = {"id": "requests", "expression": "FILL(group0, 0) + FILL(group1, 0)", "returnData": True}
    old = {"targetTrackingScalingPolicyConfiguration": {
        "targetValue": 1000, "customizedMetricSpecification": {"metrics": [*reads, total]}}}  # fmt: skip
    assert settle(old, serving(production, 6000), 2, 2, 20) == 6
    assert settle(old, shifting_traffic(production, alternate, 6000, 0.5), 2, 2, 20, deploying=True) == 12


def test_the_policy_of_a_single_group_would_read_nothing_once_traffic_moved(shifting: RecordingMocks) -> None:
    """What a predefined ALBRequestCountPerTarget on the first group (the policy up to now) reads."""
    production, alternate = groups(shifting)
    predefined = {"predefinedMetricType": "ALBRequestCountPerTarget", "resourceLabel": f"{LB_SUFFIX}/{production}"}
    old = {
        "targetTrackingScalingPolicyConfiguration": {"targetValue": 1000, "predefinedMetricSpecification": predefined}
    }
    assert policy_value(old, serving(alternate, 6000)(2)) is None


def test_the_metric_queries_are_what_application_auto_scaling_takes(shifting: RecordingMocks) -> None:
    """botocore application-autoscaling 2016-02-06: CustomizedMetricSpecification takes ``Metrics`` or one
    metric (MetricName, Namespace, Dimensions, Statistic); each TargetTrackingMetricDataQuery has an
    ``Expression`` or a ``MetricStat``, "but not both", an ``Id`` unique in the policy, and ``ReturnData``
    true for "only the final math expression", false for the others."""
    customized = requests_policy(shifting)["targetTrackingScalingPolicyConfiguration"]["customizedMetricSpecification"]
    assert set(customized) == {"metrics"}
    queries = customized["metrics"]
    assert all(QUERY_ID.fullmatch(q["id"]) for q in queries)
    assert len({q["id"] for q in queries}) == len(queries)
    assert all(("expression" in q) != ("metricStat" in q) for q in queries)
    assert [q["returnData"] for q in queries] == [False] * (len(queries) - 1) + [True]
    assert "expression" in queries[-1]
    # Each metric read with a statistic ELB's guide gives it (the model's table).
    stats = [(q["metricStat"]["metric"]["metricName"], q["metricStat"]["stat"]) for q in queries if "metricStat" in q]
    assert stats and all(stat in STATISTICS[name] for name, stat in stats)


def test_a_rolling_service_keeps_the_predefined_metric_of_its_one_group(rolling: RecordingMocks) -> None:
    (production,) = groups(rolling)
    policy = requests_policy(rolling)
    assert "customizedMetricSpecification" not in policy["targetTrackingScalingPolicyConfiguration"]
    assert settle(policy, serving(production, 6000), 2, 2, 10) == 6
