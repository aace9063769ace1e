"""Capacity-provider strategy rules (ECS API ``CapacityProviderStrategyItem``) and the task split.

ECS never falls back from FARGATE_SPOT to FARGATE when Spot capacity is short: it follows base and
weight. So availability comes from an on-demand ``base``, savings from the Spot ``weight``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import ConfigError

FARGATE = "FARGATE"
FARGATE_SPOT = "FARGATE_SPOT"
MAX_BASE = 100_000
MAX_WEIGHT = 1_000


@dataclass(frozen=True, kw_only=True)
class StrategyItem:
    """One capacity provider of a strategy."""

    capacity_provider: str
    """``FARGATE`` or ``FARGATE_SPOT``."""
    base: int = 0
    """Tasks placed on this provider before any weight applies (0-100000). Default 0."""
    weight: int = 0
    """Share of the tasks beyond the base (0-1000). Default 0."""


PROVIDERS = (FARGATE, FARGATE_SPOT)


def _keys(field: str) -> dict[str, tuple[str, str]]:
    """The fields an item's errors name: ``<field>[<provider>].base`` and ``.weight``."""
    return {p: (f"{field}[{p}].base", f"{field}[{p}].weight") for p in PROVIDERS}


#: A service's strategy's item fields (``ServiceSpec.strategy[FARGATE].base``, ...).
_KEYS = _keys("ServiceSpec.strategy")


def validate_strategy(
    strategy: tuple[StrategyItem, ...], field: str = "ServiceSpec.strategy"
) -> tuple[StrategyItem, ...]:
    """Raise ``ConfigError`` on the first API rule ``strategy`` (the spec's ``field``) breaks; return it otherwise."""
    keys = _keys(field)
    providers = [item.capacity_provider for item in strategy]
    if not strategy or len(set(providers)) != len(providers) or not set(providers) <= keys.keys():
        raise ConfigError(field, providers, "FARGATE and/or FARGATE_SPOT, each once")
    for item in strategy:
        base_key, weight_key = keys[item.capacity_provider]
        if not 0 <= item.base <= MAX_BASE:
            raise ConfigError(base_key, item.base, f"an integer from 0 to {MAX_BASE}")
        if not 0 <= item.weight <= MAX_WEIGHT:
            raise ConfigError(weight_key, item.weight, f"an integer from 0 to {MAX_WEIGHT}")
    with_base = [item for item in strategy if item.base]
    if len(with_base) > 1:
        first, second = with_base[0], with_base[-1]
        first_key, second_key = keys[first.capacity_provider][0], keys[second.capacity_provider][0]
        raise ConfigError(
            second_key, second.base, f"0 while {first_key} is {first.base} (only one provider may have a base)"
        )
    if not any(item.weight for item in strategy):
        raise ConfigError(keys[strategy[-1].capacity_provider][1], 0, "1-1000 (at least one weight must be > 0)")
    return strategy


def build_strategy(
    *, fargate_base: int, fargate_weight: int, spot_base: int, spot_weight: int, use_spot: bool
) -> tuple[StrategyItem, ...]:
    """The strategy for the config keys ``fargateBase``/``fargateWeight``/``spotBase``/``spotWeight``.

    FARGATE_SPOT is always in it unless ``use_spot`` is false, which needs both Spot keys at 0. The items
    are built, not judged: the spec they go into (``ServiceSpec.strategy``) holds them to ECS's rules once.
    """
    on_demand = StrategyItem(capacity_provider=FARGATE, base=fargate_base, weight=fargate_weight)
    if use_spot:
        spot = StrategyItem(capacity_provider=FARGATE_SPOT, base=spot_base, weight=spot_weight)
        return (on_demand, spot)
    if spot_base or spot_weight:
        # Every key to change at once, not one per run: Spot's base and weight to 0, and a FARGATE weight.
        spot_keys, weight_key = _KEYS[FARGATE_SPOT], _KEYS[FARGATE][1]
        changes = [f"{key}=0" for key, value in zip(spot_keys, (spot_base, spot_weight), strict=True) if value]
        changes += [] if fargate_weight else [f"{weight_key}=1"]
        raise ConfigError(
            "build_strategy.use_spot",
            use_spot,
            "true; or false together with " + ", ".join(changes) + " (without Spot, FARGATE takes every task)",
        )
    return (on_demand,)


def split_tasks(desired_count: int, strategy: tuple[StrategyItem, ...]) -> dict[str, Decimal]:
    """Tasks per provider: bases first (in order), the rest in proportion to weight (botocore ecs
    ``CapacityProviderStrategyItem.weight``: "the relative percentage of the total number of tasks
    launched"). The proportion may be a fraction of a task, where ECS places whole ones: ``whole_splits``."""
    split = {item.capacity_provider: Decimal(0) for item in strategy}
    remaining = desired_count
    for item in strategy:
        placed = min(item.base, remaining)
        split[item.capacity_provider] += placed
        remaining -= placed
    weighted = [item for item in strategy if item.weight]
    total_weight = sum(item.weight for item in weighted)
    placed_by_weight = Decimal(0)
    for item in weighted[:-1]:
        share = Decimal(remaining) * item.weight / total_weight
        split[item.capacity_provider] += share
        placed_by_weight += share
    if weighted:
        # The last weighted provider takes the exact rest, so rounding never loses or adds a task.
        split[weighted[-1].capacity_provider] += remaining - placed_by_weight
    return split


def whole_splits(desired_count: int, strategy: tuple[StrategyItem, ...]) -> tuple[dict[str, Decimal], ...]:
    """The whole-task splits a steady service may run where ``split_tasks`` gives FARGATE_SPOT a fraction
    of a task (AWS does not say which provider ECS gives the odd task): fewer on FARGATE_SPOT first, then
    more. Empty where the split is whole."""
    spot = split_tasks(desired_count, strategy).get(FARGATE_SPOT, Decimal(0))
    if spot == int(spot):
        return ()
    fewer = Decimal(int(spot))
    return tuple({FARGATE: desired_count - n, FARGATE_SPOT: n} for n in (fewer, fewer + 1))
