"""The deployer changes its own stack's network only (docs/iam-deployer-network.json, docs/iam.md "The network"):
a new VPC's children carry the stack's tag (components/network/network.py, awsx's ``tags``), the deployer may
create them only so tagged and change, route, associate, release and delete only resources so tagged, the second
resources of a call too (a subnet's VPC, a NAT gateway's subnet and address). Every call is the provider's, on
the resources the Service Authorization Reference lists for it (``tests/program/network_requests.py``)."""

from dataclasses import replace
from functools import cache

import pytest

from components.iam_policies import STACK_TAG, stack_tag
from components.mock_records import Registered
from tests.models import iam
from tests.models.awsx_vpc import VPC_COMPONENT, children
from tests.models.iam import ContextValue, Request
from tests.program.network_requests import (
    CREATED_BY,
    arn,
    ec2_arn,
    tags_update_requests,
    unmodelled_types,
    vpc_requests,
)
from tests.program.test_deployer_policy import DEPLOYER_ROLE, POLICY, deployer_for, tagging_as
from tools.deployer_policy import DEPLOYER, document, fill
from tools.offline import ACCOUNT, REGION

PROD = fill(POLICY, {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node",
                     "STACK": "prod"})  # fmt: skip
OWN = stack_tag("graviton-node", "prod")


@cache
def prods_vpc() -> Registered:
    """The awsx VPC prod registers (``vpc: new``), as the engine's state records it."""
    deploy, _ = deployer_for("prod", "prod")
    (vpc,) = (r for r in deploy.resources if r.type == VPC_COMPONENT)
    return vpc


def vpc_tagged(tags: dict[str, str] | None, strategy: str = "OnePerAz") -> Registered:
    """prod's VPC with ``tags`` (``None``: none, as a default or pre-existing VPC, or one made before 0.5.0)."""
    vpc = prods_vpc()
    inputs = {**vpc.inputs, "natGateways": {"strategy": strategy}}
    return replace(vpc, inputs={k: v for k, v in {**inputs, "tags": tags}.items() if v is not None})


def allowed(request: Request, policy: dict = PROD) -> bool:
    context = {"aws:PrincipalArn": DEPLOYER_ROLE, **request.context}
    return iam.verdict([policy], Request(request.action, request.resource, context)) == "Allow"


def test_prods_new_vpc_hands_the_stacks_tag_to_every_child_that_takes_tags() -> None:
    assert prods_vpc().inputs["tags"] == OWN
    taggable = [c for c in children(prods_vpc()) if c.type in CREATED_BY]
    assert {c.type for c in taggable} == set(CREATED_BY)
    assert all(c.inputs["tags"][STACK_TAG] == OWN[STACK_TAG] for c in taggable)


@pytest.mark.parametrize("strategy", ["OnePerAz", "Single", "None"])
def test_every_call_a_new_vpc_makes_is_allowed_with_the_stacks_own_tag(strategy: str) -> None:
    requests = list(vpc_requests(vpc_tagged(OWN, strategy)))
    assert any(r.action == "ec2:DeleteVpc" for r in requests)
    assert [f"{r.action} on {r.resource}" for r in requests if not allowed(r)] == []


def test_every_resource_type_iam_authorizes_a_childs_call_on_is_modelled_or_named_as_left_out() -> None:
    """A type the Reference adds for a call, or a call awsx starts making, fails here instead of passing unseen."""
    actions = {r.action for r in vpc_requests(vpc_tagged(OWN))}
    assert {action: sorted(unmodelled_types(action)) for action in actions if unmodelled_types(action)} == {}


@pytest.mark.parametrize("whose", ["dev's", "untagged"])
def test_the_same_calls_on_another_stacks_network_or_an_untagged_one_are_refused(whose: str) -> None:
    """An untagged network: the default VPC, a pre-existing one (``vpc: existing``), one made before 0.5.0.
    Reads stay everyone's: ``ec2:Describe*`` is on "*" (``NoResourceLevelPermissions``)."""
    other = vpc_tagged({STACK_TAG: "graviton-node/dev"} if whose == "dev's" else None)
    scoped = [r for r in vpc_requests(other) if not r.action.startswith("ec2:Describe")]
    assert len(scoped) > 50
    assert [f"{r.action} on {r.resource}" for r in scoped if allowed(r)] == []


