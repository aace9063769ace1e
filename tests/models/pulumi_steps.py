"""The steps of a ``pulumi up`` from one registered program to the next, and the order they run in.

The engine (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``, ``getOldResource`` and
``generateSteps``): a resource of the program takes over the state's resource of its URN, or else of the
first of its aliases the state holds; a URN claimed twice (an alias another resource registered or aliased
before) is an error. Nothing to take over, it is created; its inputs changed, it is updated in place, or
replaced where its provider says a changed input forces a new one (created first, the old one deleted with
the deletes). A same step calls no provider. A language host registers a resource once its inputs resolve,
and the step executor runs the chains it gets in parallel (``step_executor.go``, ``stepExecutor``): the
steps of resources waiting on the same thing (rules on one group's ID) run in any order, which a model run
takes as an argument. What the state holds that no resource took over is deleted after the program has
registered everything (``deployment_executor.go``, ``performPostSteps``). The run stops at the first step
the provider refuses (``step_executor.go``, ``executeChain``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Inputs = Mapping[str, Any]


class Provider(Protocol):
    """What the engine asks a resource type's provider."""

    def create(self, inputs: Inputs) -> str: ...

    def update(self, id_: str, olds: Inputs, news: Inputs) -> None: ...

    def delete(self, id_: str, olds: Inputs) -> None: ...

    def replaces(self, olds: Inputs, news: Inputs) -> bool: ...


@dataclass(frozen=True)
class Wanted:
    """A resource the program registers: its URN, its aliases' URNs in order, its inputs."""

    urn: str
    aliases: tuple[str, ...]
    inputs: Inputs


@dataclass(frozen=True)
class Held:
    """A resource of the state: the ID its provider gave it and its inputs."""

    id: str
    inputs: Inputs


State = dict[str, Held]


@dataclass(frozen=True)
class Step:
    """What the engine does for one registered resource: ``create``, ``update``, ``replace`` or ``same``,
    taking over ``old`` (a URN of the state; empty for a create)."""

    op: str
    wanted: Wanted
    old: str = ""


class DuplicateAliasError(Exception):
    """The engine's ``GetDuplicateResourceAliasError``: two resources claim one URN of the state."""


def plan(
    state: State, program: Iterable[Wanted], replaces: Callable[[Inputs, Inputs], bool]
) -> tuple[list[Step], list[str]]:
    """The steps of ``program`` over ``state``, and the URNs of the state deleted at the end."""
    steps: list[Step] = []
    registered: set[str] = set()
    aliased: set[str] = set()
    for wanted in program:
        if wanted.urn in aliased:
            raise DuplicateAliasError(wanted.urn)
        registered.add(wanted.urn)
        old = next((urn for urn in (wanted.urn, *wanted.aliases) if urn in state), "")
        if old and old != wanted.urn:
            if old in registered | aliased:
                raise DuplicateAliasError(old)
            aliased.add(old)
        if not old:
            steps.append(Step("create", wanted))
            continue
        olds = state[old].inputs
        op = "same" if olds == wanted.inputs else "replace" if replaces(olds, wanted.inputs) else "update"
        steps.append(Step(op, wanted, old))
    taken = {step.old for step in steps}
    replaced = [step.old for step in steps if step.op == "replace"]
    return steps, [urn for urn in state if urn not in taken] + replaced


def up(provider: Provider, state: State, program: Sequence[Wanted], order: Sequence[int] | None = None) -> State:
    """The state after ``pulumi up`` of ``program`` over ``state``, its steps run in ``order`` (indices
    into the program; default the program's); the provider's refusal propagates, as the run fails."""
    steps, deletes = plan(state, program, provider.replaces)
    after: State = {}
    for step in (steps[index] for index in (order if order is not None else range(len(steps)))):
        news = step.wanted.inputs
        if step.op in ("create", "replace"):
            after[step.wanted.urn] = Held(provider.create(news), news)
            continue
        held = state[step.old]
        if step.op == "update":
            provider.update(held.id, held.inputs, news)
        after[step.wanted.urn] = Held(held.id, news)
    for urn in deletes:
        provider.delete(state[urn].id, state[urn].inputs)
    return after
