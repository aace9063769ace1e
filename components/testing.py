"""Unit-test a Pulumi program or component built on this package: run it under recording mocks, with no
AWS, no Pulumi CLI and no provider plugins, and read what it registered.

    from graviton_node_components.testing import run_program

    run = run_program(Path(__file__).parent.parent, "dev")  # your project's __main__.py and Pulumi.dev.yaml
    service = run.mocks.one("aws:ecs/service:Service")
    assert service.inputs["desiredCount"] == 1

Each registered resource is recorded with its inputs as the engine gets them (camelCase keys), its parent,
its dependency URNs (``depends_on`` too, which ``MockResourceArgs`` lacks) and options; the mocks answer
AWS-shaped outputs in the stack's region, partition and account (``aws:region``, ``aws:allowedAccountIds``).
For tests only (the one module importing Pulumi without a component). AWS's answers: ``mock_answers``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import runpy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .mock_answers import DEFAULT_ACCOUNT, DEFAULT_REGION, invoke_answer, mock_arn, resource_outputs, unwrap
from .stack_files import project_name, stack_config, with_stack_config

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "RecordingMocks",
    "Registered",
    "Run",
    "main_program",
    "mock_arn",
    "project_name",
    "run_mocked",
    "run_program",
    "stack_config",
]


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
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    """Its ``ResourceOptions.custom_timeouts`` that are set (``create``, ``update``, ``delete``)."""


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every resource and invoke; answers with plausible AWS-shaped outputs in ``region`` and
    ``account`` (by default the stack's: ``run_mocked`` reads them from its config)."""

    def __init__(
        self,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        region: str | None = None,
        account: str | None = None,
    ) -> None:
        self.resources: list[Registered] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[dict[str, Any]] = []
        """What each invoke in ``calls`` was answered, in the same order."""
        self._stack_outputs = dict(stack_outputs or {})
        """Outputs of other stacks by fully qualified name, answered to ``pulumi.StackReference``."""
        self.warnings: list[str] = []
        """What the program logged with ``pulumi.log.warn`` (and errors), in order."""
        self._given = (region, account)
        self.region = region or DEFAULT_REGION
        """The region in the ARNs, URLs and invoke answers."""
        self.account = account or DEFAULT_ACCOUNT
        """The account in the ARNs and invoke answers."""

    def locate(self, config: Mapping[str, str]) -> None:
        """Answer in the stack's region and account unless the mocks were given their own: the region
        as the AWS provider reads it (``aws:region``, else ``AWS_REGION`` or ``AWS_DEFAULT_REGION``), the
        account from ``aws:allowedAccountIds`` when it names exactly one."""
        region, account = self._given
        self.region = (
            region
            or config.get("aws:region")
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or DEFAULT_REGION
        )
        with contextlib.suppress(ValueError):
            allowed = json.loads(config.get("aws:allowedAccountIds") or "[]")
            account = account or (str(allowed[0]) if isinstance(allowed, list) and len(allowed) == 1 else None)
        self.account = account or DEFAULT_ACCOUNT

    def arn(self, typ: str, name: str, inputs: dict[str, Any] | None = None) -> str:
        """The ARN these mocks give a resource of ``typ`` with ``name`` and ``inputs`` (``mock_arn``, theirs)."""
        return mock_arn(typ, name, self.region, self.account, inputs)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        unwrapped = {key: unwrap(value) for key, value in args.inputs.items()}
        inputs = {key: value for key, (value, _) in unwrapped.items()}
        secrets = {key for key, (_, secret) in unwrapped.items() if secret}
        registered = Registered(type=args.typ, name=args.name, inputs=inputs, secret_inputs=secrets)
        self.resources.append(registered)
        if args.typ == "pulumi:pulumi:StackReference":
            referenced = inputs["name"]
            if referenced not in self._stack_outputs:
                raise KeyError(f"no outputs mocked for stack {referenced}")
            registered.id = referenced
            registered.outputs = {
                "name": referenced,
                "outputs": dict(self._stack_outputs[referenced]),
                "secretOutputNames": [],
            }
        else:
            registered.id, registered.outputs = (
                f"{args.name}-id",
                resource_outputs(args.typ, args.name, inputs, self.region, self.account),
            )
        return registered.id, registered.outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.calls.append((args.token, dict(args.args)))
        self.answers.append(invoke_answer(args.token, dict(args.args), self.region, self.account))
        return self.answers[-1], []

    def _only(self, what: str, found: list[Registered]) -> Registered:
        assert len(found) == 1, f"expected one {what}, found {len(found)}"
        return found[0]

    def find(self, type_token: str, name: str) -> Registered:
        """The resource of ``type_token`` named ``name`` (names are unique per type in a program)."""
        found = [r for r in self.resources if (r.type, r.name) == (type_token, name)]
        return self._only(f"{type_token} named {name}", found)

    def inputs_of(self, type_token: str) -> list[dict[str, Any]]:
        """Inputs of every registered resource of ``type_token``, in registration order."""
        return [r.inputs for r in self.resources if r.type == type_token]

    def one(self, type_token: str) -> Registered:
        """The single resource of ``type_token``; fails if there are none or several."""
        return self._only(type_token, [r for r in self.resources if r.type == type_token])

    def by_urn(self, urn: str) -> Registered:
        """The resource with ``urn``."""
        return self._only(f"resource with URN {urn}", [r for r in self.resources if r.urn == urn])


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Adds each request's parent, dependency URNs (``depends_on`` included) and ``ignore_changes`` to its
    recorded resource."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self._recording = mocks

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            recorded = self._recording.find(request.type, request.name)
            recorded.parent = request.parent
            recorded.dependencies = list(request.dependencies)
            recorded.urn = response.urn
            recorded.ignore_changes = list(request.ignoreChanges)
            recorded.aliases = list(request.aliases)
            recorded.custom_timeouts = {field.name: value for field, value in request.customTimeouts.ListFields()}
        return response


