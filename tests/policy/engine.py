"""The pack's rules called on props as the engine hands them over: deserialized from the wire, each
list and dict wrapped in pulumi_policy's proxy, which raises on an unknown value (``policy.py``,
``unknown_checking_proxy``): a ``Sequence`` and a ``Mapping``, never a ``list`` or a ``dict``. A rule
that tests for ``list`` sees nothing there."""

from typing import Any

from pulumi_policy.proxy import unknown_checking_proxy

import rules
from unknowns import StackResource


def engine(props: dict[str, Any]) -> Any:
    """``props`` as the engine hands them to a rule."""

    def wire(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: wire(v) for k, v in value.items()}
        return [wire(v) for v in value] if isinstance(value, (list, tuple)) else value

    return unknown_checking_proxy(wire(props))


def shown_as_written(found: list[str]) -> list[str]:
    """A message shows a value as written, never the engine's wrapper of it."""
    assert not [m for m in found if "pulumi_policy.proxy" in m], found
    return found


def violations(resource_type: str, props: dict[str, Any], config: Any = None) -> list[str]:
    """``rules.violations`` on ``props`` as the engine hands them over."""
    return shown_as_written(rules.violations(resource_type, engine(props), config))


def stack_violations(resources: Any, config: Any = None) -> list[str]:
    """``rules.stack_violations`` on every resource's props as the engine hands them over (with its URN
    and property dependencies where given: ``unknowns.StackResource``)."""
    stack = [StackResource(t, engine(props), *at) for t, props, *at in resources]
    return shown_as_written(rules.stack_violations(stack, config))
