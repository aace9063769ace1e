"""The version main releases: what pyproject.toml, the package and CHANGELOG.md agree on.

`python3 tools/release.py` prints ``version=<version>`` (for ``$GITHUB_OUTPUT``) when the newest
CHANGELOG heading is that version with a date, and ``version=`` while it says "unreleased"; it fails,
naming each file, when they disagree. The release workflow tags ``v<version>`` from it. Standard
library only: it runs before any dependency is installed.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^## (\S+) — (.+)$", re.MULTILINE)


class VersionMismatchError(ValueError):
    pass


def release_version(root: Path = ROOT) -> str | None:
    """The version to tag, or None while the newest CHANGELOG section is unreleased."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    package = re.search(r'^__version__ = "([^"]+)"$', (root / "components" / "__init__.py").read_text(), re.MULTILINE)
    heading = HEADING.search((root / "CHANGELOG.md").read_text())
    found = {
        "pyproject.toml": project,
        "components/__init__.py __version__": package.group(1) if package else None,
        "CHANGELOG.md's newest heading": heading.group(1) if heading else None,
    }
    if len(set(found.values())) != 1:
        raise VersionMismatchError("versions disagree: " + ", ".join(f"{k} says {v!r}" for k, v in found.items()))
    assert heading is not None
    return None if "unreleased" in heading.group(2).lower() else project


def main() -> int:
    try:
        version = release_version()
    except VersionMismatchError as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    print(f"version={version or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
