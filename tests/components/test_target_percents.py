"""Every utilization target can scale the service out at the highest value it accepts: fed the worst its
metric can read (``tests/models/metric_ceilings``), target tracking's scale-out alarm (``tests/models/
target_tracking.scale_out_alarm``) goes to ALARM and the step it sets adds a task. A target the metric can
never pass is a policy that never scales out."""

from dataclasses import fields, replace
from typing import Any

import pytest

from components.errors import ConfigError
from components.service.autoscaling_rules import Autoscaling
from tests.components.builders import service
from tests.models.cloudwatch import alarm_states
from tests.models.metric_ceilings import worst_series, worst_value
from tests.models.target_tracking import next_capacity, scale_out_alarm
from tools.offline import RecordingMocks

POLICY = "aws:appautoscaling/policy:Policy"
#: Each utilization target and the role of the policy it sets.
TARGET_PERCENTS = {"cpu_target_percent": "cpu", "memory_target_percent": "memory"}
WATCHED = {"ClusterName": "c", "ServiceName": "s"}


def scaling_with(setting: str, value: int) -> Autoscaling:
    return replace(Autoscaling(min_count=1, max_count=10), **{setting: value})


def highest_accepted(setting: str) -> int:
    accepted = []
    for value in range(1, 1001):
        try:
            scaling_with(setting, value)
        except ConfigError:
            continue
        accepted.append(value)
    return max(accepted)


@pytest.fixture(scope="module", params=TARGET_PERCENTS)
def highest(request: pytest.FixtureRequest, mocked) -> tuple[str, RecordingMocks]:
    setting = request.param
    return setting, mocked(lambda: service(autoscaling=scaling_with(setting, highest_accepted(setting))))


def policy(mocks: RecordingMocks, role: str) -> dict[str, Any]:
    (inputs,) = [r.inputs for r in mocks.resources if r.type == POLICY and r.name.endswith(f"-{role}")]
    return inputs


def test_every_percent_target_is_held_to_its_policy_here() -> None:
    assert set(TARGET_PERCENTS) == {f.name for f in fields(Autoscaling) if f.name.endswith("_percent")}


@pytest.mark.parametrize("minutes", [1, 3, 5])
def test_a_target_at_the_highest_value_it_accepts_scales_out_on_the_worst_its_metric_can_read(
    highest: tuple[str, RecordingMocks], minutes: int
) -> None:
    setting, mocks = highest
    alarm = scale_out_alarm(policy(mocks, TARGET_PERCENTS[setting]), WATCHED, minutes)
    assert alarm_states(alarm, worst_series(alarm, minutes=10))[-1] == "ALARM"


def test_the_step_a_target_at_the_highest_value_it_accepts_sets_adds_a_task(
    highest: tuple[str, RecordingMocks],
) -> None:
    setting, mocks = highest
    tracking = policy(mocks, TARGET_PERCENTS[setting])["targetTrackingScalingPolicyConfiguration"]
    worst = worst_value("AWS/ECS", scale_out_alarm(policy(mocks, TARGET_PERCENTS[setting]), WATCHED, 1)["metricName"])
    for tasks in range(1, 10):
        assert next_capacity(tasks, worst, tracking["targetValue"], 1, 10) > tasks


@pytest.mark.parametrize("setting", TARGET_PERCENTS)
def test_a_percent_past_the_highest_accepted_is_refused_saying_the_service_could_never_scale_out(setting: str) -> None:
    with pytest.raises(ConfigError) as error:
        scaling_with(setting, highest_accepted(setting) + 1)
    assert error.value.key == f"Autoscaling.{setting}"
    assert "could never scale out" in error.value.allowed
