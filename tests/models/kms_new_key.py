"""What KMS lets a principal do with a key it is creating, before the key's tags count.

- ``CreateKey`` with a policy runs the policy lockout safety check: "The key policy must allow the calling
  principal to make a subsequent PutKeyPolicy request on the KMS key" (botocore kms
  ``CreateKey:Policy``), skipped only with ``BypassPolicyLockoutSafetyCheck`` (``CreateKey:
  BypassPolicyLockoutSafetyCheck``), which the deployer's ``NoOtherKeysOrKeyPolicyLockout`` denies. The
  check is KMS deciding ``kms:PutKeyPolicy`` on the new key for the caller, as it decides any request:
  the key policy first, and where that allows the account, the caller's IAM policies
  (``iam.key_allows``).
- A key being created carries no tags to authorize by: the tags of the ``CreateKey`` request are
  authorized as ``kms:TagResource`` on no key yet, and "it might take up to five minutes for tag ...
  changes to affect KMS key authorization" (AWS KMS Developer Guide, "Controlling access to tags", "Use
  tags to control access to KMS keys"). So neither the check nor the provider's calls right after the
  create (``CREATE_CALLS``) may count on ``aws:ResourceTag``: the request context holds none of the key's
  tags. A deploy that stopped there with AccessDenied would leave the key behind, created.
- A key policy that allows a principal of another account gives that account the key: KMS takes such a
  policy (AWS KMS Developer Guide, "Allowing users in other accounts to use a KMS key": the key policy
  names the other account's principal, whose own IAM policies then decide). Where the grant is
  ``kms:PutKeyPolicy``, that principal may rewrite the policy and take the key over. The stack's account
  is the one the deploy runs as, the run's ``getCallerIdentity`` answer (``stack_account``); every
  principal a key policy allows must be of it (``foreign_principals``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.testing import RecordingMocks
from tests.models import iam
from tests.models.iam import ContextValue, Document, Request

#: The calls the provider makes on a key it has just created, in order (terraform-provider-aws
#: kms/key.go ``resourceKeyCreate``: ``updateKeyRotationEnabled`` EnableKeyRotation then
#: GetKeyRotationStatus until it shows, ``waitKeyPolicyPropagated`` GetKeyPolicy, ``waitTagsPropagated``
#: ListResourceTags, then ``resourceKeyRead`` ``findKeyInfo``: DescribeKey, GetKeyPolicy,
#: GetKeyRotationStatus, ListResourceTags), and the alias's CreateAlias on it (kms/alias.go
#: ``resourceAliasCreate``; AWS KMS Developer Guide, "Controlling access to aliases": ``kms:CreateAlias``
#: on the key too).
CREATE_CALLS = (
    "kms:EnableKeyRotation", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy", "kms:ListResourceTags",
    "kms:DescribeKey", "kms:CreateAlias",
)  # fmt: skip


def allows_on_new_key(
    key_policy: Document,
    action: str,
    *,
    key_arn: str,
    principal_arn: str,
    identity: Sequence[Document],
    context: Mapping[str, ContextValue] | None = None,
) -> bool:
    """Whether ``principal_arn``, holding the ``identity`` policies, may make ``action`` on the key it is
    creating with ``key_policy``: no ``aws:ResourceTag`` in the request (module docstring)."""
    request = Request(action, key_arn, dict(context or {}))
    return iam.key_allows(key_policy, request, principal_arn=principal_arn, identity=identity)


def lockout_check_passes(
    key_policy: Document, *, key_arn: str, principal_arn: str, identity: Sequence[Document]
) -> bool:
    """Whether KMS creates a key with ``key_policy`` for ``principal_arn``: the lockout safety check, its
    ``PutKeyPolicy`` decided on the new, untagged key."""
    return allows_on_new_key(
        key_policy, "kms:PutKeyPolicy", key_arn=key_arn, principal_arn=principal_arn, identity=identity
    )


def stack_account(mocks: RecordingMocks) -> str:
    """The account the run deployed as: what its ``getCallerIdentity`` was answered."""
    (account,) = {
        answer["accountId"]
        for (token, _), answer in zip(mocks.calls, mocks.answers, strict=True)
        if token == "aws:index/getCallerIdentity:getCallerIdentity"
    }
    return account


def foreign_principals(key_policy: Document, account: str) -> list[str]:
    """The ``Principal.AWS`` entries of ``key_policy``'s Allow statements that are not of ``account`` (its
    root or an identity in it): each is another account's hold on the key (module docstring)."""
    allowed = [
        principal
        for statement in iam.statements(key_policy)
        if statement.get("Effect") == "Allow"
        for principal in _aws_principals(statement)
    ]
    return [p for p in allowed if p == "*" or p.split(":")[4:5] != [account]]


def _aws_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    named = (principal or {}).get("AWS", [])
    return [named] if isinstance(named, str) else list(named)
