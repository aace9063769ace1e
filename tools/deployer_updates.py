"""The in-place changes the deploying role's documents (docs/iam-deployer*.json) refuse, and what to do
instead: ``tools/plan.py --diff`` marks a resource that makes one ``!!``.

``tests/program/test_update_calls.py`` evaluates the provider's update call for every input the programs
set (``tests/program/update_calls.py``) against the filled documents and holds this table to exactly the
refused ones. Pure: no Pulumi import.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Why a new boundary needs an administrator (docs/iam.md, "Another boundary for a deployed stack").
NEW_BOUNDARY = (
    "a new permissionsBoundaryArn is put on each existing role with iam:PutRolePermissionsBoundary "
    "(terraform-provider-aws iam/role.go, resourceRoleUpdate), which the deployer's "
    "NoPolicyBoundaryUserOrGroupChanges denies: run this one pulumi up with administrator credentials, then "
    "refill the deployer documents with --boundary-arn (docs/iam.md, Another boundary for a deployed stack)"
)

#: Why the stack's tag on a new VPC of before 0.5.0 needs an administrator (docs/iam.md, "The network").
NETWORK_TAG = (
    "the stack's tag goes on the VPC, its gateways, subnets, route tables and addresses with ec2:CreateTags on "
    "each as it stands, untagged (terraform-provider-aws ec2/tags_gen.go updateTags; nothing is replaced), which "
    "the deployer's deployer-network document refuses on a resource without its stack's tag: run this one pulumi "
    "up with administrator credentials (CHANGELOG 0.5.0, Upgrading a deployed stack)"
)

#: Resource type -> input -> why the deployer cannot change it in place.
REFUSED: dict[str, dict[str, str]] = {
    "aws:iam/role:Role": {"permissionsBoundary": NEW_BOUNDARY},
    "awsx:ec2:Vpc": {"tags": NETWORK_TAG},
}


def refused_update(type_token: str, paths: Iterable[str]) -> str:
    """Why the deployer is refused changing the inputs at ``paths`` (``a.b[0]``: their first keys count) of
    a ``type_token`` resource in place, or ``""``."""
    refusals = REFUSED.get(type_token, {})
    keys = sorted({path.split(".")[0].split("[")[0] for path in paths})
    return "; ".join(refusals[key] for key in keys if key in refusals)
