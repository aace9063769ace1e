"""Autoscaling settings are checked the way Application Auto Scaling would refuse or misbehave on them."""

import functools
import re
from datetime import datetime

import pytest
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from components.errors import CombinedConfigError, ConfigError
from components.service import autoscaling_rules
from components.service.autoscaling_rules import (
    CRON_FIELDS,
    SCHEDULE_MAX_LENGTH,
    Autoscaling,
    Schedule,
    check_desired,
    check_expression,
    check_timezone,
    parse_schedule,
)
from components.service.service_spec import ServiceSpec

#: The pattern this module checked schedules with before it knew Application Auto Scaling's grammar.
OLD_EXPRESSION = re.compile(
    r"cron\((\S+ ){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)"
)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"min_count": -1}, "Autoscaling.min_count"),
        ({"min_count": 5, "max_count": 4}, "Autoscaling.max_count"),
        ({"max_count": 5001}, "Autoscaling.max_count"),
        ({"cpu_target_percent": 0}, "Autoscaling.cpu_target_percent"),
        ({"memory_target_percent": 101}, "Autoscaling.memory_target_percent"),
        ({"requests_per_target": 0}, "Autoscaling.requests_per_target"),
        ({"scale_in_cooldown_seconds": -5}, "Autoscaling.scale_in_cooldown_seconds"),
        ({"cpu_target_percent": None}, "ServiceSpec.autoscaling"),
    ],
)
def test_a_setting_application_auto_scaling_would_refuse_names_its_key(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Autoscaling(**kwargs)
    assert error.value.key == key


def test_several_mistakes_come_back_together() -> None:
    with pytest.raises(CombinedConfigError) as error:
        Autoscaling(min_count=-1, cpu_target_percent=0, scale_out_cooldown_seconds=-1)
    assert [e.key for e in error.value.errors] == [
        "Autoscaling.min_count",
        "Autoscaling.cpu_target_percent",
        "Autoscaling.scale_out_cooldown_seconds",
    ]


@pytest.mark.parametrize(("desired", "ok"), [(1, True), (4, True), (0, False), (5, False)])
def test_desired_count_must_lie_in_the_range(desired: int, ok: bool) -> None:
    scaling = Autoscaling(min_count=1, max_count=4)
    if ok:
        ServiceSpec(desired_count=desired, autoscaling=scaling)
    else:
        with pytest.raises(ConfigError) as error:
            ServiceSpec(desired_count=desired, autoscaling=scaling)
        assert (error.value.key, error.value.value) == ("ServiceSpec.desired_count", desired)


def test_desired_count_is_held_to_each_bound_by_a_check_naming_only_that_bound() -> None:
    """A bound that is itself wrong (a maximum below the minimum) does not hide the other's verdict."""
    with pytest.raises(ConfigError) as error:
        check_desired(1, min_count=5, max_count=4)
    assert (error.value.value, error.value.allowed) == (1, "Autoscaling.min_count (5) or more")
    with pytest.raises(ConfigError) as error:
        check_desired(9, min_count=5, max_count=4)
    assert (error.value.value, error.value.allowed) == (9, "Autoscaling.max_count (4) or fewer")


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
        # Unicode digits, which Python's \\d and int() take and AWS's schedule parser does not.
        "cron(\u0663 8 ? * MON-FRI *)=1..2",
        "rate(\uff13 days)=1..2",
        "cron(0 8 ? * MON-FRI *)=1..\u0663",
        "at(\uff12026-01-01T00:00:00)=1..2",
    ],
)
def test_a_malformed_schedule_is_refused_naming_the_key(entry: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_schedule(entry)
    assert error.value.key == "Autoscaling.schedules"


@given(low=st.integers(-2, 5002), high=st.integers(-2, 5002), desired=st.integers(-2, 5002))
def test_whatever_is_accepted_keeps_desired_inside_a_valid_range(low: int, high: int, desired: int) -> None:
    try:
        spec = ServiceSpec(desired_count=desired, autoscaling=Autoscaling(min_count=low, max_count=high))
    except ConfigError:
        return
    assert spec.autoscaling is not None
    assert 0 <= spec.autoscaling.min_count <= desired <= spec.autoscaling.max_count <= 5000


def test_a_schedule_with_only_a_range_and_no_target_is_enough_to_scale() -> None:
    Autoscaling(cpu_target_percent=None, schedules=(Schedule(expression="rate(1 day)", min_count=1, max_count=2),))


def test_policies_of_ones_own_on_the_scalable_target_are_enough_to_scale() -> None:
    """A queue worker's backlog policy is the caller's: a CPU target beside it would only get in its way."""
    assert Autoscaling(cpu_target_percent=None, own_policies=True).own_policies


def test_a_schedule_range_outside_min_count_to_max_count_is_refused() -> None:
    """With schedules, minCount..maxCount bounds every range the schedules set (they own the range)."""
    business_hours = parse_schedule("cron(0 7 ? * MON-FRI *)=6..20@Europe/Berlin")
    Autoscaling(min_count=4, max_count=20, schedules=(business_hours,))
    with pytest.raises(ConfigError) as error:
        Autoscaling(min_count=4, max_count=10, schedules=(business_hours,))
    assert (error.value.key, error.value.value) == ("Autoscaling.schedules", "cron(0 7 ? * MON-FRI *)=6..20")
    assert "Autoscaling.min_count..Autoscaling.max_count (4..10)" in error.value.allowed


# Application Auto Scaling User Guide, "Schedule recurring scaling actions using cron expressions" (its
# table) and "Example scheduled actions"; EventBridge's cron and rate references, to which it refers.
DOCUMENTED = [
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0/30 20-2 ? * MON-FRI *)",
    "cron(5,35 14 * * ? *)",
    "cron(15 10 ? * 6L 2019-2022)",
    "cron(0 9 * * ? *)",
    "cron(30 6 ? * MON *)",
    "cron(0 8 ? JAN,FEB,MAR * *)",
    "cron(0 8 3W * ? *)",
    "cron(0 8 L * ? *)",
    "cron(0 8 ? * 3#2 *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(5 hours)",
    "rate(1 day)",
    "at(2021-03-31T22:00:00)",
    "at(2028-02-29T23:59:59)",
]


