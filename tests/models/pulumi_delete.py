"""What ``pulumi up`` (or ``pulumi destroy``) does with the resources a program no longer registers, and what
S3 refuses when one of them is a bucket holding objects.

The engine (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``, ``GenerateDeletes``, and ``step.go``,
``DeleteStep.Apply``): a resource of the old state that the program no longer registers is deleted at the
end of the update, what depends on it (its inputs took its outputs) before it; unless the *old* state has
``retainOnDelete``: then the engine drops it from the state and never calls the provider's Delete. A failed
delete fails the update; the resource stays in the state, as does everything it depends on, and the next
update tries again.

The provider's bucket Delete (terraform-provider-aws ``internal/service/s3/bucket.go``,
``resourceBucketDelete``): ``DeleteBucket``, which S3 refuses with ``BucketNotEmpty`` while the bucket
holds objects ("All objects ... in the bucket must be deleted before the bucket itself can be deleted",
S3 API reference, DeleteBucket); only with ``force_destroy`` in the state being deleted does the provider
empty the bucket and retry. A bucket's configurations (lifecycle, policy, encryption...) are deleted
whatever it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from components.mock_records import Registered

BUCKET = "aws:s3/bucket:Bucket"


class BucketNotEmptyError(Exception):
    """S3's ``BucketNotEmpty``: the update fails at this delete."""


@dataclass
class Deletion:
    """The end of one update: what AWS still holds of the removed resources, and the error it failed with."""

    in_aws: set[str] = field(default_factory=set)
    """Names of the removed resources AWS still holds."""
    in_state: set[str] = field(default_factory=set)
    """Names of the removed resources the state still holds: the next update deletes them again."""
    error: str = ""


def delete(removed: Sequence[Registered], holding_objects: Collection[str] = ()) -> Deletion:
    """Delete ``removed`` (as the old state recorded them: inputs and ``retain_on_delete``), dependents first;
    ``holding_objects`` names the buckets with objects in them (an access-log bucket once the ALB has
    written)."""
    result = Deletion(in_aws={r.name for r in removed}, in_state={r.name for r in removed})
    left = list(removed)
    while left:
        # One whose dependents among those left are all gone; the program's order among the rest.
        ready = next(r for r in left if not any(r.urn in other.dependencies for other in left))
        left.remove(ready)
        if not ready.retain_on_delete:
            try:
                _provider_delete(ready, holding_objects)
            except BucketNotEmptyError as error:
                result.error = str(error)
                return result
            result.in_aws.discard(ready.name)
        result.in_state.discard(ready.name)
    return result


def _provider_delete(resource: Registered, holding_objects: Collection[str]) -> None:
    if resource.type == BUCKET and resource.name in holding_objects and not resource.inputs.get("forceDestroy"):
        raise BucketNotEmptyError(f"deleting S3 Bucket ({resource.name}): BucketNotEmpty")
