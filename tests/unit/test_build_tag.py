import hashlib
import os
from pathlib import Path

import pytest

from components.image.build_tag import build_tag, context_digest, platform_suffix
from tests.models.docker_build import context_hash


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


DOCKER_DIR = Path(__file__).resolve().parents[2] / "docker"


def released_digest(context: Path) -> str:
    """0.4.0's ``context_digest``: every file read, links followed (a dangling one raised, a FIFO blocked)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(context):
        dirs[:] = sorted(d for d in dirs if d not in {".git", "node_modules"})
        for name in sorted(files):
            path = Path(root, name)
            digest.update(path.relative_to(context).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture
def odd_context(context: Path) -> Path:
    """An editor's lock beside the app (Emacs: a link to a target that does not exist) and a FIFO."""
    (context / "app" / ".#server.js").symlink_to("user@host.1234:1700000000")
    os.mkfifo(context / "app" / "events")
    (context / "app" / "index.js").symlink_to("server.js")
    return context


def test_a_context_with_a_dangling_link_and_a_fifo_gives_a_tag(odd_context: Path) -> None:
    assert tag(odd_context).startswith("build-")


def test_the_docker_folder_and_a_context_of_plain_files_hash_as_released(context: Path) -> None:
    """A new way of hashing would change every deployed stack's tag once (see the test above)."""
    assert context_digest(DOCKER_DIR) == released_digest(DOCKER_DIR)
    (context / "app" / "index.js").symlink_to("server.js")  # a link to a file read through, as released
    assert context_digest(context) == released_digest(context)


def test_a_retargeted_dangling_link_gives_a_new_tag(odd_context: Path) -> None:
    before = tag(odd_context)
    (odd_context / "app" / ".#server.js").unlink()
    (odd_context / "app" / ".#server.js").symlink_to("user@host.1234:1700000001")
    assert tag(odd_context) != before


CHANGES = {
    "the linked file": lambda c: (c / "app" / "server.js").write_text("console.log(2)\n"),
    "a file named after the lock": lambda c: (c / "app" / "z.js").write_text("z\n"),
    "the FIFO removed": lambda c: (c / "app" / "events").unlink(),
    "the link to a file removed": lambda c: (c / "app" / "index.js").unlink(),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_to_a_context_with_links_and_a_fifo_gives_a_new_tag(odd_context: Path, change) -> None:
    before = tag(odd_context)
    change(odd_context)
    assert tag(odd_context) != before


def test_docker_build_misses_a_change_past_a_dangling_link_but_the_tag_it_diffs_does_not(odd_context: Path) -> None:
    """docker-build's walk stops a folder at a link it cannot open (tests/models/docker_build.py), so its context
    hash keeps still; the tag is one of the ``tags`` it diffs, so it rebuilds all the same."""
    inputs = {"context": {"location": "."}, "dockerfile": {"location": "Dockerfile"}}
    before = (tag(odd_context), context_hash(odd_context, inputs))
    CHANGES["the linked file"](odd_context)
    assert context_hash(odd_context, inputs) == before[1]
    assert tag(odd_context) != before[0]
