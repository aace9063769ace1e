"""Who a statement admits: its ``Principal``, and the positive conditions that name its callers
(an account, an organization, a source resource, a network endpoint).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .documents import has_literal, has_wildcard, listed
else:
    from documents import has_literal, has_wildcard, listed


#: Condition operators that admit only requests whose key has one of the values: not the negated ones,
#: not ``...IfExists`` (true when the key is absent), not ``ForAllValues:`` (true for no values at all).
_POSITIVE = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"})


def condition_values(statement: Mapping[str, Any], key: str) -> list[str]:
    """The values a positive condition of ``statement`` demands of ``key`` (keys are case-insensitive)."""
    found: list[str] = []
    for operator, tests in (statement.get("Condition") or {}).items():
        if str(operator).removeprefix("ForAnyValue:") not in _POSITIVE or not isinstance(tests, Mapping):
            continue
        found += [v for k, values in tests.items() if str(k).lower() == key.lower() for v in listed(values)]
    return found


#: Keys that tie a grant to known callers: an account, an organization, a source resource, a network
#: endpoint (IAM User Guide, "AWS global condition context keys"; KMS Developer Guide, "kms:CallerAccount").
_CALLER_KEYS = (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:SourceVpce", "aws:SourceVpc", "kms:CallerAccount",
)  # fmt: skip
#: Keys whose value is one identifier: an account ID, an organization ID, a VPC or endpoint ID. A wildcard
#: anywhere in it (``*1``, ``o-*``) admits others' accounts, organizations or networks (IAM User Guide,
#: "AWS global condition context keys": aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID,
#: aws:SourceOrgID, aws:SourceVpc, aws:SourceVpce; SNS's AWS:SourceOwner; KMS Developer Guide, kms:CallerAccount).
_IDENTIFIER_KEYS = frozenset(
    key.lower() for key in (
        "aws:SourceAccount", "aws:SourceOwner", "aws:PrincipalAccount", "kms:CallerAccount",
        "aws:SourceOrgID", "aws:PrincipalOrgID", "aws:SourceVpc", "aws:SourceVpce",
    )
)  # fmt: skip
#: Keys whose value is an ARN: it names callers only through a literal account, ``arn:PARTITION:SERVICE:
#: REGION:ACCOUNT:...`` (IAM User Guide, "ARN format"), with no wildcard in or before that segment.
_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})
ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: Keys whose value is an organization path, ``o-ID/r-ID/ou-ID/...``: the organization must be literal.
_ORG_PATH_KEYS = frozenset({"aws:sourceorgpaths", "aws:principalorgpaths"})


def names_callers(key: str, value: str) -> bool:
    """Whether ``value`` of the condition key ``key`` names the callers rather than a pattern of anyone's."""
    key = key.lower()
    if key in _ARN_KEYS:
        parts = value.split(":", 5)
        return len(parts) == 6 and not has_wildcard(":".join(parts[:4])) and bool(ACCOUNT_ID.fullmatch(parts[4]))
    if key in _IDENTIFIER_KEYS:
        return bool(value) and not has_wildcard(value)
    if key in _ORG_PATH_KEYS:
        organization = value.split("/", 1)[0]
        return bool(organization) and not has_wildcard(organization)
    return has_literal(value, ":/")


def names_its_callers(statement: Mapping[str, Any], keys: Sequence[str] = _CALLER_KEYS) -> bool:
    """Whether a positive condition of ``statement`` on one of ``keys`` names its callers in every value."""
    return any(
        (values := condition_values(statement, key)) and all(names_callers(key, v) for v in values) for key in keys
    )


ANY_ACCOUNT = re.compile(r"arn:[^:]*:iam::[^:]*[*?][^:]*:.*")


def is_public(principal: Any) -> bool:
    """Whether a ``Principal`` admits anyone: ``*``, ``{"AWS": "*"}``, or an ARN of any account."""
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    return any(v == "*" or ANY_ACCOUNT.fullmatch(v) for kind, values in principal.items() for v in listed(values))


#: Each partition's DNS suffix (botocore endpoints.json, ``dnsSuffix``; none ends another). A service principal
#: is ``<service>[.<region>].<one of them>``: ``logs.amazonaws.com.cn`` in China (terraform-provider-aws,
#: internal/service/meta/service_principal_data_source.go, ``servicePrincipalNameForPartition``). The pack
#: cannot import the program's table: a test holds this one to ``components.validation.PARTITION_DNS_SUFFIXES``.
DNS_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn", "c2s.ic.gov", "sc2s.sgov.gov", "cloud.adc-e.uk",
                "csp.hci.ic.gov", "amazonaws.eu")  # fmt: skip


def service_of(principal: str) -> str | None:
    """The service a service principal names with its region (``logs``, ``logs.cn-north-1``), or None for
    a principal that ends with no partition's DNS suffix (an account, an ARN, ``*``)."""
    suffix = next((s for s in DNS_SUFFIXES if principal.endswith(f".{s}")), None)
    return principal.removesuffix(f".{suffix}") if suffix else None
