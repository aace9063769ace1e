"""A new plan's resources take over the old ones as the engine's ``getOldResource`` matches them: the URN first,
then an alias, never a URN another new resource registers."""

from typing import Any

from tools.plan import CANNOT, CLAIMED_TWICE, diff
from tools.takeovers import claimed_twice, taken_over


def plan(*resources: tuple[str, list[str]]) -> dict[str, Any]:
    return {"resources": [{"urn": urn, "aliases": aliases} for urn, aliases in resources]}


def test_a_resource_takes_over_the_old_one_of_its_own_urn_before_any_alias() -> None:
    found = taken_over(plan(("a", []), ("b", [])), plan(("a", ["b"])))
    assert {new: old["urn"] for new, old in found.items()} == {"a": "a"}


def test_a_renamed_resource_takes_over_the_old_one_its_alias_names() -> None:
    found = taken_over(plan(("old", [])), plan(("new", ["old"])))
    assert {new: old["urn"] for new, old in found.items()} == {"new": "old"}


def test_an_alias_naming_a_urn_another_new_resource_registers_is_a_program_the_engine_refuses() -> None:
    after = plan(("a", []), ("b", ["a"]))
    found = taken_over(plan(("a", [])), after)
    assert {new: old["urn"] for new, old in found.items()} == {"a": "a"}
    assert claimed_twice(after) == ["a"]
    assert claimed_twice(plan(("a", ["old"]), ("b", ["older"]))) == []


def test_an_old_resource_two_new_ones_alias_is_paired_with_the_first_only() -> None:
    """The engine refuses such a program (a duplicate alias); the plan shows the second as created."""
    found = taken_over(plan(("old", [])), plan(("x", ["old"]), ("y", ["old"])))
    assert {new: old["urn"] for new, old in found.items()} == {"x": "old"}


def test_the_diff_marks_a_urn_two_resources_claim() -> None:
    def resource(name: str, aliases: list[str]) -> dict[str, Any]:
        return {"urn": f"urn:{name}", "type": "aws:sns/topic:Topic", "name": name, "inputs": {}, "aliases": aliases}

    before = {"resources": [resource("a", [])]}
    after = {"resources": [resource("a", []), resource("b", ["urn:a"])]}
    assert f"{CANNOT} urn:a: {CLAIMED_TWICE}" in diff(before, after)
