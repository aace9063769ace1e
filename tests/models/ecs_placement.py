"""Where ECS places a service's tasks under a capacity-provider strategy (ECS Developer Guide, "Capacity
provider strategies"; API Reference, ``CapacityProviderStrategyItem``): the ``base`` tasks go first to the
one provider that has a base; every task beyond it goes to the providers by ``weight``, in proportion, and
a provider of weight 0 gets none of them ("A capacity provider with a weight of 0 can't be used to place
tasks"). ECS never moves a task to another provider when one has no capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def place(strategy: Sequence[Mapping[str, Any]], desired: int) -> dict[str, int]:
    """Tasks per provider for ``desired`` tasks: bases first, then one at a time to the weighted provider
    furthest below its share."""
    placed = {str(item["capacityProvider"]): 0 for item in strategy}
    remaining = desired
    for item in strategy:
        taken = min(int(item.get("base") or 0), remaining)
        placed[str(item["capacityProvider"])] += taken
        remaining -= taken
    weights = {str(i["capacityProvider"]): int(i.get("weight") or 0) for i in strategy if int(i.get("weight") or 0)}
    by_weight = dict.fromkeys(weights, 0)
    for _ in range(remaining if weights else 0):
        provider = min(weights, key=lambda p: (by_weight[p] / weights[p], p))
        by_weight[provider] += 1
    for provider, count in by_weight.items():
        placed[provider] += count
    return placed
