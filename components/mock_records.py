"""What the test mocks (``testing``) record of each resource a program registers. Plain data, no Pulumi
import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Registered:
    """One resource the program registered."""

    type: str
    name: str
    inputs: dict[str, Any]
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    urn: str = ""
    secret_inputs: set[str] = field(default_factory=set)
    """Top-level input names that reached the engine as secrets (their values are unwrapped in ``inputs``)."""
    ignore_changes: list[str] = field(default_factory=list)
    """Inputs the engine keeps from the state on an update (``ResourceOptions.ignore_changes``)."""
    id: str = ""
    """The ID the (mock) provider gave it."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """What the (mock) provider answered: the values AWS would issue for it."""
    aliases: list[Any] = field(default_factory=list)
    """The ``alias_pb2.Alias`` messages of its ``ResourceOptions.aliases``."""
    delete_before_replace: bool = False
    """Its ``ResourceOptions.delete_before_replace``: a replacement deletes it before creating the new one."""
    retain_on_delete: bool = False
    """Its ``ResourceOptions.retain_on_delete``: a delete or a replacement drops it from the state only, AWS
    keeps it."""
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    """Its ``ResourceOptions.custom_timeouts`` that are set (``create``, ``update``, ``delete``)."""
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    """Per input, the URNs of the resources its value came from (the engine's ``propertyDependencies``)."""
