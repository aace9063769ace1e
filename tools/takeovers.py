"""Which old resource each resource of a new ``--json`` plan takes over, as the engine matches them: its own
URN, else the first of its aliases the old state holds (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``,
``getOldResource``). A URN two new resources claim (an alias naming one another registers or aliases) the engine
refuses: the program fails (``GetDuplicateResourceAliasError``, "resource ... is invalid"); ``claimed_twice``
names them, and the pairing gives such a URN to its first claimant only.

Pure: no Pulumi import; ``tools/plan.py --diff``, ``tools/ingress_rules.py`` and ``tools/rule_priorities.py``
read plans with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
