"""Least privilege in identity policies (``iam-least-privilege``): no AWS-managed policies, no
``NotAction``/``NotResource`` with Allow, no action on every resource when it could name one, no wildcard
actions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .documents import WILDCARDS, allows, every_resource, has_wildcard, listed, statements
    from .rule_types import Config, Props, Rule
else:
    from documents import WILDCARDS, allows, every_resource, has_wildcard, listed, statements
    from rule_types import Config, Props, Rule


#: Actions the Service Authorization Reference lists with no resource type: the only ones allowed on "*".
NO_RESOURCE_LEVEL = frozenset(
    {
        "ecr:GetAuthorizationToken",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "sts:GetCallerIdentity",
        "logs:DescribeLogGroups",
        # The reads of ECS's deployment role (Service Authorization Reference, Elastic Load Balancing V2).
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
    }
)
#: Actions whose only usable resource form is "*" but which a condition key ties to one resource: allowed
#: on "*" only with that key equal to an ARN (``ListTasks`` takes no task or service ARN; the ECS guide
#: scopes it with ``ecs:cluster``).
CONDITION_SCOPED: Mapping[str, str] = {"ecs:ListTasks": "ecs:cluster"}
#: ``CONDITION_SCOPED`` by lower-case action: IAM compares action names case-insensitively (IAM User Guide,
#: "IAM JSON policy elements: Action"), so ``ecs:listtasks`` is ``ecs:ListTasks``.
_CONDITION_SCOPED = {action.lower(): key for action, key in CONDITION_SCOPED.items()}
#: The operators that compare a key with a value: ``ArnEquals``, ``ArnLike`` and ``StringLike`` read ``*``
#: and ``?`` in it as wildcards (IAM User Guide, "IAM JSON policy elements: Condition operators", ARN and
#: string condition operators); ``StringEquals`` does not, but no ARN of a resource holds either.
_COMPARING = ("ArnEquals", "ArnLike", "StringEquals", "StringLike")


def scoped_by_condition(action: str, statement: Mapping[str, Any]) -> bool:
    """Whether ``statement`` ties ``action`` to one resource with its ``CONDITION_SCOPED`` key: an ARN with
    no wildcard (``*`` nor ``?``); condition keys are case-insensitive."""
    key = _CONDITION_SCOPED.get(action.lower())
    conditions = statement.get("Condition") or {}
    values = [
        value
        for operator in (_COMPARING if key else ())
        for name, value in (conditions.get(operator) or {}).items()
        if str(name).lower() == str(key).lower()
    ]
    return any(isinstance(v, str) and v.startswith("arn:") and not has_wildcard(v) for v in values)


#: Actions the Service Authorization Reference lists with no resource type, in lower case (IAM compares
#: actions case-insensitively).
_NO_RESOURCE_LEVEL = frozenset(action.lower() for action in NO_RESOURCE_LEVEL)
_AWS_MANAGED = re.compile(r"arn:aws[a-z-]*:iam::aws:policy/.+")


def _aws_managed(arns: Sequence[str]) -> list[str]:
    return [
        f"{arn} is an AWS-managed policy; grant the few actions needed in an inline policy."
        for arn in arns
        if _AWS_MANAGED.fullmatch(arn)
    ]


def identity_policy_findings(document: Any) -> list[str]:
    """What an identity policy grants beyond least privilege: every action but some (``NotAction``), every
    resource but some (``NotResource``), an action on every resource when it could name one, wildcard
    actions. A Deny is exempt: it only narrows."""
    found: list[str] = []
    for statement in filter(allows, statements(document)):
        if "NotAction" in statement:
            found.append(
                f"NotAction {listed(statement['NotAction'])} with Allow grants every other action of every "
                "service; list the actions needed in Action."
            )
        if "NotResource" in statement:
            found.append(
                f"NotResource {listed(statement['NotResource'])} with Allow grants on every other resource; name "
                "the resources (ARNs) in Resource."
            )
        actions = listed(statement.get("Action"))
        wide_resources = [r for r in listed(statement.get("Resource")) if every_resource(r)]
        wide = sorted(
            a for a in actions if a.lower() not in _NO_RESOURCE_LEVEL and not scoped_by_condition(a, statement)
        ) if wide_resources else []  # fmt: skip
        if wide:
            found.append(
                f"{', '.join(wide)} on every resource ({', '.join(wide_resources)}); name the resources (ARNs) "
                "they act on."
            )
        starred = sorted(a for a in actions if any(c in a for c in WILDCARDS))
        if starred:
            found.append(f"Wildcard actions {', '.join(starred)}; list the actions needed.")
    return found


#: Where each resource type holds an identity policy (a role's inline ones: ``inlinePolicies[].policy``).
IDENTITY_POLICIES: Mapping[str, str] = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    # An IAM Identity Center permission set's inline policy is the identity policy of every role it provisions.
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "inlinePolicy",
}
_ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    # The exclusive forms attach the whole list ``policyArns`` (and detach every other).
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
    # IAM Identity Center attaches a managed policy to each role a permission set provisions.
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
    "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
    # QuickSight applies an IAM policy to its users' and groups' sessions.
    "aws:quicksight/iamPolicyAssignment:IamPolicyAssignment",
)
#: The inputs an attachment names its managed policies in.
_ATTACHED = ("policyArn", "policyArns", "managedPolicyArn", "managedPolicyArns")
ROLE = "aws:iam/role:Role"


def _iam_least_privilege(resource_type: str, props: Props, __: Config) -> list[str]:
    """IAM.1, IAM.21, KMS.1, KMS.2, AwsSolutions-IAM4/IAM5: no AWS-managed policies, and no policy, inline
    or not, that grants every action, every resource or wildcard actions."""
    if resource_type in _ATTACHMENTS:
        return _aws_managed([arn for key in _ATTACHED for arn in listed(props.get(key))])
    if resource_type == ROLE:
        inline = [p.get("policy") for p in props.get("inlinePolicies") or [] if isinstance(p, Mapping)]
        return [*_aws_managed(listed(props.get("managedPolicyArns"))),
                *(m for document in inline for m in identity_policy_findings(document))]  # fmt: skip
    return identity_policy_findings(props.get(IDENTITY_POLICIES[resource_type]))


LEAST_PRIVILEGE = Rule(
    "iam-least-privilege",
    "No AWS-managed policies; no policy (inline, managed, attached to a role, user or group) grants "
    "NotAction, NotResource, an action on every resource when it could name one, or wildcard actions.",
    (*IDENTITY_POLICIES, *_ATTACHMENTS, ROLE),
    _iam_least_privilege,
    anchors=("IAM.1", "IAM.21", "KMS.1", "KMS.2", "AwsSolutions-IAM4", "AwsSolutions-IAM5"),
)