@pytest.mark.parametrize("kind", sorted({kind for kind, _ in CREATED_BY.values()}))
def test_no_network_resource_can_be_tagged_as_the_stacks_to_be_deleted_after(kind: str) -> None:
    """Tag-then-delete: the default VPC's or dev's resource tagged as prod's would then be prod's to delete."""
    untagged, devs = ec2_arn(kind, "default"), ec2_arn(kind, "dev")
    dev_tag: dict[str, ContextValue] = {f"aws:ResourceTag/{STACK_TAG}": "graviton-node/dev"}
    assert not allowed(Request("ec2:CreateTags", untagged, tagging_as("prod")))
    assert not allowed(Request("ec2:CreateTags", devs, {**dev_tag, **tagging_as("prod")}))
    assert not allowed(Request("ec2:CreateTags", untagged, {"aws:TagKeys": ["Name"], "aws:RequestTag/Name": "x"}))


@pytest.mark.parametrize("kind", sorted({kind for kind, _ in CREATED_BY.values()}))
def test_the_stacks_own_network_keeps_its_stack_tag(kind: str) -> None:
    """No untagging (which would leave the resource to no one) and no retagging as another stack's."""
    own = ec2_arn(kind, "prod")
    tagged: dict[str, ContextValue] = {
        f"aws:ResourceTag/{STACK_TAG}": "graviton-node/prod",
        "aws:ResourceTag/Name": "prod",
    }
    assert not allowed(Request("ec2:DeleteTags", own, {**tagged, "aws:TagKeys": [STACK_TAG]}))
    assert not allowed(Request("ec2:DeleteTags", own, {**tagged, "aws:TagKeys": ["Name", STACK_TAG]}))
    assert not allowed(Request("ec2:DeleteTags", own, tagged)), "DeleteTags naming no key deletes every tag"
    assert not allowed(Request("ec2:CreateTags", own, {**tagged, **tagging_as("dev")}))
    assert allowed(Request("ec2:DeleteTags", own, {**tagged, "aws:TagKeys": ["Name"]}))


#: A call that would put something of the stack's into a network not its own, and the foreign resource.
INTO_A_FOREIGN_NETWORK = {
    "a subnet in the default VPC": ("ec2:CreateSubnet", "vpc"),
    "a route table in the default VPC": ("ec2:CreateRouteTable", "vpc"),
    "a NAT gateway in the default VPC's subnet": ("ec2:CreateNatGateway", "subnet"),
    "a NAT gateway on another's address": ("ec2:CreateNatGateway", "elastic-ip"),
    "the stack's gateway on the default VPC": ("ec2:AttachInternetGateway", "vpc"),
    "the stack's route table on the default VPC's subnet": ("ec2:AssociateRouteTable", "subnet"),
}


@pytest.mark.parametrize("how", sorted(INTO_A_FOREIGN_NETWORK))
def test_the_second_resource_of_a_call_must_be_the_stacks_own_too(how: str) -> None:
    """The request's tag is the request's: it may not stand for the VPC, subnet or address the call names."""
    action, kind = INTO_A_FOREIGN_NETWORK[how]
    with_own_tag: dict[str, ContextValue] = {
        **tagging_as("prod"),
        f"aws:ResourceTag/{STACK_TAG}": "graviton-node/prod",
    }
    assert allowed(Request(action, ec2_arn(kind, "prod"), with_own_tag))
    assert not allowed(Request(action, ec2_arn(kind, "default"), tagging_as("prod")))


def test_no_ec2_network_action_is_allowed_without_the_stacks_tag() -> None:
    """Every statement granting a network action asks the stack's tag, of the resource or of the request."""
    actions = {a for s in document("deployer-network")["Statement"] for a in s["Action"]} - {"ec2:CreateTags"}
    for name in (*DEPLOYER, "deployer-platform"):
        for statement in document(name)["Statement"]:
            if actions & set(statement["Action"]):
                keys = {k for operator in statement["Condition"].values() for k in operator}
                assert keys & {f"aws:ResourceTag/{STACK_TAG}", f"aws:RequestTag/{STACK_TAG}"}, statement


def test_putting_the_tag_on_a_vpc_made_before_0_5_0_is_refused_to_the_deployer_and_needs_an_administrator() -> None:
    """The provider tags each existing child in place (updateTags: CreateTags), which only an untagged resource
    being tagged as the stack's can be: the tag-then-delete the deployer is refused (CHANGELOG 0.5.0)."""
    upgrade = list(tags_update_requests(prods_vpc()))
    assert {r.resource for r in upgrade} == {arn(c) for c in children(prods_vpc()) if c.type in CREATED_BY}
    assert not any(allowed(r) for r in upgrade)
