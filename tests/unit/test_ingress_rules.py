"""A plan's ingress rule changes are flagged exactly when EC2 refuses one in some order ``pulumi up`` may run
them in: the models (``tests/models/ec2_security_groups.py``, ``tests/models/pulumi_steps.py``) run the steps
in every order, the plan reads two plans. The old plans are a stack deployed before 0.5.0, its load balancer's
rules named by their place in ``allowedCidrs``."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.components.ingress_programs import CIDRS, A, B, C, deployed, positional, program
from tests.models.ec2_security_groups import RuleRefusedError, SecurityGroups
from tests.models.pulumi_steps import Wanted, up
from tests.models.pulumi_steps import plan as plan_steps
from tools.ingress_rules import INGRESS_RULE, duplicates
from tools.plan import CANNOT, diff


def plan(rules: tuple[Wanted, ...]) -> dict[str, Any]:
    """A ``--json`` plan of those rules (the parts the diff reads)."""
    return {
        "resources": [
            {
                "type": INGRESS_RULE,
                "name": rule.urn.rpartition("::")[2],
                "urn": rule.urn,
                "aliases": list(rule.aliases),
                "physical": {},
                "inputs": json.loads(json.dumps(rule.inputs, default=str)),
            }
            for rule in rules
        ]
    }


def refused_first(before: tuple[str, ...], after: tuple[str, ...], domain: bool = False) -> set[str]:
    """The rules of ``after`` EC2 refuses when their step runs before any other, as 0.4.0's place-named stack
    of ``before`` is upgraded to ``after``."""
    old, new = positional(program(before, domain)), program(after, domain)
    steps, _ = plan_steps(deployed(SecurityGroups(), old), new, SecurityGroups().replaces)
    refused = set()
    for index, rule in enumerate(new):
        ec2 = SecurityGroups()
        state = deployed(ec2, old)
        calls = len(ec2.calls)
        if steps[index].op == "same":  # no call to EC2
            continue
        try:
            up(ec2, state, new, [index, *(i for i in range(len(new)) if i != index)])
        except RuleRefusedError:
            if len(ec2.calls) == calls + 1:
                refused.add(rule.urn)
    return refused


def refused_in_some_order(before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    for order in itertools.permutations(range(len(program(after)))):
        ec2 = SecurityGroups()
        try:
            up(ec2, deployed(ec2, positional(program(before))), program(after), order)
        except RuleRefusedError:
            return True
    return False


def flagged(before: tuple[str, ...], after: tuple[str, ...], domain: bool = False) -> set[str]:
    lines = diff(plan(positional(program(before, domain))), plan(program(after, domain)))
    return {line.split()[1] for line in lines if line.startswith(f"{CANNOT} ")}


@examples(max_examples=200, deadline=None)
@given(before=CIDRS, after=CIDRS)
def test_the_plan_flags_a_change_exactly_when_ec2_refuses_it_in_some_order_of_the_steps(before, after) -> None:
    assert bool(flagged(before, after)) == refused_in_some_order(before, after), (before, after)


@examples(max_examples=200, deadline=None)
@given(before=CIDRS, after=CIDRS, domain=st.booleans())
def test_the_plan_flags_exactly_the_rules_ec2_refuses_when_their_step_runs_first(before, after, domain) -> None:
    """A rule is refused in some order exactly when it is refused run first, while every old rule stands."""
    assert flagged(before, after, domain) == refused_first(before, after, domain), (before, after, domain)


@given(cidrs=CIDRS)
def test_an_upgrade_with_the_list_unchanged_renames_each_rule_and_creates_or_deletes_none(cidrs) -> None:
    lines = diff(plan(positional(program(cidrs))), plan(program(cidrs)))
    assert not [line for line in lines if line.startswith(("+", "-", CANNOT))]
    renamed = [line for line in lines if line.startswith("~ ")]
    assert len(renamed) == len(cidrs) and all("  (renamed from web-ingress-" in line for line in renamed)


def test_a_reordered_list_shows_each_rule_renamed_with_its_new_cidr_and_flags_both() -> None:
    lines = diff(plan(positional(program((A, B)))), plan(program((B, A))))
    changed = lines.index(f"~ {INGRESS_RULE}  web-ingress-80-198-51-100-7-32  (renamed from web-ingress-0)")
    assert lines[changed + 1] == f'    cidrIpv4: "{A}" -> "{B}"'
    refused = [line for line in lines if line.startswith(CANNOT)]
    assert len(refused) == 2 and all("InvalidPermission.Duplicate" in line for line in refused)
    assert "web-ingress-1 leaves it in the same run, maybe only after this step" in refused[0]
    assert refused[0].endswith("upgrade with allowedCidrs unchanged first (the CIDRs the old rules hold, in their "
                               "order: nothing changes in AWS), then change it (README, Troubleshooting: "
                               "InvalidPermission.Duplicate)")  # fmt: skip


def test_a_rule_created_onto_a_cidr_an_old_rule_holds_is_flagged_with_what_holds_it() -> None:
    """[A] -> [C, A]: the old rule 0 moves from A to C, and A's rule is created, refused if it runs first."""
    (line,) = duplicates(plan(positional(program((A,)))), plan(program((C, A))))
    assert f"web-ingress-80-203-0-113-0-24  (created: tcp 80 from {A})" in line
    assert "web-ingress-0 leaves it in the same run" in line


def test_rules_with_their_own_names_on_both_sides_are_never_flagged() -> None:
    assert duplicates(plan(program((A, B))), plan(program((B, C)))) == []
