"""Which policy an S3 bucket ends with when a stack writes it more than once.

S3 holds one policy per bucket and ``PutBucketPolicy`` replaces it whole (S3 API Reference,
``PutBucketPolicy``: "Applies an Amazon S3 bucket policy to an Amazon S3 bucket"; botocore ``s3``
``PutBucketPolicyRequest`` takes one ``Policy`` string). A bucket's inline ``policy`` and each
``s3.BucketPolicy`` naming it are each such a write (pulumi_aws ``s3/bucket_policy.py``: "the policy
applied last will silently override"). A BucketPolicy depends on the bucket it names, so the engine writes
it after the bucket's own; BucketPolicies, independent of each other, run in any order: any of them may be
the last, and the bucket keeps its own policy only where no BucketPolicy names it. (A bucket's ``policy``
beside a BucketPolicy is also what the provider reads back from S3, terraform-provider-aws s3/bucket.go
``resourceBucketRead``: the last written one, or an older one until the bucket is read again.)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any


def last_written(order: Sequence[Any]) -> Any:
    """The policy a bucket keeps after ``order``'s writes: the last; none where nothing was written."""
    return order[-1] if order else None


def possible_policies(own: Any, bucket_policies: Sequence[Any]) -> list[Any]:
    """Every policy the bucket may end with: its ``own`` first, then the BucketPolicies in every order."""
    first = [own] if own is not None else []
    return [last_written([*first, *order]) for order in itertools.permutations(bucket_policies)] or [own]
