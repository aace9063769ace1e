"""Every IAM policy the program registers names its resources, except where AWS offers no resource form.

``NO_RESOURCE_LEVEL`` (the policy pack's) is the Service Authorization Reference's "no resource types"
actions among those granted; an action outside it on "*" has a resource-level alternative and fails,
unless a condition key ties it to one resource (``CONDITION_SCOPED``: ``ecs:ListTasks`` by ``ecs:cluster``).
"""

import json

import pytest

from policy.iam_policies import NO_RESOURCE_LEVEL, scoped_by_condition
from tests.program.stacks import recorded_run

POLICY_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
}


def documents(stack: str, overrides: dict[str, str]) -> list[tuple[str, dict]]:
    run = recorded_run(stack, overrides)
    found = [
        (r.name, json.loads(r.inputs[POLICY_INPUTS[r.type]])) for r in run.mocks.resources if r.type in POLICY_INPUTS
    ]
    assert not run.mocks.inputs_of("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no managed policies"
    return found


@pytest.mark.parametrize(("stack", "overrides"), [("dev", {}), ("prod", {}), ("dev", {"enableExecuteCommand": "true"})])
def test_no_policy_grants_an_action_on_every_resource_when_it_could_name_one(
    stack: str, overrides: dict[str, str]
) -> None:
    found = documents(stack, overrides)
    assert found
    for name, document in found:
        for statement in document["Statement"]:
            if statement["Effect"] == "Deny":
                continue  # denying everything (plain HTTP) is as narrow as a deny gets
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if statement["Resource"] == "*":
                wide = {a for a in actions if a not in NO_RESOURCE_LEVEL and not scoped_by_condition(a, statement)}
                assert not wide, f"{name}: {sorted(wide)}"
            assert not any(action.endswith("*") for action in actions), f"{name}: wildcard action"


def test_the_planted_mistake_is_caught() -> None:
    """What the old managed policy granted (ECR reads and Logs writes on '*') is not in the allowed set."""
    assert not {"ecr:BatchGetImage", "logs:PutLogEvents"} <= NO_RESOURCE_LEVEL
