"""Releases are tagged from main by a workflow, and what consumers pin is the version main carries."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci.test_workflows import load
from tools.release import ROOT, VersionMismatchError, release_version


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "components").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "components" / "__init__.py", tmp_path / "components" / "__init__.py")
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    return tmp_path


def newest_heading(root: Path, heading: str) -> None:
    changelog = root / "CHANGELOG.md"
    changelog.write_text(re.sub(r"^## .*$", heading, changelog.read_text(), count=1, flags=re.MULTILINE))


def current_version() -> str:
    return re.search(r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(1)  # type: ignore[union-attr]


def test_a_dated_changelog_heading_releases_the_version_all_three_files_carry(project: Path) -> None:
    newest_heading(project, f"## {current_version()} — 2026-11-30")
    assert release_version(project) == current_version()


def test_an_unreleased_section_releases_nothing(project: Path) -> None:
    newest_heading(project, f"## {current_version()} — unreleased")
    assert release_version(project) is None


def test_files_that_disagree_are_each_named(project: Path) -> None:
    newest_heading(project, "## 9.9.9 — 2026-11-30")
    with pytest.raises(VersionMismatchError, match=r"pyproject.toml says .*CHANGELOG.md's newest heading says '9.9.9'"):
        release_version(project)


def test_the_command_prints_a_github_output_line() -> None:
    script = ROOT / "tools" / "release.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    assert re.fullmatch(r"version=(\d+\.\d+\.\d+)?\n", result.stdout)


def test_main_is_tagged_v_version_through_the_api_never_moving_a_tag() -> None:
    workflow = load("release.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    steps = job["steps"]
    assert any("tools/release.py" in str(step.get("run", "")) for step in steps)
    tag = steps[-1]
    assert tag["if"] == "steps.release.outputs.version != ''"
    assert 'git/ref/tags/v$VERSION"' in tag["run"], "an existing tag is looked up first"
    assert '-f ref="refs/tags/v$VERSION" -f sha="$GITHUB_SHA"' in tag["run"]
    assert "force" not in tag["run"] and "PATCH" not in tag["run"], "a tag is never moved"


def test_every_examples_pin_is_the_version_main_carries() -> None:
    files = sorted((ROOT / "examples").glob("*/requirements.txt"))
    assert len(files) >= 2
    for path in files:
        pins = re.findall(r"graviton-node-components @ git\+\S+@(\S+)", path.read_text())
        assert pins == [f"v{current_version()}"], path
