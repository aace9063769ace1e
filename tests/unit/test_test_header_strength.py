"""The test header's value gates a revision not yet tested (with the smoke test the listener is open to
everyone), so it is held to a strength: this program's policy, counted as the load balancer compares header
values, case folded (``tests/models/alb.py``: ``header_value_matches``)."""

import random
import string

from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.deployment_strategy import STRONG_LENGTH, check_test_header
from tests.models.alb import HEADER_VALUES_SAY, header_value_matches
from tests.models.aws_api import documentation

#: Visible ASCII without the wildcards: every character a header value may hold (``check_test_header``).
VISIBLE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "*?")


def taken(value: str) -> bool:
    try:
        check_test_header(("x-deploy-test", value))
    except ConfigError:
        return False
    return True


def test_the_model_compares_as_botocore_says_elb_does() -> None:
    assert HEADER_VALUES_SAY in documentation("elbv2", "HttpHeaderConditionConfig.Values")
    assert header_value_matches("AbC", "aBc") and not header_value_matches("abc", "abd")


def test_a_value_openssl_rand_hex_16_makes_is_taken() -> None:
    """Random bytes, as openssl draws them (hypothesis would try the all-zero value, which is refused)."""
    draw = random.Random(16)
    assert all(taken(draw.randbytes(16).hex()) for _ in range(10_000))


@given(st.text(VISIBLE, min_size=1, max_size=STRONG_LENGTH - 1))
def test_a_value_shorter_than_the_policy_is_refused(value: str) -> None:
    assert not taken(value)


@given(st.text(st.sampled_from("aAbB01"), min_size=STRONG_LENGTH, max_size=128))
def test_a_value_long_only_by_changing_the_case_of_a_few_characters_is_refused(value: str) -> None:
    """``aAbB...`` opens the same rule as ``aabb...``: its strength is that of its few characters."""
    assert header_value_matches(value, value.lower()) and header_value_matches(value, value.upper())
    assert not taken(value)


@given(st.text(VISIBLE, min_size=1, max_size=128), st.data())
def test_values_the_load_balancer_cannot_tell_apart_are_judged_alike(value: str, data: st.DataObject) -> None:
    variant = "".join(c.swapcase() if data.draw(st.booleans()) else c for c in value)
    assert header_value_matches(value, variant)
    assert taken(value) == taken(variant)


def test_a_refused_value_is_never_shown_and_the_error_says_how_to_make_one() -> None:
    weak = "Abc1aBC1" * 4  # 32 characters, 4 different ones once case is folded
    try:
        check_test_header(("x-deploy-test", weak))
    except ConfigError as error:
        assert weak not in str(error) and "openssl rand -hex 16" in error.allowed
    else:
        raise AssertionError("a weak value was taken")


def test_hex_digits_are_visible_header_characters() -> None:
    assert set(string.hexdigits) <= set(VISIBLE)
