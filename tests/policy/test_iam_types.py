"""Every resource type of the SDK, of any service, that attaches a managed policy or holds a policy, and
every IAM type that gives an IAM user a policy, a group or a credential, is held to its rule (found in the
installed pulumi_aws: a new SDK release that adds one fails here until it is covered or waived)."""

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


#: The types with a policy input (``GRANTING``) that grants no identity anything, with why.
GRANTS_NOTHING = {
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "a session policy: it only narrows the role's grants",
    "aws:rolesanywhere/profile:Profile": "session policies: they only narrow the role's grants",
    "aws:transfer/access:Access": "a session (scope-down) policy: it only narrows the role's grants",
    "aws:transfer/user:User": "a session (scope-down) policy: it only narrows the role's grants",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "an endpoint policy only narrows what the endpoint carries",
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": "an endpoint policy only narrows what the endpoint carries",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "an EKS access policy: Kubernetes RBAC, not IAM",
    "aws:iot/policy:Policy": "an IoT Core policy: device permissions on IoT resources, not IAM",
    "aws:iot/policyAttachment:PolicyAttachment": "names an IoT Core policy, not IAM",
    "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy": "OpenSearch Serverless data access, not IAM",
    "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy": "index retention, no permission",
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": "encryption or network settings",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "image expiry rules, no permission",
    "aws:resiliencehub/resiliencyPolicy:ResiliencyPolicy": "recovery objectives, no permission",
    "aws:resiliencehub/v2Service:V2Service": "names a resiliency policy, not IAM",
    "aws:resiliencehub/v2UserJourney:V2UserJourney": "names a resiliency policy, not IAM",
    "aws:ses/receiptFilter:ReceiptFilter": "allows or blocks IP ranges, no permission",
    "aws:sns/dataProtectionPolicy:DataProtectionPolicy": "masks or blocks data in messages, no permission",
}
#: The inputs through which a type may grant: a managed policy's ARN, an inline or a resource policy.
GRANTING = ("policyArn", "policyArns", "managedPolicyArn", "managedPolicyArns", "inlinePolicy", "policy")


def test_every_type_that_may_grant_through_a_policy_is_held_to_a_rule_or_waived_with_its_reason() -> None:
    """Of every service, not IAM's alone: IAM Identity Center's permission sets attach managed and inline
    policies to the roles they provision."""
    held = RULE_TYPES["iam-least-privilege"] | RULE_TYPES["resource-policy-not-public"]
    assert set(types_with_input(*GRANTING)) - held == set(GRANTS_NOTHING)
    assert set(GRANTS_NOTHING).isdisjoint(held)


def test_every_type_that_attaches_managed_policies_is_held_to_least_privilege() -> None:
    attaching = types_with_input("policyArn", "policyArns", "managedPolicyArn", "managedPolicyArns")
    assert set(attaching) - set(GRANTS_NOTHING) <= RULE_TYPES["iam-least-privilege"]


def test_an_identity_center_permission_set_is_held_to_least_privilege() -> None:
    attached = violations(
        "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
        {"instanceArn": "arn:aws:sso:::instance/ssoins-1", "permissionSetArn": "arn:ps", "managedPolicyArn": ADMIN},
    )
    assert f"iam-least-privilege: {ADMIN} is an AWS-managed policy" in " ".join(attached)
    everything = '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    inline = violations(
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        {"instanceArn": "arn:aws:sso:::instance/ssoins-1", "permissionSetArn": "arn:ps", "inlinePolicy": everything},
    )
    assert [m for m in inline if m.startswith("iam-least-privilege: Wildcard actions *")]


def test_every_type_that_gives_an_iam_user_something_is_held_to_no_users() -> None:
    # Other services' "user" is their own (Transfer Family, QuickSight, MQ): IAM's users are IAM's types.
    naming_users = {t for t in types_with_input("user", "users", "userName", "username") if t.startswith("aws:iam/")}
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
