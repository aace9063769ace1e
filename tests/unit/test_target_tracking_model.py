"""The target-tracking model (``tests/models/target_tracking.py``) settles a backlog-per-task policy where
AWS's rule puts it, and reads metric math as CloudWatch does: the rules the worker example's tests rely on."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.models.target_tracking import metric_value, next_capacity, settle, settled_capacity

VISIBLE = ("AWS/SQS", "ApproximateNumberOfMessagesVisible", frozenset({("QueueName", "q")}))
SPOT = ("N", "RunningTasks", frozenset({("CapacityProvider", "FARGATE_SPOT")}))
ON_DEMAND = ("N", "RunningTasks", frozenset({("CapacityProvider", "FARGATE")}))


def stat(query_id: str, metric: tuple[str, str, frozenset[tuple[str, str]]]) -> dict[str, Any]:
    namespace, name, dimensions = metric
    dims = [{"name": k, "value": v} for k, v in sorted(dimensions)]
    read = {"namespace": namespace, "metricName": name, "dimensions": dims}
    return {"id": query_id, "metricStat": {"metric": read, "stat": "Average"}, "returnData": False}


QUERIES = [
    stat("visible", VISIBLE),
    stat("spot", SPOT),
    stat("onDemand", ON_DEMAND),
    {"id": "tasks", "expression": "SUM([spot, onDemand])", "returnData": False},
    {"id": "backlog", "expression": "IF(tasks >= 1, visible / tasks, visible)", "returnData": True},
]


def policy(target: float) -> dict[str, Any]:
    tracking = {"targetValue": target, "customizedMetricSpecification": {"metrics": QUERIES}}
    return {"targetTrackingScalingPolicyConfiguration": tracking}


def test_the_returned_expression_divides_the_visible_messages_by_the_tasks_of_every_provider() -> None:
    assert metric_value(QUERIES, {VISIBLE: 30, SPOT: 4, ON_DEMAND: 2}) == 5


def test_with_no_task_running_the_backlog_counts_as_one_tasks() -> None:
    assert metric_value(QUERIES, {VISIBLE: 7, SPOT: 0, ON_DEMAND: 0}) == 7


def test_a_minute_without_the_task_count_has_no_value() -> None:
    assert metric_value(QUERIES, {VISIBLE: 7, SPOT: 1}) is None


def test_an_expression_the_model_does_not_know_is_refused_not_guessed() -> None:
    with pytest.raises(NotImplementedError):
        metric_value([{"id": "e", "expression": "visible / MAX([tasks, 1])", "returnData": True}], {})


@pytest.mark.parametrize(
    ("backlog", "tasks"), [(0, 1), (1, 1), (10, 1), (11, 2), (15, 2), (30, 3), (31, 4), (99, 10), (5000, 10)]
)
def test_the_settled_count_is_the_backlog_over_the_target_rounded_up_within_the_range(backlog: int, tasks: int) -> None:
    assert settled_capacity(backlog, 10, 1, 10) == tasks


def test_a_step_sets_the_count_at_which_the_metric_would_meet_the_target() -> None:
    assert next_capacity(2, 25, 10, 1, 10) == 5
    assert next_capacity(5, 2, 10, 1, 10) == 1


@given(
    backlog=st.integers(0, 20_000),
    per_task=st.integers(1, 500),
    bounds=st.tuples(st.integers(1, 50), st.integers(0, 200)),
    start=st.integers(0, 250),
)
def test_tracking_backlog_per_task_comes_to_rest_at_the_settled_count_from_any_start(
    backlog: int, per_task: int, bounds: tuple[int, int], start: int
) -> None:
    """Tasks start on Spot as soon as they are asked for; from no task the backlog is one task's."""
    low, extra = bounds
    high = low + extra
    first = max(low, min(high, start))

    def data_at(tasks: int) -> dict[Any, float]:
        return {VISIBLE: backlog, SPOT: tasks, ON_DEMAND: 0}

    settled = settled_capacity(backlog, per_task, low, high)
    assert settle(policy(float(per_task)), data_at, first, low, high) == settled
    # At rest no task more is needed and none fewer would do (unless the range holds it).
    assert settled == high or backlog / settled <= per_task
    assert settled == low or backlog / (settled - 1) > per_task


FILLED = [
    stat("one", SPOT),
    stat("two", ON_DEMAND),
    {"id": "e", "expression": "FILL(one, 0) + FILL(two, 0)", "returnData": True},
]


def test_a_sum_of_fills_counts_a_series_without_a_datapoint_as_zero() -> None:
    assert metric_value(FILLED, {ON_DEMAND: 7}) == 7
    assert metric_value(FILLED, {SPOT: 2, ON_DEMAND: 3}) == 5


def test_a_sum_of_fills_over_no_datapoint_at_all_is_not_claimed_to_have_one() -> None:
    assert metric_value(FILLED, {}) is None
