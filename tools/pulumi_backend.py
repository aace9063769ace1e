"""Where the Pulumi CLI's backend is configured, if anywhere, read without opening it.

    python tools/pulumi_backend.py    # prints where a backend is configured, or nothing

``tools/deploy.sh`` falls back to a local backend only when this prints nothing: when ``pulumi whoami``
fails with a backend configured (an S3 bucket the profile cannot read, a wrong region), switching the
user's login to ``file://`` would deploy from a stale local copy of the state, past CI's lock.

The CLI's own order (pulumi/pulumi ``pkg/workspace/creds.go``, ``GetCurrentCloudURLWithSource``):
``PULUMI_BACKEND_URL``, then the project's ``backend.url`` in ``Pulumi.yaml``, then ``current`` in the
credentials file. That file is ``credentials.json`` in ``PULUMI_CREDENTIALS_PATH``, else in
``PULUMI_HOME``, else in ``~/.pulumi`` (``sdk/go/common/workspace/creds.go``, ``getCredsFilePath``;
``sdk/go/common/util/pulumihome``, ``Dir``); a missing or empty file holds no login
(``readCredentialsFile``). A file sealed by the CLI's secure store (a JSON envelope with a
``$pulumiSecureStore`` key: ``sdk/go/common/util/securestore/envelope.go``, ``IsEnvelope``) cannot be read
here, and nor can one the CLI itself would refuse: both count as configured, so nothing is switched.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def credentials_file(environ: Mapping[str, str]) -> Path:
    folder = environ.get("PULUMI_CREDENTIALS_PATH") or environ.get("PULUMI_HOME")
    return Path(folder) / "credentials.json" if folder else Path.home() / ".pulumi" / "credentials.json"


def stored_login(path: Path) -> str | None:
    """Where ``path`` says the CLI is logged in, or None when it holds no login."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    if not text:
        return None
    try:
        credentials = json.loads(text)
    except ValueError:
        credentials = None
    if not isinstance(credentials, dict):
        return f"{path} (unreadable: the CLI refuses it too)"
    if "$pulumiSecureStore" in credentials:
        return f"{path} (encrypted by the CLI's secure store)"
    current = credentials.get("current")
    return f"{current} ({path})" if current else None


def project_backend(project_file: Path) -> str | None:
    project = yaml.safe_load(project_file.read_text()) if project_file.exists() else None
    backend = project.get("backend") if isinstance(project, dict) else None
    url = backend.get("url") if isinstance(backend, dict) else None
    return f"{url} ({project_file.name} backend.url)" if url else None


def configured_backend(environ: Mapping[str, str], project_file: Path) -> str | None:
    """Where a backend is configured, in the CLI's order, or None when nothing names one."""
    if url := environ.get("PULUMI_BACKEND_URL"):
        return f"{url} (PULUMI_BACKEND_URL)"
    return project_backend(project_file) or stored_login(credentials_file(environ))


def main() -> int:
    print(configured_backend(os.environ, ROOT / "Pulumi.yaml") or "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
