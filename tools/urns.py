"""Resource identities as the Pulumi engine keys its state: URNs, the URNs each resource's aliases name,
the names AWS knows a resource by, and the inputs whose change replaces it. A refactor that moves a child
under a new parent changes its URN; without an alias naming the old one, ``pulumi up`` deletes the old
resource and creates a new one. With the same URN and the same names, a change to an input the provider
marks replace-on-change (``tools/replace_inputs.py``: a security group's description, a target group's
port) replaces it all the same; an ECS task definition registers a new revision instead.

    python tools/urns.py --write                # record the baseline of every program stacks.py walks
    python tools/urns.py --add-replace-inputs   # add the replace-on-change inputs to a recorded baseline
    python tools/urns.py --normalize-physical   # name a recorded baseline's made AWS names by their source

The baseline is 0.4.0's, recorded before the components were split: ``--write`` never overwrites it
(delete a file on purpose to record it again, e.g. for a program that did not exist then).
``--add-replace-inputs`` adds only the ``replace_inputs`` field (``--normalize-physical`` rewrites only
the ``physical`` one, refusing names other than the recorded), run against the code the baseline was
recorded from (``git worktree add <dir> 1e9a338``, copy this file and ``tools/replace_inputs.py`` in,
run it there, copy the fixtures back): it refuses a program whose URNs are not the recorded ones, and
a file that has the field already.

In a checkout of another commit, ``graviton_node_components`` (which the second-service example imports)
is still the tree the editable install was made from; ``main`` refuses to record then. The install's
finder comes after ``sys.path``, so put the checkout's ``components/`` first under that name:

    mkdir /tmp/old-import && ln -s "$PWD/components" /tmp/old-import/graviton_node_components
    PYTHONPATH=/tmp/old-import .venv/bin/python tools/urns.py --add-replace-inputs

A value the mocks made for another resource (an ARN, an ID, a generated name) is recorded as where it
came from, ``ref:<URN>#<output>`` (``stack:<name>#outputs.<key>`` for a StackReference's,
``call:<token>#<key>`` for an invoke's answer), so a change to the mocks' answers is no change to a
resource; the current run names each resource by whichever of its URN and aliases the baseline holds.

The mocks' URNs (``pulumi.runtime.mocks``) keep only the parent's last type; the engine's carry the
whole chain of parent types (``pulumi.runtime.resource.create_urn``: the parent URN's type, then ``$``)
and leave out the stack resource. So the URNs here are computed from the recorded parents.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.offline import PROJECT, ROOT, Registered, Run
from tools.replace_inputs import READ, replace_inputs, rule

BASELINE = ROOT / "tests" / "program" / "fixtures" / "urns"
STACK = "pulumi:pulumi:Stack"
REPLACE = "replace_inputs"
#: Which output names a made value first, when a resource answered it under more than one.
_OUTPUT_RANK = {"id": 0, "arn": 1}
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


def physical_names(resource: Registered, references: References | None = None) -> dict[str, Any]:
    """The inputs that name ``resource`` in AWS; with ``references``, a value the mocks made for another
    resource (an S3 bucket's ID its configurations take, a record name from a certificate's validation
    options) named by its source, as the replace-on-change inputs are."""
    names = {key: resource.inputs[key] for key in NAME_INPUTS if key in resource.inputs}
    if references is None:
        return names
    return {key: references.normalize(value, resource) for key, value in names.items()}


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf values by path (``a.b[0]``)."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _leaves(value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


class References:
    """Values the mocks made (a resource's ID and every output it did not get as an input, a
    StackReference's outputs, an invoke's answer), by where they came from."""

    def __init__(self, run: Run, identities: Identities, known: Collection[str] = ()) -> None:
        self._made: dict[str, list[tuple[int, int, str, str, int]]] = {}
        for resource in run.mocks.resources:
            if resource.type == READ:
                outputs = resource.outputs.get("outputs", {})
                self._add(f"stack:{resource.inputs['name']}", {"outputs": outputs}, {}, id(resource))
                continue
            names = sorted({identities.urn(resource), *identities.aliases(resource)})
            name = "ref:" + next((urn for urn in names if urn in known), identities.urn(resource))
            self._add(name, {**resource.outputs, "id": resource.id}, resource.inputs, id(resource))
        # An invoke's answer (the default VPC's ID) only where no resource made the value; one ``known`` (an
        # old plan named values by it) before the others, so that a new invoke answering the same value (the
        # region, say) does not take over its name and show a change where none is.
        known_calls = {name for name in known if name.startswith("call:")}
        for (token, args), answer in zip(run.mocks.calls, run.mocks.answers, strict=True):
            label = f"call:{token}"
            self._add(label, answer, args, 0, source=1 if label in known_calls or not known_calls else 2)
        for candidates in self._made.values():
            candidates.sort()

    def _add(self, name: str, made: dict[str, Any], given: dict[str, Any], who: int, source: int = 0) -> None:
        echoed = {value for _, value in _leaves(given)}
        for key, value in _leaves(made):
            if isinstance(value, str) and value and value not in echoed:
                rank = _OUTPUT_RANK.get(key, len(_OUTPUT_RANK))
                self._made.setdefault(value, []).append((source, rank, name, key, who))

    def normalize(self, value: Any, owner: Registered) -> Any:
        """``value`` with each string another resource's made value stands for named as its source; JSON
        held in a string (container definitions, policies) is opened first."""
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        if isinstance(value, dict):
            return {key: self.normalize(item, owner) for key, item in value.items()}
        if isinstance(value, list):
            return [self.normalize(item, owner) for item in value]
        if isinstance(value, str):
            for _, _, name, key, who in self._made.get(value, ()):
                if who != id(owner):
                    return f"{name}#{key}"
        return value


def replace_values(resource: Registered, references: References) -> dict[str, Any]:
    """The replace-on-change inputs ``resource`` sets, made values named by their source."""
    replaces = rule(resource.type, PROJECT)
    if replaces is None:
        raise ValueError(f"{resource.type}: no replace-on-change row in tools/replace_inputs.py")
    return {
        path: references.normalize(value, resource) for path, value in replace_inputs(replaces, resource.inputs).items()
    }


def snapshot(run: Run, known: Collection[str] = ()) -> list[dict[str, Any]]:
    """Every resource's type, URN, AWS names and replace-on-change inputs, sorted by URN; a made value is
    named by its resource's URN, or by the one of its aliases in ``known`` (a baseline's URNs)."""
    identities = Identities(run)
    references = References(run, identities, known)
    # A read resource (a StackReference) is looked up, not owned: it has no registration to keep.
    owned = [r for r in run.mocks.resources if r.urn]
    rows = [
        {
            "type": r.type,
            "urn": identities.urn(r),
            "physical": physical_names(r, references),
            REPLACE: replace_values(r, references),
        }
        for r in owned
    ]
    return sorted(rows, key=lambda row: row["urn"])


def baseline(program: str) -> list[dict[str, Any]]:
    """The recorded snapshot of one program."""
    return json.loads((BASELINE / f"{program}.json").read_text())["resources"]


def _programs() -> Iterator[tuple[str, Run]]:
    from tests.program.stacks import PROGRAMS, run_config

    for program in PROGRAMS:
        yield program, run_config(program)


def _save(program: str, document: dict[str, Any]) -> None:
    (BASELINE / f"{program}.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")


def add_replace_inputs(document: dict[str, Any], run: Run) -> dict[str, Any]:
    """``document`` (a recorded baseline) with each row's replace-on-change inputs added from ``run``, the
    program the baseline was recorded from; nothing else in it changes. A ``ValueError`` if ``run``
    registers other URNs, or a row has the field."""
    rows = {row["urn"]: row for row in snapshot(run)}
    recorded = {row["urn"] for row in document["resources"]}
    if recorded != rows.keys():
        raise ValueError(f"not the recorded program: {sorted(recorded ^ rows.keys())}")
    if any(REPLACE in row for row in document["resources"]):
        raise ValueError(f"{REPLACE} is recorded already")
    return {**document, "resources": [{**row, REPLACE: rows[row["urn"]][REPLACE]} for row in document["resources"]]}


def foreign_components() -> str:
    """Why recording here would run another tree's components (``graviton_node_components`` resolves
    outside ``ROOT``), or empty when it is this tree's."""
    import graviton_node_components

    found = Path(graviton_node_components.__file__).resolve().parent
    if found.is_relative_to(ROOT.resolve()):
        return ""
    return (
        f"graviton_node_components is {found}, not this tree's {ROOT / 'components'}: put it first on the "
        "import path (see tools/urns.py's docstring)"
    )


