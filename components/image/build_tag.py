"""Content-derived image tags: ``build-<hash>`` names what was built and changes whenever it may have.

The hash covers the build settings and every file in the context (a superset of what .dockerignore lets
through). It stays that superset for now: hashed otherwise, every existing stack's tag would change once,
and a multi-arch stack's first deploy would replace its index while the old state still lacks
``retain_on_delete``, deleting the image it runs (docs/images.md, "What the build tag hashes").

A link and a special file are hashed as pulumi-docker-build's ``hashFile`` (``provider/internal/context.go``)
meets them, by what can be read without failing or blocking: a link to a regular file by that file's
content (``os.Open`` follows it), as before; a link that leads to no regular file (dangling, like an
editor's lock ``.#server.js -> user@host.1234:1700000000``, or a loop) by its target text, where
docker-build skips it; a FIFO, socket or device by its path and kind, never read (docker-build skips it:
``TestIgnoreIrregularFiles``; reading a FIFO blocks). A context without those hashes as in 0.4.0.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

TAG_PREFIX = "build-"
#: Hex digits of the build digest a tag keeps.
TAG_HEX = 12
_SKIP_DIRS = frozenset({".git", "node_modules"})


def context_digest(context: Path) -> str:
    """sha256 over every file's relative path and content (``_content``) below ``context``, in a stable order.

    ``node_modules`` and ``.git`` are skipped: the Dockerfiles install dependencies from the lockfile
    and .dockerignore keeps both out of the build context.
    """
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(context):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            path = Path(root, name)
            digest.update(path.relative_to(context).as_posix().encode() + b"\0")
            digest.update(_content(path) + b"\0")
    return digest.hexdigest()


def _content(path: Path) -> bytes:
    """A regular file's bytes (through any link); else what names the entry without reading it."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:  # stat follows a link: a dangling one, or a loop
        regular = False
    if regular:
        return path.read_bytes()
    if path.is_symlink():
        return b"symlink:" + os.fsencode(os.readlink(path))
    return b"special:" + oct(stat.S_IFMT(path.lstat().st_mode)).encode()


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
