"""S3 buckets refuse plain HTTP (``s3-tls-only``): each bucket's own policy denies requests without TLS."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .conditions import is_public
    from .documents import arn_matches, listed, policy_document, statements
    from .rule_types import Config, Props, StackRule
    from .unknowns import Index, StackResource, Unknown, decided, guarded, known, references
else:
    from conditions import is_public
    from documents import arn_matches, listed, policy_document, statements
    from rule_types import Config, Props, StackRule
    from unknowns import Index, StackResource, Unknown, decided, guarded, known, references


_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def _only_insecure_transport(condition: Any) -> bool:
    """Whether a Deny's condition is ``aws:SecureTransport`` false and nothing else. IAM ANDs the operators
    of a block and the keys of an operator (IAM User Guide, "Creating a condition with multiple keys or
    values"): any other test narrows the deny to the requests that also pass it (``aws:SourceVpce``: only
    those through one endpoint), and leaves every other plain-HTTP request to the bucket's allows."""
    if not isinstance(condition, Mapping) or list(condition) != ["Bool"]:
        return False
    tests = condition["Bool"]
    if not isinstance(tests, Mapping) or [str(k).lower() for k in tests] != ["aws:securetransport"]:
        return False
    return "false" in (str(v).lower() for values in tests.values() for v in listed(values))


#: The actions a TLS deny must name: every S3 action (``s3:*``) or every action (``*``). A narrower pattern
#: (``s3:*Object``, ``s3:Get*``) leaves the bucket's other actions, ``s3:ListBucket`` among them, on plain HTTP.
_EVERY_S3_ACTION = frozenset({"s3:*", "*"})


def _refuses_plain_http(statement: Mapping[str, Any], bucket_arn: str) -> bool:
    """A Deny to everyone of every S3 action on the bucket and its objects whenever the request is not TLS."""
    resources = listed(statement.get("Resource"))
    return (
        statement.get("Effect") == "Deny"
        and is_public(statement.get("Principal"))
        and any(a.lower() in _EVERY_S3_ACTION for a in listed(statement.get("Action")))
        and _only_insecure_transport(statement.get("Condition"))
        and any(arn_matches(r, bucket_arn) for r in resources)
        and any(_covers_every_object(r, bucket_arn) for r in resources)
    )


def _covers_every_object(pattern: str, bucket_arn: str) -> bool:
    """Whether a Resource entry matches every object key of the bucket, not one sample key (``b/a*`` matches
    ``b/any-object`` yet leaves ``b/x`` on plain HTTP). A key of a character the pattern does not hold is
    matched by wildcards only: matching such a key of one character (S3's shortest, S3 API Reference
    ``PutObject``, Key minimum length 1) and one longer than the pattern means the pattern's tail is
    wildcards with a ``*``, which every key matches too."""
    absent = next(c for c in map(chr, range(ord("a"), 0x10000)) if c not in pattern)
    return all(arn_matches(pattern, f"{bucket_arn}/{absent * n}") for n in (1, len(pattern) + 1))


def _bucket_names(props: Props) -> set[str]:
    """What a bucket policy's ``bucket`` may hold for this bucket: its name (``bucket``, also its ID, and
    the tail of ``arn:aws:s3:::NAME``), and ``id`` where a caller gives it; those known in a preview."""
    arn = str(known(props, "arn") or "")
    names = {known(props, "bucket"), known(props, "id"), arn.split(":::", 1)[1] if ":::" in arn else None}
    return {str(n) for n in names if n}


_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def _s3_tls_only(resources: Sequence[StackResource], _: Config) -> list[str]:
    """S3.5, AwsSolutions-S10: every bucket's policy denies requests that do not use TLS. A bucket policy
    governs its own bucket only (S3 User Guide, "Bucket policies"), whatever its Resource says: each bucket
    is held to its inline policy and the BucketPolicy naming it, by name or, in a preview where the name
    is unknown, by the bucket's URN (``unknowns.references``). Each bucket is decided on its own: one whose
    ARN or policy a preview does not know yet waits for ``up``, the others do not."""
    buckets = Index.of(resources, _BUCKETS, lambda props: known(props, "bucket"))
    governing = [(references(buckets, p, "bucket"), p) for p in resources if p.type == _BUCKET_POLICY]
    unjoined = [u for (_, unknown), _ in governing for u in unknown]  # may govern any bucket
    found: list[str] = []
    undecided: list[Unknown] = []
    for resource in (r for r in resources if r.type in _BUCKETS):
        names = _bucket_names(resource.props) | {resource.urn}
        policies = [p for (named, _), p in governing if named & names]
        verdict, unknown = guarded(lambda r=resource, ps=policies: [_tls_verdict(r.props, ps)])
        problem, settled = verdict[0] if verdict else (None, True)
        if unknown or (unjoined and not settled):
            undecided += unknown or unjoined  # a policy whose bucket is not known yet may be this one's
        elif problem:
            found.append(f"S3 bucket {resource.props.get('arn')} {problem}")
    return decided(found, undecided)


def _tls_verdict(bucket: Props, policies: Sequence[StackResource]) -> tuple[str | None, bool]:
    """What is wrong with the bucket's policy, and whether no further policy could change that. S3 holds one
    policy per bucket: PutBucketPolicy replaces it whole (S3 API Reference ``PutBucketPolicy``; pulumi_aws
    ``s3.BucketPolicy``: "the policy applied last will silently override"), so two different BucketPolicies
    leave whichever was written last. Where a BucketPolicy governs the bucket, the bucket's own ``policy``
    is its read-back (terraform-provider-aws s3/bucket.go ``resourceBucketRead`` reads "the policy if
    configured outside this resource e.g. with aws_s3_bucket_policy", stale until the bucket is read again)
    and the BucketPolicy, created after the bucket it names, is the one S3 keeps: it is judged alone."""
    written = [p.props.get("policy") for p in policies if p.props.get("policy")]
    documents = written or [d for d in (bucket.get("policy"),) if d]
    distinct = {json.dumps(policy_document(d), sort_keys=True) for d in documents}
    if len(distinct) > 1:
        return (
            f"is given {len(distinct)} different BucketPolicies, and S3 keeps only the one written last; give it "
            "one policy, with the deny of plain HTTP.",
            True,
        )
    if documents and any(_refuses_plain_http(s, str(bucket.get("arn"))) for s in statements(documents[0])):
        return None, False
    return (
        "takes plain-HTTP requests; give it a bucket policy that denies s3:* when aws:SecureTransport is false, "
        "on the bucket and its objects.",
        bool(documents),
    )


TLS_ONLY = StackRule(
    "s3-tls-only",
    "Every S3 bucket's policy denies requests that do not use TLS.",
    _s3_tls_only,
    anchors=("S3.5", "AwsSolutions-S10"),
)
