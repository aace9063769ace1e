"""Image tests run against whatever engine, registry and base image the runner hands over.

Locally they skip when those are not configured; in CI (``CI=true``) a missing engine is a failure,
so the image tests can never pass by not running.
"""

import os
import shutil

import pytest

from components.image.build_tag import build_tag
from tools.image_build import DOCKER_DIR, Environment, build, docker


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


def image_ref(env: Environment, flavour: str, dockerfile: str, platforms: tuple[str, ...]) -> str:
    """Where an image built from ``dockerfile`` is pushed: tagged by its build inputs, the substituted
    base image among them (it is part of what was built)."""
    tag = build_tag(DOCKER_DIR, dockerfile=dockerfile, platforms=platforms, build_args={"base": env.node_image})
    return f"{env.registry}/graviton-node/app-{flavour}:{tag}"


# The images, built once per test process for every file that runs them (the registry cache makes a
# second process's build a push of what is there).


@pytest.fixture(scope="session")
def graviton(image_env: Environment) -> str:
    ref = image_ref(image_env, "graviton", "Dockerfile.graviton", ("linux/arm64",))
    build(image_env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=ref,
          cache_ref=f"{image_env.registry}/graviton-node/cache:graviton-arm64")  # fmt: skip
    return ref


@pytest.fixture(scope="session")
def standard(image_env: Environment) -> str:
    """The standard Dockerfile: one cached build per platform, joined into one index."""
    platforms = ("linux/arm64", "linux/amd64")
    index = image_ref(image_env, "standard", "Dockerfile", platforms)
    sources = []
    for platform in platforms:
        arch = platform.split("/")[1]
        ref = f"{index}-{arch}"
        build(image_env, dockerfile="Dockerfile", platform=platform, ref=ref,
              cache_ref=f"{image_env.registry}/graviton-node/cache:standard-{arch}")  # fmt: skip
        sources.append(ref)
    docker("buildx", "imagetools", "create", "-t", index, *sources)
    return index
