"""Where an image is built from: any context directory and any Dockerfile inside it, and the platforms a
Dockerfile declares it builds (``components/validation.py``, ``components/image/dockerfile.py``)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import CombinedConfigError, ConfigError
from components.image.dockerfile import declared_platforms, labels, stages
from components.validation import dockerfile_in, image_args

ROOT = Path(__file__).resolve().parents[2]
BOTH = ("linux/arm64", "linux/amd64")
segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz.-_", min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "ctx" / "deploy").mkdir(parents=True)
    (tmp_path / "ctx" / "deploy" / "app.Dockerfile").write_text("FROM node:22\n")
    (tmp_path / "outside.Dockerfile").write_text("FROM node:22\n")
    return tmp_path / "ctx"


@given(st.lists(segment, min_size=0, max_size=3), st.lists(segment, min_size=0, max_size=3))
def test_a_path_with_a_parent_step_anywhere_is_refused_whatever_it_names(before: list[str], after: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        dockerfile_in("ImageSpec.dockerfile", None, "/".join([*before, "..", *after]))
    assert "no '..'" in error.value.allowed


@given(st.lists(segment, min_size=1, max_size=3))
def test_an_absolute_path_is_refused(parts: list[str]) -> None:
    with pytest.raises(ConfigError):
        dockerfile_in("ImageSpec.dockerfile", None, "/" + "/".join(parts))


@given(st.lists(segment, min_size=1, max_size=3))
def test_a_relative_path_passes_in_form_when_the_context_is_not_known(parts: list[str]) -> None:
    assert dockerfile_in("ImageSpec.dockerfile", None, "/".join(parts)) is None


def test_a_dockerfile_of_any_name_in_a_subfolder_of_the_context_is_found(context: Path) -> None:
    assert dockerfile_in("k", context, "deploy/app.Dockerfile") == context / "deploy" / "app.Dockerfile"


def test_a_folder_is_not_a_dockerfile(context: Path) -> None:
    with pytest.raises(ConfigError, match="no such file in"):
        dockerfile_in("k", context, "deploy")


def test_a_dockerfile_linked_from_outside_the_context_is_refused(context: Path) -> None:
    (context / "Dockerfile").symlink_to(context.parent / "outside.Dockerfile")
    with pytest.raises(ConfigError, match="outside"):
        dockerfile_in("k", context, "Dockerfile")


def test_a_context_that_is_no_directory_is_named_with_the_dockerfile_checked_in_form_only(context: Path) -> None:
    with pytest.raises(CombinedConfigError) as error:
        image_args(context=context / "nope", dockerfile="../x", platforms=("linux/arm64",), keep_builds=1)
    assert [e.key for e in error.value.errors] == ["ImageSpec.context", "ImageSpec.dockerfile"]
    with pytest.raises(ConfigError) as alone:
        image_args(context=context / "nope", dockerfile="Dockerfile", platforms=("linux/arm64",), keep_builds=1)
    assert alone.value.key == "ImageSpec.context"


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        ('FROM a\nLABEL graviton-node.platforms="linux/arm64"\n', ("linux/arm64",)),
        ("FROM a\nLABEL graviton-node.platforms linux/arm64\n", ("linux/arm64",)),
        ('FROM a\nLABEL x=1 \\\n  graviton-node.platforms="linux/arm64, linux/amd64"\n', BOTH),
        ("FROM a AS build\nLABEL graviton-node.platforms=linux/arm64\nFROM a\nCMD x\n", None),
        # Docker carries a label of the stage the final one is built FROM into the image.
        ("FROM a AS base\nLABEL graviton-node.platforms=linux/arm64\nFROM base\nCMD x\n", ("linux/arm64",)),
        ("FROM a AS base\nLABEL graviton-node.platforms=linux/arm64\nFROM base AS mid\nFROM mid\n", ("linux/arm64",)),
        ("FROM a AS base\nLABEL graviton-node.platforms=linux/arm64\nFROM base\n"
         f"LABEL graviton-node.platforms={','.join(BOTH)}\n", BOTH),
        ("FROM a\nLABEL other=1\n", None),
        ("FROM a\n# LABEL graviton-node.platforms=linux/arm64\n", None),
    ],
    ids=["quoted", "legacy-form", "continued-list", "build-stage-only", "inherited", "inherited-twice",
         "own-label-wins", "other-label", "comment"],
)  # fmt: skip
def test_the_platforms_a_dockerfile_declares_are_its_images_label(text: str, platforms: tuple[str, ...] | None) -> None:
    assert declared_platforms(text) == platforms


def test_a_later_label_wins_as_in_the_image() -> None:
    (stage,) = stages('FROM a\nLABEL k=1\nLABEL k="2 3"\n')
    assert labels(stage) == {"k": "2 3"}


def test_the_graviton_dockerfile_declares_arm64_only_and_the_standard_one_declares_nothing() -> None:
    assert declared_platforms((ROOT / "docker" / "Dockerfile.graviton").read_text()) == ("linux/arm64",)
    assert declared_platforms((ROOT / "docker" / "Dockerfile").read_text()) is None


@pytest.mark.parametrize(
    ("label", "platforms", "refused"),
    [
        ("", BOTH, False),
        ('LABEL graviton-node.platforms="linux/arm64"\n', ("linux/arm64",), False),
        ('LABEL graviton-node.platforms="linux/arm64"\n', BOTH, True),
        ('LABEL graviton-node.platforms="linux/arm64,linux/amd64"\n', BOTH, False),
    ],
)
def test_platforms_stay_within_what_the_dockerfile_declares(
    context: Path, label: str, platforms: tuple[str, ...], refused: bool
) -> None:
    (context / "my.Dockerfile").write_text("FROM node:22\n" + label)
    if not refused:
        image_args(context=context, dockerfile="my.Dockerfile", platforms=platforms, keep_builds=1)
        return
    with pytest.raises(ConfigError) as error:
        image_args(context=context, dockerfile="my.Dockerfile", platforms=platforms, keep_builds=1)
    assert (error.value.key, error.value.value) == ("ImageSpec.platforms", list(platforms))
    assert error.value.allowed.startswith('["linux/arm64"], the platforms ImageSpec.dockerfile my.Dockerfile')


def test_a_dockerfile_the_parser_cannot_read_is_named(context: Path) -> None:
    (context / "bad.Dockerfile").write_text("RUN make\n")
    with pytest.raises(ConfigError) as error:
        image_args(context=context, dockerfile="bad.Dockerfile", platforms=("linux/arm64",), keep_builds=1)
    assert (error.value.key, error.value.value) == ("ImageSpec.dockerfile", "bad.Dockerfile")
    assert "RUN before the first FROM" in error.value.allowed
