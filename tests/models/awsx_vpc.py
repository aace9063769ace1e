"""The resources an ``awsx.ec2.Vpc`` registers inside itself, with the parents and dependencies awsx gives
them: what the engine's state holds of a new VPC. The VPC is a remote component (awsx's provider constructs
it), so a program's mocks record the component alone.

pulumi/pulumi-awsx awsx/ec2/vpc.ts, ``Vpc.initialize``: the ``aws.ec2.Vpc`` (parent: the component), the
``InternetGateway`` (parent and ``dependsOn``: the VPC); then per AZ its subnets, public before private
(``compareSubnetSpecs``), each (parent and ``dependsOn``: the VPC) with a ``RouteTable`` (parent: the subnet)
and a ``RouteTableAssociation`` (parent: the route table). A public subnet that gets a NAT gateway
(``shouldCreateNatGateway``: each AZ's with ``OnePerAz``, the first with ``Single``, none with ``None``) holds an
``Eip`` and the ``NatGateway`` that takes its allocation (both parented to the subnet); a public subnet's
``Route`` goes to the internet gateway, a private one's to its AZ's NAT gateway (the first with ``Single``).
Names: subnetDistributorLegacy.ts, ``<vpc>-<public|private>-<AZ number>``; gateways ``<vpc>-<AZ number>``.
"""

from __future__ import annotations

from collections.abc import Sequence

from components.mock_records import Registered

VPC_COMPONENT = "awsx:ec2:Vpc"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"


def _child(parent: Registered, type_token: str, name: str, *depends_on: Registered) -> Registered:
    """A resource parented to ``parent``, with the URN the engine gives it and ``depends_on`` as its
    dependencies (``dependsOn`` and the inputs taking their outputs)."""
    prefix, qualified, _ = parent.urn.rsplit("::", 2)
    urn = f"{prefix}::{qualified}${type_token}::{name}"
    return Registered(type_token, name, {}, parent.urn, [r.urn for r in depends_on], urn)


def _has_nat(strategy: str, az: int) -> bool:
    return strategy == "OnePerAz" or (strategy == "Single" and az == 0)


def children(component: Registered) -> list[Registered]:
    """What awsx registers under the VPC ``component`` (as recorded: ``numberOfAvailabilityZones`` and
    ``natGateways.strategy`` among its inputs), in the order it registers them."""
    name = component.name
    vpc = _child(component, "aws:ec2/vpc:Vpc", name)
    gateway = _child(vpc, "aws:ec2/internetGateway:InternetGateway", name, vpc)
    made, nats = [vpc, gateway], []
    strategy = component.inputs.get("natGateways", {}).get("strategy", "OnePerAz")
    for az in range(int(component.inputs["numberOfAvailabilityZones"])):
        for kind in ("public", "private"):
            subnet = _child(vpc, "aws:ec2/subnet:Subnet", f"{name}-{kind}-{az + 1}", vpc)
            table = _child(subnet, "aws:ec2/routeTable:RouteTable", subnet.name, subnet, vpc)
            made += [subnet, table, _child(table, "aws:ec2/routeTableAssociation:RouteTableAssociation",
                                           subnet.name, table, subnet)]  # fmt: skip
            if kind == "public" and _has_nat(strategy, az):
                eip = _child(subnet, EIP, f"{name}-{az + 1}", subnet)
                nats.append(_child(subnet, NAT_GATEWAY, f"{name}-{az + 1}", subnet, eip))
                made += [eip, nats[-1]]
            if kind == "public":
                made.append(_child(table, "aws:ec2/route:Route", subnet.name, table, gateway))
            elif nats:
                made.append(_child(table, "aws:ec2/route:Route", subnet.name, table, nats[min(az, len(nats) - 1)]))
    return made


def with_children(resources: Sequence[Registered]) -> list[Registered]:
    """``resources`` as the state holds them: each awsx VPC followed by what it registered inside itself."""
    return [part for r in resources for part in ([r, *children(r)] if r.type == VPC_COMPONENT else [r])]
