"""Which old resource each resource of a new ``--json`` plan takes over, as the engine matches them: its own
URN, else the first of its aliases the old state holds (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``,
``getOldResource``). An alias naming a URN another new resource registers is not taken: that one keeps it.

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
