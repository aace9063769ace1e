"""Every schedule is a scheduled action on the service's one scalable target, and Application Auto Scaling
holds a target to 200 of them, a quota it does not raise (Application Auto Scaling User Guide, "Quotas for
Application Auto Scaling": "Scheduled actions per scalable target 200", Adjustable: No). PutScheduledAction
would refuse the 201st after the image is pushed and the service created; settings refuse it first."""

import json
from collections import Counter

import pytest

from components.errors import ConfigError
from tools.offline import RecordingMocks, run_program

ACTIONS_PER_TARGET = 200


def schedules(count: int) -> dict[str, str]:
    entries = [f"cron({i % 60} {i // 60} * * ? *)=1..2" for i in range(count)]
    return {"autoscaling": "true", "scalingSchedules": json.dumps(entries)}


def test_the_most_schedules_accepted_put_no_more_actions_on_a_target_than_aws_allows() -> None:
    run = run_program("dev", schedules(ACTIONS_PER_TARGET))
    actions = run.mocks.inputs_of("aws:appautoscaling/scheduledAction:ScheduledAction")
    per_target = Counter(action["resourceId"] for action in actions)
    assert len(per_target) == 1 and max(per_target.values()) <= ACTIONS_PER_TARGET


def test_one_schedule_more_than_a_target_holds_is_refused_before_anything_is_registered() -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", schedules(ACTIONS_PER_TARGET + 1), mocks=mocks)
    assert error.value.key == "scalingSchedules" and "201" in str(error.value.value)
    assert "at most 200" in error.value.allowed and "does not raise" in error.value.allowed
    assert mocks.resources == []
