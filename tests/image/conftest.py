"""Image tests run against whatever engine, registry and base image the runner hands over.

Locally they skip when those are not configured; in CI (``CI=true``) a missing engine is a failure,
so the image tests can never pass by not running.
"""

import os
import shutil

import pytest

from tools.image_build import Environment, docker


@pytest.fixture(scope="session")
def image_env() -> Environment:
    env = Environment.from_env()
    problem = None
    if env is None:
        problem = "IMAGE_TEST_REGISTRY and IMAGE_TEST_NODE_IMAGE are not set"
    elif shutil.which("docker") is None:
        problem = "no docker CLI on PATH"
    elif docker("version", "--format", "{{.Server.Version}}", check=False, timeout=30).returncode != 0:
        problem = f"no Docker engine answers at DOCKER_HOST={os.environ.get('DOCKER_HOST', '(default)')}"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"image tests cannot run in CI: {problem}")
        pytest.skip(f"image tests need an engine, a registry and a base image: {problem}")
    assert env is not None
    return env
