"""Autoscaling settings are checked the way Application Auto Scaling would refuse or misbehave on them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.autoscaling_rules import Autoscaling, Schedule, parse_schedule
from components.errors import CombinedConfigError, ConfigError


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"min_count": -1}, "minCount"),
        ({"min_count": 5, "max_count": 4}, "maxCount"),
        ({"max_count": 5001}, "maxCount"),
        ({"cpu_target_percent": 0}, "cpuTargetPercent"),
        ({"memory_target_percent": 101}, "memoryTargetPercent"),
        ({"requests_per_target": 0}, "requestsPerTarget"),
        ({"scale_in_cooldown_seconds": -5}, "scaleInCooldownSeconds"),
        ({"cpu_target_percent": None}, "autoscaling"),
    ],
)
def test_a_setting_application_auto_scaling_would_refuse_names_its_key(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Autoscaling(**kwargs)
    assert error.value.key == key


def test_several_mistakes_come_back_together() -> None:
    with pytest.raises(CombinedConfigError) as error:
        Autoscaling(min_count=-1, cpu_target_percent=0, scale_out_cooldown_seconds=-1)
    assert [e.key for e in error.value.errors] == ["minCount", "cpuTargetPercent", "scaleOutCooldownSeconds"]


@pytest.mark.parametrize(("desired", "ok"), [(1, True), (4, True), (0, False), (5, False)])
def test_desired_count_must_lie_in_the_range(desired: int, ok: bool) -> None:
    scaling = Autoscaling(min_count=1, max_count=4)
    if ok:
        scaling.check_desired(desired)
    else:
        with pytest.raises(ConfigError) as error:
            scaling.check_desired(desired)
        assert (error.value.key, error.value.value) == ("desiredCount", desired)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("cron(0 8 ? * MON-FRI *)=2..10", ("cron(0 8 ? * MON-FRI *)", 2, 10, "UTC")),
        ("rate(1 day)=0..3@Europe/Berlin", ("rate(1 day)", 0, 3, "Europe/Berlin")),
        ("at(2026-12-24T18:00:00)=1..1", ("at(2026-12-24T18:00:00)", 1, 1, "UTC")),
    ],
)
def test_schedules_parse_from_config(entry: str, expected: tuple) -> None:
    schedule = parse_schedule(entry)
    assert (schedule.expression, schedule.min_count, schedule.max_count, schedule.timezone) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "cron(0 8 * * *)=1..2",
        "cron(0 8 ? * MON-FRI *)",
        "cron(0 8 ? * MON-FRI *)=5..2",
        "every day=1..2",
        "rate(0 days)=1..2",
    ],
)
def test_a_malformed_schedule_is_refused_naming_the_key(entry: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_schedule(entry)
    assert error.value.key == "scalingSchedules"


@given(low=st.integers(-2, 5002), high=st.integers(-2, 5002), desired=st.integers(-2, 5002))
def test_whatever_is_accepted_keeps_desired_inside_a_valid_range(low: int, high: int, desired: int) -> None:
    try:
        scaling = Autoscaling(min_count=low, max_count=high)
        scaling.check_desired(desired)
    except ConfigError:
        return
    assert 0 <= scaling.min_count <= desired <= scaling.max_count <= 5000


def test_a_schedule_with_only_a_range_and_no_target_is_enough_to_scale() -> None:
    Autoscaling(cpu_target_percent=None, schedules=(Schedule(expression="rate(1 day)", min_count=1, max_count=2),))
