"""The README's test command says what it needs and what it skipped."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ci.test_image_ready import still_running
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


#: Stand-ins for every tool the test command runs: each notes its name in ``ran``; ``pyright`` and ``hadolint``
#: take their exit status (and pyright a delay) from the environment.
STAND_INS = {
    "uv": "exit 0",
    # Its delay in a child, as pyright's Python starts its Node.
    "pyright": 'sleep "${PYRIGHT_SECONDS:-0}" & echo $! > "$STAND_IN_DIR/child.pid"; wait;'
    ' echo "pyright says: 2 errors"; echo pyright >> "$STAND_IN_DIR/ran"; exit "${PYRIGHT_STATUS:-0}"',
    # It ends once pyright's child runs (with AFTER_PYRIGHT, once pyright has ended): never by a race.
    "hadolint": 'until [ -s "$STAND_IN_DIR/child.pid" ]; do sleep 0.01; done; if [ -n "$AFTER_PYRIGHT" ]; then'
    ' until grep -qx pyright "$STAND_IN_DIR/ran" 2>/dev/null; do sleep 0.01; done; fi;'
    ' echo hadolint >> "$STAND_IN_DIR/ran"; exit "${HADOLINT_STATUS:-0}"',
    "python": 'echo "python $*" >> "$STAND_IN_DIR/ran"',
    "node": 'case "$1" in -p) echo 22 ;; *) echo "node $*" >> "$STAND_IN_DIR/ran" ;; esac',
    **{name: f'echo {name} >> "$STAND_IN_DIR/ran"' for name in ("ruff", "shellcheck", "zizmor")},
}


def stand_in_test_command(tmp_path: Path, **environment: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """tools/test.sh in a copy of the project whose tools are ``STAND_INS``, and what ran, in order."""
    tree, stand_ins = tmp_path / "tree", tmp_path / "stand-ins"
    apps = (tree / "docker/app/node_modules/bcrypt", tree / "examples/worker/app")
    for folder in (tree / "tools", tree / ".venv" / "bin", *apps, stand_ins):
        folder.mkdir(parents=True)
    shutil.copy(TEST_SH, tree / "tools" / "test.sh")
    (tree / "tools" / "uv_bootstrap.py").write_text(f"print({str(stand_ins / 'uv')!r})\n")
    (tree / ".venv" / "bin" / "activate").write_text(f'PATH="{stand_ins}:$PATH"\n')
    for name, body in STAND_INS.items():
        (stand_ins / name).write_text(f"#!/bin/sh\n{body}\n")
        (stand_ins / name).chmod(0o755)
    env = {"PATH": f"{stand_ins}:/usr/bin:/bin", "STAND_IN_DIR": str(stand_ins), **environment}
    result = subprocess.run(["/bin/bash", str(tree / "tools" / "test.sh")], capture_output=True, text=True, env=env)
    ran = stand_ins / "ran"
    return result, ran.read_text().splitlines() if ran.exists() else []


def test_pyright_runs_beside_the_other_checks_and_its_report_comes_before_the_suite(tmp_path: Path) -> None:
    result, ran = stand_in_test_command(tmp_path, PYRIGHT_SECONDS="1")
    assert result.returncode == 0, result.stderr
    assert ran.index("hadolint") < ran.index("pyright") < ran.index("python -m pytest")
    assert result.stdout.index("== pyright") < result.stdout.index("pyright says") < result.stdout.index("== pytest")
    assert result.stdout.count("pyright says") == 1


def test_a_pyright_failure_fails_the_command_with_its_status_and_report_before_the_suite_runs(tmp_path: Path) -> None:
    result, ran = stand_in_test_command(tmp_path, PYRIGHT_STATUS="3")
    assert result.returncode == 3
    assert "pyright says: 2 errors" in result.stdout
    assert "python -m pytest" not in ran and "== pytest" not in result.stdout


def test_a_check_failing_while_pyright_runs_stops_pyright_and_what_it_started(tmp_path: Path) -> None:
    result, ran = stand_in_test_command(tmp_path, PYRIGHT_SECONDS="30", HADOLINT_STATUS="1")
    assert result.returncode != 0 and "pyright" not in ran
    assert "pyright says" not in result.stdout, "a report cut short is not printed"
    assert not still_running(tmp_path / "stand-ins" / "child.pid")


def test_a_check_failing_after_pyright_ended_still_shows_pyrights_report(tmp_path: Path) -> None:
    result, ran = stand_in_test_command(tmp_path, PYRIGHT_STATUS="3", HADOLINT_STATUS="1", AFTER_PYRIGHT="1")
    assert result.returncode != 0 and ran.index("pyright") < ran.index("hadolint")
    assert result.stdout.index("== hadolint") < result.stdout.index("pyright says: 2 errors")
