"""Resource identities as the Pulumi engine keys its state: URNs, the URNs each resource's aliases name,
and the names AWS knows a resource by. A refactor that moves a child under a new parent changes its URN;
without an alias naming the old one, ``pulumi up`` deletes the old resource and creates a new one.

    python tools/urns.py --write   # record the baseline of every program tests/program/stacks.py walks

The baseline is 0.4.0's, recorded before the components were split: ``--write`` never overwrites it
(delete a file on purpose to record it again, e.g. for a program that did not exist then).

The mocks' URNs (``pulumi.runtime.mocks``) keep only the parent's last type; the engine's carry the
whole chain of parent types (``pulumi.runtime.resource.create_urn``: the parent URN's type, then ``$``)
and leave out the stack resource. So the URNs here are computed from the recorded parents.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.offline import ROOT, Registered, Run

BASELINE = ROOT / "tests" / "program" / "fixtures" / "urns"
STACK = "pulumi:pulumi:Stack"
#: Inputs that set the name AWS knows a resource by; a resource without one is named by Pulumi from its
#: logical name (kept in its URN) plus a random suffix kept in the state.
NAME_INPUTS = (
    "name",
    "namePrefix",
    "family",
    "bucket",
    "alarmName",
    "dashboardName",
    "policyName",
    "functionName",
    "repositoryName",
    "topicName",
)


def _parts(urn: str) -> tuple[str, str, str]:
    """``urn:pulumi:<stack>::<project>``, the qualified type and the name of a URN."""
    head, project, qualified, name = urn.split("::", 3)
    return f"{head}::{project}", qualified, name


class Identities:
    """The engine's URN of every resource of a run, and the URNs its aliases stand for."""

    def __init__(self, run: Run) -> None:
        self._by_mock_urn = {r.urn: r for r in run.mocks.resources}
        self._urns: dict[int, str] = {}
        self._aliases: dict[int, set[str]] = {}

    def _engine(self, urn: str) -> str:
        """A URN the SDK sent, as the engine forms it; empty for the stack. The SDK sends a registered
        resource's URN in the mocks' form, and ``pulumi.create_urn`` builds one from its parent's: that
        parent's URN without its name, then ``$`` and the type (``runtime/resource.py``, ``create_urn``)."""
        if urn in self._by_mock_urn:
            return self.urn(self._by_mock_urn[urn])
        prefix, qualified, name = _parts(urn)
        if qualified == STACK:
            return ""
        parent_type, _, typ = qualified.rpartition("$")
        if parent_type == STACK:
            return f"{prefix}::{typ}::{name}"
        parents = {
            _parts(self.urn(r))[1]
            for r in self._by_mock_urn.values()
            if r.urn.rsplit("::", 1)[0] == f"{prefix}::{parent_type}"
        }
        return f"{prefix}::{parents.pop()}${typ}::{name}" if len(parents) == 1 else urn

    def _make(self, prefix: str, parent: str, typ: str, name: str) -> str:
        chain = f"{_parts(parent)[1]}${typ}" if parent else typ
        return f"{prefix}::{chain}::{name}"

    def urn(self, resource: Registered) -> str:
        """The URN the engine gives ``resource``."""
        key = id(resource)
        if key not in self._urns:
            prefix = _parts(resource.urn)[0]
            self._urns[key] = self._make(prefix, self._engine(resource.parent), resource.type, resource.name)
        return self._urns[key]

    def aliases(self, resource: Registered) -> set[str]:
        """The URNs ``resource`` answers to besides its own: its aliases, resolved as the engine resolves
        an alias spec (unset fields are the resource's own), and the same name and type under each URN
        its parent answers to (the engine multiplies a parent's aliases into its children's)."""
        key = id(resource)
        if key in self._aliases:
            return self._aliases[key]
        prefix, parent = _parts(resource.urn)[0], self._engine(resource.parent)
        found: set[str] = set()
        for alias in resource.aliases:
            if alias.urn:
                found.add(alias.urn)
                continue
            spec = alias.spec
            where = "" if spec.noParent else self._engine(spec.parentUrn) if spec.parentUrn else parent
            found.add(self._make(prefix, where, spec.type or resource.type, spec.name or resource.name))
        if resource.parent in self._by_mock_urn:
            for old_parent in self.aliases(self._by_mock_urn[resource.parent]):
                found.add(self._make(prefix, old_parent, resource.type, resource.name))
        self._aliases[key] = found - {self.urn(resource)}
        return self._aliases[key]


def physical_names(resource: Registered) -> dict[str, Any]:
    """The inputs that name ``resource`` in AWS."""
    return {key: resource.inputs[key] for key in NAME_INPUTS if key in resource.inputs}


def snapshot(run: Run) -> list[dict[str, Any]]:
    """Every resource's type, URN and AWS names, sorted by URN."""
    identities = Identities(run)
    # A read resource (a StackReference) is looked up, not owned: it has no registration to keep.
    owned = [r for r in run.mocks.resources if r.urn]
    rows = [{"type": r.type, "urn": identities.urn(r), "physical": physical_names(r)} for r in owned]
    return sorted(rows, key=lambda row: row["urn"])


def baseline(program: str) -> list[dict[str, Any]]:
    """The recorded snapshot of one program."""
    return json.loads((BASELINE / f"{program}.json").read_text())["resources"]


def _programs() -> Iterator[tuple[str, Run]]:
    from tests.program.stacks import PROGRAMS, run_config

    for program in PROGRAMS:
        yield program, run_config(program)


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print(__doc__, file=sys.stderr)
        return 2
    BASELINE.mkdir(parents=True, exist_ok=True)
    for program, run in _programs():
        if (BASELINE / f"{program}.json").exists():
            print(f"kept {program}: the baseline exists", file=sys.stderr)
            continue
        document = {"program": program, "resources": snapshot(run)}
        (BASELINE / f"{program}.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
