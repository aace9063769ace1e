"""Print the Pulumi SDK version uv.lock pins, for the workflows' ``pulumi-version-file``.

    python3 tools/pulumi_version.py > "$RUNNER_TEMP/pulumi.version"

The CLI in CI runs at the SDK's own version, read from the lock at run time, so a Dependabot update of
the SDK moves the CLI in the same pull request; a version written into the workflows would stay behind.
Standard library only: it runs before any environment exists.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def locked_pulumi(lock: Path = ROOT / "uv.lock") -> str:
    """The ``pulumi`` package's version in the lock."""
    (version,) = (p["version"] for p in tomllib.loads(lock.read_text())["package"] if p["name"] == "pulumi")
    return version


if __name__ == "__main__":
    print(locked_pulumi())
