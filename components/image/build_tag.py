"""Content-derived image tags, so IMMUTABLE ECR tags and rebuilds never collide.

pulumi-docker-build rebuilds and re-pushes an image whenever its build context changes. With
IMMUTABLE tags a re-push under the same tag fails, so the tag must change whenever anything the build
reads changes: the Dockerfile, every file of the context its ignore file lets through (the same files
docker-build hashes, ``dockerignore``), plus the build settings. A file the build never reads (a test,
a README) changes no tag, so it rolls out no new task definition revision of the same image.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from .dockerignore import context_files

TAG_PREFIX = "build-"
#: Hex digits of the build digest a tag keeps.
TAG_HEX = 12


def context_digest(context: Path, dockerfile: str) -> str:
    """sha256 over the Dockerfile's content, then each file the build reads: its relative path and content.

    The Dockerfile on its own as docker-build hashes it (``hashDockerfile``): an ignore file may leave it
    out of the context, and the build still reads it.
    """
    digest = hashlib.sha256((context / dockerfile).read_bytes() + b"\0")
    for path in context_files(context, dockerfile):
        digest.update(path.relative_to(context).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_tag(
    context: Path,
    *,
    dockerfile: str,
    platforms: Sequence[str],
    build_args: Mapping[str, str],
) -> str:
    """``build-<12 hex>``: a tag that changes exactly when the build's inputs change."""
    digest = hashlib.sha256(context_digest(context, dockerfile).encode())
    settings = [f"dockerfile={dockerfile}", *(f"platform={p}" for p in platforms)]
    settings += [f"arg:{k}={v}" for k, v in sorted(build_args.items())]
    digest.update("\n".join(settings).encode())
    return TAG_PREFIX + digest.hexdigest()[:TAG_HEX]


def platform_suffix(platform: str) -> str:
    """``linux/arm64`` -> ``arm64``: the per-platform tag and resource-name suffix."""
    return platform.split("/", 1)[1].replace("/", "-")
