"""Every role the project ships or makes that may read a Lambda function through GetFunction also gets
its tags back: Lambda answers GetFunction without them unless ListTags is allowed too
(``tests/models/lambda_tags.py``), and the provider then sees every function untagged.

The roles: the deployer (its documents together with ``docs/ci-roles/deploy-state.policy.json``, as CI's
deploy role holds them), the operator, CI's preview role, and every role the programs create, under its
stack's boundary. A role added to any of these is held to the rule without a test of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from tests.ci.test_identities import ROLES, filled
from tests.models.iam import Document
from tests.models.lambda_tags import returns_tags, tagless_reads
from tests.program.stacks import PROGRAMS, run_config
from tests.program.test_deployer_policy import program_boundary, role_policies
from tools.deployer_policy import DEPLOYER, document, fill
from tools.iam_lint import EXAMPLE

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:prod-app-monitoring-task-count-function"
CI_STACK = {"STACK": "prod", "STACK_KEY_ID": "1234abcd-12ab-34cd-56ef-1234567890ab"}


def shipped(*names: str) -> list[dict[str, Any]]:
    return [fill(document(name), EXAMPLE) for name in names]


def shipped_roles() -> dict[str, Sequence[Document]]:
    """The roles whose documents the project ships: the deployer (with CI's deploy-state policy), the operator
    and CI's preview role."""
    deploy_state = filled(ROLES / "deploy-state.policy.json", CI_STACK)
    return {
        "deployer": [*shipped(*DEPLOYER, "deployer-platform"), deploy_state],
        "operator": shipped("operator"),
        "CI preview role": [filled(ROLES / "preview.policy.json", CI_STACK)],
    }


def program_roles(program: str) -> Iterator[tuple[str, Sequence[Document], Document]]:
    """``(role, identity policies, boundary)`` for each role ``program`` creates."""
    boundary = program_boundary(program)
    for role, policies in role_policies(run_config(program)).items():
        yield role, policies, boundary


# One test a shipped role and one a program (its roles inside it): the programs run when the test does, not
# when every pytest worker collects the module.
@pytest.mark.parametrize("who", sorted(shipped_roles()))
def test_every_shipped_role_that_may_get_a_function_gets_its_tags_back(who: str) -> None:
    assert tagless_reads(shipped_roles()[who]) == []


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_role_a_program_creates_that_may_get_a_function_gets_its_tags_back(program: str) -> None:
    roles = list(program_roles(program))
    assert roles
    assert {role: tagless_reads(identity, boundary) for role, identity, boundary in roles} == {
        role: [] for role, _, _ in roles
    }


def test_the_deployer_gets_the_tags_of_its_stacks_functions() -> None:
    assert returns_tags(shipped_roles()["deployer"], "lambda:GetFunction", FUNCTION)


def test_the_deployer_without_list_tags_would_read_its_functions_untagged() -> None:
    """The deployer as it was before ``lambda:ListTags``: the check finds it."""
    identity = shipped_roles()["deployer"]
    without = [_without(d, "lambda:ListTags") for d in identity if not isinstance(d, str)]
    assert len(without) == len(identity)
    assert tagless_reads(without) == ["lambda:GetFunction arn:aws:lambda:us-east-1:123456789012:function:prod-x"]


def _without(document: Mapping[str, Any], action: str) -> dict[str, Any]:
    def dropped(statement: Mapping[str, Any]) -> dict[str, Any]:
        actions = statement.get("Action")
        if isinstance(actions, list):
            return {**statement, "Action": [a for a in actions if a != action]}
        return dict(statement)

    return {**document, "Statement": [dropped(s) for s in document["Statement"]]}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(action: str | list[str], resource: str = "*", effect: str = "Allow") -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource}


SCOPED = "arn:aws:lambda:*:*:function:dev-*"


@pytest.mark.parametrize(
    ("identity", "tagless"),
    [
        ([_policy(_allow("lambda:GetFunction"))], ["lambda:GetFunction x"]),
        ([_policy(_allow("lambda:Get*"))], ["lambda:GetFunction x"]),
        ([_policy(_allow(["lambda:GetFunction", "lambda:ListTags"]))], []),
        ([_policy(_allow("lambda:*"))], []),
        ([_policy(_allow("lambda:GetFunction"), _allow("lambda:ListTags"))], []),
        ([_policy(_allow("lambda:GetFunction", SCOPED)), _policy(_allow("lambda:ListTags", SCOPED))], []),
        (
            [_policy(_allow("lambda:GetFunction", SCOPED), _allow("lambda:ListTags", "arn:aws:lambda:*:*:function:x"))],
            ["lambda:GetFunction arn:aws:lambda:x:x:function:dev-x"],
        ),
        (
            [_policy(_allow(["lambda:GetFunction", "lambda:ListTags"]), _allow("lambda:ListTags", effect="Deny"))],
            ["lambda:GetFunction x"],
        ),
        ([_policy({"Effect": "Allow", "NotAction": "lambda:ListTags", "Resource": "*"})], ["lambda:GetFunction x"]),
        ([_policy(_allow("lambda:ListFunctions"))], []),
    ],
)
def test_the_model_reads_lambdas_rule_as_lambda_documents_it(identity: list[Document], tagless: list[str]) -> None:
    assert tagless_reads(identity) == tagless


def test_a_boundary_without_list_tags_takes_the_tags_away_too() -> None:
    both = [_policy(_allow(["lambda:GetFunction", "lambda:ListTags"]))]
    assert tagless_reads(both, _policy(_allow("lambda:GetFunction"))) == ["lambda:GetFunction x"]
