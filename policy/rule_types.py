"""What a rule of the pack is: a check of one resource's properties (``Rule``) or of the stack's
resources (``StackRule``), with its config schema and the controls it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .unknowns import StackResource
else:
    from unknowns import StackResource


Props = Mapping[str, Any]
Config = Mapping[str, Any]


@dataclass(frozen=True)
class Rule:
    """A named check of some resource types, with its config schema (JSON Schema properties) and the
    controls it stands for (Security Hub control IDs, cdk-nag rule IDs; none for this project's own)."""

    name: str
    description: str
    resource_types: tuple[str, ...]
    check: Callable[[str, Props, Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        """The schema defaults overlaid with a stack's settings, as the engine applies them."""
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


@dataclass(frozen=True)
class StackRule:
    """A check across the stack's resources (``(type, props)`` pairs, props including outputs)."""

    name: str
    description: str
    check: Callable[[Sequence[StackResource], Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})
