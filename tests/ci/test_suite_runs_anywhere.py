"""The suite passes however it is started: the tools it runs come from the interpreter's environment, and
a region, a proxy or an AWS profile in the caller's environment changes no answer."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tools.offline import RecordingMocks

ROOT = Path(__file__).resolve().parents[2]


def _as_an_ide_runs_them() -> dict[str, str]:
    """``.venv/bin/python -m pytest`` with a PATH that holds only the system."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return {**env, "PATH": "/usr/bin:/bin"}


def _with_a_region_in_the_environment() -> dict[str, str]:
    return {**os.environ, "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "ap-south-2"}


def _with_a_proxy_that_spares_localhost_only() -> dict[str, str]:
    """A usual corporate setting: a proxy for everything but ``localhost`` (by name)."""
    return {**os.environ, "http_proxy": "http://proxy.invalid:3128", "no_proxy": "localhost", "NO_PROXY": "localhost"}


def _with_an_aws_profile_this_machine_lacks() -> dict[str, str]:
    """The README's ``export AWS_PROFILE=...`` in a shell whose AWS config has no such profile."""
    return {**os.environ, "AWS_PROFILE": "graviton-node-nowhere"}


#: Per test, the pytest of its own it runs: the environment it is started with and the tests it runs.
PYTESTS: dict[str, tuple[Callable[[], dict[str, str]], str]] = {
    "test_the_workflow_checks_pass_from_the_venvs_python_without_the_venv_on_path": (
        _as_an_ide_runs_them,
        "tests/ci/test_workflows.py",
    ),
    "test_the_mocked_tests_pass_with_a_region_in_the_callers_environment": (
        _with_a_region_in_the_environment,
        "tests/components/test_mocks.py",
    ),
    "test_the_tests_of_local_servers_pass_with_a_proxy_in_the_callers_environment": (
        _with_a_proxy_that_spares_localhost_only,
        "tests/unit/test_smoke_test_handler.py",
    ),
    "test_the_tests_reading_botocores_models_pass_with_an_aws_profile_this_machine_lacks": (
        _with_an_aws_profile_this_machine_lacks,
        "tests/program/test_troubleshooting_permissions.py",
    ),
}


@pytest.fixture(scope="module")
def pytests(request: pytest.FixtureRequest) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """The selected tests' pytests, started side by side: they are independent, so together they take
    the time of the longer one rather than of both. Started here, after the session's fixtures have
    cleared the region from ``os.environ``, as each test's own run would be."""
    selected = {item.name for item in request.session.items} & PYTESTS.keys()
    started = {name: _start(*PYTESTS[name]) for name in sorted(selected)}
    yield started
    for process in started.values():  # one a failing test left running
        process.kill()
        process.communicate()


@pytest.fixture
def own_pytest(request: pytest.FixtureRequest, pytests: dict[str, subprocess.Popen[str]]) -> subprocess.Popen[str]:
    """The pytest ``PYTESTS`` names for the requesting test."""
    return pytests[request.node.name]


def _start(env: Callable[[], dict[str, str]], tests: str) -> subprocess.Popen[str]:
    """``tests`` in a pytest of their own, run by the venv's python with ``env``."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly", tests],
        cwd=ROOT,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _passes(process: subprocess.Popen[str]) -> None:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stdout[-3000:] + stderr[-2000:]


def test_the_workflow_checks_pass_from_the_venvs_python_without_the_venv_on_path(
    own_pytest: subprocess.Popen[str],
) -> None:
    """As an IDE runs them: ``.venv/bin/python -m pytest`` with a PATH that holds only the system."""
    _passes(own_pytest)


def test_the_mocked_tests_pass_with_a_region_in_the_callers_environment(own_pytest: subprocess.Popen[str]) -> None:
    """Their expected ARNs name the stacks' region (or us-east-1): the suite clears the variables the
    provider reads the region from (``tests/conftest.py``)."""
    _passes(own_pytest)


def test_the_tests_of_local_servers_pass_with_a_proxy_in_the_callers_environment(
    own_pytest: subprocess.Popen[str],
) -> None:
    """``no_proxy=localhost`` does not spare 127.0.0.1 (urllib matches names): the suite adds the address."""
    _passes(own_pytest)


def test_the_tests_reading_botocores_models_pass_with_an_aws_profile_this_machine_lacks(
    own_pytest: subprocess.Popen[str],
) -> None:
    """A botocore session reads the profile first and fails without it; the models are read by a loader."""
    _passes(own_pytest)


def test_no_test_reads_botocore_through_a_session() -> None:
    """Every model through ``tests/models/aws_api`` (a loader), so no test depends on the caller's AWS profile."""
    session = "botocore" + ".session"
    assert [p.name for p in (ROOT / "tests").rglob("*.py") if session in p.read_text()] == []


def test_under_the_suite_the_mocks_answer_in_the_default_region_whatever_the_caller_set() -> None:
    assert not {"AWS_REGION", "AWS_DEFAULT_REGION"} & set(os.environ)
    mocks = RecordingMocks()
    mocks.locate({})
    assert mocks.region == "us-east-1"
