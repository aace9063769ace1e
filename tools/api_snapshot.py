"""The package's public API as data: every ``__all__`` name, and each exported dataclass's fields with their
defaults. ``tests/unit/test_migration_notes.py`` holds the CHANGELOG's migration notes to it.

    python tools/api_snapshot.py 1e9a338 > tests/fixtures/api-0.4.0.json

writes a release's API from its commit (``git archive``, imported from a copy under a name of its own, so
the checkout's ``components`` is not the one read). The snapshot is checked in so the test needs no git
history: CI may clone shallow.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

REQUIRED = "required"
FACTORY = "factory"


def public_api(package: ModuleType) -> dict[str, Any]:
    """``exports``: ``__all__`` but the version; ``fields``: per exported dataclass, field -> default's repr."""
    exports = sorted(name for name in package.__all__ if name != "__version__")
    fields = {}
    for name in exports:
        value = getattr(package, name)
        if dataclasses.is_dataclass(value):
            fields[name] = {field.name: _default(field) for field in dataclasses.fields(value)}
    return {"exports": exports, "fields": fields}


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return repr(field.default)
    return REQUIRED if field.default_factory is dataclasses.MISSING else FACTORY


def released_api(commit: str) -> dict[str, Any]:
    """The API of ``components/`` at ``commit``, imported as a package of its own."""
    archive = subprocess.run(["git", "archive", commit, "components"], check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        name = f"released_{commit}"
        Path(folder, "components").rename(Path(folder, name))
        sys.path.insert(0, folder)
        try:
            return public_api(importlib.import_module(name))
        finally:
            sys.path.remove(folder)


if __name__ == "__main__":
    json.dump(released_api(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
