"""S3.5 as IAM decides it (``tests/models/iam.py``): a bucket refuses plain HTTP when its policy denies
every S3 request that does not use TLS, whoever makes it, through whichever endpoint, on the bucket and
its objects. The pack accepts a deny exactly when the model denies every such request: an extra
condition narrows the deny (IAM ANDs them), and so does an action pattern short of ``s3:*``."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.models import iam
from tests.policy.engine import stack_violations

BUCKET = "arn:aws:s3:::logs"
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteBucket", "s3:PutBucketPolicy"]
#: Plain-HTTP requests from inside and outside the account, through the endpoint a deny might name and another.
CONTEXTS = [
    {"aws:SecureTransport": "false", **extra}
    for extra in ({}, {"aws:SourceVpce": "vpce-1"}, {"aws:SourceVpce": "vpce-2"},
                  {"aws:PrincipalAccount": "123456789012"}, {"aws:PrincipalAccount": "999999999999"})
]  # fmt: skip
EXTRA_CONDITIONS: list[dict[str, Any]] = [
    {},
    {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringEquals": {"aws:PrincipalAccount": "999999999999"}},
    {"Null": {"aws:SourceVpce": "false"}},
]


def _model_refuses_all_plain_http(statement: dict[str, Any]) -> bool:
    requests = itertools.product(ACTIONS, (BUCKET, f"{BUCKET}/key", f"{BUCKET}/x", f"{BUCKET}/a/b"), CONTEXTS)
    return all(iam.verdict([{"Statement": [statement]}], iam.Request(a, r, c)) == "Deny" for a, r, c in requests)


def _pack_accepts(statement: dict[str, Any]) -> bool:
    resources = [
        ("aws:s3/bucket:Bucket", {"bucket": "logs", "arn": BUCKET}),
        ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "logs", "policy": json.dumps({"Statement": [statement]})}),
    ]
    return not [m for m in stack_violations(resources) if m.startswith("s3-tls-only:")]


@examples(max_examples=300, deadline=None)
@given(
    action=st.sampled_from(["s3:*", "*", "S3:*", "s3:*Object", "s3:Get*", ["s3:GetObject", "s3:PutObject"],
                            ["s3:GetObject", "s3:*"]]),
    resource=st.sampled_from([[BUCKET, f"{BUCKET}/*"], [BUCKET], [f"{BUCKET}/*"], "*", "arn:aws:s3:::logs*",
                              [BUCKET, f"{BUCKET}/k*"], [BUCKET, f"{BUCKET}/?*"], [BUCKET, f"{BUCKET}/??*"]]),
    secure=st.sampled_from(["false", ["false"], "true"]),
    extra=st.sampled_from(EXTRA_CONDITIONS),
)  # fmt: skip
def test_the_pack_accepts_a_tls_deny_exactly_when_iam_denies_every_plain_http_request(
    action: Any, resource: Any, secure: Any, extra: dict[str, Any]
) -> None:
    statement = {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource,
                 "Condition": {"Bool": {"aws:SecureTransport": secure}, **extra}}  # fmt: skip
    assert _pack_accepts(statement) == _model_refuses_all_plain_http(statement)


def test_a_tls_deny_in_another_buckets_policy_does_not_cover_this_bucket() -> None:
    """A bucket policy governs its own bucket, even with a Resource of every bucket."""
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::*", "arn:aws:s3:::*/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
    resources = [
        ("aws:s3/bucket:Bucket", {"bucket": "a", "arn": "arn:aws:s3:::a"}),
        ("aws:s3/bucket:Bucket", {"bucket": "b", "arn": "arn:aws:s3:::b"}),
        ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": json.dumps({"Statement": [deny]})}),
    ]
    assert [m.split(";")[0] for m in stack_violations(resources) if m.startswith("s3-tls-only:")] == [
        "s3-tls-only: S3 bucket arn:aws:s3:::a takes plain-HTTP requests"
    ]
