"""Whether Lambda's GetFunction hands a caller the function's tags, as Lambda decides it.

- AWS Lambda Developer Guide, "Using tags on Lambda functions", "Permissions required for working with
  tags": ``lambda:ListTags`` — "For tagged functions, this permission is also necessary for
  ``GetFunction``".
- AWS's notice of July 2024 (quoted in awslabs/aws-deployment-framework#748 and DataBiosphere/azul#6387):
  from July 27, 2024 "Lambda will return tags data only when the principal calling GetFunction API has a
  policy with explicit allow permission on ListTags API"; with a deny or no such allow, GetFunction still
  succeeds and answers without the tags. No error tells the caller.
- The Terraform provider behind pulumi-aws reads a function's tags from that answer alone
  (``internal/service/lambda/function.go``, ``resourceFunctionRead``: ``setTagsOut(ctx, output.Tags)``):
  a caller allowed GetFunction but not ListTags sees every tagged function untagged, so every refresh
  shows a diff and every up tags it again.

No other service is modelled here: no other documented rule of this kind was found (a Describe or Get
that drops the tags unless a separate tag action is allowed). Add one here, with its source, if found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.models import iam
from tests.models.iam import ContextValue, Document, Request

#: Read action -> the action that must also be allowed for its answer to carry the resource's tags.
TAGS_ONLY_WITH = {"lambda:GetFunction": "lambda:ListTags"}


def returns_tags(
    identity: Sequence[Document],
    action: str,
    resource: str,
    context: Mapping[str, ContextValue] | None = None,
    boundary: Document | None = None,
) -> bool:
    """Whether a principal with the ``identity`` policies (and ``boundary``) gets ``resource``'s tags in the
    answer to ``action``: the read itself allowed, and its tag action explicitly allowed too."""
    read = Request(action, resource, context or {})
    tags = Request(TAGS_ONLY_WITH[action], resource, context or {})
    return iam.role_allows(identity, read, boundary) and iam.role_allows(identity, tags, boundary)


def _probes(statement: Mapping[str, Any]) -> list[tuple[str, dict[str, ContextValue]]]:
    """A resource each of the statement's ``Resource`` entries covers (every ``*`` and ``?`` read as a
    letter), with a context meeting its conditions (the first value of each key)."""
    conditions: Mapping[str, Mapping[str, Any]] = statement.get("Condition") or {}
    context: dict[str, ContextValue] = {
        key: iam._listed(values)[0] for block in conditions.values() for key, values in block.items()
    }
    resources = iam._listed(statement.get("Resource", "*"))
    return [(str(r).replace("*", "x").replace("?", "x"), context) for r in resources]


def _names(statement: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's ``Action`` (or ``NotAction``) element covers ``action``."""
    if "Action" in statement:
        return any(iam.action_matches(p, action) for p in iam._listed(statement["Action"]))
    return not any(iam.action_matches(p, action) for p in iam._listed(statement.get("NotAction")))


def tagless_reads(identity: Sequence[Document], boundary: Document | None = None) -> list[str]:
    """``action resource`` for each read the ``identity`` policies allow (an Allow statement covering it, on
    a resource of that statement) whose answer would come without the resource's tags."""
    found = []
    for statement in (s for d in identity for s in iam.statements(d) if s.get("Effect") == "Allow"):
        for action in (a for a in TAGS_ONLY_WITH if _names(statement, a)):
            for resource, context in _probes(statement):
                allowed = iam.role_allows(identity, Request(action, resource, context), boundary)
                if allowed and not returns_tags(identity, action, resource, context, boundary):
                    found.append(f"{action} {resource}")
    return found