@pytest.mark.parametrize("expression", DOCUMENTED)
def test_the_documented_expressions_are_accepted(expression: str) -> None:
    check_expression(expression)


# Each of these passed the old pattern; PutScheduledAction refuses it.
REFUSED = [
    ("cron(0 8 * * MON-FRI *)", "? in exactly one of day-of-month and day-of-week"),
    ("cron(0 8 ? * ? *)", "? in exactly one of day-of-month and day-of-week"),
    ("cron(0 8 1 * MON *)", "? in exactly one of day-of-month and day-of-week"),
    ("cron(60 8 ? * MON-FRI *)", "minutes 0-59"),
    ("cron(0 24 ? * MON-FRI *)", "hours 0-23"),
    ("cron(0 8 32 * ? *)", "day-of-month 1-31"),
    ("cron(0 8 ? 13 MON *)", "month 1-12 or JAN-DEC"),
    ("cron(0 8 ? * 0 *)", "day-of-week 1-7 or SUN-SAT"),
    ("cron(0 8 ? * 1-5/2 *)", "no / in day-of-week"),
    ("cron(0 8 ? * 3#1,6#3 *)", "day-of-week 1-7"),
    ("cron(0 8 ? * 2#6 *)", "day-of-week 1-7"),
    ("cron(0 8 ? * MON-FRI 2200)", "year 1970-2199"),
    ("cron(0 8 ? * MON-FRI 2030-2026)", "a year range from earlier to later"),
    ("cron(0/0 8 ? * MON-FRI *)", "a step of 1 or more"),
    ("cron(0 8 ? * L,MON *)", "day-of-week 1-7"),
    ("cron(0 8 ? W * *)", "month 1-12"),
    ("cron(0 8 ? * 8L *)", "day-of-week 1-7"),
    ("rate(1 days)", "singular for 1 only"),
    ("rate(5 hour)", "singular for 1 only"),
    ("at(2026-02-30T10:00:00)", "a real date and time"),
    ("at(2026-13-01T10:00:00)", "a real date and time"),
    ("at(2026-12-24T24:00:00)", "a real date and time"),
]


@pytest.mark.parametrize(("expression", "why"), REFUSED)
def test_expressions_the_old_pattern_let_through_are_refused_saying_why(expression: str, why: str) -> None:
    assert OLD_EXPRESSION.fullmatch(expression)
    with pytest.raises(ConfigError) as error:
        check_expression(expression)
    assert (error.value.key, error.value.value) == ("Autoscaling.schedules", expression)
    assert why in error.value.allowed


def test_a_refused_schedule_entry_reports_its_expression_and_its_time_zone_together() -> None:
    with pytest.raises(CombinedConfigError) as error:
        parse_schedule("cron(0 8 * * MON-FRI *)=2..10@Berlin")
    assert [(e.key, e.value) for e in error.value.errors] == [
        ("Autoscaling.schedules", "cron(0 8 * * MON-FRI *)"),
        ("Autoscaling.schedules", "Berlin"),
    ]


def test_the_length_limit_is_put_scheduled_actions_own() -> None:
    shapes = Loader().load_service_model("application-autoscaling", "service-2")["shapes"]
    members = shapes["PutScheduledActionRequest"]["members"]
    for member in ("Schedule", "Timezone"):
        assert shapes[members[member]["shape"]]["max"] == SCHEDULE_MAX_LENGTH
    with pytest.raises(ConfigError, match="at most 1600 characters"):
        check_expression("cron(" + ",".join(["1"] * 800) + " 8 ? * MON-FRI *)")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Etc/GMT+9", "Pacific/Tahiti"])
def test_iana_time_zone_names_are_accepted(zone: str) -> None:
    check_timezone(zone)


