"""Resource policies, S3 ACLs and permissions from a principal (``resource-policy-not-public``):
nothing granted to every principal without a condition naming the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .conditions import ANY_ACCOUNT, is_public, names_callers, names_its_callers
    from .documents import allows, listed, statements
    from .rule_types import Config, Props, Rule
else:
    from conditions import ANY_ACCOUNT, is_public, names_callers, names_its_callers
    from documents import allows, listed, statements
    from rule_types import Config, Props, Rule


#: Where each resource type holds its resource policy: every pulumi_aws type whose input is an IAM JSON
#: policy naming principals (``tests/policy/test_public_access_types.py`` finds them in the SDK and holds
#: this map, with the ACL and permission types below, to them).
RESOURCE_POLICIES: Mapping[str, str] = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:ecr/registryPolicy:RegistryPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": "accessPolicy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:kms/replicaKey:ReplicaKey": "policy",
    "aws:kms/externalKey:ExternalKey": "policy",
    "aws:kms/replicaExternalKey:ReplicaExternalKey": "policy",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:acmpca/policy:Policy": "policy",
    "aws:amp/resourcePolicy:ResourcePolicy": "policyDocument",
    "aws:apigateway/domainName:DomainName": "policy",
    "aws:apigateway/restApi:RestApi": "policy",
    "aws:apigateway/restApiPolicy:RestApiPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": "policy",
    "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": "accessPolicy",
    "aws:codeartifact/domainPermissions:DomainPermissions": "policyDocument",
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": "policyDocument",
    "aws:codebuild/resourcePolicy:ResourcePolicy": "policy",
    "aws:dsql/clusterPolicy:ClusterPolicy": "policy",
    "aws:dynamodb/resourcePolicy:ResourcePolicy": "policy",
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
    "aws:elasticsearch/domain:Domain": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:glacier/vault:Vault": "accessPolicy",
    "aws:glacier/vaultLock:VaultLock": "policy",
    "aws:glue/resourcePolicy:ResourcePolicy": "policy",
    "aws:kinesis/resourcePolicy:ResourcePolicy": "policy",
    "aws:lambda/resourcePolicy:ResourcePolicy": "policy",
    "aws:mediastore/containerPolicy:ContainerPolicy": "policy",
    "aws:msk/clusterPolicy:ClusterPolicy": "policy",
    "aws:networkfirewall/resourcePolicy:ResourcePolicy": "policy",
    "aws:oam/sinkPolicy:SinkPolicy": "policy",
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:opensearchingest/resourcePolicy:ResourcePolicy": "policy",
    "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": "policy",
    "aws:redshift/resourcePolicy:ResourcePolicy": "policy",
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": "policy",
    "aws:s3/accessPoint:AccessPoint": "policy",
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": "policy",
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": "policy",
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": "policy",
    "aws:s3control/accessPointPolicy:AccessPointPolicy": "policy",
    "aws:s3control/bucketPolicy:BucketPolicy": "policy",
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": "policy",
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": "resourcePolicy",
    "aws:s3tables/tablePolicy:TablePolicy": "resourcePolicy",
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "resourcePolicy",
    "aws:schemas/registryPolicy:RegistryPolicy": "policy",
    "aws:ses/identityPolicy:IdentityPolicy": "policy",
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": "policy",
    "aws:vpclattice/authPolicy:AuthPolicy": "policy",
    "aws:vpclattice/resourcePolicy:ResourcePolicy": "policy",
    "aws:xray/resourcePolicy:ResourcePolicy": "policyDocument",
}
#: Types whose ``acl`` input takes a canned ACL (and a bucket's ``grants``, a bucket ACL's
#: ``accessControlPolicy``, explicit grants).
S3_ACLS = (
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
    "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy",
)  # fmt: skip
#: The canned ACLs that grant to everyone (``AllUsers``) or to any AWS account (``AuthenticatedUsers``),
#: which S3 counts as public (S3 User Guide, "Canned ACL" and "The meaning of \"public\"").
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = frozenset({
    "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
})  # fmt: skip
#: Types that add one statement to a resource's policy from a ``principal`` input, with how each may limit
#: a ``*`` principal to an organization: an EventBridge bus permission's ``condition`` on
#: ``aws:PrincipalOrgID`` (EventBridge API Reference, ``PutPermission``), a Lambda layer's
#: ``organizationId`` (Lambda API Reference, ``AddLayerVersionPermission``).
PERMISSIONS = (
    "aws:cloudwatch/eventPermission:EventPermission",
    "aws:lambda/layerVersionPermission:LayerVersionPermission",
    "aws:signer/signingProfilePermission:SigningProfilePermission",
)


def _public_statements(document: Any) -> list[str]:
    found: list[str] = []
    for statement in filter(allows, statements(document)):
        actions = ", ".join(listed(statement.get("Action")) or listed(statement.get("NotAction")))
        if "NotPrincipal" in statement:
            found.append(f"NotPrincipal with Allow grants {actions} to everyone else; name the principals.")
        elif is_public(statement.get("Principal")) and not names_its_callers(statement):
            found.append(
                f"{actions} granted to every principal ('*') with no condition naming the callers; name the "
                "principal, or add aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID."
            )
    return found


def _public_acl(props: Props) -> list[str]:
    found: list[str] = []
    if str(props.get("acl") or "") in PUBLIC_CANNED_ACLS:
        found.append(f"The canned ACL {props['acl']!r} grants to every user or every AWS account; use 'private' "
                     "(or none: ACLs off with BucketOwnershipControls BucketOwnerEnforced).")  # fmt: skip
    grants = [*(props.get("grants") or []), *((props.get("accessControlPolicy") or {}).get("grants") or [])]
    uris = [str(g.get("uri") or (g.get("grantee") or {}).get("uri") or "") for g in grants]
    found += [f"An ACL grant to {uri}; grant to named accounts, or turn ACLs off." for uri in uris
              if uri in _PUBLIC_GRANTEES]  # fmt: skip
    return found


def _public_permission(props: Props) -> list[str]:
    principal = str(props.get("principal") or "")
    if principal != "*" and not ANY_ACCOUNT.fullmatch(principal):
        return []
    condition = props.get("condition") or {}
    organization = props.get("organizationId") or (
        condition.get("value") if str(condition.get("key", "")).lower() == "aws:principalorgid"
        and condition.get("type") == "StringEquals" else None
    )  # fmt: skip
    if organization and names_callers("aws:PrincipalOrgID", str(organization)):
        return []
    return [f"A permission for principal {principal!r} admits every AWS account; name the account, or limit it to "
            "your organization."]  # fmt: skip


def _resource_policy_not_public(resource_type: str, props: Props, __: Config) -> list[str]:
    """S3.2/S3.3, SNS.4, SQS.3, KMS.5 (and what IAM Access Analyzer calls public for ECR, Secrets Manager,
    Logs, EventBridge, and the other types of ``RESOURCE_POLICIES``): no Allow to every principal unless a
    condition names the callers (their account, organization or source resource), no ``NotPrincipal``
    with Allow; no public ACL (S3.2/S3.3 count ACLs too); no permission for ``*`` beyond an organization."""
    found: list[str] = []
    if resource_type in RESOURCE_POLICIES:
        found += _public_statements(props.get(RESOURCE_POLICIES[resource_type]))
    if resource_type in S3_ACLS:
        found += _public_acl(props)
    if resource_type in PERMISSIONS:
        found += _public_permission(props)
    return found


NOT_PUBLIC = Rule(
    "resource-policy-not-public",
    "Resource policies (bucket, repository, topic, queue, secret, log, key, event-bus and every other kind) "
    "grant nothing to every principal without a condition naming the callers; no public S3 ACL; no "
    "permission for '*' beyond an organization.",
    tuple(dict.fromkeys([*RESOURCE_POLICIES, *S3_ACLS, *PERMISSIONS])),
    _resource_policy_not_public,
    anchors=("S3.2", "S3.3", "SNS.4", "SQS.3", "KMS.5"),
)
