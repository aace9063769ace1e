"""A preview run through the policy pack as the SDK runs it.

``PreviewMocks`` answer as the providers do in a preview: a resource the change creates or replaces
answers its inputs back and every output the provider computes on creation (ID, ARN, URLs) unknown, as
a bridged provider's preview of a create does. ``analyze`` hands what the engine would to pulumi_policy's
own analyzer servicer (``policy.py``, ``_PolicyAnalyzerServicer``): each resource's inputs to ``Analyze``,
every resource's outputs with its URN and property dependencies to ``AnalyzeStack``, over the wire
(``Struct``), so that the SDK's proxy raises on an unknown and reports the policy as "can't run ...
during preview", advisory, exactly as under the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import proto
from pulumi.runtime.rpc import UNKNOWN
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer

from components.mock_records import Registered
from policies import POLICIES, STACK_POLICIES
from rules import RULES, STACK_RULES
from tests.program.stacks import CONFIGS
from tools.offline import RecordingMocks, Run, run_program

RULES_BY_NAME = {rule.name: rule for rule in (*RULES, *STACK_RULES)}


class PreviewMocks(RecordingMocks):
    """Answer as the providers do in a preview (run with ``preview=True``): a resource that ``fresh`` says
    the change creates or replaces (by default every one: a first deploy) answers its inputs back and its
    other outputs unknown, ``name`` known (the provider names it in ``Check``); any other answers as
    deployed, an input that is unknown staying unknown. Unknowns are the engine's sentinel."""

    def __init__(self, fresh: Callable[[str, str], bool] = lambda _type, _name: True) -> None:
        super().__init__()
        self.fresh = fresh

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = sentinels(args.inputs)
        args = pulumi.runtime.MockResourceArgs(
            args.typ, args.name, inputs, args.provider, args.resource_id, args.custom
        )
        resource_id, outputs = super().new_resource(args)
        unknown = {key for key, value in inputs.items() if value == UNKNOWN}
        if self.fresh(args.typ, args.name):
            unknown |= set(outputs) - set(inputs) - {"name"}
            resource_id = ""
        registered = self.resources[-1]
        registered.id, registered.outputs = resource_id, {**outputs, **dict.fromkeys(unknown, UNKNOWN)}
        return registered.id, registered.outputs


def sentinels(value: Any) -> Any:
    """``value`` with each ``Unknown`` the SDK deserialized in a preview as the engine's sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: sentinels(item) for key, item in value.items()}
    return [sentinels(item) for item in value] if isinstance(value, list) else value


def preview_run(program: str, fresh: Callable[[str, str], bool] = lambda _type, _name: True) -> Run:
    """One of ``CONFIGS`` (dev, prod, maximal) previewed with ``fresh`` resources created or replaced."""
    stack, overrides, secret_keys = CONFIGS[program]
    return run_program(stack, overrides, PreviewMocks(fresh), preview=True, secret_keys=list(secret_keys))


@dataclass
class Report:
    """What the engine shows of a preview: violations by level, and the policies that could not run."""

    mandatory: list[str] = field(default_factory=list)
    advisory: list[str] = field(default_factory=list)
    cannot_run: list[str] = field(default_factory=list)


def wire(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Props as the engine sends them (numbers become floats, as over gRPC)."""
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(props, default=str)))
    return struct


def _servicer(config: Mapping[str, Any]) -> _PolicyAnalyzerServicer:
    """The pack's analyzer, configured as the CLI configures it from a stack's policy config file (the
    schema's defaults filled in)."""
    servicer = _PolicyAnalyzerServicer(
        "graviton-node", "0.0.1", [*POLICIES, *STACK_POLICIES], EnforcementLevel.MANDATORY
    )
    levels = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY, "disabled": proto.DISABLED}
    request = proto.ConfigureAnalyzerRequest()
    for name, rule in RULES_BY_NAME.items():
        given = dict(config.get(name) or {})
        level = levels[given.pop("enforcementLevel", "mandatory")]
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=level, properties=wire(rule.config(given)))
        )
    servicer.Configure(request, None)
    return servicer


def _stack_resource(resource: Registered) -> Any:
    depends = {
        key: proto.AnalyzerPropertyDependencies(urns=urns) for key, urns in resource.property_dependencies.items()
    }
    # A bridged provider's outputs hold the resource's ID (unknown until it is created).
    outputs = {**resource.inputs, **resource.outputs, "id": resource.id or UNKNOWN}
    return proto.AnalyzerResource(
        type=resource.type, properties=wire(outputs), urn=resource.urn, name=resource.name,
        dependencies=resource.dependencies, propertyDependencies=depends,
    )  # fmt: skip


def analyze(resources: Sequence[Registered], config: Mapping[str, Any]) -> Report:
    """Each resource through ``Analyze`` (its inputs), the stack through ``AnalyzeStack`` (its outputs)."""
    servicer = _servicer(config)
    responses = [
        servicer.Analyze(proto.AnalyzeRequest(type=r.type, properties=wire(r.inputs), urn=r.urn, name=r.name), None)
        for r in resources
    ]
    stack = proto.AnalyzeStackRequest(resources=[_stack_resource(r) for r in resources])
    responses.append(servicer.AnalyzeStack(stack, None))
    report = Report()
    for diagnostic in (d for response in responses for d in response.diagnostics):
        message = f"{diagnostic.policyName}: {diagnostic.message.splitlines()[-1]}"
        if "during preview" in diagnostic.message:
            report.cannot_run.append(message)
        elif diagnostic.enforcementLevel == proto.MANDATORY:
            report.mandatory.append(message)
        else:
            report.advisory.append(message)
    return report
