"""The EventBridge pattern model (``tests/models/cloudwatch.py``, ``event_matches``) matches as the
EventBridge User Guide says EventBridge does."""

from typing import Any

import pytest

from tests.models.cloudwatch import event_matches

#: "Arrays in Amazon EventBridge event patterns": the page's own pattern and event (the pattern's first item
#: is the event array's second), then a scalar field against the pattern's list.
PATTERN = {
    "resources": [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
    ]
}
ASG = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate"  # noqa: E501
ROWS: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    (PATTERN, {"resources": [ASG, "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}, True),
    (PATTERN, {"resources": [ASG]}, False),
    (PATTERN, {"resources": []}, False),
    (PATTERN, {}, False),
    ({"source": ["aws.ecs"]}, {"source": "aws.ecs"}, True),
    ({"source": ["aws.ecs"]}, {"source": "aws.ec2"}, False),
    ({"detail": {"stopCode": ["SpotInterruption"]}}, {"detail": {"stopCode": "SpotInterruption"}}, True),
]


@pytest.mark.parametrize(("pattern", "event", "matches"), ROWS, ids=str)
def test_a_field_matches_when_its_value_or_any_element_of_its_array_is_listed(
    pattern: dict[str, Any], event: dict[str, Any], matches: bool
) -> None:
    assert event_matches(pattern, event) is matches


def test_an_object_pattern_over_an_array_is_a_case_the_model_refuses_to_guess() -> None:
    with pytest.raises(NotImplementedError, match="not modelled"):
        event_matches({"detail": {"a": ["x"]}}, {"detail": [{"a": "x"}]})
