"""No instruction of an image build is emulated: every RUN is in a stage on the build machine's platform
(``$BUILDPLATFORM``), cross-compiling for the target, and the final stage only copies onto the
target's base. Every Dockerfile of the repository is held to it (the platform's, the examples' apps',
the test fixtures'), found by name. Read statically, with the parser checked on the syntax it has to
follow."""

import json
import shutil
from pathlib import Path

import pytest

from components.image.build_tag import build_tag
from components.image.dockerfile import Stage, instructions, stages, target_runs
from tools.dockerfiles import PREVIOUS, repository_dockerfiles

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = ["Dockerfile", "Dockerfile.graviton"]
EVERY_DOCKERFILE = repository_dockerfiles()


def named(dockerfile: Path) -> str:
    return dockerfile.relative_to(ROOT).as_posix()


#: What the final stage may hold: metadata and copies, nothing that executes at build time.
FINAL_STAGE_INSTRUCTIONS = {"ENV", "WORKDIR", "COPY", "USER", "EXPOSE", "STOPSIGNAL", "CMD", "LABEL"}


def runs_off_the_build_platform(dockerfile: Path) -> list[int]:
    """Line numbers of the RUN instructions whose stage builds on the target platform (emulated when
    the target is foreign)."""
    return target_runs(dockerfile.read_text())


def test_every_dockerfile_of_the_repository_is_found() -> None:
    """Not vacuous: the platform's two, the worker example's and the second app's of the tests; and a
    RUN in each of those that install dependencies."""
    assert {
        "docker/Dockerfile",
        "docker/Dockerfile.graviton",
        "examples/worker/app/Dockerfile",
        "tests/fixtures/tiny-app/tiny.Dockerfile",
    } <= set(map(named, EVERY_DOCKERFILE))
    for dockerfile in (*(ROOT / "docker" / name for name in DOCKERFILES), ROOT / "examples/worker/app/Dockerfile"):
        assert any(i.keyword == "RUN" for s in stages(dockerfile.read_text()) for i in s.instructions), dockerfile


@pytest.mark.parametrize("dockerfile", EVERY_DOCKERFILE, ids=named)
def test_every_run_of_the_dockerfile_is_in_a_stage_on_the_build_platform(dockerfile: Path) -> None:
    assert runs_off_the_build_platform(dockerfile) == []


@pytest.mark.parametrize("dockerfile", EVERY_DOCKERFILE, ids=named)
def test_the_final_stage_is_the_target_base_with_copies_only(dockerfile: Path) -> None:
    *builders, final = stages(dockerfile.read_text())
    assert final.platform is None, "the final stage is built for the target"
    assert all(final.base == builder.base for builder in builders[:1]), "the same pinned base image as the build"
    assert {i.keyword for i in final.instructions} <= FINAL_STAGE_INSTRUCTIONS


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_platforms_final_stage_copies_the_built_dependencies_and_the_app(name: str) -> None:
    final = stages((ROOT / "docker" / name).read_text())[-1]
    copies = [i.arguments for i in final.instructions if i.keyword == "COPY"]
    assert copies == ["--from=build /app/node_modules /app/node_modules", "app/ /app/"]


def native_packages(lockfile: Path) -> list[str]:
    """The packages of an npm lockfile that build or pick code for one CPU: an install script (node-gyp's
    ``binding.gyp`` among them) or an ``os``/``cpu`` constraint (npm's package-lock.json format)."""
    packages = json.loads(lockfile.read_text())["packages"]
    return sorted(name for name, package in packages.items() if {"hasInstallScript", "os", "cpu"} & package.keys())


def npm_installs_for_the_build_machine(dockerfile: Path) -> list[Path]:
    """The lockfiles that an ``npm ci`` or ``npm install`` of ``dockerfile`` installs with no ``--cpu``: on
    the build platform, it installs the build machine's native code, not the target's."""
    locks = []
    for stage in stages(dockerfile.read_text()):
        runs = [i.arguments for i in stage.instructions if i.keyword == "RUN"]
        if any(("npm ci" in run or "npm install" in run) and "--cpu" not in run for run in runs):
            copied = [i.arguments.split()[:-1] for i in stage.instructions if i.keyword == "COPY"]
            locks += [dockerfile.parent / source for sources in copied for source in sources
                      if source.endswith("package-lock.json")]  # fmt: skip
    return locks


@pytest.mark.parametrize("dockerfile", EVERY_DOCKERFILE, ids=named)
def test_an_npm_install_on_the_build_platform_that_targets_no_cpu_installs_no_native_package(
    dockerfile: Path,
) -> None:
    """Pure JavaScript is the same on every platform; a native package would be the build machine's.
    One that appears needs npm to target the platform, as docker/Dockerfile does (``--os``, ``--cpu``,
    a cross compiler)."""
    assert [(named(lock), native_packages(lock)) for lock in npm_installs_for_the_build_machine(dockerfile)
            if native_packages(lock)] == []  # fmt: skip


def test_the_npm_check_sees_a_native_package_and_an_install_with_no_cpu(tmp_path: Path) -> None:
    assert native_packages(ROOT / "docker" / "app" / "package-lock.json") == ["node_modules/bcrypt"]
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM --platform=$BUILDPLATFORM n AS build\nCOPY a/package-lock.json ./\nRUN npm ci\nFROM n\n"
    )
    assert npm_installs_for_the_build_machine(dockerfile) == [tmp_path / "a" / "package-lock.json"]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_previous_dockerfiles_compiled_on_the_target_platform_which_the_check_catches(name: str) -> None:
    """The Dockerfiles as they were before the cross build (kept for the benchmark) fail the check."""
    previous = PREVIOUS / name
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


#: ``npmrcFile``'s secret as the sample's install step mounts it: npm's user config (``~/.npmrc``) of root.
NPMRC_MOUNT = "--mount=type=secret,id=npmrc,required=false,target=/root/.npmrc"


@pytest.mark.parametrize("dockerfile", DOCKERFILES)
def test_npm_ci_reads_the_npmrc_secret_as_the_user_config_of_root_who_runs_it(dockerfile: str) -> None:
    """No stage before the final one sets a USER, and the base image's user is root (the official node
    image sets none), so ``/root/.npmrc`` is the user config npm reads; the mount is on that RUN alone."""
    *builders, _ = stages((ROOT / "docker" / dockerfile).read_text())
    (install,) = [i for s in builders for i in s.instructions if i.keyword == "RUN" and "npm ci" in i.arguments]
    assert NPMRC_MOUNT in install.arguments.split()
    assert not [i for s in builders for i in s.instructions if i.keyword == "USER"]
    every_run = [i for s in builders for i in s.instructions if i.keyword == "RUN" and i is not install]
    assert not [i.line for i in every_run if "id=npmrc" in i.arguments]
