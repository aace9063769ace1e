"""Every shape an ingress rule of a security group takes, read into one form, so that a rule about
ingress checks them all alike.

pulumi_aws has four (its resources' inputs): a group's inline ``ingress`` blocks (``ec2.SecurityGroup`` and
the VPC's ``ec2.DefaultSecurityGroup``: ``cidrBlocks``, ``ipv6CidrBlocks``, ``protocol``), the
``ec2.SecurityGroupRule`` resource of ``type`` ingress (the same names, and ``securityGroupId``) and
``vpc.SecurityGroupIngressRule`` (one ``cidrIpv4`` or ``cidrIpv6``, ``ipProtocol``, ``securityGroupId``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

if __package__:
    from .unknowns import known
else:
    from unknowns import known

Props = Mapping[str, Any]
SECURITY_GROUPS = ("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
INGRESS_TYPES = (*SECURITY_GROUPS, GROUP_RULE, INGRESS_RULE)


@dataclass(frozen=True)
class Ingress:
    """One ingress rule: the group it admits into (None while unknown), from which CIDRs (IPv4 and IPv6
    alike), on which protocol and port range."""

    group: str | None
    cidrs: tuple[str, ...]
    protocol: str
    ports: tuple[int, int]


def _ports(props: Props) -> tuple[int, int]:
    return int(props.get("fromPort") or 0), int(props.get("toPort") or 0)


def _cidrs(props: Props, *keys: str) -> tuple[str, ...]:
    found: list[str] = []
    for key in keys:
        value = props.get(key)
        found += [value] if isinstance(value, str) else [str(v) for v in value or [] if v]
    return tuple(c for c in found if c)


def group_id(props: Props) -> str | None:
    """A security group's own ID: the engine hands a stack policy its outputs, not its ID, so it is read
    from the ARN, ``arn:PARTITION:ec2:REGION:ACCOUNT:security-group/sg-ID`` (EC2 API Reference,
    ``SecurityGroup.SecurityGroupArn``); ``id`` where a caller gives it. None while both are unknown (a
    preview of a new group): no rule needs it to judge the group's own ingress."""
    if known(props, "id"):
        return str(props["id"])
    arn = str(known(props, "arn") or "")
    return arn.rsplit("/", 1)[-1] if ":security-group/" in arn else None


def ingress_rules(resource_type: str, props: Props) -> list[Ingress]:
    """The ingress rules a resource of any of the four shapes declares (none for an egress rule). The group
    may be unknown in a preview (``known``: None): the CIDRs, protocol and ports are what is judged."""
    if resource_type == INGRESS_RULE:
        cidrs = _cidrs(props, "cidrIpv4", "cidrIpv6")
        return [Ingress(known(props, "securityGroupId"), cidrs, str(props.get("ipProtocol")), _ports(props))]
    if resource_type == GROUP_RULE:
        if props.get("type") != "ingress":
            return []
        cidrs = _cidrs(props, "cidrBlocks", "ipv6CidrBlocks")
        return [Ingress(known(props, "securityGroupId"), cidrs, str(props.get("protocol")), _ports(props))]
    if resource_type in SECURITY_GROUPS:
        group = group_id(props)
        return [
            Ingress(group, _cidrs(rule, "cidrBlocks", "ipv6CidrBlocks"), str(rule.get("protocol")), _ports(rule))
            for rule in props.get("ingress") or []
        ]
    return []
