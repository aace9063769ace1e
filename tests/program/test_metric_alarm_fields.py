"""PutMetricAlarm's rules across an alarm's inputs (``tests/models/metric_alarm_fields.py``) hold for every
alarm the programs register, and each refuses the alarm it is about: a registered alarm, changed in one
way, is named as AWS would refuse it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.models.aws_contract import CONTRACT
from tests.program.stacks import PROGRAMS, run_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def registered_alarms(program: str) -> list[Any]:
    return [r for r in run_config(program).mocks.resources if r.type == ALARM]


def prod_alarm(*, metric_math: bool) -> dict[str, Any]:
    """A changeable copy of one of prod's alarms, on metric math or on one metric."""
    (first, *_) = [r for r in registered_alarms("prod") if bool(r.inputs.get("metricQueries")) == metric_math]
    return copy.deepcopy(dict(first.inputs))


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda alarm: alarm.__setitem__(key, value)


def _query(index: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda alarm: alarm["metricQueries"][index].__setitem__(key, value)


def _every_query_returns(alarm: dict[str, Any]) -> None:
    for query in alarm["metricQueries"]:
        query["returnData"] = True


def _hours(periods: float) -> Callable[[dict[str, Any]], None]:
    def change(alarm: dict[str, Any]) -> None:
        alarm["period"], alarm["evaluationPeriods"] = 3_600.0, periods

    return change


def test_every_alarm_the_programs_register_keeps_put_metric_alarms_rules_across_its_inputs() -> None:
    alarms = [a for program in PROGRAMS for a in registered_alarms(program)]
    assert alarms
    assert [p for a in alarms for p in CONTRACT.problems(ALARM, a.name, a.inputs)[0]] == []


@pytest.mark.parametrize(
    ("metric_math", "change", "named"),
    [
        (True, _query(0, "id", "M1"), "metricQueries id 'M1'"),
        (True, _query(0, "id", "1m"), "metricQueries id '1m'"),
        (True, _every_query_returns, "not exactly one"),
        (True, _query(-1, "returnData", False), "not exactly one"),
        (True, _set("period", 60.0), "period beside metricQueries"),
        (True, _set("statistic", "Sum"), "statistic beside metricQueries"),
        (True, _set("datapointsToAlarm", 99.0), "datapointsToAlarm 99.0 over evaluationPeriods"),
        (True, _set("evaluationPeriods", 1_441.0), "period 60 x evaluationPeriods 1441 = 86460 s, over 86400"),
        (False, _set("evaluationPeriods", 1_441.0), "period 60 x evaluationPeriods 1441 = 86460 s, over 86400"),
        (False, _hours(169.0), "over 604800"),
        (False, _set("extendedStatistic", "p95"), "statistic and extendedStatistic both set"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_registered_alarm_changed_to_break_a_rule_across_its_inputs_is_refused(
    metric_math: bool, change: Callable[[dict[str, Any]], None], named: str
) -> None:
    alarm = prod_alarm(metric_math=metric_math)
    assert CONTRACT.problems(ALARM, "x", alarm)[0] == []
    change(alarm)
    problems, _ = CONTRACT.problems(ALARM, "x", alarm)
    assert any(named in problem for problem in problems), problems
