"""The CHANGELOG's migration notes against the API: everything 0.4.0 exported that is gone or changed is named,
and what the notes say of a field (its name in ``Class(field=...)``, its default) is true of the package.

0.4.0's API is ``tests/fixtures/api-0.4.0.json`` (``tools/api_snapshot.py 1e9a338``, the release commit)."""

import json
import re
from pathlib import Path

import pytest

import components
from tools.api_snapshot import REQUIRED, public_api

ROOT = Path(__file__).resolve().parents[2]
RELEASED = json.loads((ROOT / "tests" / "fixtures" / "api-0.4.0.json").read_text())
CURRENT = public_api(components)
HEADING = "Migration (breaking changes to the package's API):"


def migration_notes() -> str:
    unreleased = (ROOT / "CHANGELOG.md").read_text().split("\n## ")[1]
    assert unreleased.startswith(f"{components.__version__} ")
    return unreleased.split(HEADING + "\n")[1].split("\n\n")[0]


NOTES = migration_notes()
BULLETS = ["- " + bullet for bullet in NOTES.split("\n- ")]


def code_words(text: str) -> set[str]:
    return {word for span in re.findall(r"`([^`]*)`", text) for word in re.findall(r"\w+", span)}


def changed_since_release() -> list[tuple[str, str]]:
    """(class, field) for each field 0.4.0 exported that is gone or has another default; (name, "") for a name."""
    changed = [(name, "") for name in RELEASED["exports"] if name not in CURRENT["exports"]]
    for cls, fields in RELEASED["fields"].items():
        now = CURRENT["fields"].get(cls, {})
        changed += [(cls, field) for field, default in fields.items() if now.get(field) != default]
    return changed


@pytest.mark.parametrize(("cls", "field"), changed_since_release())
def test_every_name_or_field_gone_or_changed_since_0_4_0_is_named_in_a_migration_note(cls: str, field: str) -> None:
    assert any({cls, field} - {""} <= code_words(bullet) for bullet in BULLETS), f"{cls}.{field}".rstrip(".")


KEYWORD = re.compile(r"(?<![\w.])(\w+)=")


def calls(span: str) -> list[tuple[str, list[str]]]:
    """Each ``Name(`` in a code span, with the keywords given at its own depth (``Cluster(name, ClusterSpec(
    exec_logging=...))`` gives Cluster none and ClusterSpec ``exec_logging``)."""
    found = []
    for start in re.finditer(r"(?<![\w.])([A-Z]\w*)\(", span):
        depth, keywords = 0, []
        for index in range(start.end(), len(span)):
            if span[index] in "()":
                depth += 1 if span[index] == "(" else -1
                if depth < 0:
                    break
            elif depth == 0 and (keyword := KEYWORD.match(span, index)):
                keywords.append(keyword.group(1))
        found.append((start.group(1), keywords))
    return found


def test_every_field_a_migration_note_gives_in_a_call_is_a_field_of_that_class() -> None:
    given = [call for span in re.findall(r"`([^`]*)`", NOTES) for call in calls(span)]
    assert given
    for cls, keywords in given:
        assert cls in CURRENT["exports"], cls
        if cls in CURRENT["fields"]:
            assert set(keywords) <= CURRENT["fields"][cls].keys(), (cls, keywords)


#: `Class.field` or `Class(field=...)`, then in the same clause "default V", "required" or "no default"; a
#: "0.4.0:" between them says the claim is of the release.
CLAIM = re.compile(
    r"`(?P<cls>[A-Z]\w*)(?:\.(?P<attr>\w+)|\((?P<keyword>\w+)=\.\.\.\))`"
    r"(?P<between>[^`;]{0,60}?)\b(?:default (?P<value>[\w.'()-]+?)[,)]|(?P<required>required|no default)\b)"
)


def default_claims() -> list[tuple[str, str, str, bool]]:
    """(class, field, the default claimed, whether of 0.4.0) for each claim the notes make."""
    claims = []
    for match in CLAIM.finditer(NOTES.replace("\n", " ")):
        if match["required"] and not re.fullmatch(r"[\s,]*(?:has|is)?\s*", match["between"]):
            continue  # "is required with ...": a condition, not the field's default
        field = match["attr"] or match["keyword"]
        value = REQUIRED if match["required"] else match["value"]
        claims.append((match["cls"], field, value, "0.4.0:" in match["between"]))
    return claims


def test_the_notes_make_claims_of_defaults_of_both_versions() -> None:
    assert {released for *_, released in default_claims()} == {True, False}


@pytest.mark.parametrize(("cls", "field", "value", "released"), default_claims())
def test_every_default_a_migration_note_claims_is_the_fields_default(
    cls: str, field: str, value: str, released: bool
) -> None:
    api = RELEASED if released else CURRENT
    assert api["fields"][cls][field] == value
