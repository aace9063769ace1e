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
import functools
import importlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi import resource as pulumi_resource
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .arn_forms import ArnForm
from .mock_answers import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    invoke_answer,
    mock_arn,
    resource_outputs,
    stack_place,
    unwrap,
)
from .mock_records import Registered
from .mock_runs import engine_calls_at_once, in_program_order, no_garbage_collection
from .stack_files import StackFileError, main_program, project_name, secure_keys, stack_config, with_stack_config

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "ArnForm",
    "RecordingMocks",
    "Registered",
    "Run",
    "StackFileError",
    "main_program",
    "mock_arn",
    "own_arn_output",
    "project_name",
    "run_mocked",
    "run_program",
    "stack_config",
]


@functools.cache
def own_arn_output(typ: str) -> str | None:
    """The output holding a resource's own ARN in the provider's schema (the pulumi_aws SDK), camelCase:
    ``arn``, or ``<type>_arn`` (a dashboard's). None for a type of another package, or with no ARN."""
    package, module, name = typ.split(":")
    if package != "aws":
        return None
    folder = module.split("/")[0]
    try:  # the SDK's module for ``lambda`` is ``lambda_``, a keyword's
        sdk = importlib.import_module(f"pulumi_aws.{folder}_" if folder == "lambda" else f"pulumi_aws.{folder}")
    except ImportError:
        return None
    cls = getattr(sdk, name, None)
    for output in ("arn", re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + "_arn"):
        if isinstance(getattr(cls, output, None), property):
            return re.sub(r"_([A-Za-z0-9_])", lambda m: m[1].upper(), output)
    return None


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every resource and invoke; answers with plausible AWS-shaped outputs in ``region`` and
    ``account`` (by default the stack's: ``run_mocked`` reads them from its config). A type with an ARN of
    its own (``own_arn_output``) and no form in ``arn_forms`` is refused, unless ``arns`` gives its form."""

    def __init__(
        self,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        region: str | None = None,
        account: str | None = None,
        arns: Mapping[str, ArnForm] | None = None,
        hosted_zones: Mapping[str, tuple[str, bool]] | None = None,
        account_from: Callable[[Mapping[str, str]], str | None] | None = None,
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
        self.arns = dict(arns or {})
        """ARN forms of types ``arn_forms`` has none for (type token -> form), or in place of its own."""
        self.hosted_zones = dict(hosted_zones or {})
        """The account's hosted zones by ID, (name, private); any other is ``ANY_DOMAINS_ZONE``."""
        self._account_from = account_from  # the account by a program's own keys (stack_place's fallback)

    def locate(self, config: Mapping[str, str]) -> None:
        """Answer in the stack's region and account (``stack_place``) unless the mocks were given their own."""
        fallback = self._account_from(config) if self._account_from else None
        self.region, self.account = stack_place(config, os.environ, *self._given, fallback_account=fallback)

    def arn(self, typ: str, name: str, inputs: dict[str, Any] | None = None) -> str:
        """The ARN these mocks gave the recorded resource of ``typ`` named ``name`` (it depends on inputs: a
        role's path, a name prefix); with ``inputs``, or none recorded, the one they give such a resource."""
        key = own_arn_output(typ) or "arn"
        recorded = [r for r in self.resources if (r.type, r.name) == (typ, name) and key in r.outputs]
        if inputs is None and recorded:
            return str(recorded[0].outputs[key])
        return mock_arn(typ, name, self.region, self.account, inputs, self.arns)

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
            arn_output = own_arn_output(args.typ)
            outputs = resource_outputs(
                args.typ, args.name, inputs, self.region, self.account, arn_output=arn_output, forms=self.arns
            )
            registered.id, registered.outputs = f"{args.name}-id", outputs
        return registered.id, registered.outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.calls.append((args.token, dict(args.args)))
        self.answers.append(invoke_answer(args.token, dict(args.args), self.region, self.account, self.hosted_zones))
        return self.answers[-1], []

    def _only(self, what: str, found: list[Registered]) -> Registered:
        assert len(found) == 1, f"expected one {what}, found {len(found)}"
        return found[0]

    def find(self, type_token: str, name: str) -> Registered:
        """The resource of ``type_token`` named ``name`` (names are unique per type in a program)."""
        found = [r for r in self.resources if (r.type, r.name) == (type_token, name)]
        return self._only(f"{type_token} named {name}", found)

    def inputs_of(self, type_token: str) -> list[dict[str, Any]]:
        """Inputs of every registered resource of ``type_token``, in the order the program made them (``mock_runs``)."""
        return [r.inputs for r in self.resources if r.type == type_token]

    def one(self, type_token: str) -> Registered:
        """The single resource of ``type_token``; fails if there are none or several."""
        return self._only(type_token, [r for r in self.resources if r.type == type_token])

    def by_urn(self, urn: str) -> Registered:
        """The resource with ``urn``."""
        return self._only(f"resource with URN {urn}", [r for r in self.resources if r.urn == urn])


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Adds each request's parent, dependency URNs (``depends_on`` too; per input) and options to its record."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self._recording = mocks

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            recorded = self._recording.find(request.type, request.name)
            recorded.parent, recorded.urn = request.parent, response.urn
            recorded.dependencies = list(request.dependencies)
            recorded.property_dependencies = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
            recorded.ignore_changes = list(request.ignoreChanges)
            recorded.aliases = list(request.aliases)
            recorded.delete_before_replace = request.deleteBeforeReplace
            recorded.retain_on_delete = request.retainOnDelete
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
    with (
        _no_stack_traces(),
        no_garbage_collection(),
        engine_calls_at_once(_ensure_event_loop()),
        in_program_order(pulumi_resource, mocks.resources),
    ):
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


def run_program(
    root: Path,
    stack: str = "dev",
    overrides: Mapping[str, str] | None = None,
    mocks: RecordingMocks | None = None,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """Run the Pulumi project in ``root`` (its ``main``, else ``__main__.py``) with a stack's config as the CLI
    reads it (``stack_files``), as ``pulumi up`` would, under recording mocks. ``overrides``: ``key`` -> string
    in the project's namespace, or ``namespace:key`` in another's (``aws:region``); ``secret_keys``: those set
    with ``--secret``, as those the stack file holds encrypted are (``stack_files.STAND_IN``)."""
    project = project_name(root)
    secret = sorted({f"{project}:{key}" for key in secret_keys or []} | secure_keys(root, stack))

    def run(config: dict[str, str]) -> Run:
        config.update({key if ":" in key else f"{project}:{key}": value for key, value in (overrides or {}).items()})
        return run_mocked(main_program(root), config, stack, mocks, project, preview, secret)

    return with_stack_config(root, stack, run)
