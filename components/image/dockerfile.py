"""A Dockerfile read the way BuildKit's parser reads it: instructions grouped into stages.

Enough of the syntax for the checks on this project's Dockerfiles (tests/unit/test_dockerfiles.py), the
base images the tools substitute (tools/image_build.py) and the platforms a Dockerfile declares it
builds (``declared_platforms``, checked before anything is registered): the ``# escape=`` directive,
line continuations (with comment and blank lines inside them dropped), heredocs (``RUN <<EOF``),
case-insensitive keywords, ``FROM [--platform=P] image [AS name]``, a stage that starts from an earlier
stage building on that stage's platform unless it names its own, and ``LABEL`` in both its forms.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache

#: The label by which a Dockerfile declares the only platforms it builds, comma-separated
#: (``LABEL graviton-node.platforms="linux/arm64"``): an image tuned for one CPU says so in the file, and
#: a build for another platform is refused before anything is registered. Read from the final stage,
#: so the image carries it too (``docker inspect``).
PLATFORMS_LABEL = "graviton-node.platforms"

_DIRECTIVE = re.compile(r"#\s*([A-Za-z0-9_]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    """The instruction, upper case: ``RUN``, ``COPY``..."""
    arguments: str
    """The rest, its continuation lines joined with a space (heredoc bodies on lines of their own)."""
    line: int
    """Line number (from 1) where it starts."""


@dataclass(frozen=True)
class Stage:
    base: str
    """What its FROM names: an image reference or an earlier stage."""
    name: str | None
    """Its ``AS`` name, lower case (stage names are case-insensitive); None when unnamed."""
    platform: str | None
    """``--platform`` of its FROM or, for a stage built on an earlier stage, that stage's; None: the
    target platform."""
    instructions: tuple[Instruction, ...]
    """What follows its FROM, up to the next FROM."""


def instructions(text: str) -> list[Instruction]:
    """Every instruction in ``text``, parser directives and comments left out."""
    lines = text.splitlines()
    escape = "\\"
    index = 0
    while index < len(lines) and (directive := _DIRECTIVE.match(lines[index])):
        if directive[1].lower() == "escape":
            escape = directive[2]
        index += 1
    found: list[Instruction] = []
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        first_line = index
        parts = []
        while line.endswith(escape):
            parts.append(line[: -len(escape)].strip())
            line = ""
            while index < len(lines):
                candidate = lines[index].strip()
                index += 1
                if candidate and not candidate.startswith("#"):
                    line = candidate
                    break
        parts.append(line)
        joined = " ".join(part for part in parts if part)
        for _, _, terminator in _HEREDOC.findall(joined):
            body = []
            while index < len(lines) and lines[index].strip() != terminator:
                body.append(lines[index])
                index += 1
            index += 1  # the terminator
            joined += "\n" + "\n".join(body)
        keyword, _, arguments = joined.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip(), first_line))
    return found


def stages(text: str) -> list[Stage]:
    """The stages of a Dockerfile in order, each with the platform it is built on."""
    result: list[Stage] = []
    by_name: dict[str, Stage] = {}
    current: tuple[str, str | None, str | None] | None = None
    body: list[Instruction] = []

    def close() -> None:
        if current is not None:
            stage = Stage(*current, instructions=tuple(body))
            result.append(stage)
            if stage.name:
                by_name[stage.name] = stage

    for instruction in instructions(text):
        if instruction.keyword != "FROM":
            if current is None and instruction.keyword != "ARG":
                raise ValueError(f"line {instruction.line}: {instruction.keyword} before the first FROM")
            body.append(instruction)
            continue
        close()
        body = []
        words = instruction.arguments.split()
        platform = None
        while words and words[0].startswith("--"):
            flag = words.pop(0)
            if flag.startswith("--platform="):
                platform = flag.split("=", 1)[1]
            elif flag == "--platform":
                platform = words.pop(0)
        base, *rest = words
        name = rest[1].lower() if len(rest) == 2 and rest[0].upper() == "AS" else None
        parent = by_name.get(base.lower())
        if platform is None and parent is not None:
            platform = parent.platform
        current = (base, name, platform)
    close()
    return result


def labels(stage: Stage) -> dict[str, str]:
    """The labels a stage's LABEL instructions set, in both forms: ``LABEL k=v k2="v 2"`` and the legacy
    ``LABEL k v``; a later one wins, as in the image."""
    found: dict[str, str] = {}
    for instruction in stage.instructions:
        if instruction.keyword != "LABEL":
            continue
        words = shlex.split(instruction.arguments)
        if words and "=" not in words[0]:
            found[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, sep, value = word.partition("=")
            if sep:
                found[key] = value
    return found


def image_labels(found: list[Stage]) -> dict[str, str]:
    """The labels of the image the last of ``found`` builds: its own over those of the stages it is built
    FROM, which Docker carries into the image (Dockerfile reference, LABEL: "Labels included in base or
    parent images (images in the FROM line) are inherited by your image")."""
    chain, index = [len(found) - 1], len(found) - 1
    while True:
        # FROM names the latest earlier stage of that name.
        base = found[index].base.lower()
        index = next((i for i in range(index - 1, -1, -1) if found[i].name == base), -1)
        if index < 0:
            break
        chain.append(index)
    merged: dict[str, str] = {}
    for i in reversed(chain):
        merged |= labels(found[i])
    return merged


@lru_cache(maxsize=16)  # a pure function of the text, read on every settings load; the answer is immutable
def declared_platforms(text: str) -> tuple[str, ...] | None:
    """The platforms the Dockerfile declares it builds (``PLATFORMS_LABEL`` in its image: its final stage
    or a stage that one is built FROM), or None when it declares none (any platform it is asked for)."""
    found = stages(text)
    value = image_labels(found).get(PLATFORMS_LABEL) if found else None
    if value is None:
        return None
    return tuple(platform.strip() for platform in value.split(",") if platform.strip())


#: How a FROM names the build machine's own platform.
BUILD_PLATFORM = frozenset({"$BUILDPLATFORM", "${BUILDPLATFORM}"})


def target_runs(text: str) -> list[int]:
    """Line numbers of the RUN instructions in stages built for the target platform: on a build machine of
    another platform they run emulated (QEMU), or not at all where the builder has no emulator."""
    return [
        instruction.line
        for stage in stages(text)
        if stage.platform not in BUILD_PLATFORM
        for instruction in stage.instructions
        if instruction.keyword == "RUN"
    ]
