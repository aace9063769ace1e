"""Alarm settings and the alarms they define."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.observability.alarm_rules import MIN_REQUESTS, Alarms, alarm_definitions, subscription_key
from tests.models.cloudwatch import alarm_metrics, alarm_states, as_sent


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"cpu_percent": 0}, "Alarms.cpu_percent"),
        ({"memory_percent": 101}, "Alarms.memory_percent"),
        ({"target_5xx_percent": 0}, "Alarms.target_5xx_percent"),
        ({"target_5xx_percent": 101}, "Alarms.target_5xx_percent"),
        ({"response_time_ms": 60_001}, "Alarms.response_time_ms"),
        ({"emails": ("not-an-address",)}, "Alarms.emails"),
        ({"emails": ("a@example.com", "a@example.com")}, "Alarms.emails"),
        ({"emails": ("Ops@Example.com", "ops@example.com")}, "Alarms.emails"),
    ],
)
def test_a_bad_setting_names_its_key(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Alarms(**kwargs)
    assert error.value.key == key


@given(st.lists(st.emails(), min_size=1, max_size=6, unique_by=str.lower))
def test_every_accepted_list_of_addresses_names_each_subscription_apart_and_by_its_address_alone(
    emails: list[str],
) -> None:
    Alarms(emails=tuple(emails))
    keys = [subscription_key(email) for email in emails]
    assert len(set(keys)) == len(keys)
    assert keys == [subscription_key(email.upper()) for email in emails]


def test_the_service_is_watched_on_cpu_memory_5xx_unhealthy_targets_and_response_time() -> None:
    definitions = {d.role: d for d in alarm_definitions(Alarms(memory_percent=85, response_time_ms=800))}
    assert set(definitions) == {"cpu", "memory", "target-5xx", "unhealthy", "response-time"}
    assert (definitions["memory"].metric, definitions["memory"].threshold) == ("MemoryUtilization", 85)
    assert (definitions["response-time"].statistic, definitions["response-time"].threshold) == ("p95", 0.8)
    assert definitions["unhealthy"].threshold == 0  # one unhealthy target is one too many


def test_errors_and_unhealthy_targets_roll_back_deployments_and_are_defined_before_the_service_ones() -> None:
    definitions = alarm_definitions(Alarms())
    assert {d.role for d in definitions if d.rolls_back_deployments} == {"target-5xx", "unhealthy"}
    watches = [d.watches for d in definitions]
    assert watches == sorted(watches, key=lambda w: w != "target")


DIMENSIONS = {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"}


def five_xx_alarm(percent: int = 5) -> dict:
    (five_xx,) = [d for d in alarm_definitions(Alarms(target_5xx_percent=percent)) if d.role == "target-5xx"]
    return as_sent(five_xx.alarm_inputs(DIMENSIONS, None))


def test_the_5xx_alarm_is_metric_math_without_the_single_metric_inputs_put_metric_alarm_excludes() -> None:
    """PutMetricAlarm (botocore ``Metrics``): with Metrics, none of Namespace, MetricName, Dimensions,
    Period, Statistic or ExtendedStatistic; one query returns data."""
    alarm = five_xx_alarm()
    assert not {"namespace", "metricName", "dimensions", "period", "statistic", "extendedStatistic"} & set(alarm)
    assert [q["id"] for q in alarm["metricQueries"] if q.get("returnData")] == ["e1"]
    names = {metric[1] for metric in alarm_metrics(alarm)}
    assert names == {"HTTPCode_Target_5XX_Count", "RequestCount"}
    assert all(dict(metric[2]) == DIMENSIONS for metric in alarm_metrics(alarm))  # per target group


@given(requests=st.integers(0, 10_000), errors=st.integers(0, 10_000), percent=st.integers(1, 100))
def test_the_5xx_alarm_fires_after_two_minutes_above_its_share_of_at_least_the_minimum_requests(
    requests: int, errors: int, percent: int
) -> None:
    errors = min(errors, requests)
    alarm = five_xx_alarm(percent)
    by_name: dict[str, float | None] = {"RequestCount": requests or None, "HTTPCode_Target_5XX_Count": errors or None}
    series = {metric: [by_name[metric[1]]] * 2 for metric in alarm_metrics(alarm)}
    breaching = requests >= MIN_REQUESTS and 100 * errors > percent * requests
    assert alarm_states(alarm, series) == ["OK", "ALARM" if breaching else "OK"]


@given(
    percent=st.integers(1, 100),
    app=st.integers(6, 8192),
    sidecars=st.integers(6, 8192),
    app_use=st.floats(0, 1),
    sidecar_use=st.floats(0, 1),
)
def test_the_memory_alarm_fires_by_the_time_the_app_reaches_its_percent_of_its_own_limit_whatever_sidecars_use(
    percent: int, app: int, sidecars: int, app_use: float, sidecar_use: float
) -> None:
    """ECS MemoryUtilization is every container's use over the task's memory; the app is killed at its own
    hard limit, which sidecars shrink: at ``percent`` of that, the alarm must already be breaching."""
    task = app + sidecars
    (memory,) = [d for d in alarm_definitions(Alarms(memory_percent=percent), app_memory_mib=app,
                                              task_memory_mib=task) if d.role == "memory"]  # fmt: skip
    # Exact arithmetic: the claim is about the numbers, not a float's rounding. "Above" as the alarm says.
    app_mib = max(Fraction(app_use), Fraction(percent, 100)) * app  # the app at (or past) its percent
    utilization = (app_mib + Fraction(sidecar_use) * sidecars) * 100 / task
    threshold = Fraction(str(memory.threshold))
    assert utilization >= threshold
    assert threshold <= Fraction(percent * app, task) < threshold + Fraction(1, 100)


def test_without_sidecars_the_memory_alarm_is_the_task_s_percent_as_configured() -> None:
    (memory,) = [d for d in alarm_definitions(Alarms(memory_percent=80), app_memory_mib=2048, task_memory_mib=2048)
                 if d.role == "memory"]  # fmt: skip
    assert memory.threshold == 80 and memory.description.startswith("Service memory above 80 %")
