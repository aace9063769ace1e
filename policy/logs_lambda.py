"""CloudWatch Logs and Lambda: log groups keep logs for a while, log resource policies are scoped to
their group and their sources, Lambda permissions name who invokes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .conditions import ACCOUNT_ID, ANY_ACCOUNT, names_callers, names_its_callers, service_of
    from .documents import allows, listed, statements
    from .rule_types import Config, Props, Rule
    from .unknowns import Unknown, read
else:
    from conditions import ACCOUNT_ID, ANY_ACCOUNT, names_callers, names_its_callers, service_of
    from documents import allows, listed, statements
    from rule_types import Config, Props, Rule
    from unknowns import Unknown, read


def _log_group_retention(_: str, props: Props, __: Config) -> list[str]:
    if not props.get("retentionInDays"):
        return ["The log group keeps logs forever; set retention_in_days (e.g. 30, or 365 for production)."]
    return []


def _services(principal: Any) -> list[str]:
    return listed(principal.get("Service")) if isinstance(principal, Mapping) else []


def _log_policy_scoped(_: str, props: Props, __: Config) -> list[str]:
    """An account holds 10 account-wide CloudWatch Logs resource policies per region, shared by every
    stack and tool: a policy per service would fail the eleventh. Attach each to its log group. And each
    service it admits comes with the source it writes for (``aws:SourceArn`` or ``aws:SourceAccount``,
    which log resource policies take: CloudWatch Logs API Reference, ``PutResourcePolicy``); without one,
    any rule of any account that targets the group writes to it (EventBridge User Guide, "Cross-service
    confused deputy prevention"). Creating a stream writes nothing, and EventBridge's ``CreateLogStream``
    carries no source ARN, so a condition there would stop every delivery ("The conditional ARN for the Rule
    only applies to logs:PutLogEvents": aws-samples/serverless-patterns#618): a statement of that action
    alone needs none."""
    found: list[str] = []
    # Only whether it is set: a log group's ARN a preview does not know yet is set all the same.
    if not isinstance(scope := read(props, "resourceArn"), Unknown) and not scope:
        found.append(
            "Account-wide log resource policy (one of the region's 10); attach it to its log group (resourceArn)."
        )
    for statement in filter(allows, statements(props.get("policyDocument"))):
        services = _services(statement.get("Principal"))
        streams_only = [a.lower() for a in listed(statement.get("Action"))] == ["logs:createlogstream"]
        if services and not streams_only and not names_its_callers(statement, ("aws:SourceArn", "aws:SourceAccount")):
            found.append(
                f"{', '.join(services)} may write with no aws:SourceArn or aws:SourceAccount condition; name the "
                "rule (or resource) it writes for."
            )
    return found


LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"


def _names_no_caller(principal: str) -> bool:
    """A principal that is neither an account (ID or ARN) nor an AWS service principal: Alexa's
    ``alexa-appkit.amazon.com`` and ``alexa-connectedhome.amazon.com`` invoke for any skill, one skill only
    where the permission carries its ``EventSourceToken`` (botocore ``lambda`` ``AddPermissionRequest``:
    ``Principal``, and ``EventSourceToken``, "a token that the invoker must supply")."""
    return not (ACCOUNT_ID.fullmatch(principal) or principal.startswith("arn:") or service_of(principal))


def _lambda_not_public(resource_type: str, props: Props, __: Config) -> list[str]:
    """Lambda.1: a function's resource policy grants no one at large; a service principal comes with the
    ARN of the one resource that may invoke (the confused-deputy guard), and S3, whose bucket ARNs name no
    account, with the account too (Lambda API Reference, ``AddPermission``: ``SourceAccount``); no function
    URL without authentication."""
    if resource_type == FUNCTION_URL:
        if str(props.get("authorizationType", "")).upper() == "NONE":
            return ["The function URL takes requests with no authentication; set authorization_type AWS_IAM."]
        return []
    principal = str(props.get("principal", ""))
    if principal == "*" or ANY_ACCOUNT.fullmatch(principal):
        return [
            f"Lambda permission for principal {principal!r}; name the service or account that invokes the function."
        ]
    if _names_no_caller(principal) and not (props.get("sourceArn") or props.get("eventSourceToken")):
        return [f"Lambda permission for {principal}, neither an account nor an AWS service principal, without "
                "eventSourceToken or sourceArn: every skill or caller of that service may invoke; set "
                "event_source_token (Alexa: the skill ID) or source_arn."]  # fmt: skip
    # A service of any partition: China's CloudWatch Logs is logs.amazonaws.com.cn.
    if service_of(principal) is not None and not props.get("sourceArn"):
        return [f"Lambda permission for {principal} without sourceArn; name the rule or resource that invokes it."]
    source_arn, source_account = str(props.get("sourceArn") or ""), str(props.get("sourceAccount") or "")
    if source_arn and not names_callers("aws:SourceArn", source_arn) and not ACCOUNT_ID.fullmatch(source_account):
        return [f"Lambda permission with sourceArn {source_arn!r}, a pattern any account's resources match; name "
                "the one resource with its account (or set sourceAccount)."]  # fmt: skip
    if service_of(principal) == "s3" and not props.get("sourceAccount"):
        return [f"Lambda permission for {principal} without sourceAccount: a bucket of that name in another "
                "account may invoke; set sourceAccount."]  # fmt: skip
    return []


LOG_GROUP_RETENTION = Rule(
    "log-group-retention",
    "CloudWatch log groups have a retention.",
    ("aws:cloudwatch/logGroup:LogGroup",),
    _log_group_retention,
    anchors=("CloudWatch.16",),
)

LOG_POLICY_SCOPED = Rule(
    "log-resource-policy-scoped",
    "CloudWatch Logs resource policies are attached to their log group, not account-wide, and name the "
    "source each service writes for.",
    ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy",),
    _log_policy_scoped,
)

LAMBDA_NOT_PUBLIC = Rule(
    "lambda-not-public",
    "Lambda permissions name who invokes: no '*' principal, a service principal with its source; no "
    "unauthenticated function URL.",
    (LAMBDA_PERMISSION, FUNCTION_URL),
    _lambda_not_public,
    anchors=("Lambda.1",),
)
