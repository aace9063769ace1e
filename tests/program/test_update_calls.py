"""Every in-place change of an input the programs set is one the deployer's filled documents allow, or
one ``tools/plan.py --diff`` flags (``tools/deployer_updates.py``): the provider's update call for that
input (``update_calls``) is evaluated on the ARN the resource has, as a deploy's calls are."""

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from tests.models import iam
from tests.models.iam import Request
from tests.program.deploy_requests import Program
from tests.program.network_requests import tags_update_requests, vpc_requests
from tests.program.provider_calls import iam_actions
from tests.program.stacks import EXAMPLES, PROGRAMS, STACKS, run_config
from tests.program.test_deployer_policy import (
    DEPLOYER_ROLE,
    POLICY,
    botocore_operations,
    deployer_for,
    joining_as_staging,
    joining_deployer,
    staging_values,
)
from tests.program.update_calls import UPDATE_CALLS, Calls, row_of
from tools.deployer_policy import fill
from tools.deployer_updates import REFUSED
from tools.offline import ACCOUNT, REGION, run_program
from tools.plan import CANNOT, diff, document
from tools.replace_inputs import IN_PLACE


@cache
def deploy_of(program: str) -> tuple[Program, dict[str, Any]]:
    """``program``'s deploy and its deployer's documents as one, filled as its README says (an example as
    ``staging`` joining the dev platform, the second service with ``deployer-platform``)."""
    if program not in EXAMPLES:
        return deployer_for(program, STACKS[program])
    values = staging_values(program)
    policy = joining_deployer(values) if program == "second-service" else fill(POLICY, values)
    return joining_as_staging(program), policy


def in_place_inputs(program: str) -> Iterator[tuple[Any, str]]:
    """``(resource, input)`` for each in-place input (``IN_PLACE``) a resource of ``program`` sets."""
    deploy, _ = deploy_of(program)
    for r in deploy.resources:
        yield from ((r, key) for key in sorted(r.inputs) if key in IN_PLACE.get(r.type, ()))


def update_requests(deploy: Program, r: Any, key: str) -> Iterator[Request]:
    """The authorizations a change of ``r``'s ``key`` alone asks for."""
    actions = sorted(iam_actions(Calls(UPDATE_CALLS[r.type][key])))
    if r.type == "awsx:ec2:Vpc":  # its children's calls, on the children they touch (network_requests)
        requests = tags_update_requests(r) if key == "tags" else vpc_requests(r)
        yield from (request for request in requests if request.action in actions)
        return
    for action in actions:
        yield from deploy.action_requests(r, action)


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_in_place_input_a_program_sets_has_its_update_call(program: str) -> None:
    missing = {f"{r.type} {key}" for r, key in in_place_inputs(program) if key not in UPDATE_CALLS.get(r.type, {})}
    assert sorted(missing) == [], "read the resource's Update in the provider and add its calls to update_calls"


def test_every_update_call_is_one_of_its_types_provider_calls_row_or_of_a_flagged_change() -> None:
    """A flagged change's call is the one the deployer cannot make: no row of a deploy's calls lists it."""
    strays = [
        f"{type_token} {key}: {op}"
        for type_token, inputs in UPDATE_CALLS.items()
        for key, operations in inputs.items()
        for op in operations
        if op not in (*row_of(type_token).operations, *row_of(type_token).authorizes)
        and key not in REFUSED.get(type_token, {})
    ]
    assert strays == []
    operations = {op for inputs in UPDATE_CALLS.values() for ops in inputs.values() for op in ops}
    assert [op for op in sorted(operations) if op.split(":")[1] not in botocore_operations(op.split(":")[0])] == [
        "iam:PassRole"  # an authorization, not an operation (provider_calls, ``authorizes``)
    ]


@cache
def refused_updates(program: str) -> frozenset[tuple[str, str]]:
    deploy, policy = deploy_of(program)
    return frozenset(
        (r.type, key)
        for r, key in in_place_inputs(program)
        for request in update_requests(deploy, r, key)
        if iam.verdict([policy], Request(request.action, request.resource,
                                         {"aws:PrincipalArn": DEPLOYER_ROLE, **request.context})) != "Allow"
    )  # fmt: skip


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_deployer_may_change_every_input_in_place_but_those_the_plan_flags(program: str) -> None:
    flagged = {(type_token, key) for type_token, keys in REFUSED.items() for key in keys}
    assert sorted(refused_updates(program) - flagged) == []


def test_every_flagged_change_is_one_the_deployer_is_really_refused() -> None:
    """No stale flag: each is refused to some program's deployer."""
    refused = frozenset().union(*(refused_updates(program) for program in PROGRAMS))
    assert sorted((t, k) for t, keys in REFUSED.items() for k in keys if (t, k) not in refused) == []


def test_a_plan_diff_flags_a_new_permissions_boundary_on_every_role_of_a_deployed_stack() -> None:
    other = f"arn:aws:iam::{ACCOUNT}:policy/teams/platform-boundary"
    before, after = run_config("dev"), run_program("dev", {"permissionsBoundaryArn": other})
    lines = diff(document(before, "dev"), document(after, "dev"))
    roles = [r.name for r in before.mocks.resources if r.type == "aws:iam/role:Role"]
    flagged = [line for line in lines if line.startswith(f"{CANNOT} aws:iam/role:Role  ")]
    assert roles and len(flagged) == len(roles)
    assert all("administrator credentials" in line and "--boundary-arn" in line for line in flagged)
    assert not any(line.startswith("~ aws:iam/role:Role") for line in lines)


def test_after_the_administrators_update_the_deployer_refilled_with_the_new_boundary_writes_the_roles_again() -> None:
    """The order docs/iam.md gives: the roles carry the new boundary once an administrator's up has put it
    on them (``iam:PermissionsBoundary`` is the role's); only a deployer refilled with ``--boundary-arn``
    then writes their policies, and neither deployer may put a boundary itself."""
    new = f"arn:aws:iam::{ACCOUNT}:policy/teams/platform-boundary"
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "dev"}
    old_filled, new_filled = fill(POLICY, values), fill(POLICY, values, boundary_arn=new)
    role = f"arn:aws:iam::{ACCOUNT}:role/graviton-node/dev/dev-app-exec-role-0a1b2c3"
    bounded = {"iam:PermissionsBoundary": new}
    for action in ("iam:PutRolePolicy", "iam:DeleteRolePolicy"):
        assert iam.verdict([new_filled], Request(action, role, bounded)) == "Allow", action
        assert iam.verdict([old_filled], Request(action, role, bounded)) == "Deny", action
    for policy in (old_filled, new_filled):
        assert iam.verdict([policy], Request("iam:PutRolePermissionsBoundary", role, bounded)) == "Deny"


def test_a_plan_diff_flags_the_stacks_tag_on_a_new_vpc_made_before_0_5_0_as_an_administrators_up() -> None:
    """0.4.0 gave awsx no tags: the first plan of this version adds them (tests/program/test_network_policy)."""
    after = document(run_config("prod"), "prod")
    untagged = [{**r, "inputs": {k: v for k, v in r["inputs"].items() if (r["type"], k) != ("awsx:ec2:Vpc", "tags")}}
                for r in after["resources"]]  # fmt: skip
    lines = diff({**after, "resources": untagged}, after)
    (flagged,) = [line for line in lines if line.startswith(f"{CANNOT} awsx:ec2:Vpc  ")]
    assert "administrator credentials" in flagged and "nothing is replaced" in flagged