@dataclass
class Run:
    """The outcome of one mocked run."""

    mocks: RecordingMocks
    outputs: dict[str, Any]


def run_mocked(
    program: Callable[[], None],
    config: Mapping[str, str] | None = None,
    stack: str = "dev",
    mocks: RecordingMocks | None = None,
    project: str = "project",
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """Run ``program`` under recording mocks (fresh unless given) with ``config`` (``project:key`` -> string).

    ``preview=True`` only to compare what a preview *registers* (``pulumi.runtime.is_dry_run()`` is true):
    applies are skipped in a preview, so assertions on applied values would pass silently.
    """
    mocks = mocks or RecordingMocks()
    mocks.locate(config or {})
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    # What the program logs to the (mock) engine: its warnings are kept in ``mocks.warnings``.
    logger, recorder = logging.Logger("pulumi-mocks", logging.WARNING), logging.Handler(logging.WARNING)
    recorder.emit = lambda record: mocks.warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(recorder)
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, logger=logger, monitor=_RecordingMonitor(mocks)
    )
    _get_rpc_manager().clear()
    # A failed run leaves its faulted outputs behind for the next run to report: start afresh, as the CLI does.
    SETTINGS.outputs.clear()  # type: ignore[attr-defined]  # the SDK's contextproperty hides it from checkers
    with _no_stack_traces(), _no_garbage_collection():
        _sync_await(run_pulumi_func(program))
    raw_outputs: dict[str, Any] = dict(getattr(pulumi.runtime.get_root_resource(), "outputs", {}) or {})
    return Run(mocks, {k: _sync_await(pulumi.Output.from_input(v).future()) for k, v in raw_outputs.items()})


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    """The SDK captures the Python stack of every registration for the engine to point at in its
    diagnostics: about a quarter of a mocked run under pytest's deep stacks. Mocks have no engine to
    show it, so the capture is skipped for the run (and restored after it)."""
    original = getattr(resource_runtime, "_get_stack_trace", None)
    if original is None:  # a later SDK may name it otherwise: then the run is only slower
        yield
        return
    resource_runtime._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        resource_runtime._get_stack_trace = original


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """A run keeps nearly everything it allocates until it ends, so the collector's passes during it
    (about fifty in a large run, each walking the young objects) find little to free: about a quarter
    of a run's CPU time. It collects after the run instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_program(
    root: Path,
    stack: str = "dev",
    overrides: Mapping[str, str] | None = None,
    mocks: RecordingMocks | None = None,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """Run the Pulumi project in ``root`` (its ``__main__.py``) with a stack's config, as ``pulumi up``
    would, under recording mocks. ``overrides``: ``key`` -> string in the project's namespace, or
    ``namespace:key`` in another's (``aws:region``); ``secret_keys``: those set with ``--secret``."""
    project = project_name(root)
    secret = [f"{project}:{key}" for key in secret_keys or []]

    def run(config: dict[str, str]) -> Run:
        config.update({key if ":" in key else f"{project}:{key}": value for key, value in (overrides or {}).items()})
        return run_mocked(main_program(root), config, stack, mocks, project, preview, secret)

    return with_stack_config(root, stack, run)


def main_program(root: Path) -> Callable[[], None]:
    """``root/__main__.py`` as the CLI runs it: in the project's directory (relative paths depend on it)."""

    def program() -> None:
        previous = Path.cwd()
        os.chdir(root)
        try:
            runpy.run_path(str(root / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(previous)

    return program
