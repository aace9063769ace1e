"""What a preview does not know is read as unknown, never mistaken for absent, and nothing else is
swallowed (``policy/unknowns.py``)."""

from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN
from pulumi_policy.proxy import UnknownValueError

from tests.policy.engine import engine
from unknowns import Index, StackResource, Unknown, elements, guarded, known, read, references

GROUP = "aws:ec2/securityGroup:SecurityGroup"
LB = "aws:lb/loadBalancer:LoadBalancer"


def test_an_unknown_value_reads_as_unknown_and_an_absent_one_as_none() -> None:
    props = engine({"id": UNKNOWN, "name": "web"})
    assert isinstance(read(props, "id"), Unknown) and read(props, "arn") is None
    assert known(props, "id") is None and known(props, "name") == "web"


def test_a_list_keeps_its_known_elements_and_counts_its_unknown_ones() -> None:
    found, unknown = elements(engine({"groups": ["sg-1", UNKNOWN]})["groups"])
    assert found == ["sg-1"] and len(unknown) == 1


def test_only_the_sdks_unknown_error_is_taken_for_an_unknown() -> None:
    def fails() -> list[Any]:
        raise KeyError("id")

    with pytest.raises(KeyError):
        guarded(fails)
    _, unknown = guarded(lambda: [engine({"id": UNKNOWN})["id"]])
    assert isinstance(unknown[0].error, UnknownValueError)


def stack(*resources: tuple[str, dict[str, Any], str, dict[str, list[str]]]) -> list[StackResource]:
    return [StackResource(t, engine(props), urn, depends) for t, props, urn, depends in resources]


def test_an_unknown_reference_is_joined_to_the_group_it_came_from_and_a_known_one_by_its_id() -> None:
    resources = stack(
        (GROUP, {"id": UNKNOWN}, "urn:new", {}),
        (GROUP, {"id": "sg-old"}, "urn:old", {}),
        (LB, {"securityGroups": [UNKNOWN, "sg-old"]}, "urn:lb", {"securityGroups": ["urn:new", "urn:old"]}),
    )
    groups = Index.of(resources, (GROUP,), lambda props: known(props, "id"))
    assert references(groups, resources[2], "securityGroups") == ({"urn:new", "urn:old"}, [])


def test_an_unknown_reference_that_came_from_no_group_is_left_undecided() -> None:
    resources = stack((LB, {"securityGroups": UNKNOWN}, "urn:lb", {"securityGroups": ["urn:a-bucket"]}))
    groups = Index.of(resources, (GROUP,), lambda props: known(props, "id"))
    named, unknown = references(groups, resources[0], "securityGroups")
    assert named == set() and len(unknown) == 1
