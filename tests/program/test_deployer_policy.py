"""docs/iam-deployer.json allows every AWS call a deploy of the stacks makes, as the provider makes them.

``provider_calls`` holds, per resource type and invoke, the API operations the Terraform provider behind
pulumi-aws makes (with their source) and the IAM actions they need. A resource type or invoke the
program starts to use without a row fails here, so the table and the policy keep up with the program.
"""

import fnmatch
import json
import re
from functools import cache
from pathlib import Path

import pytest
from botocore.loaders import Loader

from tests.program.provider_calls import (
    ACTIONS_OF,
    COMPONENT_CHILDREN,
    COMPONENT_RESOURCES,
    INVOKES,
    PROVIDER,
    RESOURCES,
    Calls,
    iam_actions,
)
from tests.program.stacks import PROGRAMS, run_config

POLICY = json.loads((Path(__file__).resolve().parents[2] / "docs" / "iam-deployer.json").read_text())
#: IAM service prefix -> botocore's name for the service's model.
BOTOCORE_SERVICE = {"elasticloadbalancing": "elbv2"}


def allowed(action: str) -> bool:
    return any(
        statement["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action, pattern) for pattern in statement["Action"])
        for statement in POLICY["Statement"]
    )


def resource_types(program: str) -> set[str]:
    """The types ``program`` registers that reach AWS (its own components only group them)."""
    return {r.type for r in run_config(program).mocks.resources if not r.type.startswith("graviton-node:")}


def invokes(program: str) -> set[str]:
    return {token for token, _ in run_config(program).mocks.calls}


def calls_of(program: str) -> list[Calls]:
    """Every row a deploy of ``program`` walks: the provider, its resources, their children and its invokes."""
    types, tokens = resource_types(program), invokes(program)
    children = [COMPONENT_CHILDREN[t] for t in types if t in COMPONENT_CHILDREN]
    return [
        PROVIDER,
        *(RESOURCES[t] for t in types if t not in COMPONENT_CHILDREN),
        *(COMPONENT_RESOURCES[child] for child_types, _ in children for child in child_types),
        *(INVOKES[token] for token in tokens | {token for _, child_tokens in children for token in child_tokens}),
    ]


@cache
def botocore_operations(prefix: str) -> frozenset[str]:
    model = Loader().load_service_model(BOTOCORE_SERVICE.get(prefix, prefix), "service-2")
    return frozenset(model["operations"])


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_resource_type_the_program_registers_has_a_row(program: str) -> None:
    rows = RESOURCES.keys() | COMPONENT_CHILDREN.keys()
    assert sorted(resource_types(program) - rows) == [], "no row: add what its provider calls to provider_calls"


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_invoke_the_program_makes_has_a_row(program: str) -> None:
    assert sorted(invokes(program) - INVOKES.keys()) == [], "no row: add what its data source calls"


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_deployer_policy_allows_every_call_a_deploy_of_the_program_makes(program: str) -> None:
    needed = {action for calls in calls_of(program) for action in iam_actions(calls)}
    assert sorted(a for a in needed if not allowed(a)) == []


def test_every_operation_in_the_table_is_one_the_service_has() -> None:
    rows = [PROVIDER, *INVOKES.values(), *RESOURCES.values(), *COMPONENT_RESOURCES.values()]
    operations = {op for calls in rows for op in calls.operations}
    unknown = [op for op in sorted(operations) if op.split(":")[1] not in botocore_operations(op.split(":")[0])]
    assert unknown == []
    assert sorted(ACTIONS_OF.keys() - operations) == [], "a renaming for an operation no row makes"


def test_every_child_of_a_component_has_a_row() -> None:
    children = {child for child_types, _ in COMPONENT_CHILDREN.values() for child in child_types}
    child_invokes = {token for _, tokens in COMPONENT_CHILDREN.values() for token in tokens}
    assert children == COMPONENT_RESOURCES.keys()
    assert sorted(child_invokes - INVOKES.keys()) == []


def test_the_bucket_read_is_allowed_its_accelerate_and_replication_configurations() -> None:
    # The review's case: s3:GetBucket* covers neither, and prod's first deploy stopped there.
    bucket = iam_actions(RESOURCES["aws:s3/bucket:Bucket"])
    assert {"s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration"} <= bucket
    assert allowed("s3:GetAccelerateConfiguration") and allowed("s3:GetReplicationConfiguration")


def test_pass_role_is_limited_to_handing_roles_to_ecs_tasks_and_the_task_counter() -> None:
    (statement,) = [s for s in POLICY["Statement"] if "iam:PassRole" in s["Action"]]
    assert statement["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]}
    }


def test_the_deployer_policy_fits_iams_inline_limit_that_the_readme_tells_users_to_attach_it_under() -> None:
    """IAM counts policy size without white space: a managed policy takes 6,144 characters, a role's inline
    policies 10,240 together (IAM User Guide, "IAM and AWS STS quotas"). The README says inline; the
    document must fit that, and the figure the README gives must be true."""
    size = len(re.sub(r"\s", "", (Path(__file__).resolve().parents[2] / "docs" / "iam-deployer.json").read_text()))
    assert 6_144 < size <= 10_240
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"at {size:,} characters it is over" in readme
