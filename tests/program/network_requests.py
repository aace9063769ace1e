"""The authorizations the children of awsx's VPC ask for (``tests/models/awsx_vpc.py``): each IAM action of a
child's ``provider_calls`` row on every EC2 resource of the child and its dependencies that the Service
Authorization Reference, Amazon EC2, lists for the action (parliament's copy, ``iam_definition.json``: a new
subnet's VPC, a NAT gateway's subnet and address, an association's route table and subnet, a route's table),
with the request context IAM sees:

- the call that creates a child sends its tags (``TagSpecifications``; terraform-provider-aws
  ``internal/service/ec2``: vpc_.go resourceVPCCreate, vpc_subnet.go resourceSubnetCreate, vpc_route_table.go
  resourceRouteTableCreate, vpc_internet_gateway.go resourceInternetGatewayCreate, ec2_eip.go
  resourceEIPCreate, vpc_nat_gateway.go resourceNATGatewayCreate): ``aws:RequestTag`` and ``aws:TagKeys`` on
  the new resource, which EC2 authorizes again as ``ec2:CreateTags`` with ``ec2:CreateAction`` (EC2 User
  Guide, "Grant permission to tag resources during creation");
- every other call, and a create's other resources, works on resources as tagged (``aws:ResourceTag``);
- a later tag change (ec2/tags_gen.go ``updateTags``: CreateTags of the keys added or changed, DeleteTags of
  the keys removed) names only those keys: here the child's own ``Name`` and ``SubnetType``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

from components.iam_policies import STACK_TAG
from components.mock_records import Registered
from tests.models.awsx_vpc import children
from tests.models.iam import Request, service_authorization
from tests.program.provider_calls import COMPONENT_RESOURCES, iam_actions
from tools.offline import ACCOUNT, REGION

#: Each taggable child's EC2 resource type (its ARN's) and the action that creates it with its tags.
CREATED_BY = {
    "aws:ec2/vpc:Vpc": ("vpc", "ec2:CreateVpc"),
    "aws:ec2/subnet:Subnet": ("subnet", "ec2:CreateSubnet"),
    "aws:ec2/routeTable:RouteTable": ("route-table", "ec2:CreateRouteTable"),
    "aws:ec2/internetGateway:InternetGateway": ("internet-gateway", "ec2:CreateInternetGateway"),
    "aws:ec2/eip:Eip": ("elastic-ip", "ec2:AllocateAddress"),
    "aws:ec2/natGateway:NatGateway": ("natgateway", "ec2:CreateNatGateway"),
}
#: Resource types the Reference lists for a child's call that no call of awsx's children names: address pools (awsx
#: passes no IPAM or BYOIP pool: the VPC, its subnets and addresses take Amazon's) and virtual private gateways
#: (an association names its subnet, never a gateway).
NOT_NAMED = frozenset({"ipam-pool", "ipv4pool-ec2", "ipv6pool-ec2", "vpn-gateway"})
#: Named by a call, not modelled: the NAT gateway's network interface, which carries no stack tag, for
#: ``DisassociateAddress`` (docs/iam.md, "What is not scoped": whether EC2 checks it there is unverified).
UNMODELLED = frozenset({("ec2:DisassociateAddress", "network-interface")})
_TAG_ACTIONS = ("ec2:CreateTags", "ec2:DeleteTags")


@cache
def authorized_types(action: str) -> frozenset[str]:
    """The resource types the Service Authorization Reference lists for ``action`` (required or not)."""
    prefix, name = action.split(":")
    (service,) = (s for s in service_authorization() if s["prefix"] == prefix)
    (privilege,) = (p for p in service["privileges"] if p["privilege"] == name)
    return frozenset(r["resource_type"].rstrip("*") for r in privilege["resource_types"]) - {""}


def unmodelled_types(action: str) -> frozenset[str]:
    """The resource types the Reference lists for ``action`` that no request here covers. A tag call lists
    every taggable type and names the one resource it tags, the child itself, which is modelled."""
    if action in _TAG_ACTIONS:
        return frozenset()
    modelled = {kind for kind, _ in CREATED_BY.values()} | {kind for a, kind in UNMODELLED if a == action}
    return authorized_types(action) - modelled - NOT_NAMED


def ec2_arn(kind: str, name: str) -> str:
    """The ARN of the EC2 resource of type ``kind`` (the Reference's: ``vpc``, ``subnet``...) named ``name``."""
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{name}"


def arn(r: Registered) -> str:
    return ec2_arn(CREATED_BY[r.type][0], r.name)


def tagged(r: Registered) -> dict[str, str]:
    """The context of a call on ``r`` as it stands: its tags as ``aws:ResourceTag``."""
    return {f"aws:ResourceTag/{k}": v for k, v in (r.inputs.get("tags") or {}).items()}


def requested(tags: Mapping[str, str]) -> dict[str, str | list[str]]:
    """The context of a request that sends ``tags``."""
    return {"aws:TagKeys": sorted(tags), **{f"aws:RequestTag/{k}": v for k, v in tags.items()}}


def _tag_requests(child: Registered, action: str) -> Iterator[Request]:
    """Its tags on create, then a later change of its own keys (the stack's is never changed after)."""
    own, tags = arn(child), child.inputs.get("tags") or {}
    changed = {k: f"{v}-renamed" for k, v in tags.items() if k != STACK_TAG}
    if action == "ec2:DeleteTags":
        yield Request(action, own, {**tagged(child), "aws:TagKeys": sorted(changed)})
        return
    creating = CREATED_BY[child.type][1].removeprefix("ec2:")
    yield Request(action, own, {**requested(tags), "ec2:CreateAction": creating})
    yield Request(action, own, {**tagged(child), **requested(changed)})


def child_requests(child: Registered, near: list[Registered]) -> Iterator[Request]:
    """What ``child``'s calls ask for; ``near`` is it and the children it depends on."""
    for action in sorted(iam_actions(COMPONENT_RESOURCES[child.type])):
        types = authorized_types(action)
        if not types:
            yield Request(action, "*")
        elif action in _TAG_ACTIONS:
            yield from _tag_requests(child, action)
        else:
            for r in near:
                if r.type in CREATED_BY and CREATED_BY[r.type][0] in types:
                    new = r is child and CREATED_BY[r.type][1] == action
                    yield Request(action, arn(r), requested(r.inputs.get("tags") or {}) if new else tagged(r))


def vpc_requests(component: Registered) -> Iterator[Request]:
    """Every authorization the children of the awsx VPC ``component`` ask for."""
    made = children(component)
    by_urn = {r.urn: r for r in made}
    for child in made:
        yield from child_requests(child, [child, *(by_urn[u] for u in child.dependencies if u in by_urn)])


def tags_update_requests(component: Registered) -> Iterator[Request]:
    """The update that puts ``component``'s ``tags`` on a VPC whose children were created without them (a stack
    deployed before 0.5.0): CreateTags of those keys on each taggable child as it stands (``updateTags``)."""
    added = dict(component.inputs.get("tags") or {})
    before = Registered(component.type, component.name, {**component.inputs, "tags": {}}, urn=component.urn)
    for child in children(before):
        if child.type in CREATED_BY:
            yield Request("ec2:CreateTags", arn(child), {**tagged(child), **requested(added)})
