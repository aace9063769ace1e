"""The listener-rule priority changes of a plan that ELB refuses in some order ``pulumi up`` may run them in.

ELB holds a listener's priorities unique: ``CreateRule`` and ``SetRulePriorities`` refuse a priority another
rule of the listener holds (``PriorityInUse``; botocore elbv2 ``SetRulePriorities``: "Any existing rules that
you do not specify retain their current priority"). terraform-provider-aws ``elbv2/listener_rule.go`` moves
each rule on its own (Update calls ``SetRulePriorities`` with that one rule) and creates a rule at its own
priority. The engine runs the steps of rules that do not depend on each other in either order, and deletes
the rules a program no longer registers only after every create and update (pulumi/pulumi
``developer-docs/architecture/resource-registration.md``). So a rule's new priority that another rule of the
same listener held in the old plan is refused whenever this rule's step runs first, and always when the other
rule stays or is deleted; so is a priority two rules of the new plan share. ``tests/models/alb.py``
``pulumi_up`` runs the steps in every order: ``tests/unit/test_rule_priorities.py`` holds this to it.

The program's own pair: a traffic-shifting route's test rule sits one before its production rule
(``RouteSpec.test_rule_priority``), so ``listenerRulePriority`` moved by 1, or by -1 while
``deploymentTestHeader`` goes, lands one rule on the other's old priority.

Pure: no Pulumi import; ``tools/plan.py --diff`` prints these lines (against a ``--json`` plan: a URN baseline
records no priorities).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tools.takeovers import clashes, taken_over

LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
#: Why the change is refused, before what holds the priority.
REFUSED = (
    "ELB refuses a priority another rule of the listener holds (PriorityInUse), and the provider moves or "
    "creates each rule on its own, in whichever order the engine runs them"
)
#: How to make such a change in steps ELB takes in any order.
WAY_OUT = (
    "change listenerRulePriority by 2 or more at a time (the test rule sits 1 before it), and "
    "deploymentTestHeader in a pulumi up of its own: removed before the priority changes, added after"
)


#: What holds the priority, by ``takeovers.clashes``' kind: {name} is the rule, {p} the priority.
IN_THE_WAY = {
    "held": "{name} holds {p} until it is deleted, after every create and update",
    "kept": "{name} keeps {p}",
    "left": "{name} leaves {p} in the same run, maybe only after this step",
    "twin": "{name} takes {p} too",
}


@dataclass(frozen=True)
class Placed:
    """A listener rule of a ``--json`` plan: its URN, listener and priority."""

    urn: str
    listener: str
    priority: int

    @property
    def key(self) -> tuple[str, int]:
        """What ELB holds unique: a priority on a listener."""
        return self.listener, self.priority


def _placed(doc: Mapping[str, Any]) -> Iterator[Placed]:
    for resource in doc["resources"]:
        inputs = resource.get("inputs", {})
        if resource["type"] == LISTENER_RULE and "priority" in inputs:
            yield Placed(resource["urn"], str(inputs.get("listenerArn")), int(inputs["priority"]))


def _steps(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[Placed, Placed | None]]:
    """Each listener rule of ``after``: updated in place when it takes over an old rule (``takeovers``) on the
    same listener, else created (a replacement's old copy is deleted last)."""
    old = {placed.urn: placed for placed in _placed(before)}
    takes = taken_over(before, after)
    found = []
    for placed in _placed(after):
        was = old.get(takes[placed.urn]["urn"]) if placed.urn in takes else None
        found.append((placed, was if was is not None and was.listener == placed.listener else None))
    return found


def collisions(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``<urn>  (<change>): <why>`` for each listener rule of ``after`` whose create or priority update ELB
    refuses in some order ``pulumi up`` may run the steps in: its new priority is one another rule of its
    listener held in ``before`` or takes in ``after``. Nothing against a plan without inputs."""
    lines = []
    for here, was, why in clashes(list(_placed(before)), _steps(before, after)):
        reasons = [IN_THE_WAY[kind].format(name=other.urn.rpartition("::")[2], p=here.priority) for kind, other in why]
        change = f"priority: {was.priority} -> {here.priority}" if was else f"created at priority {here.priority}"
        lines.append(f"{here.urn}  ({change}): {REFUSED}: " + "; ".join(reasons) + f". Instead, {WAY_OUT}")
    return sorted(lines)
