"""A CloudWatch namespace as botocore's ``cloudwatch`` model gives it: ``Namespace`` 1-255 characters, pattern
``[^:].*``; ``PutMetricDataInput.Namespace``: ASCII "except for control characters"."""

import pytest
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.validation import metric_namespace

SHAPE = Loader().load_service_model("cloudwatch", "service-2")["shapes"]["Namespace"]


def test_the_rule_is_the_one_botocore_gives() -> None:
    assert (SHAPE["min"], SHAPE["max"], SHAPE["pattern"]) == (1, 255, "[^:].*")


@pytest.mark.parametrize("value", ["GravitonNode", "a", "Team/App:tasks", "x" * 255])
def test_a_namespace_of_printable_ascii_not_starting_with_a_colon_is_taken(value: str) -> None:
    assert metric_namespace("k", value) == value


@pytest.mark.parametrize("value", ["", ":tasks", "x" * 256, "tab\there", "caf\u00e9"])
def test_an_empty_long_colon_led_control_or_non_ascii_namespace_is_refused(value: str) -> None:
    with pytest.raises(ConfigError):
        metric_namespace("k", value)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=255))
def test_any_printable_ascii_namespace_is_taken_exactly_when_it_does_not_start_with_a_colon(value: str) -> None:
    try:
        metric_namespace("k", value)
    except ConfigError:
        assert value.startswith(":")
    else:
        assert not value.startswith(":")
