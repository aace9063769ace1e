"""ECR lifecycle rules that keep whole builds, and never expire an image by age.

What a build pushes (pulumi-docker-build 0.0.22): one image under its ``build-*`` tag, or for a multi-arch
build one image per platform, each tagged ``build-<hash>-<arch>``, and an index tagged ``build-<hash>`` that
points at them. docker-build turns BuildKit's provenance attestation off (``provider/internal/client.go``:
``Attests: {"provenance": nil}``), so a build pushes no attestation manifest. ECR's lifecycle evaluation
does not follow index references and cannot see what a service runs, so the rules count, by push time:
the newest ``keep_builds`` builds' tagged images (an index with its platform images), and the newest
``keep_builds`` builds' worth of untagged images. Untagged images are the digests a moved ``build-*``
tag left behind (the same tag rebuilt: a file mode, a secret appearing, lost state), which a rollback
to the revision before may still pin, and the untagged children of an index pushed by other means
(``docker buildx build --push`` adds an attestation manifest per platform); an age rule would delete
those under a live image.
"""

from __future__ import annotations

import json

MAX_KEEP_BUILDS = 1000


def tagged_per_build(platform_count: int) -> int:
    """Tagged manifests one build pushes: the image, or one per platform plus the index."""
    return 1 if platform_count == 1 else platform_count + 1


def untagged_per_build(platform_count: int) -> int:
    """Untagged images kept per build: room for a platform manifest and an attestation per platform, as an
    index pushed with BuildKit's defaults has (docker-build's own builds push none; see the module)."""
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
