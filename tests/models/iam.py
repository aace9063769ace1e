"""Whether IAM lets a principal take an action on a resource, as IAM decides it.

The rules, from the IAM User Guide:

- A ``Resource`` element matches case-sensitively, with ``*`` for any run of characters and ``?`` for
  exactly one, within one colon-separated segment of the ARN; a ``*`` that ends a segment may run
  past colons ("IAM JSON policy elements: Resource", "Using wildcards in resource ARNs"). No other
  character is special. ``Action`` entries match the same way, case-insensitively. ``NotAction`` and
  ``NotResource`` match everything their list does not ("IAM JSON policy elements: NotAction",
  "...: NotResource").
- A policy variable ``${key}`` in a ``Resource`` is the request's value of that condition key; a
  statement whose variable the request lacks matches nothing ("IAM policy elements: Variables and tags").
- The resource is the ARN of the resource itself, not the string the caller named it by: Secrets
  Manager authorizes ``GetSecretValue`` against the secret's full ARN, suffix included, even when the
  request gave a partial one (``tests/models/secrets_manager.py`` finds that secret).
- ``Condition``: as ``tests/models/iam_conditions.py`` evaluates it.
- An explicit Deny in any policy that applies wins; without an Allow the request is denied. A
  permissions boundary caps a role: the request must be allowed by the role's identity policies and
  by its boundary ("Policy evaluation logic", "Permissions boundaries for IAM entities").
- A role's trust policy decides who may assume the role the same way: within the role's account, one
  that names the principal's ARN lets it ``sts:AssumeRole`` with no identity-based policy allowing it;
  one naming the account leaves it to the principal's policies; an explicit Deny in those still wins
  (IAM User Guide, "Policy evaluation logic": role trust policies and KMS key policies are the resource
  policies that must name the principal; "Cross account resource access in IAM": across accounts the
  principal's own policies must allow it too).
- A role session's request context says how the session began: one of a role assumed through an OIDC
  provider (``sts:AssumeRoleWithWebIdentity``, GitHub's ``token.actions.githubusercontent.com`` among
  them) carries ``aws:FederatedProvider``, the provider's ARN (IAM User Guide, "AWS global condition
  context keys", ``aws:FederatedProvider``: "present in the role-session of a role that was assumed
  using OpenID Connect (OIDC) provider"; for an IdP not built into AWS, "the key value will be ARN").
  A session that a service began with ``sts:AssumeRole`` does not. The guide names no such key for a
  session begun with ``sts:AssumeRoleWithSAML``: ``web_identity_session`` models OIDC only.
- A KMS key's policy is the first word on the key: it may allow a principal itself, or allow the
  account (``arn:aws:iam::<account>:root``), which lets the principal's IAM policies decide (AWS KMS
  Developer Guide, "Key policies in AWS KMS", "Default key policy"). A grant to a role's ARN is still
  capped by the role's boundary.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

from tests.models.iam_conditions import ContextValue, _listed, _substituted, condition_holds


@functools.cache
def service_authorization() -> list[dict[str, Any]]:
    """The Service Authorization Reference as parliament ships it (``iam_definition.json``): per service prefix,
    its actions (``privileges``) with the resource types and condition keys of each, and its resources' ARN
    forms. Read once per process, and only read. Read beside parliament's module, not imported: parliament
    1.6.4 imports pkg_resources (tools/iam_lint.py)."""
    spec = find_spec("parliament")
    assert spec is not None and spec.origin is not None
    return json.loads((Path(spec.origin).parent / "iam_definition.json").read_text())


Document = str | Mapping[str, Any]
Verdict = Literal["Allow", "Deny", "ImplicitDeny"]


@dataclass(frozen=True)
class Request:
    """One authorization IAM makes: an action on a resource, with its request context."""

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    """Condition keys and their values (``aws:PrincipalArn``, ``iam:PassedToService``, ...)."""


def web_identity_session(provider_arn: str) -> dict[str, ContextValue]:
    """The request context every request of a role session begun through the OIDC provider
    ``provider_arn`` carries (module docstring): ``aws:FederatedProvider``."""
    return {"aws:FederatedProvider": provider_arn}


# Memoized: a policy's few patterns are matched against thousands of requests in the suite.
@functools.cache
def _pattern(wildcarded: str) -> re.Pattern[str]:
    def token(i: int, c: str) -> str:
        if c == "*":
            return ".*" if wildcarded[i + 1 : i + 2] in ("", ":") else "[^:]*"
        return "[^:]" if c == "?" else re.escape(c)

    return re.compile("".join(token(i, c) for i, c in enumerate(wildcarded)), re.S)


def resource_matches(pattern: str, arn: str) -> bool:
    """Whether a policy's ``Resource`` entry covers ``arn``."""
    return _pattern(pattern).fullmatch(arn) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether a policy's ``Action`` entry covers ``action`` (``service:Name``)."""
    return _pattern(pattern.lower()).fullmatch(action.lower()) is not None


