"""Every hint that sends a reader to a README section ("README, What you need") names a heading the README
has: a hint to a heading that was renamed sends a newcomer who is already stuck nowhere."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: ``README, "Offline plan"`` / ``README: Image tests``: the section a message or docstring points to.
REFERENCE = re.compile(r"""README[,:] "?([A-Z][\w ]*?)[");]""")
#: Where hints are written: the tools a reader runs, the CI script and the components' messages.
SOURCES = sorted(
    p
    for pattern in ("tools/*.py", "tools/*.sh", ".ci/run", "components/**/*.py", "policy/*.py")
    for p in ROOT.glob(pattern)
)


def headings() -> set[str]:
    """The README's headings without their ``#`` marks and step numbers (``1. What you need``)."""
    return {
        re.sub(r"^\d+\. ", "", line.lstrip("#").strip())
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("#")
    }


def references() -> list[tuple[str, str]]:
    return [(str(path.relative_to(ROOT)), match) for path in SOURCES for match in REFERENCE.findall(path.read_text())]


def test_the_hints_are_found() -> None:
    assert {name for _, name in references()} >= {"What you need", "Image tests", "Offline plan"}


@pytest.mark.parametrize(("source", "section"), references())
def test_each_hint_names_a_heading_of_the_readme(source: str, section: str) -> None:
    assert any(heading.startswith(section) for heading in headings()), f"{source}: README has no {section!r}"


def test_a_hint_to_a_heading_the_readme_lacks_is_caught() -> None:
    (section,) = REFERENCE.findall('return "docker is not installed (README: Prerequisites)"')
    assert not any(heading.startswith(section) for heading in headings())