def normalize_physical(document: dict[str, Any], run: Run) -> dict[str, Any]:
    """``document`` (a recorded baseline) with each row's AWS names given as ``snapshot`` names them, made
    values by their source, from ``run``, the program the baseline was recorded from; nothing else in it
    changes. A ``ValueError`` if ``run`` registers other URNs or other names than those recorded."""
    identities = Identities(run)
    raw = {identities.urn(r): physical_names(r) for r in run.mocks.resources if r.urn}
    rows = {row["urn"]: row for row in snapshot(run)}
    recorded = {row["urn"]: row["physical"] for row in document["resources"]}
    if recorded.keys() != rows.keys():
        raise ValueError(f"not the recorded program: {sorted(recorded.keys() ^ rows.keys())}")
    if other := sorted(urn for urn, names in recorded.items() if names != raw[urn]):
        raise ValueError(f"names other than the recorded ones: {other}")
    return {
        **document,
        "resources": [{**row, "physical": rows[row["urn"]]["physical"]} for row in document["resources"]],
    }


def main(argv: list[str]) -> int:
    if argv not in (["--write"], ["--add-replace-inputs"], ["--normalize-physical"]):
        print(__doc__, file=sys.stderr)
        return 2
    if reason := foreign_components():
        print(f"recorded nothing: {reason}", file=sys.stderr)
        return 1
    BASELINE.mkdir(parents=True, exist_ok=True)
    for program, run in _programs():
        path = BASELINE / f"{program}.json"
        if argv != ["--write"]:
            change = add_replace_inputs if argv == ["--add-replace-inputs"] else normalize_physical
            if path.exists():
                try:
                    _save(program, change(json.loads(path.read_text()), run))
                except ValueError as error:
                    print(f"kept {program}: {error}", file=sys.stderr)
                    return 1
            continue
        if path.exists():
            print(f"kept {program}: the baseline exists", file=sys.stderr)
            continue
        _save(program, {"program": program, "resources": snapshot(run)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
