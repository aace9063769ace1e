"""How an Application Load Balancer listener routes a request, and what it refuses to create.

From the ELB guide ("Listener rules", "Path conditions") and API reference: rules are evaluated in
priority order, lowest number first, and the first rule whose conditions match wins; the default
action runs only when no rule matches. Priorities are unique per listener (``PriorityInUse``) and run
1-50000. A path-pattern condition takes at most 3 values, is case-sensitive, matches the path only
(not the query string), with ``*`` for 0 or more characters and ``?`` for exactly one. A rule holds at
most 5 wildcards in all its condition values ("Quotas for your Application Load Balancers", Rules:
"Condition wildcards per rule", not adjustable; the Japanese edition prints 6, the lower is taken).

A priority moves with ``SetRulePriorities`` (botocore elbv2): "You can reorder the rules as long as there
are no priority conflicts in the new order. Any existing rules that you do not specify retain their
current priority" (``PriorityInUse`` otherwise). terraform-provider-aws ``elbv2/listener_rule.go``
(at 032c4f0) calls it from Update with the one rule being updated, and ``CreateRule`` with the rule's
own priority from Create. ``pulumi_up`` applies a plan's listener-rule steps as the engine runs them
(pulumi/pulumi ``developer-docs/architecture/resource-registration.md``): creates and updates of rules
that do not depend on each other in any order ("chains may be executed in parallel"), the run cancelled
at the first failure; a rule the program no longer registers (or a replaced one's old copy) is deleted
only "once the Pulumi program has exited", so it holds its priority until every create and update ran.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

#: The header names the load balancer keeps with ``routing.http.drop_invalid_header_fields.enabled`` (the stack
#: turns it on): "Elastic Load Balancing requires that message header names conform to the regular expression
#: [-A-Za-z0-9]+" (ELB guide, "Load balancer attributes"); the others are removed before routing.
VALID_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+")


def headers_kept(headers: dict[str, str], *, drop_invalid: bool) -> dict[str, str]:
    """The request's headers the listener rules see."""
    return {name: value for name, value in headers.items() if not drop_invalid or VALID_HEADER_NAME.fullmatch(name)}


#: How a header condition compares a request's value (botocore elbv2 ``HttpHeaderConditionConfig.Values``).
HEADER_VALUES_SAY = "The comparison strings are case insensitive"


def header_value_matches(condition: str, value: str) -> bool:
    """Whether a request's header ``value`` meets one of a header condition's strings: case-insensitively, ``*``
    matching 0 or more characters and ``?`` exactly one (``HttpHeaderConditionConfig.Values``)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in condition)
    return re.fullmatch(regex, value, re.IGNORECASE) is not None


class RuleRefusedError(Exception):
    """What the ELB API answers to a rule it will not create (``PriorityInUse``, ``ValidationError``)."""


def pattern_matches(pattern: str, path: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path.split("?", 1)[0]) is not None


@dataclass(frozen=True)
class Rule:
    priority: float
    patterns: tuple[str, ...]
    target: str
    name: str = ""
    """The rule's identity (its ARN) for ``set_rule_priorities`` and ``delete_rule``."""


@dataclass
class Listener:
    default: str
    rules: list[Rule] = field(default_factory=list)

    def add(self, rule: Rule) -> None:
        if not 1 <= rule.priority <= 50000:
            raise RuleRefusedError(f"priority {rule.priority} is outside 1-50000")
        if any(existing.priority == rule.priority for existing in self.rules):
            raise RuleRefusedError(f"PriorityInUse: {rule.priority}")
        if not 1 <= len(rule.patterns) <= 3:
            raise RuleRefusedError(f"a path-pattern condition takes 1 to 3 values, got {len(rule.patterns)}")
        if (wildcards := sum(p.count("*") + p.count("?") for p in rule.patterns)) > 5:
            raise RuleRefusedError(f"a rule takes at most 5 condition wildcards, got {wildcards}")
        self.rules.append(rule)

    def set_rule_priorities(self, priorities: Mapping[str, float]) -> None:
        """ELB ``SetRulePriorities``: the named rules take the new priorities, the others keep theirs, and a
        priority two rules would then share is refused (``PriorityInUse``), changing nothing."""
        if missing := priorities.keys() - {rule.name for rule in self.rules}:
            raise RuleRefusedError(f"RuleNotFound: {sorted(missing)}")
        if outside := [p for p in priorities.values() if not 1 <= p <= 50000]:
            raise RuleRefusedError(f"priority {outside[0]} is outside 1-50000")
        moved = [replace(rule, priority=priorities.get(rule.name, rule.priority)) for rule in self.rules]
        held = Counter(rule.priority for rule in moved)
        if clashes := [p for p in priorities.values() if held[p] > 1]:
            raise RuleRefusedError(f"PriorityInUse: {clashes[0]}")
        self.rules = moved

    def add_registered(self, inputs: dict, target_names: dict[str, str]) -> None:
        """Add a rule from the inputs of a registered ``aws:lb/listenerRule:ListenerRule``."""
        ((condition,),) = [inputs["conditions"]]
        (action,) = inputs["actions"]
        arn = str(action["targetGroupArn"])
        target = target_names.get(arn, arn)
        self.add(Rule(inputs["priority"], tuple(condition["pathPattern"]["values"]), target))

    def route(self, path: str) -> str:
        for rule in sorted(self.rules, key=lambda r: r.priority):
            if any(pattern_matches(p, path) for p in rule.patterns):
                return rule.target
        return self.default


