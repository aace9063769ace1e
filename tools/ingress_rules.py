"""The security group ingress rule changes of a plan that EC2 refuses in some order ``pulumi up`` may run them in.

EC2 holds a group's rules unique: a rule equal to one the group has (same protocol, ports and source, a CIDR
canonicalized) is a duplicate rule error (``InvalidPermission.Duplicate``; botocore ec2
``SecurityGroupRuleRequest``), on AuthorizeSecurityGroupIngress and ModifySecurityGroupRules alike.
terraform-provider-aws ``internal/service/ec2/vpc_security_group_ingress_rule.go`` creates a rule with the
one and updates it in place with the other, each rule on its own. The engine runs the steps of rules on one
group in either order, and deletes the rules a program no longer registers only after every create and update
(pulumi/pulumi ``pkg/resource/deploy/deployment_executor.go``, ``performPostSteps``). So a rule created, or
changed in place, to what another rule of its group held in the old plan is refused whenever its step runs
first, and always when the other rule stays or is deleted; so is a rule two rules of the new plan make.
``tests/models/ec2_security_groups.py`` and ``tests/models/pulumi_steps.py`` run the steps in every order:
``tests/unit/test_ingress_rules.py`` holds this to them.

The program's own case: a stack deployed before 0.5.0 named its load balancer's rules by their place in
``allowedCidrs``; their aliases hand each place to the rule of that place's new CIDR, so a list reordered or
shortened in the upgrade's ``up`` moves a rule onto a CIDR another old rule holds.

Pure: no Pulumi import; ``tools/plan.py --diff`` prints these lines (against a ``--json`` plan: a URN baseline
records no CIDRs).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tools.takeovers import clashes, taken_over

INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
#: A rule's source is one of these (terraform-provider-aws: exactly one is set).
SOURCES = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")
REFUSED = (
    "EC2 refuses a rule its security group holds already (InvalidPermission.Duplicate), and the provider "
    "creates or modifies each rule on its own, in whichever order the engine runs them"
)
#: README, Troubleshooting, "InvalidPermission.Duplicate".
WAY_OUT = (
    "upgrade with allowedCidrs unchanged first (the CIDRs the old rules hold, in their order: nothing changes "
    "in AWS), then change it (README, Troubleshooting: InvalidPermission.Duplicate)"
)
#: What holds the rule, by ``takeovers.clashes``' kind: {name} is the other rule.
IN_THE_WAY = {
    "held": "{name} holds it until it is deleted, after every create and update",
    "kept": "{name} keeps it",
    "left": "{name} leaves it in the same run, maybe only after this step",
    "twin": "{name} makes it too",
}


@dataclass(frozen=True)
class Held:
    """An ingress rule of a ``--json`` plan: its URN and what EC2 compares (group, protocol, ports, source)."""

    urn: str
    key: tuple[str, str, int, int, str]

    @property
    def what(self) -> str:
        _, protocol, low, high, source = self.key
        return f"{protocol} {low if low == high else f'{low}-{high}'} from {source.partition('=')[2]}"


def _key(inputs: Mapping[str, Any]) -> tuple[str, str, int, int, str]:
    source = next((name for name in SOURCES if inputs.get(name) is not None), "")
    value = str(inputs.get(source))
    if source.startswith("cidr"):
        # As EC2 compares them: 203.0.113.7/24 is 203.0.113.0/24.
        value = str(ipaddress.ip_network(value, strict=False))
    ports = (int(inputs.get("fromPort", -1)), int(inputs.get("toPort", -1)))
    return str(inputs.get("securityGroupId")), str(inputs.get("ipProtocol")), *ports, f"{source}={value}"


def _replaced_by(was: Held, here: Held) -> bool:
    # The provider replaces a rule given another group or a source of another kind (RequiresReplace).
    return was.key[0] != here.key[0] or was.key[4].partition("=")[0] != here.key[4].partition("=")[0]


def _held(doc: Mapping[str, Any]) -> Iterator[tuple[Mapping[str, Any], Held]]:
    for resource in doc["resources"]:
        if resource["type"] == INGRESS_RULE and "inputs" in resource:
            yield resource, Held(resource["urn"], _key(resource["inputs"]))


def duplicates(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``<urn>  (<change>): <why>`` for each ingress rule of ``after`` whose create or in-place change EC2
    refuses in some order ``pulumi up`` may run the steps in: it makes a rule another rule of its group held
    in ``before`` or makes in ``after``. A rule takes over an old one (``takeovers``) in place unless it is
    replaced (another group or kind of source). Nothing against a plan without inputs."""
    old = {held.urn: held for _, held in _held(before)}
    takes = taken_over(before, after)
    steps: list[tuple[Held, Held | None]] = []
    for _, here in _held(after):
        was = old.get(takes[here.urn]["urn"]) if here.urn in takes else None
        steps.append((here, was if was is not None and not _replaced_by(was, here) else None))
    lines = []
    for here, was, why in clashes(list(old.values()), steps):
        reasons = [IN_THE_WAY[kind].format(name=other.urn.rpartition("::")[2]) for kind, other in why]
        change = f"{was.what} -> {here.what}" if was else f"created: {here.what}"
        lines.append(f"{here.urn}  ({change}): {REFUSED}: " + "; ".join(reasons) + f". Instead, {WAY_OUT}")
    return sorted(lines)
