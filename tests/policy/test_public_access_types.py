"""Every resource type of the SDK that can open something to other principals is held to a rule of the
pack, or waived here with the reason. The class is found in the installed pulumi_aws
(``tests/models/pulumi_aws_inputs.py``): each type with an input named as a resource policy, an ACL or a
principal is; a new SDK release that adds one fails the first test until it is covered or waived."""

from __future__ import annotations

import json
from typing import Any

import pytest

from resource_policies import PERMISSIONS, RESOURCE_POLICIES, S3_ACLS
from rules import RULES
from tests.models import s3_acl
from tests.models.pulumi_aws_inputs import resource_inputs, types_with_input
from tests.policy.engine import violations

RULE = "resource-policy-not-public"
INPUTS = ("policy", "accessPolicy", "accessPolicies", "policyDocument", "resourcePolicy", "principal", "acl")

WAIVED: dict[str, tuple[str, ...]] = {
    "not an access policy (what it holds grants no principal anything)": (
        "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",  # data protection, subscription filter, transformer
        "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy",  # masking of log data
        "aws:cloudwatch/logIndexPolicy:LogIndexPolicy",  # field indexes
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",  # image expiry (ecr-lifecycle requires one)
        "aws:networkmanager/coreNetworkPolicyAttachment:CoreNetworkPolicyAttachment",  # routing
        "aws:opensearch/serverlessLifecyclePolicy:ServerlessLifecyclePolicy",  # retention
        "aws:resiliencehub/resiliencyPolicy:ResiliencyPolicy",  # RTO/RPO targets
        "aws:sns/dataProtectionPolicy:DataProtectionPolicy",  # masking of messages
        "aws:ses/receiptFilter:ReceiptFilter",  # allow or block inbound mail from an IP range
    ),
    "not IAM policy language (its own format, out of the pack's reach)": (
        "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy",  # OpenSearch Serverless data access rules
        "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",  # encryption and network rules
        "aws:verifiedaccess/endpoint:Endpoint",  # Cedar
        "aws:verifiedaccess/group:Group",  # Cedar
    ),
    "a policy that only narrows what an identity's own policies allow (session or scope-down), or an "
    "endpoint policy, which filters requests through the endpoint and grants nothing by itself": (
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "aws:transfer/access:Access",
        "aws:transfer/user:User",
    ),
    "identity policies of IoT things (attached to certificates; no Principal element)": (
        "aws:iot/policy:Policy",
        "aws:iot/policyAttachment:PolicyAttachment",
        "aws:iot/thingPrincipalAttachment:ThingPrincipalAttachment",
    ),
    "a principal that cannot be everyone: one service, an account or organization, or a principal of the "
    "service's own directory (ACM PCA's CreatePermission takes acm.amazonaws.com only; RAM, License Manager "
    "and Lake Formation name accounts, organizations or IAM ARNs; DataZone its domain's users and projects)": (
        "aws:acmpca/permission:Permission",
        "aws:datazone/policyGrant:PolicyGrant",
        "aws:lakeformation/permissions:Permissions",
        "aws:licensemanager/licenseGrant:LicenseGrant",
        "aws:ram/principalAssociation:PrincipalAssociation",
    ),
}
WAIVED_TYPES = {t for types in WAIVED.values() for t in types}


def test_every_sdk_type_with_a_resource_policy_acl_or_principal_is_covered_or_waived() -> None:
    covered = {t for rule in RULES for t in rule.resource_types}
    found = set(types_with_input(*INPUTS))
    assert found - covered - WAIVED_TYPES == set()
    assert WAIVED_TYPES - found == set()  # no stale entries
    assert WAIVED_TYPES & covered == set()  # none both covered and waived


def test_the_pack_reads_each_type_by_an_input_it_has() -> None:
    inputs = resource_inputs()
    assert [t for t, key in RESOURCE_POLICIES.items() if key not in inputs.get(t, ())] == []
    assert [t for t in S3_ACLS if "acl" not in inputs.get(t, ())] == []
    assert [t for t in PERMISSIONS if "principal" not in inputs.get(t, ())] == []


def _document(**condition: Any) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "x:Get", "Resource": "*"}
    return json.dumps({"Statement": [statement | ({"Condition": condition} if condition else {})]})


@pytest.mark.parametrize(("resource_type", "key"), sorted(RESOURCE_POLICIES.items()))
def test_a_grant_to_everyone_is_reported_on_every_type_that_holds_a_resource_policy(
    resource_type: str, key: str
) -> None:
    def mine(document: str) -> list[str]:
        return [m for m in violations(resource_type, {key: document}) if m.startswith(f"{RULE}:")]

    assert mine(_document())
    assert mine(_document(StringEquals={"aws:PrincipalOrgID": "o-abc123"})) == []


@pytest.mark.parametrize("resource_type", S3_ACLS)
@pytest.mark.parametrize("canned", sorted(s3_acl.CANNED))
def test_a_canned_acl_is_reported_exactly_when_s3_counts_its_grants_public(resource_type: str, canned: str) -> None:
    found = [m for m in violations(resource_type, {"acl": canned}) if m.startswith(f"{RULE}:")]
    assert bool(found) == s3_acl.is_public(s3_acl.CANNED[canned])


@pytest.mark.parametrize("uri", [s3_acl.ALL_USERS, s3_acl.AUTHENTICATED_USERS, s3_acl.LOG_DELIVERY])
def test_an_explicit_grant_is_reported_exactly_when_it_is_to_a_public_group(uri: str) -> None:
    bucket = {"grants": [{"type": "Group", "uri": uri, "permissions": ["READ"]}]}
    acl = {"accessControlPolicy": {"grants": [{"grantee": {"type": "Group", "uri": uri}, "permission": "READ"}]}}
    public = s3_acl.is_public({(uri, "READ")})
    for resource_type, props in (("aws:s3/bucketV2:BucketV2", bucket), ("aws:s3/bucketAclV2:BucketAclV2", acl)):
        assert bool([m for m in violations(resource_type, props) if m.startswith(f"{RULE}:")]) == public


@pytest.mark.parametrize("resource_type", PERMISSIONS)
def test_a_permission_for_everyone_is_reported_unless_limited_to_an_organization(resource_type: str) -> None:
    def mine(props: dict[str, Any]) -> list[str]:
        return [m for m in violations(resource_type, props) if m.startswith(f"{RULE}:")]

    assert mine({"principal": "*"})
    assert mine({"principal": "123456789012"}) == []
    organization = (
        {"condition": {"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-abc123"}}
        if resource_type == "aws:cloudwatch/eventPermission:EventPermission"
        else {"organizationId": "o-abc123"}
    )
    if resource_type != "aws:signer/signingProfilePermission:SigningProfilePermission":  # takes no organization
        assert mine({"principal": "*", **organization}) == []
        assert mine({"principal": "*", **{k: {**v, "value": "o-*"} if isinstance(v, dict) else "o-*"
                                           for k, v in organization.items()}})  # fmt: skip
