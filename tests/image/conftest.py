"""Image tests run against whatever engine, registry and base image the runner hands over.

Locally they skip when those are not configured; in CI (``CI=true``) a missing engine is a failure,
so the image tests can never pass by not running.
"""

import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from components.image.build_tag import build_tag, platform_suffix
from tools.image_build import DOCKER_DIR, Environment, build, docker
from tools.image_ready import READY_TIMEOUT, wait_for_status


def runner_environment() -> Environment:
    """What the runner hands over, once it is all there; skips (fails with ``CI`` set) when it hands over nothing.

    A runner still making the base image (.ci/run, beside the checks and the rest of the suite) names in
    ``IMAGE_TEST_READY_FILE`` the file it writes that work's exit status to: this waits for a 0 there (the worker
    holding the first image file, tests/conftest.py) and fails with anything else."""
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
    ready = os.environ.get("IMAGE_TEST_READY_FILE")
    if ready and (failed := wait_for_status(Path(ready), READY_TIMEOUT)):
        pytest.fail(f"image tests cannot run: {failed}")
    return env


@pytest.fixture(scope="session")
def image_env() -> Environment:
    return runner_environment()


def image_ref(env: Environment, flavour: str, dockerfile: str, platforms: tuple[str, ...]) -> str:
    """Where an image built from ``dockerfile`` is pushed: tagged by its build inputs, the substituted
    base image among them (it is part of what was built)."""
    tag = build_tag(DOCKER_DIR, dockerfile=dockerfile, platforms=platforms, build_args={"base": env.node_image})
    return f"{env.registry}/graviton-node/app-{flavour}:{tag}"


#: The app images the tests build, by fixture: the Dockerfile and its platforms, one build for each.
APP_IMAGES = {
    "graviton": ("Dockerfile.graviton", ("linux/arm64",)),
    "standard": ("Dockerfile", ("linux/arm64", "linux/amd64")),
}
#: Each app image on each of its platforms: what the ``image`` fixture hands a test, one after another.
IMAGES = [(name, platform) for name, (_, platforms) in APP_IMAGES.items() for platform in platforms]


def images_asked_for(tests: Iterable[tuple[Iterable[str], Mapping[str, object]]]) -> list[str]:
    """The app images the tests ask for, each test given as its fixture names and its parameters: by their own
    fixture, or through ``image`` the one its parameter names."""
    asked: set[str] = set()
    for names, params in tests:
        asked |= set(APP_IMAGES) & set(names)
        if "image" in names and isinstance(taken := params.get("image"), tuple):
            asked.add(taken[0])
    return [name for name in APP_IMAGES if name in asked]


def asked_by(items: Iterable[pytest.Item]) -> list[str]:
    """The app images a session's tests ask for (``images_asked_for``)."""
    return images_asked_for(
        (getattr(item, "fixturenames", ()), getattr(getattr(item, "callspec", None), "params", {})) for item in items
    )


class AppBuilds:
    """The app images' builds, one per platform, on a thread pool: started together, each awaited by the
    fixture that needs it. Built one after another they left half of this machine's CPU idle while each build
    waited on a mirror, a registry or QEMU (docs/benchmarks.md); BuildKit runs a stage they share once."""

    def __init__(self, env: Environment, pool: ThreadPoolExecutor) -> None:
        self.env, self.pool = env, pool
        #: Where each image started goes: its tag hashes the whole build context, so it is computed once.
        self.refs: dict[str, str] = {}
        self.builds: dict[tuple[str, str], Future[str]] = {}

    def start(self, name: str) -> None:
        if name in self.refs:
            return
        dockerfile, platforms = APP_IMAGES[name]
        self.refs[name] = image_ref(self.env, name, dockerfile, platforms)
        for platform in platforms:
            self.builds[name, platform] = self.pool.submit(self.build, name, platform)

    def build(self, name: str, platform: str) -> str:
        """Build and push one platform, reading and writing its own registry cache; return where it went."""
        dockerfile, platforms = APP_IMAGES[name]
        arch = platform_suffix(platform)
        ref = f"{self.refs[name]}-{arch}" if len(platforms) > 1 else self.refs[name]
        build(self.env, dockerfile=dockerfile, platform=platform, ref=ref,
              cache_ref=f"{self.env.registry}/graviton-node/cache:{name}-{arch}")  # fmt: skip
        return ref

    def image(self, name: str) -> str:
        """The image, once built: a multi-platform one joins its platforms' images into one index."""
        self.start(name)
        sources = [self.builds[name, platform].result() for platform in APP_IMAGES[name][1]]
        if len(sources) > 1:
            docker("buildx", "imagetools", "create", "-t", self.refs[name], *sources)
        return self.refs[name]


@contextmanager
def builds_started(env: Environment, names: Iterable[str]) -> Iterator[AppBuilds]:
    """``AppBuilds`` with the builds of ``names`` started, all at once; on leaving, waits for any still running."""
    with ThreadPoolExecutor(max_workers=len(IMAGES)) as pool:
        builds = AppBuilds(env, pool)
        for name in names:
            builds.start(name)
        yield builds


@pytest.fixture(scope="session")
def app_builds(request: pytest.FixtureRequest, image_env: Environment) -> Iterator[AppBuilds]:
    """Every app image this test process's tests ask for, started the first time one is needed (the registry
    cache makes a second process's build a push of what is there)."""
    with builds_started(image_env, asked_by(request.session.items)) as builds:
        yield builds


@pytest.fixture(scope="session")
def graviton(app_builds: AppBuilds) -> str:
    return app_builds.image("graviton")


@pytest.fixture(scope="session")
def standard(app_builds: AppBuilds) -> str:
    return app_builds.image("standard")


@pytest.fixture(params=IMAGES, ids=[f"{name}-{platform_suffix(platform)}" for name, platform in IMAGES])
def image(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Each app image on each of its platforms in turn, as its reference and platform."""
    name, platform = request.param
    return request.getfixturevalue(name), platform
