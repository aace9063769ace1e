from pathlib import Path

import pytest

from components.image.build_tag import build_tag, platform_suffix


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM node\n")
    (tmp_path / "app" / "server.js").write_text("console.log(1)\n")
    return tmp_path


def tag(context: Path, **overrides) -> str:
    kwargs = {"dockerfile": "Dockerfile", "platforms": ("linux/arm64",), "build_args": {}} | overrides
    return build_tag(context, **kwargs)


def test_the_same_inputs_give_the_same_tag(context: Path) -> None:
    assert tag(context) == tag(context)
    assert tag(context).startswith("build-") and len(tag(context)) == len("build-") + 12


def test_a_source_change_gives_a_new_tag(context: Path) -> None:
    before = tag(context)
    (context / "app" / "server.js").write_text("console.log(2)\n")
    assert tag(context) != before


def test_a_renamed_file_gives_a_new_tag(context: Path) -> None:
    before = tag(context)
    (context / "app" / "server.js").rename(context / "app" / "index.js")
    assert tag(context) != before


@pytest.mark.parametrize(
    "overrides",
    [
        {"dockerfile": "Dockerfile.graviton"},
        {"platforms": ("linux/arm64", "linux/amd64")},
        {"build_args": {"NODE_IMAGE": "x"}},
    ],
)
def test_build_settings_are_part_of_the_tag(context: Path, overrides: dict) -> None:
    assert tag(context, **overrides) != tag(context)


def test_installed_node_modules_do_not_change_the_tag(context: Path) -> None:
    before = tag(context)
    (context / "app" / "node_modules").mkdir()
    (context / "app" / "node_modules" / "x.js").write_text("x")
    assert tag(context) == before


@pytest.mark.parametrize(
    ("platform", "suffix"), [("linux/arm64", "arm64"), ("linux/amd64", "amd64"), ("linux/arm/v7", "arm-v7")]
)
def test_platform_suffixes_are_tag_safe(platform: str, suffix: str) -> None:
    assert platform_suffix(platform) == suffix


def test_the_tag_is_computed_as_released_so_an_upgrade_replaces_no_index(context: Path) -> None:
    """A multi-arch stack's index is replaced when its tag changes, and the engine deletes the old one by its
    old state, which a stack deployed before ``retain_on_delete`` lacks: a new way of hashing would delete the
    image the service runs on the first deploy after an upgrade (docs/images.md, "What the build tag hashes").
    This value is 0.4.0's for this context, ignored files included."""
    (context / ".dockerignore").write_text("app/test\n*.md\n")
    (context / "app" / "test").mkdir()
    (context / "app" / "test" / "a.test.js").write_text("t\n")
    (context / "README.md").write_text("r\n")
    assert tag(context) == "build-68fa957971e1"
