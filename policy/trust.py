"""Role trust (``iam-trust-scoped``): named principals only, and web identity tokens of one audience
and one repository.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .conditions import condition_values, is_public, names_its_callers, service_of
    from .documents import WILDCARDS, allows, has_literal, has_wildcard, listed, statements
    from .iam_policies import ROLE
    from .rule_types import Config, Props, Rule
else:
    from conditions import condition_values, is_public, names_its_callers, service_of
    from documents import WILDCARDS, allows, has_literal, has_wildcard, listed, statements
    from iam_policies import ROLE
    from rule_types import Config, Props, Rule


#: A web identity provider's ARN; its host (and path) prefixes the condition keys of its tokens' claims.
_OIDC_PROVIDER = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/(?P<host>.+)")
GITHUB_OIDC = "token.actions.githubusercontent.com"
#: A GitHub ``sub`` names its repository: ``repo:OWNER/REPO:`` then the environment, ref or pull request
#: (GitHub Docs, "OpenID Connect reference", subject claims; a custom template keeps ``repo`` first).
_GITHUB_REPOSITORY = re.compile(r"(?:^|:)repo:[^/:*?]+/[^/:*?]+:")
#: What follows ``repo:OWNER/REPO:`` before a wildcard: the context, ``pull_request`` or a claim with (the
#: start of) its value, ``environment:prod``, ``ref:refs/heads/``; a wildcard straight after the repository
#: or a claim's name admits every branch, pull request and environment (docs/ci.md, the binding).
_GITHUB_CONTEXT = re.compile(r"pull_request|[^:]+:[^:]")


#: Subjects whose last field only qualifies a workload the ones before it name, so a wildcard there (and
#: nowhere else) admits that workload alone: Terraform Cloud's
#: ``organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE`` (HashiCorp, "Dynamic Credentials
#: with the AWS Provider", whose trust example ends ``run_phase:*``: the workspace's plan and apply).
_QUALIFIED_SUBJECTS = {
    "app.terraform.io": re.compile(r"organization:[^:*?]+(?::project:[^:*?]+)?:workspace:[^:*?]+:run_phase:[^:]*"),
}


def _pins_subject(host: str, subject: str) -> bool:
    """Whether a ``sub`` value admits one repository's tokens only, in a named context (GitHub), or names a
    subject (others)."""
    if host != GITHUB_OIDC:
        # A wildcard elsewhere admits subjects unnamed: EKS's ``system:serviceaccount:*`` is every service
        # account of the cluster (EKS User Guide, "IAM roles for service accounts": sub is
        # ``system:serviceaccount:NAMESPACE:NAME``).
        qualified = _QUALIFIED_SUBJECTS.get(host)
        if qualified is not None and qualified.fullmatch(subject):
            return True
        return has_literal(subject, ":/") and not has_wildcard(subject)
    wildcard = min((subject.index(c) for c in WILDCARDS if c in subject), default=None)
    if wildcard is None:
        return _GITHUB_REPOSITORY.search(f"{subject}:") is not None
    fixed = subject[:wildcard]
    repository = _GITHUB_REPOSITORY.search(fixed)
    return repository is not None and _GITHUB_CONTEXT.match(fixed, repository.end()) is not None


#: An identity pool ID: ``<region>:<uuid>`` (Cognito API Reference, ``IdentityPoolId`` pattern
#: ``[\w-]+:[0-9a-f-]+``), here with no wildcard, so one pool of one region.
_COGNITO_POOL = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


#: The condition key naming the app of each web identity provider IAM takes by name (IAM User Guide, "IAM
#: and AWS STS condition context keys", identity federation keys); any other provider is held to ``:aud``.
_APP_KEYS = {"accounts.google.com": "aud", "graph.facebook.com": "app_id", "www.amazon.com": "app_id"}
#: A SAML provider of the account: its assertions name the account's own IdP, whose users it already trusts.
_SAML_PROVIDER = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:saml-provider/.+")


def _other_provider_findings(statement: Mapping[str, Any], provider: str) -> list[str]:
    """A provider named by host (Google, Facebook, Login with Amazon, or one this rule does not know): its
    tokens are any app's unless the trust names the app with a literal value."""
    if _SAML_PROVIDER.fullmatch(provider):
        return []
    key = f"{provider}:{_APP_KEYS.get(provider, 'aud')}"
    apps = condition_values(statement, key)
    if apps and all(has_literal(a) and not has_wildcard(a) for a in apps):
        return []
    return [
        f"The trust of {provider} names no app ({key}): a token any app got from it is taken; add StringEquals on it."
    ]


def _web_identity_findings(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    providers = listed(principal.get("Federated")) if isinstance(principal, Mapping) else []
    found: list[str] = []
    for provider in providers:
        if service_of(provider) == "cognito-identity":
            # Cognito's tokens name the identity pool in their aud (Cognito Developer Guide, "IAM roles"); its
            # name is read with any partition's DNS suffix, so a trust written for one is held to this too.
            pools = condition_values(statement, f"{provider}:aud")
            if not pools or not all(_COGNITO_POOL.fullmatch(a) for a in pools):
                found.append(
                    f"The trust of {provider} names no identity pool ({provider}:aud): any pool's identities may "
                    "assume the role; add StringEquals on it."
                )
            continue
        match = _OIDC_PROVIDER.fullmatch(provider)
        if match is None:
            found += _other_provider_findings(statement, str(provider))
            continue
        host = match["host"]
        audiences = condition_values(statement, f"{host}:aud")
        # Named: a literal with no wildcard, as any other provider's app (``_other_provider_findings``);
        # ``s*`` under StringLike admits every audience starting with s.
        if not audiences or not all(has_literal(a) and not has_wildcard(a) for a in audiences):
            found.append(
                f"The trust of {host} names no one audience ({host}:aud {audiences or 'missing'}): a token minted "
                "for any other use is taken; add StringEquals on it with no wildcard (sts.amazonaws.com for "
                "GitHub, sts.amazonaws.com.cn in China)."
            )
        subjects = condition_values(statement, f"{host}:sub")
        loose = [s for s in subjects if not _pins_subject(host, s)]
        if not subjects or loose:
            pin = (
                "every repository's workflows could assume the role; pin the sub to repo:OWNER/REPO: and its "
                "environment or ref."
                if host == GITHUB_OIDC
                else "name one subject with no wildcard (EKS: system:serviceaccount:NAMESPACE:NAME)."
            )
            found.append(f"The trust of {host} admits any subject ({host}:sub {loose or 'missing'}): {pin}")
    return found


def _trust_scoped(_: str, props: Props, __: Config) -> list[str]:
    """A role's trust admits named principals: no ``*`` (nor an ARN of any account) without a condition
    naming the callers, no ``NotPrincipal``, and web identity tokens only of one audience and repository."""
    found: list[str] = []
    for statement in filter(allows, statements(props.get("assumeRolePolicy"))):
        if "NotPrincipal" in statement:
            found.append(
                "The trust uses NotPrincipal with Allow: everyone else may assume the role; name the principals."
            )
        elif is_public(statement.get("Principal")) and not names_its_callers(statement):
            found.append(
                "The trust admits every AWS principal ('*') with no condition naming the callers; name the "
                "account, role or service that assumes it."
            )
        found += _web_identity_findings(statement)
    return found


TRUST_SCOPED = Rule(
    "iam-trust-scoped",
    "Role trust admits named principals only: no '*' without a condition naming the callers, no "
    "NotPrincipal, web identity tokens of one audience and one repository.",
    (ROLE,),
    _trust_scoped,
)
