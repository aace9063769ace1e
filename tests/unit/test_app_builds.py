"""The image tests start together the builds of every app image their tests ask for, each platform once, and a
multi-platform image is its platforms' images joined into one index (tests/image/conftest.py)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.image import conftest
from tests.image.conftest import APP_IMAGES, IMAGES, AppBuilds, images_asked_for
from tools.image_build import Environment

ENV = Environment("registry.test:5000", "registry.test:5000/library/node:22-bookworm-slim", None)


def test_a_test_that_takes_each_image_in_turn_asks_for_every_one() -> None:
    assert images_asked_for([["image", "request"]]) == list(APP_IMAGES)


def test_tests_that_take_one_image_ask_for_that_one_only() -> None:
    assert images_asked_for([["image_env", "graviton", "tmp_path"], ["image_env"]]) == ["graviton"]


def test_tests_that_take_no_app_image_ask_for_none() -> None:
    assert images_asked_for([["image_env"], []]) == []


def test_each_image_is_handed_out_on_each_of_its_platforms() -> None:
    assert IMAGES == [("graviton", "linux/arm64"), ("standard", "linux/arm64"), ("standard", "linux/amd64")]


class Builder:
    """Stands in for ``docker buildx build`` and ``imagetools create``: records them, and holds every build until
    all that were started run at once."""

    def __init__(self, expected: int) -> None:
        self.built: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, ...]] = []
        self.all_running = threading.Barrier(expected, timeout=10)

    def build(self, env: Environment, *, dockerfile: str, platform: str, ref: str, cache_ref: str) -> float:
        self.all_running.wait()  # a BrokenBarrierError if the builds ran one after another
        self.built.append((platform, ref, cache_ref))
        return 0.0

    def docker(self, *args: str) -> None:
        self.indexes.append(args)


@pytest.fixture
def builder(monkeypatch: pytest.MonkeyPatch) -> Builder:
    fake = Builder(expected=len(IMAGES))
    monkeypatch.setattr(conftest, "build", fake.build)
    monkeypatch.setattr(conftest, "docker", fake.docker)
    return fake


def test_every_platform_of_every_image_asked_for_builds_at_once_and_once(builder: Builder) -> None:
    with ThreadPoolExecutor(max_workers=len(IMAGES)) as pool:
        builds = AppBuilds(ENV, pool)
        for name in (*APP_IMAGES, *APP_IMAGES):
            builds.start(name)
        refs = {name: builds.image(name) for name in APP_IMAGES}
    assert sorted(platform for platform, _, _ in builder.built) == sorted(platform for _, platform in IMAGES)
    graviton = conftest.image_ref(ENV, "graviton", "Dockerfile.graviton", ("linux/arm64",))
    standard = conftest.image_ref(ENV, "standard", "Dockerfile", ("linux/arm64", "linux/amd64"))
    assert refs == {"graviton": graviton, "standard": standard}
    assert sorted(cache for _, _, cache in builder.built) == [
        f"{ENV.registry}/graviton-node/cache:{flavour}"
        for flavour in ("graviton-arm64", "standard-amd64", "standard-arm64")
    ]
    assert builder.indexes == [
        ("buildx", "imagetools", "create", "-t", standard, f"{standard}-arm64", f"{standard}-amd64")
    ]


def test_a_single_platform_image_is_pushed_where_its_tests_look_for_it(builder: Builder) -> None:
    builder.all_running = threading.Barrier(1)
    with ThreadPoolExecutor(max_workers=len(IMAGES)) as pool:
        ref = AppBuilds(ENV, pool).image("graviton")
    assert builder.built == [("linux/arm64", ref, f"{ENV.registry}/graviton-node/cache:graviton-arm64")]
    assert builder.indexes == []
