"""The suite passes however it is started: the tools it runs come from the interpreter's environment, and
a region in the caller's environment changes no answer of the mocks."""

import os
import subprocess
import sys
from pathlib import Path

from tools.offline import RecordingMocks

ROOT = Path(__file__).resolve().parents[2]


def test_the_workflow_checks_pass_from_the_venvs_python_without_the_venv_on_path() -> None:
    """As an IDE runs them: ``.venv/bin/python -m pytest`` with a PATH that holds only the system."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    _passes(env, "tests/ci/test_workflows.py")


def test_the_mocked_tests_pass_with_a_region_in_the_callers_environment() -> None:
    """Their expected ARNs name the stacks' region (or us-east-1): the suite clears the variables the
    provider reads the region from (``tests/conftest.py``)."""
    _passes(
        {**os.environ, "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "ap-south-2"}, "tests/components/test_mocks.py"
    )


def _passes(env: dict[str, str], tests: str) -> None:
    """``tests`` pass in a pytest of their own, run by the venv's python with ``env``."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_under_the_suite_the_mocks_answer_in_the_default_region_whatever_the_caller_set() -> None:
    assert not {"AWS_REGION", "AWS_DEFAULT_REGION"} & set(os.environ)
    mocks = RecordingMocks()
    mocks.locate({})
    assert mocks.region == "us-east-1"
