"""Whether a service may deliver to a target, by the target's resource policy (as AWS decides it).

- EventBridge delivers to a Lambda function only with a permission for ``events.amazonaws.com``
  (and, when given, the rule's ARN as ``sourceArn``); to a CloudWatch Logs group only with a log
  resource policy admitting ``events.amazonaws.com`` to ``CreateLogStream`` and ``PutLogEvents`` on
  it; to an SNS topic only with a topic policy admitting ``events.amazonaws.com`` to ``sns:Publish``
  (EventBridge guide, "Using resource-based policies for Amazon EventBridge"). Without the policy the
  rule still matches, the delivery fails, and only a ``FailedInvocations`` metric tells.
- CloudWatch alarms publish to a topic of their account under SNS's default topic policy, which grants
  ``AWS:SourceOwner`` = the account; a topic policy replaces the default, so it must keep such a grant
  (or name ``cloudwatch.amazonaws.com``).
- A KMS key policy admits CloudWatch Logs (``logs.<region>.amazonaws.com``) to a log group's key
  operations, which carry the group's ARN as ``kms:EncryptionContext:aws:logs:arn`` (CloudWatch Logs
  User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS").
- What EventBridge's own calls carry for a policy's conditions (``EVENTBRIDGE_CONTEXT``): the rule's ARN
  as ``aws:SourceArn`` when it invokes a function (EventBridge guide, "AWS Lambda permissions") and when it
  writes log events, but not when it creates the log stream (aws-samples/serverless-patterns#618, which
  fixed AWS's sample: "The conditional ARN for the Rule only applies to logs:PutLogEvents"); nothing when
  it publishes to a topic (the guide, "Amazon SNS permissions": "You can't use Condition blocks in Amazon
  SNS topic policies for EventBridge"). A condition on a key the call does not carry fails the grant.
Only the condition keys below are understood; a statement with any other condition is not counted
as a grant (a model that guesses would pass what AWS refuses).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

_KNOWN = {"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "kms:encryptioncontext:aws:logs:arn"}
#: The request context keys EventBridge's call for ``action`` carries, given the rule's ARN and account.
EVENTBRIDGE_CONTEXT = {
    "lambda:InvokeFunction": ("aws:SourceArn", "aws:SourceAccount"),
    "logs:CreateLogStream": (),
    "logs:PutLogEvents": ("aws:SourceArn",),
    "sns:Publish": (),
}


def eventbridge_context(action: str, *, rule_arn: str, account: str) -> dict[str, str]:
    """The condition keys of EventBridge's ``action`` for the rule ``rule_arn`` of ``account``."""
    values = {"aws:SourceArn": rule_arn, "aws:SourceAccount": account}
    return {key: values[key] for key in EVENTBRIDGE_CONTEXT[action]}


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def admits(
    document: Mapping[str, Any], *, service: str, action: str, resource: str, context: Mapping[str, str]
) -> bool:
    """Whether an Allow statement of ``document`` grants ``service`` the ``action`` on ``resource`` with
    these request context keys (``aws:SourceArn``, ``aws:SourceAccount``, ``AWS:SourceOwner``)."""
    context = {k.lower(): v for k, v in context.items()}
    statements = document.get("Statement") or []
    for statement in [statements] if isinstance(statements, dict) else statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal") or {}
        services = _listed(principal.get("Service")) if isinstance(principal, dict) else []
        everyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")
        if service not in services and not everyone:
            continue
        if not any(fnmatch.fnmatch(action.lower(), a.lower()) for a in _listed(statement.get("Action"))):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _listed(statement.get("Resource"))):
            continue
        if _conditions_hold(statement.get("Condition") or {}, context, everyone):
            return True
    return False


def _conditions_hold(conditions: Mapping[str, Mapping[str, Any]], context: Mapping[str, str], everyone: bool) -> bool:
    if everyone and not conditions:
        return True
    keys_seen = False
    for operator, tests in conditions.items():
        for key, wanted in tests.items():
            if key.lower() not in _KNOWN:
                return False
            keys_seen = True
            value = context.get(key.lower())
            if value is None:
                return False
            like = operator in ("ArnLike", "StringLike")
            if not any(fnmatch.fnmatchcase(value, w) if like else value == w for w in _listed(wanted)):
                return False
    # A grant to everyone counts only when a condition ties it to the caller's account or resource.
    return keys_seen or not everyone
