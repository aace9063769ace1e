"""Whether an identity policy lets its role take an action on a resource, as IAM decides it.

- A ``Resource`` element matches case-sensitively, with ``*`` for any run of characters and ``?`` for
  exactly one, within one colon-separated segment of the ARN; a ``*`` that ends a segment may run
  past colons (IAM User Guide, "IAM JSON policy elements: Resource", "Using wildcards in resource
  ARNs"). No other character is special. ``Action`` entries match the same way, case-insensitively.
- The resource is the ARN of the resource itself, not the string the caller named it by: Secrets
  Manager authorizes ``GetSecretValue`` against the secret's full ARN, suffix included, even when the
  request gave a partial one (``tests/models/secrets_manager.py`` finds that secret).
- An explicit Deny wins; without an Allow the request is denied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any


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


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def allows(document: str | Mapping[str, Any], action: str, resource: str) -> bool:
    """Whether ``document`` (an identity policy without conditions) allows ``action`` on ``resource``."""
    policy = json.loads(document) if isinstance(document, str) else document
    statements = policy.get("Statement") or []
    verdicts = set()
    for statement in [statements] if isinstance(statements, dict) else statements:
        if "Condition" in statement:
            raise ValueError("this model does not evaluate conditions")
        if any(action_matches(a, action) for a in _listed(statement.get("Action"))) and any(
            resource_matches(r, resource) for r in _listed(statement.get("Resource"))
        ):
            verdicts.add(statement.get("Effect"))
    return "Allow" in verdicts and "Deny" not in verdicts
