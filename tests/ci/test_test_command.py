"""The README's test command says what it needs and what it skipped."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import skipped_groups

ROOT = Path(__file__).resolve().parents[2]
TEST_SH = ROOT / "tools" / "test.sh"


def run_with_node(tmp_path: Path, version: str | None) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if version:
        major = version.lstrip("v").split(".")[0]
        (bin_dir / "node").write_text(
            f'#!/bin/sh\ncase "$1" in -p) echo {major} ;; --version) echo {version} ;; esac\n'
        )
        (bin_dir / "node").chmod(0o755)
    # Only dirname beside the stub: no python3, uv or other node, so the check must come before any runs.
    (bin_dir / "dirname").symlink_to(shutil.which("dirname") or "/usr/bin/dirname")
    return subprocess.run(["/bin/bash", str(TEST_SH)], capture_output=True, text=True, env={"PATH": str(bin_dir)})


@pytest.mark.parametrize("version", ["v20.11.1", None])
def test_an_old_or_missing_node_is_named_before_anything_is_installed(tmp_path: Path, version: str | None) -> None:
    result = run_with_node(tmp_path, version)
    assert result.returncode == 1
    assert "the app's tests need Node.js 22 or later" in result.stderr
    assert (version or "no node on PATH") in result.stderr
    assert "==" not in result.stdout, "nothing else ran"
    assert 'PATH="$(python3 tools/node_bootstrap.py):$PATH" tools/test.sh' in result.stderr, "and how to get one"


def test_skips_are_summed_up_one_line_per_reason_most_first() -> None:
    image = "image tests need an engine: IMAGE_TEST_REGISTRY is not set"
    aws = "it deploys to a real AWS account"
    assert skipped_groups([image, aws, image, image]) == [f"3 skipped: {image}", f"1 skipped: {aws}"]
    assert skipped_groups([]) == []


def test_every_node_app_s_tests_run_in_the_test_command() -> None:
    """Each folder with a package.json whose ``test`` script runs ``node --test`` is run by tools/test.sh (with
    options of its own, if any), not only by a pytest test that skips without node."""
    apps = {
        path.parent.relative_to(ROOT).as_posix()
        for path in ROOT.glob("**/package.json")
        if "node_modules" not in path.parts
        and not path.relative_to(ROOT).parts[0].startswith(".")
        and json.loads(path.read_text()).get("scripts", {}).get("test") == "node --test"
    }
    assert {"docker/app", "examples/worker/app"} <= apps
    script = TEST_SH.read_text()
    assert {
        app for app in apps if not re.search(rf"\(cd {re.escape(app)} && node --test( --[\w-]+=\w+)*\)", script)
    } == set()
