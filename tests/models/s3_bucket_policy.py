"""Which policy an S3 bucket ends with when a stack writes it more than once.

S3 holds one policy per bucket and ``PutBucketPolicy`` replaces it whole (S3 API Reference,
``PutBucketPolicy``: "Applies an Amazon S3 bucket policy to an Amazon S3 bucket"; botocore ``s3``
``PutBucketPolicyRequest`` takes one ``Policy`` string). A bucket's inline ``policy`` and each
``s3.BucketPolicy`` naming it are each such a write (pulumi_aws ``s3/bucket_policy.py``: "the policy
applied last will silently override"), and Pulumi orders independent resources as it likes: any of the
writes may be the last, so any of the documents may be the one the bucket keeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any


def last_written(order: Sequence[Any]) -> Any:
    """The policy a bucket keeps after ``order``'s writes: the last; none where nothing was written."""
    return order[-1] if order else None


def possible_policies(writes: Sequence[Any]) -> list[Any]:
    """Every policy the bucket may end with, over every order Pulumi may run the writes in."""
    return [last_written(order) for order in itertools.permutations(writes)] or [None]
