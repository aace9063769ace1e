"""Every IAM resource type of the SDK that attaches a managed policy, or that gives an IAM user a policy, a
group or a credential, is held to its rule (found in the installed pulumi_aws: a new SDK release that adds
one fails here until it is covered or waived)."""

from __future__ import annotations

from typing import Any

import pytest

from iam_users import USER_CREDENTIALS, USER_GROUPS, USER_POLICIES
from rules import RULES
from tests.models.pulumi_aws_inputs import resource_inputs, types_with_input
from tests.policy.engine import violations

RULE_TYPES = {rule.name: set(rule.resource_types) for rule in RULES}
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
#: The types that name an IAM user but give it nothing, with why.
USER_WAIVED = {
    "aws:iam/user:User": "a user alone holds no credential and no permission; each way to give it one is refused",
}


def _iam_types_with(*names: str) -> set[str]:
    return {t for t in types_with_input(*names) if t.startswith("aws:iam/")}


def test_every_type_that_attaches_managed_policies_is_held_to_least_privilege() -> None:
    assert _iam_types_with("policyArn", "policyArns", "managedPolicyArns") <= RULE_TYPES["iam-least-privilege"]


def test_every_type_that_gives_an_iam_user_something_is_held_to_no_users() -> None:
    naming_users = _iam_types_with("user", "users", "userName", "username")
    user_types = {t for t in resource_inputs() if t.startswith("aws:iam/user")}
    assert (naming_users | user_types) - set(USER_WAIVED) <= RULE_TYPES["iam-no-users"]
    assert set(USER_WAIVED).isdisjoint(RULE_TYPES["iam-no-users"])


@pytest.mark.parametrize(("kind", "holder"), [("role", "roleName"), ("group", "groupName"), ("user", "userName")])
def test_an_aws_managed_policy_in_an_exclusive_attachment_is_reported(kind: str, holder: str) -> None:
    name = f"{kind.capitalize()}PolicyAttachmentsExclusive"
    found = violations(f"aws:iam/{kind}PolicyAttachmentsExclusive:{name}", {holder: "x", "policyArns": [ADMIN]})
    assert f"iam-least-privilege: {ADMIN} is an AWS-managed policy" in " ".join(found)


def _user_findings(resource_type: str, props: dict[str, Any]) -> list[str]:
    return [m for m in violations(resource_type, props) if m.startswith("iam-no-users:")]


@pytest.mark.parametrize("resource_type", sorted(USER_CREDENTIALS))
def test_every_long_lived_user_credential_is_reported(resource_type: str) -> None:
    assert _user_findings(resource_type, {"user": "bob", "userName": "bob"})


@pytest.mark.parametrize("resource_type", sorted({**USER_POLICIES, **USER_GROUPS}))
def test_a_policy_or_group_given_to_a_user_is_reported_and_an_empty_exclusive_list_is_not(resource_type: str) -> None:
    key = {**USER_POLICIES, **USER_GROUPS}[resource_type]
    assert _user_findings(resource_type, {"user": "bob", **({key: ["x"]} if key else {})})
    if key is not None:
        assert _user_findings(resource_type, {"user": "bob", key: []}) == []
