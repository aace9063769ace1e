"""The requests-per-target queries of a traffic-shifting service (``components/service/request_metric.py``)
are what Application Auto Scaling takes, read every target group they are given, and play as
``tests/models/target_tracking.py`` models target tracking."""

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from components.service.request_metric import metrics_read, request_count_queries
from tests.models.target_tracking import metric_value, request_metrics

#: TargetTrackingMetricDataQuery.Id (botocore application-autoscaling 2016-02-06): "The valid characters are
#: letters, numbers, and underscores. The first character must be a lowercase letter."
QUERY_ID = re.compile(r"[a-z][A-Za-z0-9_]*")
GROUPS = st.lists(
    st.from_regex(r"targetgroup/[a-z0-9-]{1,32}/[0-9a-f]{16}", fullmatch=True), min_size=1, max_size=5, unique=True
)
LB = "app/edge/0123456789abcdef"


def recorded(groups: list[str]) -> list[dict[str, Any]]:
    """The queries as the engine records them (camelCase), which the model reads."""
    words = {"metric_stat": "metricStat", "metric_name": "metricName", "return_data": "returnData"}

    def camel(value: Any) -> Any:
        if isinstance(value, dict):
            return {words.get(key, key): camel(item) for key, item in value.items()}
        return [camel(item) for item in value] if isinstance(value, list) else value

    return [camel(dict(query)) for query in request_count_queries(LB, groups)]


@given(GROUPS)
def test_each_query_has_a_valid_unique_id_and_an_expression_or_a_metric_not_both(groups: list[str]) -> None:
    queries = recorded(groups)
    assert all(QUERY_ID.fullmatch(q["id"]) for q in queries)
    assert len({q["id"] for q in queries}) == len(queries)
    assert all(("expression" in q) != ("metricStat" in q) for q in queries)


@given(GROUPS)
def test_only_the_final_expression_returns_data(groups: list[str]) -> None:
    queries = recorded(groups)
    assert [q["returnData"] for q in queries] == [False] * (len(queries) - 1) + [True]
    assert "expression" in queries[-1]


@given(GROUPS, st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 50)), min_size=5, max_size=5))
def test_the_value_is_every_group_s_requests_over_every_group_s_healthy_targets(
    groups: list[str], loads: list[tuple[int, int]]
) -> None:
    minute = request_metrics(LB, {group: load for group, load in zip(groups, loads, strict=False)})
    requests = sum(r for (r, targets) in loads[: len(groups)] if targets)
    targets = sum(t for (_, t) in loads[: len(groups)])
    expected = None if not targets else requests / targets
    assert metric_value(recorded(groups), minute) == expected


@given(GROUPS)
def test_each_alarm_of_the_policy_is_billed_for_every_metric_the_queries_read(groups: list[str]) -> None:
    assert metrics_read(len(groups)) == sum("metricStat" in q for q in recorded(groups)) == 2 * len(groups)
