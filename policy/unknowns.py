"""Reading what a preview does not know yet, and joining by URN where an ID is not known.

In a preview the engine hands a rule each value it cannot know yet (the ID or ARN a resource gets on
creation, and every input built from one) as a sentinel, and pulumi_policy's proxy raises
``UnknownValueError`` on reading it; the SDK then reports the whole policy, for a stack policy the whole
stack, as "can't run ... during preview", advisory (pulumi_policy 1.21.0 ``policy.py``, ``Analyze`` and
``AnalyzeStack``). A rule reads with ``read``/``known`` what it can decide without (which group an
ingress rule admits into), and lets the error rise where the value is the verdict (a CIDR, a policy).

The SDK gives a stack policy each resource's URN and, per input, the URNs of the resources its value
came from (``PolicyResource.property_dependencies``, the engine's ``propertyDependencies``): an ingress
rule's ``securityGroupId`` that is unknown still depends on the group it is on. ``StackResource`` carries
them to the stack rules, and ``references`` turns an input into the resources it names.

The SDK's exception is told by its class in the loaded SDK, not imported: no proxy has raised unless
pulumi_policy's proxy module is loaded, and the rules stay free of Pulumi.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

Props = Mapping[str, Any]


@dataclass(frozen=True)
class Unknown:
    """A value a preview does not know yet, with the SDK's error for it (raised again where undecided)."""

    error: Exception

    def __bool__(self) -> bool:
        return False


def is_unknown_error(error: BaseException) -> bool:
    """Whether ``error`` is pulumi_policy's ``UnknownValueError`` (the proxy's reading of a sentinel)."""
    proxy = sys.modules.get("pulumi_policy.proxy")
    return proxy is not None and isinstance(error, proxy.UnknownValueError)


def read(props: Props, key: str) -> Any:
    """``props[key]`` (None where absent), or ``Unknown`` where a preview does not know it yet; a dotted key
    reads a nested input (``networkConfiguration.securityGroups``)."""
    try:
        value: Any = props
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return value
    except Exception as error:
        if is_unknown_error(error):
            return Unknown(error)
        raise


def known(props: Props, key: str) -> Any:
    """``props[key]`` where known; None where absent or unknown."""
    value = read(props, key)
    return None if isinstance(value, Unknown) else value


def elements(value: Any) -> tuple[list[Any], list[Unknown]]:
    """A list's known elements, and an ``Unknown`` for each element (or the whole list) not known yet."""
    if isinstance(value, Unknown):
        return [], [value]
    found: list[Any] = []
    unknown: list[Unknown] = []
    for index in range(len(value or [])):
        try:
            found.append(value[index])
        except Exception as error:
            if not is_unknown_error(error):
                raise
            unknown.append(Unknown(error))
    return found, unknown


class StackResource(NamedTuple):
    """A resource as a stack rule sees it: its type and props (outputs), its URN, and per input the URNs
    of the resources its value came from (the engine's property dependencies)."""

    type: str
    props: Props
    urn: str = ""
    depends: Mapping[str, Sequence[str]] = MappingProxyType({})


class UndecidedError(Exception):
    """A stack rule decided all it could (``found``) but some resources only once a value is known: the
    pack reports ``found`` and raises ``cause``, the SDK's error, so that the engine reports the rest as
    "can't run ... during preview" (advisory); ``up`` checks it again with every value known."""

    def __init__(self, found: list[str], cause: Exception) -> None:
        super().__init__(getattr(cause, "message", str(cause)))
        self.found = found
        self.cause = cause


def decided(found: list[str], undecided: Sequence[Unknown]) -> list[str]:
    """``found``, or ``UndecidedError`` with it where a verdict waits for a value."""
    if undecided:
        raise UndecidedError(found, undecided[0].error)
    return found


@dataclass(frozen=True)
class Index:
    """The stack's resources of some types by URN, and by their own ID (read by ``own_id`` where known)."""

    by_urn: Mapping[str, StackResource]
    by_id: Mapping[str, str]

    @classmethod
    def of(cls, resources: Sequence[StackResource], types: Sequence[str], own_id: Callable[[Props], Any]) -> Index:
        chosen = {r.urn: r for r in resources if r.type in types and r.urn}
        ids = {str(i): urn for urn, r in chosen.items() if (i := own_id(r.props))}
        return cls(chosen, ids)

    def identity(self, value: Any) -> str:
        """What a known reference names: the URN of the resource of the stack with that ID, else the ID."""
        return self.by_id.get(str(value), str(value))


def references(index: Index, resource: StackResource, key: str) -> tuple[set[str], list[Unknown]]:
    """What input ``key`` of ``resource`` names (one value or a list): each known value by ``identity``;
    where a value is unknown, the resources of ``index`` it came from, by URN. An unknown that came from
    none of them is returned as undecided."""
    value = read(resource.props, key)
    values, unknown = elements(value) if _is_list(value) else _one(value)
    named = {index.identity(v) for v in values if v}
    if unknown:
        # The engine records dependencies per top-level input: a nested one's are its parent's.
        joined = {urn for urn in resource.depends.get(key.split(".")[0], ()) if urn in index.by_urn}
        named |= joined
        return named, [] if joined else unknown
    return named, []


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _one(value: Any) -> tuple[list[Any], list[Unknown]]:
    return ([], [value]) if isinstance(value, Unknown) else ([value] if value else [], [])


def guarded(reading: Callable[[], list[Any]]) -> tuple[list[Any], list[Unknown]]:
    """What ``reading`` finds, or nothing and the ``Unknown`` it stopped at: a stack rule goes on to the
    other resources where one resource's verdict waits for a value."""
    try:
        return reading(), []
    except Exception as error:
        if not is_unknown_error(error):
            raise
        return [], [Unknown(error)]


def shown(identity: str) -> str:
    """A reference as a message shows it: an ID or ARN as it is, a resource joined by URN by its name."""
    return identity.rsplit("::", 1)[-1] if identity.startswith("urn:") else identity


def shown_all(identities: set[str]) -> str:
    """References as a message shows them, sorted and joined."""
    return ", ".join(sorted(map(shown, identities)))
