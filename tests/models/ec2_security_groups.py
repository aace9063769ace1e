"""A security group's inbound rules as EC2 keeps them, and as the provider's ingress rule resource calls EC2.

EC2: a rule is its group, protocol, port range and source, and a group holds each rule once: EC2
canonicalizes a CIDR (100.68.0.18/18 is 100.68.0.0/18) and answers a second rule equal to one the group has
with a duplicate rule error (``DUPLICATE``), on AuthorizeSecurityGroupIngress (``InvalidPermission.Duplicate``,
EC2 API reference, "Error codes") and on ModifySecurityGroupRules alike, which takes its rule in that same
shape (``SecurityGroupRuleUpdate.SecurityGroupRule``). A group holds at most its quota of inbound rules
(Amazon VPC User Guide, "Amazon VPC quotas": "Inbound or outbound rules per security group", default 60;
``RulesPerSecurityGroupLimitExceeded``).

The provider (terraform-provider-aws ``internal/service/ec2/vpc_security_group_ingress_rule.go``): Create
calls AuthorizeSecurityGroupIngress, Update calls ModifySecurityGroupRules on the rule's ID with the new
CIDR, ports, protocol and description, Delete calls RevokeSecurityGroupIngress on the ID; a new
``security_group_id``, or a source of another kind, replaces the rule (``RequiresReplace``, ``ModifyPlan``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tests.models.aws_api import Quote
from tests.models.pulumi_steps import Inputs

DUPLICATE = Quote(
    "ec2",
    "SecurityGroupRuleRequest",
    "if you attempt to add another rule with the non-canonical form of the CIDR (such as 100.68.0.18/18) and "
    "there is already a rule for the canonicalized form of the CIDR block (such as 100.68.0.0/18), the API "
    "throws an duplicate rule error.",
)
MODIFY_SHAPE = ("ec2", "ModifySecurityGroupRules:SecurityGroupRules[].SecurityGroupRule")
SOURCES = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")

#: (group, protocol, from port, to port, canonical source): what makes two rules the same rule.
RuleKey = tuple[str, str, int, int, str]


class RuleRefusedError(Exception):
    """EC2 refused the call: the deploy fails at it."""


def rule_key(inputs: Inputs) -> RuleKey:
    """What EC2 compares: a CIDR canonicalized, as EC2 does."""
    source = next(key for key in SOURCES if inputs.get(key) is not None)
    value: Any = inputs[source]
    if source.startswith("cidr"):
        value = str(ipaddress.ip_network(value, strict=False))
    ports = (int(inputs.get("fromPort", -1)), int(inputs.get("toPort", -1)))
    return (str(inputs["securityGroupId"]), str(inputs["ipProtocol"]), *ports, f"{source}={value}")


@dataclass
class SecurityGroups:
    """EC2's inbound rules by rule ID, with the per-group quota; the provider's calls on them."""

    quota: int = 60
    rules: dict[str, RuleKey] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def _refuse_duplicate(self, key: RuleKey, but: str = "") -> None:
        if any(held == key for rule_id, held in self.rules.items() if rule_id != but):
            raise RuleRefusedError(f"InvalidPermission.Duplicate: {key}")

    def create(self, inputs: Inputs) -> str:
        """AuthorizeSecurityGroupIngress."""
        key = rule_key(inputs)
        self.calls.append(f"authorize {key[-1]}")
        self._refuse_duplicate(key)
        if sum(held[0] == key[0] for held in self.rules.values()) >= self.quota:
            raise RuleRefusedError(f"RulesPerSecurityGroupLimitExceeded: {key}")
        rule_id = f"sgr-{len(self.calls):017x}"
        self.rules[rule_id] = key
        return rule_id

    def update(self, id_: str, olds: Inputs, news: Inputs) -> None:
        """ModifySecurityGroupRules on the rule's ID (a description alone changes no key)."""
        key = rule_key(news)
        self.calls.append(f"modify {id_} to {key[-1]}")
        self._refuse_duplicate(key, but=id_)
        self.rules[id_] = key

    def delete(self, id_: str, olds: Inputs) -> None:
        """RevokeSecurityGroupIngress on the rule's ID."""
        self.calls.append(f"revoke {id_}")
        self.rules.pop(id_, None)

    def replaces(self, olds: Inputs, news: Inputs) -> bool:
        """A new group, or a source of another kind."""
        kinds = ({k for k in SOURCES if olds.get(k) is not None}, {k for k in SOURCES if news.get(k) is not None})
        return olds.get("securityGroupId") != news.get("securityGroupId") or kinds[0] != kinds[1]

    def sources(self, group: str) -> list[tuple[str, int, int, str]]:
        """The group's rules as (protocol, from, to, source), sorted."""
        return sorted(key[1:] for key in self.rules.values() if key[0] == group)