def elb_refuses_name(name: str, *, load_balancer: bool) -> str | None:
    """Why ``CreateLoadBalancer``/``CreateTargetGroup`` refuse ``name`` (ELB API reference), or None: at
    most 32 characters, only alphanumerics and hyphens, no hyphen first or last, and a load balancer's
    not beginning with ``internal-``."""
    if len(name) > 32:
        return "longer than 32"
    if not re.fullmatch(r"[A-Za-z0-9-]+", name) or name.startswith("-") or name.endswith("-"):
        return "characters"
    if load_balancer and name.startswith("internal-"):
        return "internal-"
    return None


class ResourceInUseError(Exception):
    """What ``DeleteTargetGroup`` answers for a group a rule's action still forwards to."""


def forwarded(actions: list[dict]) -> set[str]:
    """The target group ARNs a rule's ``actions`` (Pulumi's inputs) forward to."""
    arns = {str(a["targetGroupArn"]) for a in actions if "targetGroupArn" in a}
    return arns | {str(g["arn"]) for a in actions for g in a.get("forward", {}).get("targetGroups", [])}


def delete_target_group(arn: str, rules: list[list[dict]]) -> None:
    """ELB ``DeleteTargetGroup``: "You can delete a target group if it is not referenced by any actions"
    (botocore elbv2 service-2.json); the provider retries ResourceInUse for 2 minutes, then fails."""
    if any(arn in forwarded(actions) for actions in rules):
        raise ResourceInUseError(f"target group {arn} is currently in use by a listener or a rule")


@dataclass(frozen=True)
class Placed:
    """Where a plan puts a listener rule: its listener and priority."""

    listener: str
    priority: int


def _step(listener: Listener, name: str, place: Placed, in_place: bool) -> None:
    """The provider's one call for a rule's priority: ``SetRulePriorities`` of it alone when it is updated in
    place, else ``CreateRule`` (a new rule, or a replaced one's new copy)."""
    if in_place:
        listener.set_rule_priorities({name: place.priority})
    else:
        listener.add(Rule(place.priority, ("/*",), name, name=f"{name} (new)"))


def pulumi_up(before: Mapping[str, Placed], after: Mapping[str, Placed]) -> set[str]:
    """The rules of ``after`` whose step ELB refuses, in some order the engine may run a ``pulumi up`` from
    ``before`` in (rules by URN; the paths play no part). A rule on the same listener in both is updated in
    place; any other rule of ``after`` is created; the rules of ``before`` not updated in place are deleted
    after all of them, so they hold their priorities throughout."""
    in_place = {n for n, p in after.items() if n in before and before[n].listener == p.listener}
    steps = [n for n, p in after.items() if n not in in_place or before[n].priority != p.priority]
    refused: set[str] = set()
    for order in itertools.permutations(steps):
        listeners: dict[str, Listener] = {}
        for name, place in before.items():
            listeners.setdefault(place.listener, Listener(default="")).add(Rule(place.priority, ("/*",), name, name))
        for name in order:
            place = after[name]
            try:
                _step(listeners.setdefault(place.listener, Listener(default="")), name, place, name in in_place)
            except RuleRefusedError:
                refused.add(name)
                break  # the engine cancels the run at a failed step (step_executor.go, cancelDueToError)
    return refused
