"""The image tests start together the builds of the app images their tests ask for, each platform once, a
multi-platform image being its platforms' images joined into one index; and they wait for a runner still making
their base image (tests/image/conftest.py)."""

import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.image import conftest
from tests.image.conftest import APP_IMAGES, IMAGES, asked_by, builds_started, images_asked_for, runner_environment
from tools.image_build import Environment

ENV = Environment("registry.test:5000", "registry.test:5000/library/node:22-bookworm-slim", None)


def test_a_test_of_one_image_through_the_image_fixture_asks_for_that_image_only() -> None:
    assert images_asked_for([(["image", "request"], {"image": ("graviton", "linux/arm64")})]) == ["graviton"]


def test_the_image_fixture_s_every_parameter_asks_for_every_image() -> None:
    assert images_asked_for([(["image"], {"image": image}) for image in IMAGES]) == list(APP_IMAGES)


def test_tests_that_take_one_image_by_its_fixture_ask_for_that_one_only() -> None:
    assert images_asked_for([(["image_env", "standard", "tmp_path"], {}), (["image_env"], {})]) == ["standard"]


def test_tests_that_take_no_app_image_ask_for_none() -> None:
    assert images_asked_for([(["image_env"], {"heap_mib": 256}), ([], {})]) == []


def test_a_session_of_graviton_tests_alone_as_k_graviton_selects_asks_for_graviton_only() -> None:
    """Read from the session's items as pytest makes them: fixture names, and a parametrized test's ``callspec``."""
    items = [
        SimpleNamespace(
            fixturenames=["image"], callspec=SimpleNamespace(params={"image": ("graviton", "linux/arm64")})
        ),
        SimpleNamespace(fixturenames=["image_env", "graviton"]),
        SimpleNamespace(),  # an item that is not a function has neither
    ]
    assert asked_by(items) == ["graviton"]  # type: ignore[arg-type]  # duck-typed items


def test_each_image_is_handed_out_on_each_of_its_platforms() -> None:
    assert IMAGES == [("graviton", "linux/arm64"), ("standard", "linux/arm64"), ("standard", "linux/amd64")]


class Builder:
    """Stands in for ``docker buildx build`` and ``imagetools create``: records them, and holds each build until
    ``together`` builds run at once."""

    def __init__(self, together: int) -> None:
        self.built: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, ...]] = []
        self.all_running = threading.Barrier(together, timeout=10)

    def build(self, env: Environment, *, dockerfile: str, platform: str, ref: str, cache_ref: str) -> float:
        self.all_running.wait()  # a BrokenBarrierError if fewer builds ran at once
        self.built.append((platform, ref, cache_ref))
        return 0.0

    def docker(self, *args: str) -> None:
        self.indexes.append(args)


def builder(monkeypatch: pytest.MonkeyPatch, together: int) -> Builder:
    fake = Builder(together)
    monkeypatch.setattr(conftest, "build", fake.build)
    monkeypatch.setattr(conftest, "docker", fake.docker)
    return fake


def test_every_platform_of_every_image_asked_for_builds_at_once_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = builder(monkeypatch, together=len(IMAGES))
    with builds_started(ENV, APP_IMAGES) as builds:
        builds.start("graviton")  # asked for again: not built again
        refs = {name: builds.image(name) for name in APP_IMAGES}
    assert sorted(platform for platform, _, _ in fake.built) == sorted(platform for _, platform in IMAGES)
    graviton = conftest.image_ref(ENV, "graviton", "Dockerfile.graviton", ("linux/arm64",))
    standard = conftest.image_ref(ENV, "standard", "Dockerfile", ("linux/arm64", "linux/amd64"))
    assert refs == {"graviton": graviton, "standard": standard}
    assert sorted(cache for _, _, cache in fake.built) == [
        f"{ENV.registry}/graviton-node/cache:{flavour}"
        for flavour in ("graviton-arm64", "standard-amd64", "standard-arm64")
    ]
    assert fake.indexes == [
        ("buildx", "imagetools", "create", "-t", standard, f"{standard}-arm64", f"{standard}-amd64")
    ]


def test_an_image_no_test_asked_for_is_built_only_when_one_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = builder(monkeypatch, together=1)
    with builds_started(ENV, []) as builds:
        assert fake.built == []
        ref = builds.image("graviton")
    assert fake.built == [("linux/arm64", ref, f"{ENV.registry}/graviton-node/cache:graviton-arm64")]
    assert fake.indexes == []


@pytest.fixture
def a_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine, a registry and a base image handed over (the engine answering ``docker version``)."""
    monkeypatch.setattr(Environment, "from_env", classmethod(lambda cls: ENV))
    monkeypatch.setattr(conftest.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(conftest, "docker", lambda *args, **kw: subprocess.CompletedProcess(args, 0, "26.1.5", ""))
    monkeypatch.delenv("IMAGE_TEST_READY_FILE", raising=False)


@pytest.mark.usefixtures("a_runner")
def test_without_a_ready_file_the_image_tests_take_what_the_runner_handed_over() -> None:
    assert runner_environment() == ENV


@pytest.mark.usefixtures("a_runner")
def test_a_runner_s_status_0_lets_the_image_tests_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "status").write_text("0\n")
    monkeypatch.setenv("IMAGE_TEST_READY_FILE", str(tmp_path / "status"))
    assert runner_environment() == ENV


@pytest.mark.usefixtures("a_runner")
def test_a_runner_s_failed_base_image_fails_the_image_tests_with_its_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "status").write_text("7\n")
    monkeypatch.setenv("IMAGE_TEST_READY_FILE", str(tmp_path / "status"))
    with pytest.raises(pytest.fail.Exception, match=r"image tests cannot run: .*failed \(exit status 7, from "):
        runner_environment()
