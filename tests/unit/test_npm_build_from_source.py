"""Building from source is scoped to the packages that need it: no ``npm ci``/``npm install`` of a Dockerfile
sees ``npm_config_build_from_source``, since sharp then builds from source whatever its value and canvas
skips its prebuilt binary (tests/models/npm_build_from_source.py), and the platform's bcrypt is rebuilt
with the one value its route takes. Read statically: ``ENV`` and ``ARG`` defaults (a stage inherits those of
the stage it starts from), ``export`` in a ``RUN``, assignments before a command and npm's
``--build-from-source`` flag."""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from components.image.dockerfile import Instruction, stages
from tests.models.npm_build_from_source import VARIABLE, builds_from_source
from tools.dockerfiles import repository_dockerfiles

ROOT = Path(__file__).resolve().parents[2]
EVERY_DOCKERFILE = repository_dockerfiles()
#: Shell words that may start a simple command of a RUN without being the command.
SHELL_PREFIXES = {"if", "then", "else", "do", "{", "!"}


@dataclass(frozen=True)
class NpmCommand:
    line: int
    words: tuple[str, ...]
    build_from_source: str | None
    """The variable's value in the command's environment; None when unset."""


def assignments(words: list[str]) -> dict[str, str]:
    """The ``NAME=VALUE`` words at the start of ``words``."""
    found: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            break
        found[name] = value
    return found


def set_by(instruction: Instruction) -> dict[str, str]:
    """What an ENV (both forms) or an ARG with a default sets."""
    words = shlex.split(instruction.arguments)
    if instruction.keyword == "ENV" and words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return assignments(words)


def simple_commands(script: str) -> list[list[str]]:
    """The words of each simple command of a shell script, split at the operators outside quotes
    (``&&``, ``||``, ``;``, ``|``, parentheses), the RUN's own flags (``--mount=...``) left out."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for word in lexer:
        if set(word) <= set(lexer.punctuation_chars) - {"<", ">"}:
            commands.append([])
        elif not (commands == [[]] and word.startswith("--")):
            commands[-1].append(word)
    return [words for words in commands if words]


def run_npm_commands(run: Instruction, environment: dict[str, str]) -> list[NpmCommand]:
    """The npm commands of a RUN, each with the variable as its environment has it."""
    shell = dict(environment)
    found = []
    for words in simple_commands(run.arguments):
        while words and words[0] in SHELL_PREFIXES:
            words.pop(0)
        if words[:1] == ["export"]:
            shell.update(assignments(words[1:]))
            continue
        local = assignments(words)
        words = words[len(local) :]
        if words[:1] == ["npm"]:
            flags = [w.partition("=")[2] or "true" for w in words if w.partition("=")[0] == "--build-from-source"]
            value = flags[-1] if flags else local.get(VARIABLE, shell.get(VARIABLE))
            found.append(NpmCommand(run.line, tuple(words), value))
    return found


def npm_commands(text: str) -> list[NpmCommand]:
    """Every npm command a Dockerfile runs, in order."""
    inherited: dict[str, dict[str, str]] = {}
    found: list[NpmCommand] = []
    for stage in stages(text):
        environment = dict(inherited.get(stage.base.lower(), {}))
        for instruction in stage.instructions:
            if instruction.keyword in ("ENV", "ARG"):
                environment.update(set_by(instruction))
            elif instruction.keyword == "RUN":
                found += run_npm_commands(instruction, environment)
        if stage.name:
            inherited[stage.name] = environment
    return found


def installs(text: str) -> list[NpmCommand]:
    return [command for command in npm_commands(text) if command.words[1:2] in (("ci",), ("install",), ("i",))]


@pytest.mark.parametrize("dockerfile", EVERY_DOCKERFILE, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_npm_install_of_a_dockerfile_would_build_sharp_from_source(dockerfile: Path) -> None:
    """sharp takes any value, so the only safe one for a whole install is none at all."""
    assert [(c.line, c.build_from_source) for c in installs(dockerfile.read_text())
            if builds_from_source("sharp", c.build_from_source)] == []  # fmt: skip


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.graviton"])
def test_the_platforms_bcrypt_is_rebuilt_from_source_after_the_install(name: str) -> None:
    """So it is compiled by the cross compiler (with the Graviton tuning) rather than taken prebuilt."""
    commands = npm_commands((ROOT / "docker" / name).read_text())
    rebuilds = [c for c in commands if c.words[1:] == ("rebuild", "bcrypt")]
    assert [builds_from_source("bcrypt", c.build_from_source) for c in rebuilds] == [True]
    assert commands.index(rebuilds[0]) > commands.index(installs((ROOT / "docker" / name).read_text())[0])


def test_a_package_name_builds_canvas_from_source_but_not_bcrypt_and_sharp_takes_any_value() -> None:
    assert builds_from_source("canvas", "canvas") and not builds_from_source("canvas", "bcrypt")
    assert not builds_from_source("bcrypt", "bcrypt") and builds_from_source("bcrypt", "true")
    assert builds_from_source("sharp", "false") and not builds_from_source("sharp", None)


def test_the_reader_sees_the_variable_set_in_every_way_a_dockerfile_can_set_it() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM n AS tools\nENV npm_config_build_from_source true\n"
        "FROM tools AS build\nRUN npm ci\n"
        "FROM n AS other\nARG npm_config_build_from_source=sharp\nRUN npm install\n"
        "FROM n\nRUN --mount=type=cache,target=/c if true; then export npm_config_build_from_source=1; fi"
        " && npm ci && npm_config_build_from_source= npm i\n"
        "RUN npm ci --build-from-source && npm ci --build-from-source=bcrypt && npm ci\n"
    )
    assert [(c.line, c.build_from_source) for c in installs(text)] == [
        (4, "true"), (7, "sharp"), (9, "1"), (9, ""), (10, "true"), (10, "bcrypt"), (10, None),
    ]  # fmt: skip


def test_the_previous_dockerfiles_set_it_for_the_whole_install_which_the_check_catches() -> None:
    previous = ROOT / "benchmarks" / "images" / "previous" / "Dockerfile"
    assert [c.build_from_source for c in installs(previous.read_text())] == ["true"]
