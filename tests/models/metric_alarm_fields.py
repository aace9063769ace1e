"""PutMetricAlarm's rules across an alarm's inputs, which no one member's shape carries: botocore's own words
(``cloudwatch``), each checked against its documentation by the contract test. The inputs are Pulumi's
(camelCase); the Terraform provider sends each to the member of the same name
(internal/service/cloudwatch/metric_alarm.go), and an omitted ``returnData`` as false (its schema's
``Default: false``)."""

from __future__ import annotations

import re
from typing import Any

from tests.models.aws_api import Both, Check, Quote

_QUERY_ID = re.compile(r"[a-z][A-Za-z0-9_]*")
#: The single-metric inputs PutMetricAlarm refuses beside ``Metrics``.
_SINGLE_METRIC = ("namespace", "metricName", "dimensions", "period", "unit", "statistic", "extendedStatistic")


def _queries(alarm: Any) -> list[dict[str, Any]]:
    return list(alarm.get("metricQueries") or []) if isinstance(alarm, dict) else []


def _query_ids(alarm: Any) -> list[str]:
    ids = [q.get("id") for q in _queries(alarm)]
    return [f"metricQueries id {i!r}: not a lowercase letter, then letters, numbers and underscores" for i in ids
            if not (isinstance(i, str) and _QUERY_ID.fullmatch(i))]  # fmt: skip


def _one_returned(alarm: Any) -> list[str]:
    queries = _queries(alarm)
    returned = [q.get("id") for q in queries if q.get("returnData") is True]
    return [] if not queries or len(returned) == 1 else [f"metricQueries return data {returned}: not exactly one"]


def _m_of_n(alarm: Any) -> list[str]:
    m, n = alarm.get("datapointsToAlarm"), alarm.get("evaluationPeriods")
    return [f"datapointsToAlarm {m} over evaluationPeriods {n}"] if m is not None and n is not None and m > n else []


def _single_or_queries(alarm: Any) -> list[str]:
    if not _queries(alarm):
        return []
    return [f"{key} beside metricQueries" for key in _SINGLE_METRIC if alarm.get(key) is not None]


def _one_statistic(alarm: Any) -> list[str]:
    both = alarm.get("statistic") is not None and alarm.get("extendedStatistic") is not None
    return ["statistic and extendedStatistic both set"] if both else []


def _periods(alarm: Any) -> list[int]:
    queried = [q["metric"].get("period") for q in _queries(alarm) if isinstance(q.get("metric"), dict)]
    return [int(p) for p in [alarm.get("period"), *queried] if p is not None]


def _evaluation_span(alarm: Any) -> list[str]:
    n = alarm.get("evaluationPeriods")
    if n is None:
        return []
    problems = []
    for period in _periods(alarm):
        limit = 86_400 if period < 3_600 else 604_800
        if period * int(n) > limit:
            problems.append(f"period {period} x evaluationPeriods {int(n)} = {period * int(n)} s, over {limit}")
    return problems


_METRICS = "PutMetricAlarm:Metrics"
METRIC_ALARM_FIELDS = Both(
    (
        Check(
            _query_ids,
            Quote(
                "cloudwatch",
                "MetricDataQuery.Id",
                "The valid characters are letters, numbers, and underscore. "
                "The first character must be a lowercase letter.",
            ),
        ),
        Check(
            _one_returned,
            Quote(
                "cloudwatch",
                _METRICS,
                "One item in the Metrics array is the expression that the alarm watches. "
                "You designate this expression by setting ReturnData to true for this object in the array.",
            ),
        ),
        Check(
            _m_of_n,
            Quote(
                "cloudwatch",
                "PutMetricAlarm:EvaluationPeriods",
                'If you are setting an "M out of N" alarm, this value is the N.',
            ),
        ),
        Check(
            _single_or_queries,
            Quote(
                "cloudwatch",
                _METRICS,
                "If you use the Metrics parameter, you cannot include the Namespace , "
                "MetricName , Dimensions , Period , Unit , Statistic , or ExtendedStatistic parameters of "
                "PutMetricAlarm in the same operation.",
            ),
        ),
        Check(
            _one_statistic,
            Quote(
                "cloudwatch",
                "PutMetricAlarm:Statistic",
                "you must specify either Statistic or ExtendedStatistic, but not both.",
            ),
        ),
        Check(
            _evaluation_span,
            Quote(
                "cloudwatch",
                "PutMetricAlarm:Period",
                "Period multiplied by EvaluationPeriods can't be more than "
                "604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total "
                "evaluation period can't be longer than one day (86,400 seconds).",
            ),
        ),
    )
)
