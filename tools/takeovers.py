"""Which old resource each resource of a new ``--json`` plan takes over, as the engine matches them: its own
URN, else the first of its aliases the old state holds (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``,
``getOldResource``). A URN two new resources claim (an alias naming one another registers or aliases) the engine
refuses: the program fails (``GetDuplicateResourceAliasError``, "resource ... is invalid"); ``claimed_twice``
names them, and the pairing gives such a URN to its first claimant only.

``clashes`` is what the two checks of a key AWS holds unique share (``tools/rule_priorities.py``: a listener's
priorities; ``tools/ingress_rules.py``: a security group's rules): which steps land on a key another resource
holds or takes.

Pure: no Pulumi import; ``tools/plan.py --diff``, ``tools/ingress_rules.py`` and ``tools/rule_priorities.py``
read plans with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Protocol, TypeVar


def taken_over(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The resource of ``before`` each resource of ``after`` takes over, by the new one's URN."""
    old = {r["urn"]: r for r in before["resources"] if r.get("urn")}
    claimed = {r.get("urn") for r in after["resources"]}
    found: dict[str, Mapping[str, Any]] = {}
    for resource in after["resources"]:
        if not resource.get("urn"):
            continue
        urn = next((u for u in (resource["urn"], *resource.get("aliases", [])) if u in old), "")
        if urn == resource["urn"] or (urn and urn not in claimed):
            claimed.add(urn)
            found[resource["urn"]] = old[urn]
    return found


def claimed_twice(after: Mapping[str, Any]) -> list[str]:
    """The URNs more than one resource of ``after`` claims, by its URN or an alias: the engine refuses the
    program (``step_generator.go``: a duplicate resource alias makes the resource invalid)."""
    seen: dict[str, int] = {}
    for resource in after["resources"]:
        for urn in {resource.get("urn"), *resource.get("aliases", [])} - {None, ""}:
            seen[urn] = seen.get(urn, 0) + 1
    return sorted(urn for urn, count in seen.items() if count > 1)


class Keyed(Protocol):
    """A resource of a plan by its URN and the key AWS holds unique within its scope."""

    @property
    def urn(self) -> str: ...

    @property
    def key(self) -> Hashable: ...


K = TypeVar("K", bound=Keyed)


def clashes(old: Sequence[K], steps: Sequence[tuple[K, K | None]]) -> list[tuple[K, K | None, list[tuple[str, K]]]]:
    """Each step (a new resource, and the old one it changes in place or None: created) that lands on a key
    another resource holds, with what is in its way: an old one of that key that stays (``kept``), moves away
    in the same run (``left``) or is deleted last (``held``), or another new one taking it too (``twin``).
    AWS refuses the step whenever it runs first, and always when the other keeps the key or is deleted."""
    moves = {was: here for here, was in steps if was is not None}
    found = []
    for here, was in steps:
        if was is not None and was.key == here.key:
            continue
        why: list[tuple[str, K]] = []
        for other in (o for o in old if o != was and o.key == here.key):
            mover = moves.get(other)
            why.append(("held" if mover is None else "kept" if mover.key == other.key else "left", other))
        why += [("twin", twin) for twin, _ in steps if twin != here and twin.key == here.key]
        if why:
            found.append((here, was, why))
    return found
