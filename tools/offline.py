"""Run the program (or any Pulumi code) under recording mocks: no AWS, no Pulumi CLI, no plugins.

Used by the tests and by ``tools/plan.py``. Every registered resource is recorded with its inputs as
the engine would receive them (camelCase keys), its parent and its dependency URNs (``depends_on``
included, which ``MockResourceArgs`` alone does not carry).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import logging
import os
import re
import runpy
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import SETTINGS, _get_rpc_manager, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "graviton-node"
ACCOUNT = "123456789012"
REGION = "us-east-1"
#: libyaml's parser where PyYAML has it (about 10x the pure-Python one, the same documents).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class StackFileError(Exception):
    """A project or stack file the Pulumi CLI would refuse: the message names the file and the line."""


class _StackFileLoader(_YAML_LOADER):  # type: ignore[valid-type,misc]  # CSafeLoader is untyped
    """YAML as the Pulumi CLI reads its project and stack files: gopkg.in/yaml.v3 (pulumi/pulumi
    sdk/go/common/encoding/marshal.go), YAML 1.2. Only true and false (also True, TRUE, False, FALSE) are
    booleans, and reach the program as "true" and "false" (config.Value: object.MarshalString); YAML
    1.1's yes, no, on and off are strings. A key set twice is an error ("mapping key already defined"),
    not PyYAML's silent last-one-wins."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if key in lines:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is set twice (first on line {lines[key]})", key_node.start_mark
                )
            lines[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


# The YAML 1.1 boolean resolver left out, YAML 1.2's put in its place.
_StackFileLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in _YAML_LOADER.yaml_implicit_resolvers.items()
}
_StackFileLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


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
    """The ``alias_pb2.Alias`` messages of its ``ResourceOptions.aliases`` (``tools/urns.py`` resolves them)."""


