import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.image.build_tag import build_tag, platform_suffix
from components.image.dockerignore import is_ignored, read_patterns


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
    if "dockerfile" in overrides:
        (context / overrides["dockerfile"]).write_text("FROM node\n")
    assert tag(context, **overrides) != tag(context)


@pytest.mark.parametrize("ignored", ["app/test/server.test.js", "README.md", "app/node_modules/x/index.js"])
def test_a_file_the_ignore_file_leaves_out_changes_no_tag(context: Path, ignored: str) -> None:
    """docker-build never sends it, so the image is the same: no new tag, no new task definition revision."""
    (context / ".dockerignore").write_text("**/node_modules\napp/test\n*.md\n")
    before = tag(context)
    (context / ignored).parent.mkdir(parents=True, exist_ok=True)
    (context / ignored).write_text("x")
    assert tag(context) == before


def test_without_an_ignore_file_installed_modules_are_part_of_the_build_and_of_the_tag(context: Path) -> None:
    before = tag(context)
    (context / "app" / "node_modules").mkdir()
    (context / "app" / "node_modules" / "x.js").write_text("x")
    assert tag(context) != before


def test_the_dockerfiles_own_ignore_file_decides_before_the_contexts(context: Path) -> None:
    """docker-build reads ``<Dockerfile>.dockerignore`` first (provider/internal/context.go, getIgnorePatterns)."""
    (context / ".dockerignore").write_text("app/test\n")
    (context / "Dockerfile.dockerignore").write_text("*.md\n")
    (context / "app" / "test").mkdir()
    before = tag(context)
    (context / "app" / "test" / "a.test.js").write_text("x")
    assert tag(context) != before, "the context's ignore file is not read beside the Dockerfile's own"


def test_an_ignore_file_that_leaves_the_dockerfile_out_still_tags_its_content(context: Path) -> None:
    (context / ".dockerignore").write_text("Dockerfile\n")
    before = tag(context)
    (context / "Dockerfile").write_text("FROM node\nUSER 1000\n")
    assert tag(context) != before


def test_letting_a_file_back_in_changes_the_tag(context: Path) -> None:
    (context / "notes.md").write_text("x")
    (context / ".dockerignore").write_text("*.md\n")
    before = tag(context)
    (context / ".dockerignore").write_text("*.md\n!notes.md\n")
    assert tag(context) != before


NAMES = st.sampled_from(["a.js", "b.md", "c.txt"])
DIRS = st.sampled_from(["", "app/", "app/test/", "lib/"])
PATTERNS = st.lists(st.sampled_from(["*.md", "app/test", "**/*.txt", "!app/test/c.txt", "lib", "!lib/a.js"]))


@settings(max_examples=60, deadline=None)
@given(files=st.sets(st.tuples(DIRS, NAMES), min_size=1), patterns=PATTERNS, data=st.data())
def test_the_tag_changes_exactly_when_a_file_the_build_reads_changes(
    files: set[tuple[str, str]], patterns: list[str], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        context = Path(scratch)
        (context / "Dockerfile").write_text("FROM node\n")
        (context / ".dockerignore").write_text("\n".join(patterns) + "\n")
        for directory, name in sorted(files):
            (context / directory).mkdir(parents=True, exist_ok=True)
            (context / directory / name).write_text("1")
        directory, name = data.draw(st.sampled_from(sorted(files)))
        before = tag(context)
        (context / directory / name).write_text("2")
        assert (tag(context) != before) is (not is_ignored(directory + name, read_patterns("\n".join(patterns))))


@pytest.mark.parametrize(
    ("platform", "suffix"), [("linux/arm64", "arm64"), ("linux/amd64", "amd64"), ("linux/arm/v7", "arm-v7")]
)
def test_platform_suffixes_are_tag_safe(platform: str, suffix: str) -> None:
    assert platform_suffix(platform) == suffix
