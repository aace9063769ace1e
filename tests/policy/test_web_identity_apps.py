"""Web identity providers IAM takes by name (IAM User Guide, "IAM and AWS STS condition context keys":
``accounts.google.com:aud``, ``graph.facebook.com:app_id``, ``www.amazon.com:app_id``; ``<host>:aud`` for
any other): the pack accepts a trust exactly when IAM (``tests/models/iam.py``) admits a token of the app
it names ("app-1") and of no other: a token carries its provider's app key, so a condition on another key
admits nobody, and the pack refuses that dead trust too. And an OIDC provider other than GitHub's has its
``sub`` pinned only with no wildcard: EKS's ``system:serviceaccount:*`` is every service account of the cluster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.models import iam
from tests.policy.engine import violations

KEYS = {"accounts.google.com": "aud", "graph.facebook.com": "app_id", "www.amazon.com": "app_id", "idp.example": "aud"}
OTHER_APPS = ["app-9", "bpp-1", "evil"]  # apps a trust should never admit


def _trust(provider: str, condition: dict[str, Any]) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
                 **({"Condition": condition} if condition else {})}  # fmt: skip
    return {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


def _pack_accepts(trust: dict[str, Any]) -> bool:
    return not [m for m in violations("aws:iam/role:Role", trust) if m.startswith("iam-trust-scoped:")]


def _iam_admits_only_its_app(provider: str, condition: dict[str, Any]) -> bool:
    def admits(app: str) -> bool:
        return iam.condition_holds(condition, {f"{provider}:{KEYS[provider]}": app})

    return admits("app-1") and not any(map(admits, OTHER_APPS))


@given(
    provider=st.sampled_from(list(KEYS)),
    key=st.sampled_from(["aud", "app_id", "sub"]),
    value=st.sampled_from(["app-1", ["app-1", "app-2"], "app-*", "*", "?pp-1"]),
    present=st.booleans(),
)
def test_a_named_provider_s_trust_passes_exactly_when_iam_admits_its_app_and_no_other(
    provider: str, key: str, value: Any, present: bool
) -> None:
    condition = {"StringLike": {f"{provider}:{key}": value}} if present else {}
    assert _pack_accepts(_trust(provider, condition)) == _iam_admits_only_its_app(provider, condition)


EKS = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"


@pytest.mark.parametrize(
    ("sub", "pinned"),
    [("system:serviceaccount:app:worker", True), ("system:serviceaccount:*", False),
     ("system:serviceaccount:app:*", False), ("system:serviceaccount:app:work?r", False)],
)  # fmt: skip
def test_an_eks_subject_is_pinned_only_with_no_wildcard(sub: str, pinned: bool) -> None:
    provider = f"arn:aws:iam::123456789012:oidc-provider/{EKS}"
    condition = {"StringEquals": {f"{EKS}:aud": "sts.amazonaws.com"}, "StringLike": {f"{EKS}:sub": sub}}
    assert _pack_accepts(_trust(provider, condition)) == pinned


TFC = "app.terraform.io"


@pytest.mark.parametrize(
    ("sub", "pinned"),
    [("organization:acme:project:infra:workspace:prod:run_phase:*", True),
     ("organization:acme:workspace:prod:run_phase:apply", True),
     ("organization:acme:project:infra:workspace:*", False),
     ("organization:acme:project:infra:workspace:pr*:run_phase:*", False),
     ("organization:acme:*", False)],
)  # fmt: skip
def test_a_terraform_cloud_subject_may_leave_only_the_run_phase_open(sub: str, pinned: bool) -> None:
    """HashiCorp's own trust example ends ``run_phase:*``: one workspace, its plan and its apply; a wildcard in
    the organization, project or workspace admits others."""
    provider = f"arn:aws:iam::123456789012:oidc-provider/{TFC}"
    condition = {"StringEquals": {f"{TFC}:aud": "aws.workload.identity"}, "StringLike": {f"{TFC}:sub": sub}}
    assert _pack_accepts(_trust(provider, condition)) == pinned
