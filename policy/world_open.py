"""Ingress from the world: only on load-balancer listener ports, and only on a load balancer's own
security group (one no task uses too).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .ingress import INGRESS_TYPES, SECURITY_GROUPS, group_id, ingress_rules
    from .load_balancers import LOAD_BALANCERS
    from .rule_types import Config, Props, Rule, StackRule
    from .unknowns import Index, StackResource, Unknown, decided, guarded, references, shown_all
else:
    from ingress import INGRESS_TYPES, SECURITY_GROUPS, group_id, ingress_rules
    from load_balancers import LOAD_BALANCERS
    from rule_types import Config, Props, Rule, StackRule
    from unknowns import Index, StackResource, Unknown, decided, guarded, references, shown_all


DEFAULT_LOAD_BALANCER_PORTS = [80, 443]
#: A CIDR broader than this many prefix bits counts as open to the world (0.0.0.0/1 is, 10.0.0.0/8 is not).
DEFAULT_WORLD_PREFIX = {"minIpv4PrefixLength": 8, "minIpv6PrefixLength": 32}
#: Config of the rules about world-open ingress: the listener ports, and how broad a CIDR counts as the world.
WORLD_OPEN_CONFIG: Mapping[str, Any] = {
    "loadBalancerPorts": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_LOAD_BALANCER_PORTS},
    "minIpv4PrefixLength": {"type": "integer", "minimum": 0, "maximum": 32, "default": 8},
    "minIpv6PrefixLength": {"type": "integer", "minimum": 0, "maximum": 128, "default": 32},
}


def is_world(cidr: Any, config: Config) -> bool:
    """True for a CIDR broader than the configured prefix lengths (0.0.0.0/0, 0.0.0.0/1, ::/16 ...)."""
    if not cidr:
        return False
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    key = "minIpv4PrefixLength" if network.version == 4 else "minIpv6PrefixLength"
    return network.prefixlen < int(config.get(key, DEFAULT_WORLD_PREFIX[key]))


def _no_world_open_ingress(resource_type: str, props: Props, config: Config) -> list[str]:
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    found: list[str] = []
    for rule in ingress_rules(resource_type, props):
        opened = [c for c in rule.cidrs if is_world(c, config)]
        single_tcp = rule.protocol in ("tcp", "6") and rule.ports[0] == rule.ports[1]
        if opened and not (single_tcp and rule.ports[0] in allowed):
            found += [
                f"Ingress from {cidr} on {rule.protocol} ports {rule.ports[0]}-{rule.ports[1]}; only load-balancer "
                f"listener ports {list(allowed)} may be open to the world. Admit a security group or specific "
                "CIDRs instead."
                for cidr in opened
            ]
    return found


def _world_ports_on_load_balancers_only(resources: Sequence[StackResource], config: Config) -> list[str]:
    """A listener port may be open to the world only on a security group a load balancer uses and no ECS
    service's tasks do: every shape of ingress rule (``ingress.py``), IPv4 and IPv6 alike. A group is
    named by its ID, or in a preview, where a new group's ID is unknown, by the URN of the group the
    reference came from (``unknowns.references``); a reference that came from no group of the stack waits
    for ``up``."""
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    groups = Index.of(resources, SECURITY_GROUPS, group_id)
    used, waiting = _named_by(groups, resources, LOAD_BALANCERS, "securityGroups")
    tasks, unknown_tasks = _named_by(groups, resources, (_SERVICE,), _TASK_GROUPS)
    found: list[str] = []
    undecided: list[Unknown] = []
    for resource in resources:
        rules, unknown = guarded(lambda r=resource: ingress_rules(r.type, r.props))
        undecided += unknown
        for rule in rules:
            opened = [c for c in rule.cidrs if is_world(c, config)]
            if not (opened and rule.ports[0] == rule.ports[1] and rule.ports[0] in allowed):
                continue
            on, unknown = _ingress_group(groups, resource, rule.group)
            if on & used and not on & tasks:
                undecided += unknown_tasks
                continue
            if unknown or waiting:
                undecided += unknown or waiting
                continue
            found.append(
                f"Port {rule.ports[0]} is open to {opened[0]} on {rule.group or shown_all(on)}, "
                + (
                    "which an ECS service's tasks use too: the world reaches the tasks past the load balancer; "
                    "give the tasks a group that admits the load balancer's."
                    if on & used
                    else "which no load balancer uses; only a load balancer's own security group may take "
                    "traffic from the world."
                )
            )
    return decided(found, undecided)


#: An ECS service's tasks take the traffic their groups admit, straight to their ENIs (awsvpc), so a
#: world-open group is a load balancer's own only while no task uses it too.
_SERVICE = "aws:ecs/service:Service"
_TASK_GROUPS = "networkConfiguration.securityGroups"


def _named_by(
    groups: Index, resources: Sequence[StackResource], types: Sequence[str], key: str
) -> tuple[set[str], list[Unknown]]:
    """The groups the resources of ``types`` name in ``key``, and what waits for a value to name one."""
    named: set[str] = set()
    waiting: list[Unknown] = []
    for resource in resources:
        if resource.type in types:
            some, unknown = references(groups, resource, key)
            named, waiting = named | some, waiting + unknown
    return named, waiting


def _ingress_group(groups: Index, resource: StackResource, group: str | None) -> tuple[set[str], list[Unknown]]:
    """The group an ingress rule admits into: a group's inline rules its own, a rule resource's the one
    its ``securityGroupId`` names."""
    if resource.type in SECURITY_GROUPS:
        return {resource.urn or str(group)}, []
    return references(groups, resource, "securityGroupId")


NO_WORLD_OPEN_INGRESS = Rule(
    "no-world-open-ingress",
    "No ingress from 0.0.0.0/0 or ::/0 except load-balancer listener ports.",
    INGRESS_TYPES,  # every shape of ingress rule, the VPC's default group's among them (ingress.py)
    _no_world_open_ingress,
    WORLD_OPEN_CONFIG,
    anchors=("EC2.18", "EC2.19", "AwsSolutions-EC23"),
)

ONLY_ON_LOAD_BALANCERS = StackRule(
    "world-open-only-on-load-balancers",
    "Listener ports open to the world only on a load balancer's own security group.",
    _world_ports_on_load_balancers_only,
    WORLD_OPEN_CONFIG,
    anchors=("EC2.18",),
)
