"""The requests-per-target queries of a traffic-shifting service (``components/service/request_metric.py``)
are what Application Auto Scaling takes and read every target group they are given."""

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from components.service.request_metric import request_count_queries

#: TargetTrackingMetricDataQuery.Id (botocore application-autoscaling 2016-02-06): "The valid characters are
#: letters, numbers, and underscores. The first character must be a lowercase letter."
QUERY_ID = re.compile(r"[a-z][A-Za-z0-9_]*")
GROUPS = st.lists(st.from_regex(r"targetgroup/[a-z0-9-]{1,32}/[0-9a-f]{16}", fullmatch=True), min_size=1, max_size=5)


def request_queries(groups: list[str]) -> list[dict[str, Any]]:
    return [dict(query) for query in request_count_queries(groups)]


@given(GROUPS)
def test_each_query_has_a_valid_unique_id_and_an_expression_or_a_metric_not_both(groups: list[str]) -> None:
    queries = request_queries(groups)
    assert all(QUERY_ID.fullmatch(q["id"]) for q in queries)
    assert len({q["id"] for q in queries}) == len(queries)
    assert all(("expression" in q) != ("metric_stat" in q) for q in queries)


@given(GROUPS)
def test_only_the_final_expression_returns_data(groups: list[str]) -> None:
    queries = request_queries(groups)
    assert [q.get("return_data") for q in queries] == [False] * len(groups) + [True]


@given(GROUPS)
def test_each_group_is_read_once_by_its_dimension_and_the_sum_fills_each_with_zero(groups: list[str]) -> None:
    *reads, total = request_queries(groups)
    assert [r["metric_stat"]["metric"]["dimensions"] for r in reads] == [
        [{"name": "TargetGroup", "value": group}] for group in groups
    ]
    assert total["expression"] == " + ".join(f"FILL({r['id']}, 0)" for r in reads)
