"""Prod's business-hours floor survives deploys.

Prod scales from 4 to 20 tasks with two weekday schedules (Europe/Berlin): 6..20 from 07:00 and 4..20
from 20:00. Each story runs the real program for prod under mocks and plays what it registered on a
model of Application Auto Scaling and of ``pulumi up`` (``tests/models/app_autoscaling.py``).
"""

import dataclasses
import functools

import pytest

from tests.models.app_autoscaling import ACTION, TARGET, Stack
from tests.program.stacks import recorded_run
from tools.offline import Registered

OLD_FLOOR, NIGHT_FLOOR = 6, 4
EIGHT_FROM_SEVEN = '["cron(0 7 ? * MON-FRI *)=8..20@Europe/Berlin", "cron(0 20 ? * MON-FRI *)=4..20@Europe/Berlin"]'


@functools.cache
def prod(**overrides: str) -> tuple[Registered, ...]:
    """What the program registers for prod, with config ``overrides``."""
    return tuple(recorded_run("prod", overrides).mocks.resources)


def before_the_fix(program: tuple[Registered, ...]) -> tuple[Registered, ...]:
    """The same resources as the program registered them before schedules owned the target's range."""
    return tuple(dataclasses.replace(r, ignore_changes=[]) if r.type == TARGET else r for r in program)


def business_hours(program: tuple[Registered, ...] | None = None) -> Stack:
    """Prod deployed on Monday at 06:00, at 10:00 the same day."""
    stack = Stack.deployed(program or prod(), at="Mon 06:00")
    stack.wait_until("Mon 10:00")
    return stack


def test_prod_keeps_six_tasks_in_business_hours_and_four_at_night() -> None:
    stack = Stack.deployed(prod(), at="Mon 06:00")
    assert stack.floor == NIGHT_FLOOR
    stack.wait_until("Mon 10:00")
    assert stack.floor == OLD_FLOOR
    stack.wait_until("Mon 21:00")
    assert stack.floor == NIGHT_FLOOR
    stack.wait_until("Sat 10:00")
    assert stack.floor == NIGHT_FLOOR


@pytest.mark.parametrize("refresh", [False, True], ids=["up", "up --refresh"])
@pytest.mark.parametrize(
    "overrides", [{}, {"minCount": "3"}, {"maxCount": "30"}], ids=["unchanged", "minCount changed", "maxCount changed"]
)
def test_a_deploy_in_business_hours_keeps_the_scheduled_range(overrides: dict[str, str], refresh: bool) -> None:
    stack = business_hours()
    calls = stack.up(prod(**overrides), refresh=refresh)
    assert not [call for call in calls if call.startswith("RegisterScalableTarget")]
    assert (stack.aws.min, stack.aws.max) == (OLD_FLOOR, 20)


@pytest.mark.parametrize(
    ("overrides", "refresh", "range_after"),
    [
        ({}, False, (6, 20)),
        ({}, True, (4, 20)),
        ({"minCount": "3"}, False, (3, 20)),
        ({"maxCount": "30"}, True, (4, 30)),
    ],
    ids=["up", "up --refresh", "minCount changed", "maxCount changed"],
)
def test_before_the_fix_a_refresh_or_a_changed_range_dropped_the_floor(
    overrides: dict[str, str], refresh: bool, range_after: tuple[int, int]
) -> None:
    """The model is not vacuous: the target registered without ``ignore_changes`` re-registers the
    config's range whenever the refreshed state or the config differs from it, and only then."""
    stack = business_hours(before_the_fix(prod()))
    stack.up(before_the_fix(prod(**overrides)), refresh=refresh)
    assert (stack.aws.min, stack.aws.max) == range_after


def test_after_a_deploy_the_evening_schedule_lowers_the_floor_and_the_morning_one_raises_it() -> None:
    stack = business_hours()
    stack.up(prod(minCount="3"), refresh=True)
    stack.wait_until("Mon 21:00")
    assert stack.floor == NIGHT_FLOOR
    stack.wait_until("Tue 08:00")
    assert stack.floor == OLD_FLOOR


def test_a_changed_schedule_takes_effect_when_it_next_runs() -> None:
    stack = business_hours()
    calls = stack.up(prod(scalingSchedules=EIGHT_FROM_SEVEN), refresh=True)
    assert [call.split()[0] for call in calls] == ["PutScheduledAction"]
    assert stack.floor == OLD_FLOOR
    stack.wait_until("Tue 07:00")
    assert stack.floor == 8


def test_target_tracking_still_follows_the_config_and_keeps_its_scale_out() -> None:
    stack = business_hours()
    stack.aws.track(12)
    calls = stack.up(prod(cpuTargetPercent="70"), refresh=True)
    assert [call.split()[0] for call in calls] == ["PutScalingPolicy"]
    assert (stack.aws.capacity, stack.floor) == (12, OLD_FLOOR)


def test_without_schedules_the_config_owns_the_range_and_a_change_applies_at_once() -> None:
    stack = Stack.deployed(prod(scalingSchedules="[]"), at="Mon 06:00")
    stack.wait_until("Mon 10:00")
    assert stack.up(prod(scalingSchedules="[]"), refresh=True) == []
    stack.up(prod(scalingSchedules="[]", minCount="3"))
    assert (stack.aws.min, stack.aws.max) == (3, 20)


def test_removing_the_schedules_hands_the_range_back_to_the_config_on_a_refreshing_deploy() -> None:
    """Without a refresh the state still holds the range the target was created with, which equals the
    config's: nothing differs, and the last schedule's range stays (docs/decisions.md says so)."""
    stack = business_hours()
    schedules = [r.name for r in prod() if r.type == ACTION]
    assert stack.up(prod(scalingSchedules="[]")) == [f"Delete ScheduledAction {name}" for name in schedules]
    assert stack.floor == OLD_FLOOR
    stack.up(prod(scalingSchedules="[]"), refresh=True)
    assert (stack.aws.min, stack.aws.max) == (NIGHT_FLOOR, 20)
