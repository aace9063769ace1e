"""No instruction of an image build is emulated: every RUN is in a stage on the build machine's platform
(``$BUILDPLATFORM``), cross-compiling for the target, and the final stage only copies onto the
target's base. Read statically, with the parser checked on the syntax it has to follow."""

import shutil
from pathlib import Path

import pytest

from components.image.build_tag import build_tag
from components.image.dockerfile import Stage, instructions, stages, target_runs

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = ["Dockerfile", "Dockerfile.graviton"]
#: What the final stage may hold: metadata and copies, nothing that executes at build time.
FINAL_STAGE_INSTRUCTIONS = {"ENV", "WORKDIR", "COPY", "USER", "EXPOSE", "STOPSIGNAL", "CMD", "LABEL"}


def runs_off_the_build_platform(dockerfile: Path) -> list[int]:
    """Line numbers of the RUN instructions whose stage builds on the target platform (emulated when
    the target is foreign)."""
    return target_runs(dockerfile.read_text())


@pytest.mark.parametrize("name", DOCKERFILES)
def test_every_run_of_the_dockerfile_is_in_a_stage_on_the_build_platform(name: str) -> None:
    dockerfile = ROOT / "docker" / name
    assert any(i.keyword == "RUN" for s in stages(dockerfile.read_text()) for i in s.instructions)
    assert runs_off_the_build_platform(dockerfile) == []


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_final_stage_is_the_target_base_with_copies_only(name: str) -> None:
    *builders, final = stages((ROOT / "docker" / name).read_text())
    assert final.platform is None, "the final stage is built for the target"
    assert final.base == builders[0].base, "the same pinned base image as the build"
    assert {i.keyword for i in final.instructions} <= FINAL_STAGE_INSTRUCTIONS
    copies = [i.arguments for i in final.instructions if i.keyword == "COPY"]
    assert copies == ["--from=build /app/node_modules /app/node_modules", "app/ /app/"]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_previous_dockerfiles_compiled_on_the_target_platform_which_the_check_catches(name: str) -> None:
    """The Dockerfiles as they were before the cross build (kept for the benchmark) fail the check."""
    previous = ROOT / "benchmarks" / "images" / "previous" / name
    assert len(runs_off_the_build_platform(previous)) >= 2


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_build_tag_changes_with_every_file_the_dockerfile_reads(name: str, tmp_path: Path) -> None:
    """The Dockerfile itself and every source its COPY instructions take from the context."""
    context = tmp_path / "docker"
    shutil.copytree(ROOT / "docker", context, ignore=shutil.ignore_patterns("node_modules"))
    sources = [
        source
        for stage in stages((context / name).read_text())
        for copy in stage.instructions
        if copy.keyword == "COPY" and not copy.arguments.startswith("--from=")
        for source in copy.arguments.split()[:-1]
    ]
    read = [context / name]
    for source in sources:
        path = context / source
        read += [path] if path.is_file() else sorted(f for f in path.rglob("*") if f.is_file())
    assert len(read) > 3
    for path in read:
        before = build_tag(context, dockerfile=name, platforms=("linux/arm64",), build_args={})
        path.write_bytes(path.read_bytes() + b"\n")
        assert build_tag(context, dockerfile=name, platforms=("linux/arm64",), build_args={}) != before, path


def test_a_run_split_over_lines_with_comments_between_is_one_instruction() -> None:
    text = "FROM a\nRUN apt-get update \\\n# a comment inside\n\n && apt-get install -y gcc\nUSER 1000\n"
    assert [(i.keyword, i.arguments, i.line) for i in instructions(text)] == [
        ("FROM", "a", 1),
        ("RUN", "apt-get update && apt-get install -y gcc", 2),
        ("USER", "1000", 6),
    ]


def test_a_heredoc_body_belongs_to_its_run_even_where_it_reads_like_an_instruction() -> None:
    text = "FROM --platform=$BUILDPLATFORM a AS b\nRUN <<EOF\nFROM x\nmake\nEOF\nFROM b\nCOPY . .\n"
    first, second = stages(text)
    assert [i.keyword for i in first.instructions] == ["RUN"]
    assert "FROM x\nmake" in first.instructions[0].arguments
    assert [i.keyword for i in second.instructions] == ["COPY"]


def test_the_escape_directive_changes_the_continuation_character() -> None:
    text = "# escape=`\nFROM a\nRUN echo one `\n  two\n"
    assert [i.arguments for i in instructions(text)] == ["a", "echo one two"]


def test_lower_case_keywords_are_instructions() -> None:
    assert [i.keyword for i in instructions("from a as b\nrun make\n")] == ["FROM", "RUN"]


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        # A stage built on a stage takes its platform, through any depth, whatever the name's case.
        ("FROM --platform=$BUILDPLATFORM n AS Tools\nFROM tools AS b\nFROM B\n", ["$BUILDPLATFORM"] * 3),
        # Its own --platform wins; a FROM naming an image (not a stage) builds for the target.
        (
            "FROM --platform=$BUILDPLATFORM n AS t\nFROM --platform=linux/arm64 t\nFROM n\n",
            ["$BUILDPLATFORM", "linux/arm64", None],
        ),
        # A name defined only later is an image, not the stage.
        ("FROM later\nFROM --platform=${BUILDPLATFORM} n AS later\n", [None, "${BUILDPLATFORM}"]),
    ],
)
def test_a_stage_builds_on_its_own_platform_or_the_one_of_the_stage_it_starts_from(
    text: str, platforms: list[str | None]
) -> None:
    assert [stage.platform for stage in stages(text)] == platforms


def test_a_run_in_a_stage_inheriting_the_target_platform_is_caught(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM --platform=$BUILDPLATFORM n AS tools\nRUN make\nFROM n AS target\nFROM target\nRUN x\n")
    assert runs_off_the_build_platform(dockerfile) == [5]


def test_an_instruction_before_the_first_from_other_than_arg_is_refused() -> None:
    with pytest.raises(ValueError, match="line 1: RUN before the first FROM"):
        stages("RUN make\nFROM a\n")
    assert stages("ARG V=1\nFROM a\n") == [Stage("a", None, None, ())]
