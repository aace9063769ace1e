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
Tags (vpc.ts at pulumi/pulumi-awsx e60adf3c, unchanged since 8b224114; its generated ec2/vpc.py is the locked
3.11.0's byte for byte): ``sharedTags`` = ``{Name: <vpc>, ...args.tags}`` (line 143) on the ``aws.ec2.Vpc`` (497,
511) and the ``InternetGateway`` (170); ``sharedTags`` with the subnet's ``Name`` and ``SubnetType`` on each
``Subnet`` (223-228) and its ``RouteTable`` (255-259); ``args.tags`` with ``Name: <vpc>-<AZ number>`` on each
``Eip`` (287-290) and ``NatGateway`` (303-306). ``RouteTableAssociation`` (265) and ``Route`` (315, 337) take none.
"""

from __future__ import annotations

from collections.abc import Sequence

from components.mock_records import Registered

VPC_COMPONENT = "awsx:ec2:Vpc"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"


def _child(
    parent: Registered, type_token: str, name: str, *depends_on: Registered, tags: dict[str, str] | None = None
) -> Registered:
    """A resource parented to ``parent``, with the URN the engine gives it, ``depends_on`` as its
    dependencies (``dependsOn`` and the inputs taking their outputs) and ``tags`` as its ``tags`` input."""
    prefix, qualified, _ = parent.urn.rsplit("::", 2)
    urn = f"{prefix}::{qualified}${type_token}::{name}"
    inputs = {} if tags is None else {"tags": tags}
    return Registered(type_token, name, inputs, parent.urn, [r.urn for r in depends_on], urn)


def _has_nat(strategy: str, az: int) -> bool:
    return strategy == "OnePerAz" or (strategy == "Single" and az == 0)


def children(component: Registered) -> list[Registered]:
    """What awsx registers under the VPC ``component`` (as recorded: ``numberOfAvailabilityZones`` and
    ``natGateways.strategy`` among its inputs), in the order it registers them."""
    name, tags = component.name, dict(component.inputs.get("tags") or {})
    shared = {"Name": name, **tags}
    vpc = _child(component, "aws:ec2/vpc:Vpc", name, tags=shared)
    gateway = _child(vpc, "aws:ec2/internetGateway:InternetGateway", name, vpc, tags=shared)
    made, nats = [vpc, gateway], []
    strategy = component.inputs.get("natGateways", {}).get("strategy", "OnePerAz")
    zones = component.inputs.get("availabilityZoneNames") or range(int(component.inputs["numberOfAvailabilityZones"]))
    for az in range(len(zones)):
        for kind in ("public", "private"):
            own = {**shared, "Name": f"{name}-{kind}-{az + 1}", "SubnetType": kind.capitalize()}
            subnet = _child(vpc, "aws:ec2/subnet:Subnet", f"{name}-{kind}-{az + 1}", vpc, tags=own)
            table = _child(subnet, "aws:ec2/routeTable:RouteTable", subnet.name, subnet, vpc, tags=own)
            made += [subnet, table, _child(table, "aws:ec2/routeTableAssociation:RouteTableAssociation",
                                           subnet.name, table, subnet)]  # fmt: skip
            if kind == "public" and _has_nat(strategy, az):
                named = {**tags, "Name": f"{name}-{az + 1}"}
                eip = _child(subnet, EIP, f"{name}-{az + 1}", subnet, tags=named)
                nats.append(_child(subnet, NAT_GATEWAY, f"{name}-{az + 1}", subnet, eip, tags=named))
                made += [eip, nats[-1]]
            if kind == "public":
                made.append(_child(table, "aws:ec2/route:Route", subnet.name, table, gateway))
            elif nats:
                made.append(_child(table, "aws:ec2/route:Route", subnet.name, table, nats[min(az, len(nats) - 1)]))
    return made


def with_children(resources: Sequence[Registered]) -> list[Registered]:
    """``resources`` as the state holds them: each awsx VPC followed by what it registered inside itself."""
    return [part for r in resources for part in ([r, *children(r)] if r.type == VPC_COMPONENT else [r])]
