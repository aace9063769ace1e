"""Where Pulumi's DIY backend keeps a stack's state in its bucket, and which objects each command touches.

From pulumi/pulumi ``pkg/backend/diy``, project layout (``.pulumi/meta.yaml`` at version 1):
- ``meta.go``: opening the backend reads ``.pulumi/meta.yaml``; a missing one must read as NotFound.
- ``store.go``: the checkpoint is ``.pulumi/stacks/<project>/<stack>.json`` (or ``.json.gz``,
  ``.json.zst``); history goes under ``.pulumi/history/<project>/<stack>/``, backups under
  ``.pulumi/backups/<project>/<stack>/``. Nothing else: the journal of newer CLIs (``journal.go``) is
  opt-in, and off here (docs/ci.md).
- ``state.go``: ``stackPath`` lists the bucket under the checkpoint's own path to find which
  compression exists; ``saveCheckpoint`` first copies the checkpoint to ``<file>.bak``; ``addToHistory``
  writes ``<stack>-<ns>.history.json`` and ``<stack>-<ns>.checkpoint.json``; ``backupStack`` writes
  ``<stack>.<ns>.json``.
- ``stack_tags.go``: the stack's tags, ``.pulumi/stacks/<project>/<stack>.pulumi-tags``, are read by every
  operation, and a missing file must read as NotFound (no tags).
- ``lock.go``: an update holds ``.pulumi/locks/<fully qualified stack>/<uuid>.json``, where the fully
  qualified name is ``organization/<project>/<stack>`` (``backend.go``); ``Preview`` takes no lock and,
  being a dry run, writes no history or backup (``backend.go``, ``apply``).
S3 answers a GET of a missing key with 404 only to a caller that has ``s3:ListBucket`` on the bucket,
and with 403 otherwise (botocore's ``s3`` model, ``GetObject`` documentation, "Permissions"): Pulumi
reads that 403 as an error, so an identity that previews needs the listing.
"""

from __future__ import annotations

CHECKPOINT_EXTENSIONS = (".json", ".json.gz", ".json.zst")
NS = "1767225600000000000"
"""A nanosecond timestamp, as history and backup names carry one."""
LOCK_ID = "0b5e4a7c-9f0e-4d5e-8a51-1d2c3b4a5f60"


def preview_reads(project: str, stack: str) -> list[str]:
    """The keys ``pulumi preview`` of ``stack`` GETs."""
    checkpoints = [f".pulumi/stacks/{project}/{stack}{ext}" for ext in CHECKPOINT_EXTENSIONS]
    return [".pulumi/meta.yaml", *checkpoints, f".pulumi/stacks/{project}/{stack}.pulumi-tags"]


def update_writes(project: str, stack: str) -> list[str]:
    """The keys ``pulumi up`` of ``stack`` PUTs or DELETEs (one of each kind of name)."""
    checkpoints = [f".pulumi/stacks/{project}/{stack}{ext}" for ext in CHECKPOINT_EXTENSIONS]
    return [
        *checkpoints,
        *(f"{checkpoint}.bak" for checkpoint in checkpoints),
        f".pulumi/history/{project}/{stack}/{stack}-{NS}.history.json",
        f".pulumi/history/{project}/{stack}/{stack}-{NS}.checkpoint.json",
        f".pulumi/backups/{project}/{stack}/{stack}.{NS}.json",
        f"{lock_prefix(project, stack)}{LOCK_ID}.json",
    ]


def lock_prefix(project: str, stack: str) -> str:
    """The folder of ``stack``'s update locks (``lock.go``, ``stackLockDir``), as listed: with a slash."""
    return f".pulumi/locks/organization/{project}/{stack}/"


def cancel_calls(project: str, stack: str, lock_ids: tuple[str, ...] = (LOCK_ID,)) -> list[tuple[str, str]]:
    """The S3 calls of ``pulumi cancel --stack <stack>``, each an action and the key it names (for the
    listing, its prefix): the command opens the stack (``pkg/cmd/pulumi/cancel/cancel.go``, ``RequireStack``
    with ``LoadOnly``: the layout file and the checkpoint), lists the lock folder and deletes every lock it
    finds, whichever process left it (``backend.go``, ``CancelCurrentUpdate``; ``bucket.go``, ``listBucket``
    lists ``<folder>/``)."""
    prefix = lock_prefix(project, stack)
    opened = [".pulumi/meta.yaml", *(f".pulumi/stacks/{project}/{stack}{ext}" for ext in CHECKPOINT_EXTENSIONS)]
    return [
        *(("s3:GetObject", key) for key in opened),
        ("s3:ListBucket", prefix),
        *(("s3:DeleteObject", f"{prefix}{lock}.json") for lock in lock_ids),
    ]


def stack_keys(project: str, stack: str) -> list[str]:
    """Every key of ``stack``'s state: what an identity of another stack must neither read nor write."""
    return sorted({*preview_reads(project, stack), *update_writes(project, stack)} - {".pulumi/meta.yaml"})