_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def _unwrap(value: Any) -> tuple[Any, bool]:
    """``value`` with Pulumi's secret wrappers removed, and whether any were found."""
    if isinstance(value, dict):
        if _SECRET_SIG in value:
            return _unwrap(value["value"])[0], True
        items = {k: _unwrap(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items = [_unwrap(v) for v in value]
        return [v for v, _ in items], any(secret for _, secret in items)
    return value, False


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def mock_arn(typ: str, name: str) -> str:
    """The ARN the mocks give a resource: ``arn:aws:<service of its type>:<region>:<account>:<name>``, and a
    log group's, a Lambda function's, a target group's and a listener rule's as their services form them
    (IAM policies built from them are linted, ``tools/iam_lint.py``, and held to the boundary). A rule's
    load balancer is unknown here: its place holds the rule's own name, which starts with the stack as the
    balancer's does."""
    if typ == "aws:cloudwatch/logGroup:LogGroup":
        return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"
    if typ == "aws:lb/targetGroup:TargetGroup":
        return f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{name}/73e2d6bc24d8a067"
    if typ == "aws:lambda/function:Function":
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    if typ == "aws:lb/listenerRule:ListenerRule":
        return (f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener-rule/app/{name}/50dc6c495c0c9188/"
                "f2f7dc8efc522ab2/9683b2d02a6cabee")  # fmt: skip
    return f"arn:aws:{typ.split(':')[1].split('/')[0]}:{REGION}:{ACCOUNT}:{name}"


def _outputs(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Plausible provider outputs, so typed outputs downstream resolve like they would on AWS."""
    if typ == "awsx:ec2:Vpc":
        # A remote component's outputs are typed differently from its inputs: never echo them.
        return {
            "vpcId": "vpc-0new",
            "publicSubnetIds": ["subnet-0pub1", "subnet-0pub2"],
            "privateSubnetIds": ["subnet-0prv1", "subnet-0prv2"],
        }
    out = dict(inputs)
    out.setdefault("name", name)
    out.setdefault("arn", mock_arn(typ, name))
    if typ == "aws:ecr/repository:Repository":
        out.update(repositoryUrl=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}", registryId=ACCOUNT)
    elif typ == "docker-build:index:Image":
        digest = _digest(name + json.dumps(inputs.get("tags"), sort_keys=True))
        out.update(digest=digest, ref=f"{inputs['tags'][0]}@{digest}" if inputs.get("tags") else "")
    elif typ == "docker-build:index:Index":
        digest = _digest(name + json.dumps(inputs.get("sources"), sort_keys=True))
        out.update(ref=f"{inputs['tag']}@{digest}")
    elif typ == "aws:lb/loadBalancer:LoadBalancer":
        out.update(
            dnsName=f"{name}-1234567890.{REGION}.elb.amazonaws.com",
            arnSuffix=f"app/{name}/50dc6c495c0c9188",
            zoneId="Z35SXDOTRQ7X7K",
        )
    elif typ == "aws:acm/certificate:Certificate":
        domain = inputs["domainName"]
        out.update(
            arn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            domainValidationOptions=[
                {
                    "domainName": domain,
                    "resourceRecordName": f"_3f2a.{domain}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_9c1e.acm-validations.aws.",
                }
            ],
        )
    elif typ == "aws:route53/record:Record":
        out.update(fqdn=str(inputs["name"]).rstrip("."))
    elif typ == "aws:lb/targetGroup:TargetGroup":
        out.update(arnSuffix=f"targetgroup/{name}/73e2d6bc24d8a067")
    elif typ == "aws:ssm/parameter:Parameter":
        path = str(inputs.get("name", name))
        out.update(arn=f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{path if path.startswith('/') else '/' + path}")
    elif typ == "aws:s3/bucket:Bucket":
        out.update(bucket=name, arn=f"arn:aws:s3:::{name}")
    elif typ == "aws:ecs/cluster:Cluster":
        out.update(arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{name}")
    elif typ == "aws:iam/role:Role":
        out.update(arn=f"arn:aws:iam::{ACCOUNT}:role{inputs.get('path', '/')}{name}")
    elif typ == "aws:kms/key:Key":
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
        out.update(keyId=key_id, arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}")
    return out


_CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": lambda args: {
        "userName": "AWS",
        "password": "mock-ecr-token",
        "proxyEndpoint": f"https://{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com",
        "registryId": args.get("registryId", ACCOUNT),
    },
    "aws:ec2/getVpc:getVpc": lambda _: {"id": "vpc-0default", "cidrBlock": "172.31.0.0/16", "default": True},
    "aws:ec2/getSubnets:getSubnets": lambda args: {
        "id": REGION,
        "ids": ["subnet-0def1", "subnet-0def2", "subnet-0def3"],
        "filters": args.get("filters", []),
    },
    "aws:index/getRegion:getRegion": lambda _: {"id": REGION, "name": REGION, "region": REGION},
    "aws:index/getCallerIdentity:getCallerIdentity": lambda _: {
        "id": ACCOUNT,
        "accountId": ACCOUNT,
        "arn": f"arn:aws:iam::{ACCOUNT}:user/deployer",
        "userId": "AIDAMOCK",
    },
    "aws:index/getPartition:getPartition": lambda _: {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com"},
}


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every resource and invoke; answers with plausible AWS-shaped outputs."""

    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.resources: list[Registered] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[dict[str, Any]] = []
        """What each invoke in ``calls`` was answered, in the same order."""
        self._stack_outputs = dict(stack_outputs or {})
        """Outputs of other stacks by fully qualified name, answered to ``pulumi.StackReference``."""
        self.warnings: list[str] = []
        """What the program logged with ``pulumi.log.warn`` (and errors), in order."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        unwrapped = {key: _unwrap(value) for key, value in args.inputs.items()}
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
            registered.id, registered.outputs = f"{args.name}-id", _outputs(args.typ, args.name, inputs)
        return registered.id, registered.outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.calls.append((args.token, dict(args.args)))
        answer = _CALLS.get(args.token)
        if answer is None:
            raise NotImplementedError(f"no mock for invoke {args.token}")
        self.answers.append(answer(dict(args.args)))
        return self.answers[-1], []

    def _only(self, what: str, found: list[Registered]) -> Registered:
        assert len(found) == 1, f"expected one {what}, found {len(found)}"
        return found[0]

    def find(self, type_token: str, name: str) -> Registered:
        """The resource of ``type_token`` named ``name`` (names are unique per type in this program)."""
        return self._only(
            f"{type_token} named {name}", [r for r in self.resources if (r.type, r.name) == (type_token, name)]
        )

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
        return response


class _WarningRecorder(logging.Handler):
    """Keeps the warnings the program logs to the (mock) engine in ``RecordingMocks.warnings``."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(logging.WARNING)
        self._mocks = mocks

    def emit(self, record: logging.LogRecord) -> None:
        self._mocks.warnings.append(record.getMessage())


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
    project: str = PROJECT,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """Run ``program`` under recording mocks (fresh unless given) with ``config`` (``project:key`` -> string).

    ``preview=True`` only to compare what a preview *registers* (``pulumi.runtime.is_dry_run()`` is true):
    applies are skipped in a preview, so assertions on applied values would pass silently.
    """
    mocks = mocks or RecordingMocks()
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    logger = logging.Logger("pulumi-mocks", logging.WARNING)
    logger.addHandler(_WarningRecorder(mocks))
    pulumi.runtime.set_mocks(
        mocks, project=project, stack=stack, preview=preview, logger=logger, monitor=_RecordingMonitor(mocks)
    )
    _get_rpc_manager().clear()
    # A failed run leaves its faulted outputs behind for the next run to report: start afresh, as the CLI does.
    SETTINGS.outputs.clear()  # type: ignore[attr-defined]  # the SDK's contextproperty hides it from checkers
    with _no_stack_traces(), _no_garbage_collection():
        _sync_await(run_pulumi_func(program))
    root = pulumi.runtime.get_root_resource()
    raw_outputs: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
    outputs = {k: _sync_await(pulumi.Output.from_input(v).future()) for k, v in raw_outputs.items()}
    return Run(mocks=mocks, outputs=outputs)


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
    (about fifty in a prod run, each walking the young objects) find little to free: about a quarter
    of a run's CPU time. It collects after the run instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _config_string(value: Any) -> str:
    """A stack-file value as ``pulumi.Config.get`` returns it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def stack_config(stack: str, root: Path = ROOT) -> dict[str, str]:
    """Pulumi.yaml defaults overlaid with ``Pulumi.<stack>.yaml``, keyed ``project:key``.

    The CLI applies project defaults itself; mocks do not, so this does it for them.
    """
    return dict(_stack_config(stack, root))


def _load_yaml(path: Path) -> dict[str, Any]:
    """A project or stack file as the CLI reads it; what it would refuse raises ``StackFileError``."""
    try:
        loaded = yaml.load(path.read_text(), Loader=_StackFileLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise StackFileError(f"{path.name}{where}: {error.problem or error.context}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not isinstance(loaded.get("config") or {}, dict):
        raise StackFileError(f"{path.name}: not a mapping with a config: mapping of key: value")
    return loaded


@functools.cache
def _project_name(root: Path) -> str:
    return _load_yaml(root / "Pulumi.yaml")["name"]


@functools.cache
def _stack_config(stack: str, root: Path) -> Mapping[str, str]:
    project = _load_yaml(root / "Pulumi.yaml")
    config = {
        f"{project['name']}:{key}": _config_string(spec["default"])
        for key, spec in (project.get("config") or {}).items()
        if "default" in spec
    }
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise FileNotFoundError(f"no stack file {stack_file.name}")
    overrides = _load_yaml(stack_file).get("config") or {}
    for key, value in overrides.items():
        full = key if ":" in key else f"{project['name']}:{key}"
        config[full] = _config_string(value)
    return config


def run_program(
    stack: str = "dev",
    overrides: Mapping[str, str] | None = None,
    mocks: RecordingMocks | None = None,
    root: Path = ROOT,
    preview: bool = False,
    secret_keys: list[str] | None = None,
) -> Run:
    """Run the Pulumi project in ``root`` (this one by default) with a stack's config.

    ``overrides`` are ``key`` -> string in the project's namespace, or ``namespace:key`` in another's
    (``aws:region``); ``secret_keys`` the keys among them set with ``--secret``.
    """
    project = _project_name(root)
    config = stack_config(stack, root)
    config.update({key if ":" in key else f"{project}:{key}": value for key, value in (overrides or {}).items()})

    secret = [f"{project}:{key}" for key in secret_keys or []]
    return run_mocked(main_program(root), config, stack, mocks, project, preview, secret)


def main_program(root: Path = ROOT) -> Callable[[], None]:
    """``root/__main__.py`` as the CLI runs it: in the project's directory (relative paths depend on it)."""

    def program() -> None:
        previous = Path.cwd()
        os.chdir(root)
        try:
            runpy.run_path(str(root / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(previous)

    return program
