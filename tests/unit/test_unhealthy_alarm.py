"""The unhealthy-target deployment alarm waits out the health-check grace period: a new target fails its
checks until its app answers, whatever the grace period, so an alarm that fired on that would roll back a
revision that starts in the time ECS was told to give it (``tests/models/target_health.py``, evaluated as
CloudWatch evaluates the alarm, ``tests/models/cloudwatch.py``)."""

import pytest

from components.errors import ConfigError
from components.observability.alarm_rules import (
    GRACE,
    MAX_MINUTE_PERIODS,
    UNHEALTHY_MINUTES,
    Alarms,
    alarm_definitions,
    check_grace_period,
    unhealthy_minutes,
)
from components.service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
    drain_delay_seconds,
)
from tests.models.cloudwatch import alarm_metrics, alarm_states, as_sent
from tests.models.target_health import target_states, unhealthy_host_count

DIMENSIONS = {"LoadBalancer": "app/lb/1", "TargetGroup": "targetgroup/tg/2"}


def unhealthy_alarm(grace: int) -> dict:
    (alarm,) = [d for d in alarm_definitions(Alarms(), grace_period_seconds=grace) if d.role == "unhealthy"]
    return as_sent(alarm.alarm_inputs(DIMENSIONS, None))


def states_of(grace: int, *, registered_at: int, ready_at: int, minutes: int = 40) -> list[str]:
    """The alarm's states through a new target's first ``minutes``, its task started at second 0."""
    states = target_states(registered_at=registered_at, ready_at=ready_at, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                           healthy_threshold=TARGET_HEALTHY_THRESHOLD,
                           unhealthy_threshold=TARGET_UNHEALTHY_THRESHOLD, until=minutes * 60)  # fmt: skip
    alarm = unhealthy_alarm(grace)
    (metric,) = alarm_metrics(alarm)
    return alarm_states(alarm, {metric: unhealthy_host_count(states)})


@pytest.mark.parametrize("grace", [0, 15, 30, 45, 60, 61, 90, 120, 300, 600])
def test_an_app_that_answers_within_the_grace_period_never_trips_the_alarm_whenever_it_registers(grace: int) -> None:
    # Every phase of the checks against CloudWatch's minutes; the app answering at any second of the grace.
    for registered_at in range(60):
        for ready_at in sorted({0, grace // 2, max(grace - 1, 0), grace}):
            assert "ALARM" not in states_of(grace, registered_at=registered_at, ready_at=ready_at), (
                registered_at, ready_at)  # fmt: skip


def test_prod_s_90_second_grace_period_would_have_tripped_the_two_minute_alarm_it_had() -> None:
    states = target_states(registered_at=0, ready_at=89, interval=TARGET_HEALTH_INTERVAL_SECONDS,
                           healthy_threshold=TARGET_HEALTHY_THRESHOLD,
                           unhealthy_threshold=TARGET_UNHEALTHY_THRESHOLD, until=600)  # fmt: skip
    alarm = {**unhealthy_alarm(90), "evaluationPeriods": UNHEALTHY_MINUTES}
    (metric,) = alarm_metrics(alarm)
    assert "ALARM" in alarm_states(alarm, {metric: unhealthy_host_count(states)})
    assert unhealthy_alarm(90)["evaluationPeriods"] > UNHEALTHY_MINUTES


@pytest.mark.parametrize("grace", [0, 60, 90, 600])
def test_an_app_that_never_answers_still_rolls_back_once_the_grace_period_is_waited_out(grace: int) -> None:
    states = states_of(grace, registered_at=0, ready_at=10**9)
    fired = states.index("ALARM")
    assert fired <= unhealthy_minutes(grace) + 1  # minutes: unhealthy from the third failed check on


def test_without_a_grace_period_the_alarm_keeps_its_two_minutes_and_the_drain_is_unchanged() -> None:
    assert unhealthy_alarm(0)["evaluationPeriods"] == UNHEALTHY_MINUTES
    # The target group's checks stay as they were: the drain fallback (and stopTimeout's budget) rest on them.
    assert drain_delay_seconds(0) == TARGET_HEALTH_INTERVAL_SECONDS * TARGET_UNHEALTHY_THRESHOLD == 45


def test_a_grace_period_longer_than_cloudwatch_can_wait_out_is_refused_with_alarms_only() -> None:
    most = max(g for g in range(86_000, 87_000) if unhealthy_minutes(g) <= MAX_MINUTE_PERIODS)
    check_grace_period(GRACE, most, alarms=True)
    check_grace_period(GRACE, most + 1, alarms=False)
    with pytest.raises(ConfigError) as error:
        check_grace_period(GRACE, most + 1, alarms=True)
    assert (error.value.key, error.value.value) == (GRACE, most + 1) and f"at most {most}" in error.value.allowed
