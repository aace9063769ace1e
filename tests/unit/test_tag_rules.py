"""A default tag is accepted exactly when every service whose resources the stack tags would take it: the
model is botocore's own shapes (their ``\\p{L}`` patterns matched by the ``regex`` module, which has the
classes ``tag_rules`` rebuilds from Unicode categories), EC2's documented 127-character key and ECS's
reserved ``aws:`` prefix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.tag_rules import MAX_TAGS, check_default_tags, is_tag_character, tag_problem
from tests.models.aws_api import documentation, shape_at, shape_problems

#: Each service the stack tags a resource of, with its tag key and value shapes (botocore).
TAG_SHAPES = (
    ("ecs", "TagKey", "TagValue"),
    ("logs", "TagKey", "TagValue"),
    ("elbv2", "TagKey", "TagValue"),
    ("acm", "TagKey", "TagValue"),
    ("ssm", "TagKey", "TagValue"),
    ("lambda", "TagKey", "TagValue"),
    ("iam", "tagKeyType", "tagValueType"),
    ("kms", "TagKeyType", "TagValueType"),
    ("application-autoscaling", "TagKey", "TagValue"),
    ("cloudwatch", "TagKey", "TagValue"),
    ("events", "TagKey", "TagValue"),
    ("sns", "TagKey", "TagValue"),
)
#: The most tags a resource may carry: each list of tags whose shape has a maximum.
COUNT_SHAPES = (("ecs", "Tags"), ("logs", "Tags"), ("iam", "tagListType"), ("acm", "TagList"))


def aws_refuses(key: str, value: str) -> bool:
    by_shape = any(
        shape_problems(shape_at(svc, key_shape), key, "key") + shape_problems(shape_at(svc, value_shape), value, "v")
        for svc, key_shape, value_shape in TAG_SHAPES
    )
    ec2_key = len(key) > 127  # ec2 Tag.Key: "a maximum of 127 Unicode characters"
    reserved = any(text.lower().startswith("aws:") for text in (key, value))  # ecs Tag: keys or values
    return by_shape or ec2_key or reserved


#: Assigned characters only: the regex module and unicodedata may know different Unicode versions.
ASSIGNED = st.characters(exclude_categories=("Cn", "Cs"))
TEXT = st.text(ASSIGNED, max_size=8) | st.text(st.sampled_from("aA wWsS:#&é日٣\u2028_-@"), max_size=8)
LONG = st.builds(lambda n, c: c * n, st.sampled_from([126, 127, 128, 255, 256, 257]), st.sampled_from("a日"))


def test_the_limits_are_those_aws_documents() -> None:
    assert "a maximum of 127 Unicode characters" in documentation("ec2", "Tag.Key")
    assert "either keys or values" in documentation("ecs", "Tag")
    assert min(shape_at(svc, shape).metadata["max"] for svc, shape in COUNT_SHAPES) == MAX_TAGS


@given(ASSIGNED)
def test_a_character_is_a_tag_character_exactly_when_the_services_patterns_take_it(char: str) -> None:
    pattern_takes = not shape_problems(shape_at("ecs", "TagValue"), char, "value")
    assert is_tag_character(char) == pattern_takes


@given(TEXT | LONG, TEXT | LONG)
def test_a_tag_is_accepted_exactly_when_every_tagged_service_would_take_it(key: str, value: str) -> None:
    assert (tag_problem(key, value) != "") == aws_refuses(key, value)


@pytest.mark.parametrize(
    ("tags", "says"),
    [
        ({"cost-center": "R&D #42"}, "'#' '&'"),
        ({"aws:owner": "x"}, "key starts with aws:"),
        ({"AWS:Owner": "x"}, "key starts with AWS:"),
        ({"owner": "Aws:team"}, "value starts with Aws:"),
        ({"": "x"}, "key is 0 characters"),
    ],
)
def test_each_refused_tag_is_named_with_what_is_wrong(tags: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError) as error:
        check_default_tags("aws:defaultTags", tags, ())
    assert (error.value.key, error.value.value) == ("aws:defaultTags", tags) and says in error.value.allowed


@given(st.integers(40, 60), st.sets(st.sampled_from(["own", "role", "t0", "t1"]), max_size=3))
def test_default_tags_fit_when_with_each_resources_own_they_are_at_most_50_keys(count: int, own: set[str]) -> None:
    tags = {f"t{index}": "v" for index in range(count)}
    try:
        check_default_tags("aws:defaultTags", tags, [own])
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == (len(tags.keys() | own) <= MAX_TAGS)
