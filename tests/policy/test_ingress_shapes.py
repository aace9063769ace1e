"""Every shape an ingress rule takes, from IPv4 and from IPv6, is held to both world-open rules alike:
open on a non-listener port anywhere is refused; open on a listener port only on a load balancer's group."""

from __future__ import annotations

from typing import Any

import pytest

from ingress import GROUP_RULE, INGRESS_RULE, INGRESS_TYPES, SECURITY_GROUPS
from tests.models.pulumi_aws_inputs import resource_inputs
from tests.policy.engine import stack_violations, violations

LB_GROUP, TASK_GROUP = "sg-0lb", "sg-0task"
WORLD = {4: "0.0.0.0/0", 6: "::/0"}


def _shape(resource_type: str, group: str, version: int, port: int) -> dict[str, Any]:
    """One ingress rule on ``port`` from the whole of IP ``version``, into ``group``, as ``resource_type`` writes it."""
    if resource_type == INGRESS_RULE:
        return {"securityGroupId": group, "ipProtocol": "tcp", "fromPort": port, "toPort": port,
                "cidrIpv4" if version == 4 else "cidrIpv6": WORLD[version]}  # fmt: skip
    blocks = {"cidrBlocks" if version == 4 else "ipv6CidrBlocks": [WORLD[version]]}
    rule = {"protocol": "tcp", "fromPort": port, "toPort": port, **blocks}
    if resource_type == GROUP_RULE:
        return {"type": "ingress", "securityGroupId": group, **rule}
    return {"arn": f"arn:aws:ec2:us-east-1:123456789012:security-group/{group}", "ingress": [rule]}


SHAPES = [(t, v) for t in INGRESS_TYPES for v in (4, 6)]
IDS = [f"{t.split(':')[-1]}-ipv{v}" for t, v in SHAPES]
LOAD_BALANCER = ("aws:lb/loadBalancer:LoadBalancer", {"securityGroups": [LB_GROUP]})


@pytest.mark.parametrize(("resource_type", "version"), SHAPES, ids=IDS)
def test_a_listener_port_open_to_the_world_is_reported_unless_on_a_load_balancers_group(
    resource_type: str, version: int
) -> None:
    def reported(group: str) -> list[str]:
        found = stack_violations([LOAD_BALANCER, (resource_type, _shape(resource_type, group, version, 443))])
        return [m for m in found if m.startswith("world-open-only-on-load-balancers:")]

    assert reported(TASK_GROUP) == [
        f"world-open-only-on-load-balancers: Port 443 is open to {WORLD[version]} on {TASK_GROUP}, which no load "
        "balancer uses; only a load balancer's own security group may take traffic from the world."
    ]
    assert reported(LB_GROUP) == []


@pytest.mark.parametrize(("resource_type", "version"), SHAPES, ids=IDS)
def test_any_other_port_open_to_the_world_is_reported_on_every_group(resource_type: str, version: int) -> None:
    for group in (LB_GROUP, TASK_GROUP):
        found = violations(resource_type, _shape(resource_type, group, version, 22))
        assert [m.split(";")[0] for m in found] == [
            f"no-world-open-ingress: Ingress from {WORLD[version]} on tcp ports 22-22"
        ]


def test_the_shapes_are_every_pulumi_aws_resource_that_takes_ingress_into_a_security_group() -> None:
    """The SDK's resources with inline ``ingress`` blocks, or a group ID with CIDRs of their own."""
    inputs = resource_inputs()
    inline = {t for t, names in inputs.items() if "ingress" in names and {"vpcId", "egress"} & names}
    rules = {t for t, names in inputs.items() if "securityGroupId" in names and {"cidrBlocks", "cidrIpv4"} & names}
    # Network ACLs take inline ingress too, but filter subnets, not security groups (EC2.21, not EC2.18/19).
    assert inline - {"aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"} == set(
        SECURITY_GROUPS
    )
    assert rules - {"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"} == {GROUP_RULE, INGRESS_RULE}
