"""Content-derived image tags: ``build-<hash>`` names what was built and changes whenever it may have.

The hash covers the build settings and every file in the context (a superset of what .dockerignore lets
through). It stays that superset for now: hashed otherwise, every existing stack's tag would change once,
and a multi-arch stack's first deploy would replace its index while the old state still lacks
``retain_on_delete``, deleting the image it runs (docs/images.md, "What the build tag hashes").
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

TAG_PREFIX = "build-"
#: Hex digits of the build digest a tag keeps.
TAG_HEX = 12
_SKIP_DIRS = frozenset({".git", "node_modules"})


def context_digest(context: Path) -> str:
    """sha256 over every file's relative path and content below ``context``, in a stable order.

    ``node_modules`` and ``.git`` are skipped: the Dockerfiles install dependencies from the lockfile
    and .dockerignore keeps both out of the build context.
    """
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(context):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            path = Path(root, name)
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
    digest = hashlib.sha256(context_digest(context).encode())
    settings = [f"dockerfile={dockerfile}", *(f"platform={p}" for p in platforms)]
    settings += [f"arg:{k}={v}" for k, v in sorted(build_args.items())]
    digest.update("\n".join(settings).encode())
    return TAG_PREFIX + digest.hexdigest()[:TAG_HEX]


def platform_suffix(platform: str) -> str:
    """``linux/arm64`` -> ``arm64``: the per-platform tag and resource-name suffix."""
    return platform.split("/", 1)[1].replace("/", "-")
