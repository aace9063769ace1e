"""Every Dockerfile of the repository, one path a line: what ``tools/test.sh`` lints with hadolint and
``tests/unit/test_dockerfiles.py`` holds to the cross-build rules, found by name so that a new app's
Dockerfile is checked without being listed.

    python3 tools/dockerfiles.py
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What a Dockerfile is called: ``Dockerfile``, ``Dockerfile.<variant>`` or ``<name>.Dockerfile``.
DOCKERFILE_NAMES = ("Dockerfile", "Dockerfile.*", "*.Dockerfile")
#: The Dockerfiles as they were before the cross build, kept only for the benchmark: the static test
#: shows the check catches them; they are not held to it.
PREVIOUS = ROOT / "benchmarks" / "images" / "previous"


def repository_files(names: tuple[str, ...], root: Path = ROOT) -> list[Path]:
    """Every file under ``root`` whose name matches one of ``names``, but those of ``PREVIOUS`` and of
    installed packages (virtual environments, node_modules)."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in (".git", ".venv", "node_modules") and Path(folder, name) != PREVIOUS
        ]
        found += [Path(folder, name) for name in files if any(fnmatch.fnmatch(name, n) for n in names)]
    return sorted(found)


def repository_dockerfiles(root: Path = ROOT) -> list[Path]:
    """Every Dockerfile under ``root`` (``repository_files``)."""
    return repository_files(DOCKERFILE_NAMES, root)


if __name__ == "__main__":
    print("\n".join(path.relative_to(ROOT).as_posix() for path in repository_dockerfiles()))
