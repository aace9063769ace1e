"""The ARNs config names a resource by, each matched whole: an ARN lands in a role's policy as its
``Resource`` or ``Principal``, where IAM reads ``*`` and ``?`` as wildcards (IAM User Guide, "IAM JSON policy
elements: Resource") or refuses them (IAM Access Analyzer policy checks, "Unsupported wildcard in principal"),
so a form that let one through would grant every resource it matches. No Pulumi import."""

from __future__ import annotations

import re

from .errors import ConfigError

#: An ECS cluster's ARN in any partition (``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso-b``, ...); its name "Up
#: to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens" (botocore ecs
#: ``CreateClusterRequest.clusterName``).
_CLUSTER_ARN = re.compile(r"arn:aws(-[a-z]+)*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}")


def cluster_arn(key: str, value: str) -> str:
    """An ECS cluster ARN."""
    if not _CLUSTER_ARN.fullmatch(value):
        raise ConfigError(key, value, "an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)")
    return value


#: A KMS key's ARN: ``key/`` and its key ID, a UUID or, for a multi-Region key, ``mrk-`` and 32 hex digits
#: (botocore kms ``DescribeKey:KeyId``: "Key ID: 1234abcd-12ab-34cd-56ef-1234567890ab"; ``ReplicateKey:KeyId``:
#: "mrk-1234abcd12ab34cd56ef1234567890ab"). Exactly that: the ARN lands unconditioned in the roles' Resource,
#: where a ``*`` or ``?`` would grant every key it matches.
KMS_KEY_ID = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_KMS_KEY_ARN = re.compile(r"arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:[0-9]{12}:key/" + KMS_KEY_ID)


def kms_key_arn(key: str, value: str, *, optional: bool = True) -> str:
    """A KMS key ARN, or (when ``optional``) empty."""
    if (value or not optional) and not _KMS_KEY_ARN.fullmatch(value):
        raise ConfigError(
            key,
            value,
            "a KMS key ARN, its key ID a UUID or a multi-Region mrk- ID, no wildcards "
            "(arn:aws:kms:REGION:ACCOUNT:key/1234abcd-12ab-34cd-56ef-1234567890ab)",
        )
    return value
