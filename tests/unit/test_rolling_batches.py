"""A rolling deployment moves at every task count the service may run: ECS rounds ``maximumPercent`` down
and ``minimumHealthyPercent`` up (``tests/models/ecs_rolling.py``), and the spec refuses percentages with
which the scheduler could neither start nor stop a task."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.service.autoscaling_rules import Autoscaling, Schedule
from components.service.deployment_strategy import DeploymentStrategy
from components.service.rolling_batches import fewest_tasks, most_tasks, progresses, reachable_counts
from components.service.service_spec import ServiceSpec
from tests.models.aws_api import documentation
from tests.models.ecs_rolling import ROUNDING, rolling_deploy


@pytest.mark.parametrize("member", sorted(ROUNDING))
def test_the_model_rounds_as_botocore_says_ecs_does(member: str) -> None:
    assert ROUNDING[member] in documentation("ecs", f"DeploymentConfiguration.{member}")


@pytest.mark.parametrize(
    ("desired", "low", "high", "first_fix"),
    [(1, 50, 150, (200, 0)), (1, 100, 150, (200, 0)), (2, 100, 149, (150, 50)), (4, 100, 120, (125, 75))],
)
def test_percentages_that_leave_a_rolling_deployment_stuck_are_refused_with_what_would_work(
    desired: int, low: int, high: int, first_fix: tuple[int, int]
) -> None:
    assert not rolling_deploy(desired, min_healthy_percent=low, max_percent=high).completed
    with pytest.raises(ConfigError) as error:
        ServiceSpec(desired_count=desired, min_healthy_percent=low, max_percent=high)
    assert (error.value.key, error.value.value) == ("ServiceSpec.max_percent", high)
    assert f"ServiceSpec.min_healthy_percent {low}" in error.value.allowed
    assert f"ServiceSpec.max_percent to {first_fix[0]} or more" in error.value.allowed
    assert f"ServiceSpec.min_healthy_percent to {first_fix[1]}" in error.value.allowed
    for fixed_high, fixed_low in ((first_fix[0], low), (high, first_fix[1])):
        spec = ServiceSpec(desired_count=desired, min_healthy_percent=fixed_low, max_percent=fixed_high)
        assert rolling_deploy(desired, min_healthy_percent=spec.min_healthy_percent, max_percent=spec.max_percent)


def test_with_autoscaling_the_fewest_tasks_it_may_scale_to_are_judged_not_only_the_desired_count() -> None:
    scaling = Autoscaling(min_count=1, max_count=8)
    assert ServiceSpec(desired_count=4, max_percent=125)  # moves at 4 tasks
    with pytest.raises(ConfigError, match=r"at 1 task\(s\)") as error:
        ServiceSpec(desired_count=4, max_percent=125, autoscaling=scaling)
    assert "Autoscaling.min_count..Autoscaling.max_count 1..8" in error.value.allowed


def test_a_traffic_shifting_deployment_is_held_to_its_own_rule_not_told_twice() -> None:
    route = RouteSpec(listener_rule_priority=LAST_PRIORITY, deployment=DeploymentStrategy(kind="canary"))
    with pytest.raises(ConfigError) as error:
        ServiceSpec(desired_count=1, max_percent=150, route=route)
    assert [e.key for e in error.value.errors] == ["ServiceSpec.max_percent"]
    assert "SCALE_UP" in error.value.allowed


def test_the_rounding_is_ecs_s_and_the_peak_takes_it() -> None:
    assert (most_tasks(1, 150), fewest_tasks(1, 50), fewest_tasks(3, 34)) == (1, 1, 2)
    assert DeploymentStrategy().peak_tasks(1, 150) == 1
    assert DeploymentStrategy().peak_tasks(3, 150) == 4


def counts_of(fields: dict) -> set[int]:
    """The task counts a service may run, from its fields: the desired count, the autoscaling range and each
    schedule's; 0 has nothing to replace."""
    counts = {fields["desired_count"]}
    scaling = fields.get("autoscaling")
    if scaling is not None:
        ranges = [(scaling.min_count, scaling.max_count), *((s.min_count, s.max_count) for s in scaling.schedules)]
        counts |= {d for low, high in ranges for d in range(low, high + 1)}
    return {d for d in counts if d}


@st.composite
def specs(draw: st.DrawFn) -> dict[str, object]:
    fields: dict[str, object] = {
        "desired_count": draw(st.integers(0, 12)),
        "min_healthy_percent": draw(st.integers(0, 100)),
        "max_percent": draw(st.integers(100, 250)),
    }
    if draw(st.booleans()):
        low = draw(st.integers(0, 6))
        high = draw(st.integers(low, 12))
        fields["desired_count"] = draw(st.integers(low, high))
        schedules = draw(st.lists(st.tuples(st.integers(low, high), st.integers(low, high)), max_size=2))
        ranges = tuple(
            Schedule(expression="rate(1 day)", min_count=min(a, b), max_count=max(a, b)) for a, b in schedules
        )
        fields["autoscaling"] = Autoscaling(min_count=low, max_count=high, schedules=ranges)
    return fields


@given(specs())
def test_every_spec_the_program_accepts_rolls_to_the_end_at_every_count_it_may_run(fields: dict) -> None:
    percents = {"min_healthy_percent": fields["min_healthy_percent"], "max_percent": fields["max_percent"]}
    try:
        spec = ServiceSpec(**fields)
    except ConfigError as error:
        # Refused as stuck: the model is stuck at one of the counts too (other mistakes are others' tests).
        assume(any("rounds maximumPercent down" in e.allowed for e in error.errors))
        assert any(not rolling_deploy(d, **percents).completed for d in counts_of(fields))
        return
    assert reachable_counts(spec.desired_count, spec.autoscaling)[0] - {0} == counts_of(fields)
    for d in counts_of(fields):
        outcome = rolling_deploy(d, **percents)
        assert outcome.completed, d
        assert outcome.peak <= DeploymentStrategy().peak_tasks(d, spec.max_percent)
        assert progresses(d, **percents)
