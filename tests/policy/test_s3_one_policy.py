"""S3 keeps one policy per bucket, the last written (``tests/models/s3_bucket_policy.py``): the pack accepts
a bucket only when every order of its writes leaves it the same policy, and that policy refuses plain HTTP
(``tests/models/iam.py``). The crafted stacks of the review are kept as examples."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.models import iam, s3_bucket_policy
from tests.policy.engine import stack_violations

BUCKET = "arn:aws:s3:::b"
DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET, f"{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
READ = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*"}  # fmt: skip
DOCUMENTS = {
    "deny": {"Version": "2012-10-17", "Statement": [DENY]},
    "deny and read": {"Version": "2012-10-17", "Statement": [DENY, READ]},
    "read": {"Version": "2012-10-17", "Statement": [READ]},
}
PLAIN_HTTP = [iam.Request(a, r, {"aws:SecureTransport": "false"})
              for a in ("s3:GetObject", "s3:ListBucket") for r in (BUCKET, f"{BUCKET}/key")]  # fmt: skip


def _refuses_plain_http(document: Any) -> bool:
    return document is not None and all(iam.verdict([document], r) == "Deny" for r in PLAIN_HTTP)


def _pack_accepts(inline: str | None, bucket_policies: list[str]) -> bool:
    bucket = {"bucket": "b", "arn": BUCKET, **({"policy": json.dumps(DOCUMENTS[inline])} if inline else {})}
    stack = [("aws:s3/bucketV2:BucketV2", bucket)] + [
        ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "b", "policy": json.dumps(DOCUMENTS[name])})
        for name in bucket_policies
    ]
    return not [m for m in stack_violations(stack) if m.startswith("s3-tls-only:")]


@examples(max_examples=100, deadline=None)
@given(
    inline=st.sampled_from([None, *DOCUMENTS]),
    bucket_policies=st.lists(st.sampled_from(list(DOCUMENTS)), max_size=2),
)
def test_a_bucket_passes_only_when_every_order_of_its_writes_leaves_one_policy_that_refuses_plain_http(
    inline: str | None, bucket_policies: list[str]
) -> None:
    own = DOCUMENTS[inline] if inline else None
    kept = s3_bucket_policy.possible_policies(own, [DOCUMENTS[name] for name in bucket_policies])
    one_outcome = all(policy == kept[0] for policy in kept)
    assert _pack_accepts(inline, bucket_policies) == (one_outcome and _refuses_plain_http(kept[0]))


def test_an_inline_deny_does_not_survive_a_bucket_policy_written_after_it() -> None:
    assert not _pack_accepts("deny", ["read"])


def test_two_bucket_policies_on_one_bucket_are_refused_even_when_one_carries_the_deny() -> None:
    assert not _pack_accepts(None, ["deny", "read"])


def test_the_inline_policy_read_back_from_the_bucket_policy_counts_as_one_policy() -> None:
    assert _pack_accepts("deny", ["deny"])


def test_a_stale_read_back_beside_a_changed_bucket_policy_is_no_second_policy() -> None:
    """After a refresh the bucket's ``policy`` holds the BucketPolicy's document; a later change of that
    BucketPolicy leaves the read-back older until the bucket is read again: the BucketPolicy is what S3 has."""
    assert _pack_accepts("deny", ["deny and read"])
    assert not _pack_accepts("deny and read", ["read"])


def test_a_deny_on_objects_under_one_prefix_leaves_the_other_objects_on_plain_http() -> None:
    prefixed = {**DENY, "Resource": [BUCKET, f"{BUCKET}/a*"]}
    policy = {"bucket": "b", "policy": json.dumps({"Statement": [prefixed]})}
    stack = [("aws:s3/bucketV2:BucketV2", {"bucket": "b", "arn": BUCKET}), ("aws:s3/bucketPolicy:BucketPolicy", policy)]
    assert [m for m in stack_violations(stack) if m.startswith("s3-tls-only:")]
