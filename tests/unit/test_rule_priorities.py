"""A plan's listener-rule priority changes are flagged exactly when ELB refuses one in some order ``pulumi up``
may run them in: the model (``tests/models/alb.py``) runs the steps in every order, the plan reads two plans."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from components.edge.route_spec import RouteSpec
from components.service.deployment_strategy import DeploymentStrategy
from tests.models import alb
from tests.models.aws_api import service
from tools.rule_priorities import LISTENER_RULE, collisions

CANARY = DeploymentStrategy(kind="canary")
HEADER = ("x-deploy-test", "0123456789abcdef" * 2)
PREFIX = "urn:pulumi:prod::graviton-node::graviton-node:service_route:ServiceRoute$aws:lb/listenerRule:ListenerRule::"
#: How one service's route stands in a plan: its listener, listenerRulePriority, and whether it has a test header.
Route = tuple[str, int, bool]


def placed(routes: dict[str, Route]) -> dict[str, alb.Placed]:
    """Each service's rules where the program puts them: production at its priority, the test rule at
    ``RouteSpec.test_rule_priority``."""
    rules = {}
    for service_name, (listener, priority, header) in routes.items():
        spec = RouteSpec(listener_rule_priority=priority, path_patterns=(f"/{service_name}/*",), deployment=CANARY,
                         test_header=HEADER if header else None)  # fmt: skip
        rules[f"{PREFIX}{service_name}-rule"] = alb.Placed(listener, spec.listener_rule_priority)
        if header:
            rules[f"{PREFIX}{service_name}-test-rule"] = alb.Placed(listener, spec.test_rule_priority)
    return rules


def plan(rules: dict[str, alb.Placed]) -> dict[str, Any]:
    """A ``--json`` plan of those rules (the parts the diff reads)."""
    return {
        "resources": [
            {
                "type": LISTENER_RULE,
                "urn": urn,
                "aliases": [],
                "inputs": {"listenerArn": a.listener, "priority": a.priority},
            }
            for urn, a in rules.items()
        ]
    }


def flagged(before: dict[str, alb.Placed], after: dict[str, alb.Placed]) -> set[str]:
    return {line.split("  ", 1)[0] for line in collisions(plan(before), plan(after))}


ROUTES = st.dictionaries(
    st.sampled_from(["a", "b"]),
    st.tuples(st.sampled_from(["http", "https"]), st.integers(2, 7), st.booleans()),
)


@examples(max_examples=400, deadline=None)
@given(before=ROUTES, after=ROUTES)
def test_the_plan_flags_exactly_the_rules_elb_refuses_in_some_order_of_the_steps(
    before: dict[str, Route], after: dict[str, Route]
) -> None:
    old, new = placed(before), placed(after)
    # What AWS holds: one rule a priority on each listener.
    assume(len(set(old.values())) == len(old))
    assert flagged(old, new) == alb.pulumi_up(old, new), (before, after)


@pytest.mark.parametrize(
    ("before", "after", "refused"),
    [
        ((100, True), (101, True), {"test-rule"}),
        ((100, True), (99, True), {"rule"}),
        ((100, True), (102, True), set()),
        ((100, True), (98, True), set()),
        ((100, False), (101, True), {"test-rule"}),
        ((100, True), (99, False), {"rule"}),
        ((100, True), (100, False), set()),
        ((100, False), (100, True), set()),
    ],
)
def test_a_priority_moved_by_one_or_with_the_test_header_in_the_same_run_is_flagged(
    before: tuple[int, bool], after: tuple[int, bool], refused: set[str]
) -> None:
    old, new = placed({"app": ("http", *before)}), placed({"app": ("http", *after)})
    assert flagged(old, new) == alb.pulumi_up(old, new) == {f"{PREFIX}app-{rule}" for rule in refused}


def test_a_rule_removed_with_the_header_holds_its_priority_to_the_end_so_taking_it_is_always_refused() -> None:
    old, new = placed({"app": ("http", 100, True)}), placed({"app": ("http", 99, False)})
    (line,) = collisions(plan(old), plan(new))
    assert "(priority: 100 -> 99)" in line and "app-test-rule holds 99 until it is deleted" in line
    assert line.endswith("removed before the priority changes, added after")


def test_rules_moved_to_another_listener_take_no_priority_of_the_old_one() -> None:
    old, new = placed({"app": ("http", 100, True)}), placed({"app": ("https", 99, True)})
    assert flagged(old, new) == alb.pulumi_up(old, new) == set()


def test_a_rule_known_by_an_alias_is_moved_in_place() -> None:
    old = placed({"app": ("http", 100, True)})
    after = plan(placed({"app": ("http", 101, True)}))
    for resource in after["resources"]:
        resource["aliases"], resource["urn"] = [resource["urn"]], resource["urn"].replace("prod", "moved", 1)
    (line,) = collisions(plan(old), after)
    assert line.startswith("urn:pulumi:moved::") and "(priority: 99 -> 100)" in line


def test_set_rule_priorities_keeps_the_rules_it_does_not_name_and_refuses_a_priority_one_holds() -> None:
    """botocore elbv2 SetRulePriorities, as the model reads it."""
    operation: Any = service("elbv2").operation_model("SetRulePriorities")  # botocore ships no types
    assert "Any existing rules that you do not specify retain their current priority" in operation.documentation
    assert "PriorityInUseException" in [error.name for error in operation.error_shapes]
    listener = alb.Listener(default="404")
    listener.add(alb.Rule(99, ("/a",), "test", name="test"))
    listener.add(alb.Rule(100, ("/a",), "production", name="production"))
    with pytest.raises(alb.RuleRefusedError, match="PriorityInUse: 100"):
        listener.set_rule_priorities({"test": 100})
    listener.set_rule_priorities({"production": 101})
    listener.set_rule_priorities({"test": 100})
    assert [(rule.name, rule.priority) for rule in listener.rules] == [("test", 100), ("production", 101)]
