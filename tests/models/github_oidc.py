"""The OIDC token GitHub gives a job, and whether an IAM role's trust policy admits it, as each decides.

GitHub (Actions docs, "OpenID Connect reference": "Example subject claims", "Customizing the subject
claims", "Immutable subject claims"):
- A repository's subject template (``PUT /repos/{owner}/{repo}/actions/oidc/customization/sub``)
  lists claim keys; the ``sub`` is their ``key:value`` pairs in that order, joined by ``:``. The key
  ``repo`` is written ``repo:OWNER/REPO`` (``repo:OWNER@ID/REPO@ID`` with immutable subjects);
  ``context`` is ``environment:NAME`` when the job names an environment, else ``pull_request`` for a
  pull-request event, else ``ref:REF``. A ``:`` inside a value is written ``%3A``.
- ``job_workflow_ref`` is ``OWNER/REPO/PATH@REF`` of the workflow file the job is defined in: the
  called file for a job of a reusable workflow, which a ``./`` call takes from the caller's commit
  (so with the caller's ref); for a pull request the ref is ``refs/pull/N/merge``.
- ``aud`` is what ``aws-actions/configure-aws-credentials`` asks for: its ``audience`` input, by default
  ``sts.amazonaws.com``. In China it must be ``sts.amazonaws.com.cn`` (its README, "Audience": "Changing
  the default audience may be necessary when using non-default AWS partitions", China's value its example;
  aws-actions/configure-aws-credentials#457, "Incorrect token audience with AWS China region").

IAM (User Guide, "IAM JSON policy elements: Condition operators", "Creating OIDC federation roles"):
an ``sts:AssumeRoleWithWebIdentity`` is admitted when an Allow statement names the provider as its
``Federated`` principal and every condition holds: the operators of a block AND together, the keys of
an operator AND together, the values of a key OR together. ``StringEquals`` compares exactly and
case-sensitively; ``StringLike`` does too, with ``*`` for any run of characters and ``?`` for one. A
key's name is not case-sensitive; a key the token lacks fails its condition. The conditions are
evaluated by ``tests.models.iam.condition_holds``, the model every other policy test uses; an operator
it does not know is refused there, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.models.iam import condition_holds

ISSUER = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
#: The partitions whose roles take another audience than the action's default.
PARTITION_AUDIENCES = {"aws-cn": "sts.amazonaws.com.cn"}


def partition_audience(partition: str) -> str:
    """The ``aud`` a token must carry for a role in ``partition``."""
    return PARTITION_AUDIENCES.get(partition, AUDIENCE)


def requested_audience(inputs: Mapping[str, str], variables: Mapping[str, str]) -> str:
    """The ``aud`` of the token a ``configure-aws-credentials`` step with ``inputs`` asks for, under an
    environment's ``variables``. The one expression modelled is ``${{ vars.NAME || 'literal' }}``: an unset
    variable is an empty string and ``||`` gives its first truthy operand (GitHub Docs, "Contexts":
    ``vars``; "Evaluate expressions": operators)."""
    given = inputs.get("audience")
    if given is None:
        return AUDIENCE
    match = re.fullmatch(r"\$\{\{ vars\.(\w+) \|\| '([^']*)' \}\}", given)
    if match is None:
        raise ValueError(f"this model does not evaluate the audience {given!r}")
    return variables.get(match.group(1)) or match.group(2)


@dataclass(frozen=True, kw_only=True)
class JobToken:
    """The claims of one job's OIDC token that a subject template or a trust policy can read."""

    repository: str
    """``OWNER/REPO``."""
    event_name: str
    ref: str
    """The ref of the run: ``refs/heads/main``, ``refs/pull/7/merge``, ``refs/tags/v1``."""
    workflow_path: str
    """The file the job is defined in, e.g. ``.github/workflows/pulumi-up.yml``."""
    environment: str | None = None
    aud: str = AUDIENCE
    immutable_ids: tuple[int, int] | None = None
    """The owner's and the repository's IDs, for a repository with immutable subjects."""
    workflow_repository: str | None = None
    """The repository of the workflow file when it is another's (``owner/repo/...@ref`` calls)."""
    workflow_ref: str | None = None
    """The ref the workflow file was taken at, when not the run's (``owner/repo/...@main`` calls)."""

    @property
    def repo(self) -> str:
        if self.immutable_ids is None:
            return self.repository
        (owner, name), (owner_id, repo_id) = self.repository.split("/"), self.immutable_ids
        return f"{owner}@{owner_id}/{name}@{repo_id}"

    @property
    def job_workflow_ref(self) -> str:
        return f"{self.workflow_repository or self.repository}/{self.workflow_path}@{self.workflow_ref or self.ref}"

    @property
    def context(self) -> str:
        if self.environment is not None:
            return f"environment:{_escaped(self.environment)}"
        if self.event_name == "pull_request":
            return "pull_request"
        return f"ref:{_escaped(self.ref)}"

    def claim(self, key: str) -> str:
        """The ``key:value`` segment of the ``sub`` for ``key``."""
        if key == "context":
            return self.context
        values = {"repo": self.repo, "ref": self.ref, "job_workflow_ref": self.job_workflow_ref}
        if key not in values:
            raise ValueError(f"this model does not know the claim {key!r}")
        return f"{key}:{_escaped(values[key])}"


def _escaped(value: str) -> str:
    return value.replace(":", "%3A")


def subject(template: Sequence[str], token: JobToken) -> str:
    """The ``sub`` GitHub writes for ``token`` under a repository's ``include_claim_keys``."""
    return ":".join(token.claim(key) for key in template)


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def admits(trust: Mapping[str, Any], *, provider_arn: str, template: Sequence[str], token: JobToken) -> bool:
    """Whether ``trust`` lets ``token`` (its ``sub`` written under ``template``) assume the role."""
    claims = {f"{ISSUER}:sub": subject(template, token), f"{ISSUER}:aud": token.aud}
    statements = trust.get("Statement") or []
    verdicts = set()
    for statement in [statements] if isinstance(statements, dict) else statements:
        principal = statement.get("Principal") or {}
        if provider_arn not in _listed(principal.get("Federated") if isinstance(principal, dict) else None):
            continue
        if "sts:AssumeRoleWithWebIdentity" not in _listed(statement.get("Action")):
            continue
        if condition_holds(statement.get("Condition") or {}, claims):
            verdicts.add(statement.get("Effect"))
    return "Allow" in verdicts and "Deny" not in verdicts