def _resource_covers(pattern: str, request: Request) -> bool:
    filled = _substituted(pattern, request.context)
    return filled is not None and _resource_pattern(filled).fullmatch(request.resource) is not None


@functools.cache
def _resource_pattern(filled: str) -> re.Pattern[str]:
    literal = {"\0*": "\1", "\0?": "\2", "\0$": "$"}
    for escape, stand_in in literal.items():
        filled = filled.replace(escape, stand_in)
    return re.compile(_pattern(filled).pattern.replace("\1", r"\*").replace("\2", r"\?"), re.S)


def statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    """Whether a statement's action, resource and condition elements all cover ``request``."""
    if "Action" in statement:
        action = any(action_matches(a, request.action) for a in _listed(statement["Action"]))
    else:
        action = not any(action_matches(a, request.action) for a in _listed(statement.get("NotAction")))
    if "Resource" in statement:
        resource = any(_resource_covers(r, request) for r in _listed(statement["Resource"]))
    elif "NotResource" in statement:
        resource = not any(_resource_covers(r, request) for r in _listed(statement["NotResource"]))
    else:  # a key or trust policy statement without Resource applies to its own resource
        resource = True
    return action and resource and condition_holds(statement.get("Condition") or {}, request.context)


def statements(document: Document) -> list[Mapping[str, Any]]:
    policy = json.loads(document) if isinstance(document, str) else document
    found = policy.get("Statement") or []
    return [found] if isinstance(found, dict) else list(found)


def verdict(documents: Sequence[Document], request: Request) -> Verdict:
    """What ``documents`` together say about ``request``: an explicit Deny, an Allow, or nothing."""
    effects = {s.get("Effect") for d in documents for s in statements(d) if statement_applies(s, request)}
    return "Deny" if "Deny" in effects else "Allow" if "Allow" in effects else "ImplicitDeny"


def allows(document: Document, action: str, resource: str, context: Mapping[str, ContextValue] | None = None) -> bool:
    """Whether ``document`` (an identity policy) alone allows ``action`` on ``resource``."""
    return verdict([document], Request(action, resource, context or {})) == "Allow"


def role_allows(identity: Sequence[Document], request: Request, boundary: Document | None = None) -> bool:
    """Whether a principal with the ``identity`` policies (and ``boundary``, when it has one) may make
    ``request``: no Deny in either, an Allow in both."""
    if verdict(identity, request) != "Allow":
        return False
    return boundary is None or verdict([boundary], request) == "Allow"


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    return _listed((principal or {}).get("AWS"))


def key_allows(
    key_policy: Document,
    request: Request,
    *,
    principal_arn: str,
    identity: Sequence[Document] = (),
    boundary: Document | None = None,
) -> bool:
    """Whether the principal ``principal_arn`` may use a KMS key with ``key_policy`` for ``request``,
    holding the ``identity`` policies (and ``boundary``)."""
    request = Request(request.action, request.resource, {"aws:PrincipalArn": principal_arn, **request.context})
    account = principal_arn.split(":")[4]
    root = f"arn:{principal_arn.split(':')[1]}:iam::{account}:root"
    applying = [s for s in statements(key_policy) if statement_applies(s, request)]
    denied = any(s.get("Effect") == "Deny" and {"*", principal_arn, root} & set(_principals(s)) for s in applying)
    if denied or verdict([*identity, *([boundary] if boundary else [])], request) == "Deny":
        return False
    if boundary is not None and verdict([boundary], request) != "Allow":
        return False
    allowing = {p for s in applying if s.get("Effect") == "Allow" for p in _principals(s)}
    if principal_arn in allowing or "*" in allowing:
        return True
    return root in allowing and verdict(identity, request) == "Allow"


def trust_allows(
    trust_policy: Document, request: Request, *, principal_arn: str, identity: Sequence[Document] = ()
) -> bool:
    """Whether ``principal_arn``, of the role's account and holding the ``identity`` policies, may make
    ``request`` (``sts:AssumeRole``, ``sts:TagSession``, ...) on a role with ``trust_policy``: by the rule a
    key policy follows (module docstring)."""
    return key_allows(trust_policy, request, principal_arn=principal_arn, identity=identity)
