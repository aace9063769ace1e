"""ECR lifecycle rules that are safe for multi-arch image indexes.

A multi-arch push leaves per-platform manifests (and BuildKit's attestation manifests) *untagged*
while a tagged index still points at them, and ECR's lifecycle evaluation does not follow index
references. A plain "expire untagged after N days" rule therefore breaks live images. These rules
are count-based instead: every build pushes its tagged and untagged manifests together, so keeping
the newest N builds' worth of each keeps every manifest of those builds, and expires the manifests
of older builds (including orphans of expired indexes) as a group.
"""

from __future__ import annotations

import json

MAX_KEEP_BUILDS = 1000


def tagged_per_build(platform_count: int) -> int:
    """Tagged manifests one build pushes: the image, or one per platform plus the index."""
    return 1 if platform_count == 1 else platform_count + 1


def untagged_per_build(platform_count: int) -> int:
    """Upper bound of untagged manifests one build pushes: a platform manifest and an attestation per platform."""
    return 2 * platform_count


def lifecycle_policy(*, tag_prefix: str, keep_builds: int, platform_count: int) -> str:
    """The lifecycle policy JSON: rules in ascending ``rulePriority`` (else Pulumi shows a perpetual diff).
    ``keep_builds`` is checked once, when the image's spec is built (``ImageSpec``: 1 to ``MAX_KEEP_BUILDS``)."""
    rules = [
        {
            "rulePriority": 1,
            "description": f"Keep the newest {keep_builds} builds' tagged images and indexes",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": [tag_prefix],
                "countType": "imageCountMoreThan",
                "countNumber": keep_builds * tagged_per_build(platform_count),
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": (
                f"Keep the untagged manifests of the newest {keep_builds} builds "
                "(children of multi-arch indexes are untagged)"
            ),
            "selection": {
                "tagStatus": "untagged",
                "countType": "imageCountMoreThan",
                "countNumber": keep_builds * untagged_per_build(platform_count),
            },
            "action": {"type": "expire"},
        },
    ]
    return json.dumps({"rules": rules}, sort_keys=True)


def cache_lifecycle_policy(*, days: int = 7) -> str:
    """The build-cache repository's policy: superseded (untagged) cache manifests go after ``days``."""
    rules = [
        {
            "rulePriority": 1,
            "description": f"Expire superseded build-cache manifests after {days} days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": days,
            },
            "action": {"type": "expire"},
        }
    ]
    return json.dumps({"rules": rules}, sort_keys=True)
