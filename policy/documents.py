"""Policy documents, read as IAM reads them: a JSON string or an object; ``Statement`` a list or one
statement; ``Action``, ``Resource``, ``Principal`` values a string or a list; wildcards ``*`` (any run of
characters) and ``?`` (one), matched segment by segment in ARNs (IAM User Guide, "IAM JSON policy
elements": Statement, Action, NotAction, Resource, NotResource, Principal, Condition).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

WILDCARDS = "*?"


def policy_document(value: Any) -> Mapping[str, Any] | None:
    """A policy document from a JSON string or an object; None when it is neither (or unknown in a preview)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, Mapping) else None


def statements(value: Any) -> list[Mapping[str, Any]]:
    """A document's statements: ``Statement`` is a list of statements or a single one."""
    found = (policy_document(value) or {}).get("Statement") or []
    return [s for s in ([found] if isinstance(found, Mapping) else found) if isinstance(s, Mapping)]


def listed(value: Any) -> list[str]:
    """A policy element that is one string or a list of them, as a list. The engine hands a rule each list
    as a ``Sequence`` proxy, not a ``list`` (pulumi_policy ``proxy.py``, ``unknown_checking_proxy``)."""
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, Sequence) and not isinstance(value, bytes) else []


def allows(statement: Mapping[str, Any]) -> bool:
    # A Deny only narrows what others allow: never a finding here.
    return statement.get("Effect") == "Allow"


def has_literal(text: str, separators: str = "") -> bool:
    """Whether ``text`` has a character other than wildcards (and ``separators``): it names something."""
    return any(c not in WILDCARDS + separators for c in text)


def has_wildcard(text: str) -> bool:
    """Whether ``text`` holds a ``*`` or ``?``: as a condition or ARN value, a pattern, not one name."""
    return any(c in WILDCARDS for c in text)


def _pattern(wildcarded: str) -> re.Pattern[str]:
    # IAM's ARN matching: ``*`` runs within one colon-separated segment, except at a segment's end.
    def token(i: int, c: str) -> str:
        if c == "*":
            return ".*" if wildcarded[i + 1 : i + 2] in ("", ":") else "[^:]*"
        return "[^:]" if c == "?" else re.escape(c)

    return re.compile("".join(token(i, c) for i, c in enumerate(wildcarded)), re.S)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a ``Resource`` entry covers ``arn`` (case-sensitive, segment by segment)."""
    return _pattern(pattern).fullmatch(arn) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether an ``Action`` entry covers ``action`` (case-insensitive)."""
    return _pattern(pattern.lower()).fullmatch(action.lower()) is not None


#: Services whose ARNs name the resource with no resource type before it: S3 ``bucket[/key]``, SNS topics,
#: SQS queues, API Gateway ``api-id/stage/...``.
_UNTYPED_ARNS = frozenset({"s3", "sns", "sqs", "execute-api"})
#: EC2 resource types whose ARN ends in an ID EC2 issues (``<type>/${...Id}``, Service Authorization
#: Reference, "Actions, resources, and condition keys for Amazon EC2", resource types); a key pair's and a
#: placement group's end in the name one chose (``key-pair/${KeyName}``), which a prefix narrows.
EC2_ISSUED_IDS = frozenset(
    {
        "customer-gateway", "dhcp-options", "egress-only-internet-gateway", "elastic-gpu", "elastic-ip",
        "flow-log", "host", "image", "instance", "internet-gateway", "launch-template", "natgateway",
        "network-acl", "network-interface", "reserved-instances", "route-table", "security-group",
        "security-group-rule", "snapshot", "spot-fleet-request", "spot-instances-request", "subnet",
        "traffic-mirror-filter", "traffic-mirror-session", "traffic-mirror-target", "transit-gateway",
        "transit-gateway-attachment", "transit-gateway-multicast-domain", "transit-gateway-route-table",
        "volume", "vpc", "vpc-endpoint", "vpc-endpoint-service", "vpc-peering-connection", "vpn-connection",
        "vpn-gateway",
    }
)  # fmt: skip
_RESOURCE_TYPE = re.compile(r"[A-Za-z0-9-]+[/:]")


def every_resource(pattern: str) -> bool:
    """Whether a ``Resource`` entry covers every resource of a type, of a service or of any account:
    ``*``, ``arn:aws:iam::*:role/*``, ``arn:aws:s3:::*``, ``...:log-group:*``, ``...:role*``, and an ID the
    service issues with a wildcard (a KMS key's ``...:key/1*``, EC2's ``...:security-group/sg-*``). A name,
    or the start of one, narrows it (``...:log-group:/app:*``, ``arn:aws:s3:::bucket/*``)."""
    if not has_literal(pattern, ":/"):
        return True
    parts = pattern.split(":", 5)
    if parts[0] != "arn":
        return False  # a service's own resource form, not an ARN
    if len(parts) < 6:
        return parts[-1].endswith("*")  # a segment's closing * runs on over the segments left out
    service, account, resource = parts[2], parts[4], parts[5]
    if any(c in service + account for c in WILDCARDS):
        return True  # any service's resources, or any account's
    if service in _UNTYPED_ARNS:
        return not has_literal(resource.split("/", 1)[0])
    if service == "kms" and resource.startswith("key/"):
        # KMS issues the key ID (CreateKey takes none; botocore kms KeyMetadata.KeyId, "The globally unique
        # identifier"): a wildcard in it matches keys by chance, not by any name one chose.
        return has_wildcard(resource)
    if service == "ec2" and resource.split("/", 1)[0] in EC2_ISSUED_IDS:
        # EC2 issues these IDs too: ``security-group/sg-*`` is every group, ``sg-0*`` some by chance.
        return has_wildcard(resource)
    typed = _RESOURCE_TYPE.match(resource)
    if typed is None:
        return any(c in resource for c in WILDCARDS)  # "role*": the type itself is left open
    return not has_literal(resource[typed.end() :], ":/")
