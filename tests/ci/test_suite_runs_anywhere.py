"""The suite passes however it is started: the tools it runs come from the interpreter's environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_workflow_checks_pass_from_the_venvs_python_without_the_venv_on_path() -> None:
    """As an IDE runs them: ``.venv/bin/python -m pytest`` with a PATH that holds only the system."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "tests/ci/test_workflows.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