@pytest.mark.parametrize(
    ("zone", "hint"),
    [("Berlin", "did you mean 'Europe/Berlin'?"), ("Europe/Berln", "did you mean 'Europe/Berlin'?"),
     ("CEST", ""), ("+02:00", ""), ("localtime", ""), ("Factory", "")],
)  # fmt: skip
def test_names_that_are_no_iana_time_zone_are_refused(zone: str, hint: str) -> None:
    """The old pattern took any word after the @."""
    with pytest.raises(ConfigError) as error:
        check_timezone(zone)
    assert (error.value.key, error.value.value) == ("Autoscaling.schedules", zone)
    assert error.value.allowed.startswith(hint) and "an IANA time zone name" in error.value.allowed


def test_without_a_time_zone_database_only_utc_passes_and_the_error_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(autoscaling_rules, "time_zones", frozenset)
    check_timezone("UTC")
    with pytest.raises(ConfigError, match=r"no IANA time zone database.*install tzdata"):
        check_timezone("Europe/Berlin")


# Property-based: expressions built from the documented grammar pass; breaking one rule refuses them.
def _values(field) -> st.SearchStrategy[str]:
    numbers = st.integers(field.low, field.high).map(str)
    return numbers | st.sampled_from(field.names) if field.names else numbers


@functools.cache  # built once per field: building it on every draw was most of these tests' time
def _plain(field) -> st.SearchStrategy[str]:
    """A field without ?, L, W or #: *, values, ranges and lists, and start/step where / is allowed."""
    value = _values(field)
    item = value | st.tuples(value, value).map("-".join).filter(lambda r: field.name != "year" or _ordered(field, r))
    if "/" in field.wildcards:
        item = item | st.tuples(value, st.integers(1, 100)).map(lambda p: f"{p[0]}/{p[1]}")
    return st.just("*") | st.lists(item, min_size=1, max_size=4).map(",".join)


def _ordered(field, text: str) -> bool:
    first, last = text.split("-")
    return field.number(first) <= field.number(last)


MINUTES, HOURS, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR = CRON_FIELDS
DAY_OF_MONTH_ALONE = st.just("L") | st.integers(1, 31).map(lambda n: f"{n}W")
DAY_OF_WEEK_ALONE = (
    st.just("L")
    | st.integers(1, 7).map(lambda n: f"{n}L")
    | st.builds(lambda d, k: f"{d}#{k}", st.integers(1, 7), st.integers(1, 5))
)


@st.composite
def cron_fields(draw) -> list[str]:
    days_of_month = draw(_plain(DAY_OF_MONTH) | DAY_OF_MONTH_ALONE)
    days_of_week = draw(_plain(DAY_OF_WEEK) | DAY_OF_WEEK_ALONE)
    if draw(st.booleans()):
        days_of_month, days_of_week = "?", days_of_week
    else:
        days_of_month, days_of_week = days_of_month, "?"
    rest = [draw(_plain(field)) for field in (MINUTES, HOURS, MONTH, YEAR)]
    return [rest[0], rest[1], days_of_month, rest[2], days_of_week, rest[3]]


def cron(fields: list[str]) -> str:
    return f"cron({' '.join(fields)})"


@given(cron_fields())
def test_every_cron_expression_of_the_documented_grammar_is_accepted(fields: list[str]) -> None:
    check_expression(cron(fields))


@given(cron_fields(), st.sampled_from(["*", "?"]))
def test_a_cron_expression_without_exactly_one_question_mark_is_refused(fields: list[str], both: str) -> None:
    """Day-of-month and day-of-week both given (one was ?, now *) or both left open."""
    fields[2] = fields[4] = both
    with pytest.raises(ConfigError, match=r"\? in exactly one of day-of-month and day-of-week"):
        check_expression(cron(fields))


@given(cron_fields(), st.integers(0, 5), st.data())
def test_a_value_outside_its_field_is_refused(fields: list[str], index: int, data: st.DataObject) -> None:
    field = CRON_FIELDS[index]
    below = st.integers(0, field.low - 1) if field.low > 0 else st.nothing()
    fields[index] = str(data.draw(below | st.integers(field.high + 1, 99_999)))
    with pytest.raises(ConfigError):
        check_expression(cron(fields))


@given(cron_fields(), st.integers(0, 7).filter(lambda n: n != 6))
def test_a_cron_expression_of_another_length_is_refused(fields: list[str], count: int) -> None:
    with pytest.raises(ConfigError, match="six fields"):
        check_expression(cron((fields * 2)[:count]))


@given(st.integers(0, 100_000), st.sampled_from(["minute", "hour", "day"]), st.booleans())
def test_a_rate_takes_a_positive_count_singular_for_one_and_plural_otherwise(n: int, unit: str, plural: bool) -> None:
    expression = f"rate({n} {unit}{'s' if plural else ''})"
    if n >= 1 and plural == (n > 1):
        check_expression(expression)
    else:
        with pytest.raises(ConfigError):
            check_expression(expression)


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)))
def test_every_real_moment_is_a_valid_at_expression(moment: datetime) -> None:
    check_expression(f"at({moment:%Y-%m-%dT%H:%M:%S})")
