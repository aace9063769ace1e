"""The configurations whose registered resources are held to AWS's rules: dev, prod, a maximal stack
(every optional feature on), and the second-service and worker examples beside dev, each under the stack
file it ships (``STACKS``).

One place, so the AWS input contract, the deployer policy and any later whole-stack check walk the
same programs. Each is run once per test process and shared, read-only (``recorded_run``): whole-program
runs are most of the suite's time.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from components.testing import project_name
from tools.offline import ROOT, RecordingMocks, Registered, Run, main_program, run_mocked, run_program

EXAMPLE = ROOT / "examples" / "second-service"
WORKER = ROOT / "examples" / "worker"
PLATFORM = "acme/graviton-node/dev"
REGION = "us-east-1"
ACCOUNT = "123456789012"
#: The role that deploys the maximal stack, which its secrets key names (README, AWS permissions).
DEPLOYER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/graviton-node-deploy-prod"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

#: A test header as `pulumi config set --secret deploymentTestHeader "x-deploy-test=$(openssl rand -hex 16)"` sets
#: it: a stack that sets it marks it secret (``secret_keys``), as the program requires.
TEST_HEADER = "x-deploy-test=7f3a9c1e5b2d48f6a0c3e9d17b5f2a84"
#: prod (HTTPS with a requested certificate, autoscaling with schedules, alarms with e-mail, access
#: logs, vpc: new) plus everything prod leaves off: exec with KMS, every kind of secret, every
#: scaling target, extra environment and egress, writable paths, a CA bundle for the build and two platforms, and a
#: linear deployment with a test rule.
MAXIMAL: dict[str, str] = {
    "dockerfile": "Dockerfile",
    "platforms": '["linux/arm64", "linux/amd64"]',
    "npmCaBundle": str(Path(__file__).resolve().parent / "fixtures" / "test-ca.pem"),
    "taskEgressPorts": '["443", "5432"]',
    "enableExecuteCommand": "true",
    "execKmsKeyArn": KMS_KEY,
    "memoryTargetPercent": "75",
    "secrets": (
        '["DATABASE_URL=arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/prod/database-url",'
        ' "API_KEY=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/api-key-AbCdEf",'
        ' "DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/db-AbCdEf:password::"]'
    ),
    "secretValues": '["SESSION_KEY=s3cr3t"]',
    "deployerRoleArn": DEPLOYER_ROLE,
    "secretsKmsKeyArns": f'["{KMS_KEY}"]',
    "environment": '["LOG_LEVEL=debug"]',
    "writablePaths": '["/tmp", "/app/cache"]',
    "alarmEmails": '["oncall@example.com", "team@example.com"]',
    "deploymentStrategy": "linear",
    # 25 % a step: the default 20 % shifts 12 minutes, which with prod's 90 s grace and its 14-minute alarm
    # bake passes the deploy's 45 minutes (README, How long pulumi up waits).
    "linearStepPercent": "25",
    "deploymentTestHeader": TEST_HEADER,
    "deploymentSmokeTest": "true",
    "deploymentSmokeTestPath": "/health?deep=1",
}
MAXIMAL_SECRET_KEYS = ("secretValues", "deploymentTestHeader")
#: The maximal config as 0.4.0 had it (``tests/program/stacks.py`` at 1e9a338), which its URN baseline was
#: recorded from: the keys MAXIMAL gained since (writable paths, the linear deployment and its test and
#: smoke test) change the task definition and the listener rules of any stack that sets them, so the
#: 0.4.0 stack is compared as it was. Frozen: never add a key here.
MAXIMAL_0_4_0: dict[str, str] = {
    "dockerfile": "Dockerfile",
    "platforms": '["linux/arm64", "linux/amd64"]',
    "npmCaBundle": str(Path(__file__).resolve().parent / "fixtures" / "test-ca.pem"),
    "taskEgressPorts": '["443", "5432"]',
    "enableExecuteCommand": "true",
    "execKmsKeyArn": KMS_KEY,
    "memoryTargetPercent": "75",
    "secrets": (
        '["DATABASE_URL=arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/prod/database-url",'
        ' "API_KEY=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/api-key-AbCdEf",'
        ' "DB_PASSWORD=arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/prod/db-AbCdEf:password::"]'
    ),
    "secretValues": '["SESSION_KEY=s3cr3t"]',
    "secretsKmsKeyArns": f'["{KMS_KEY}"]',
    "environment": '["LOG_LEVEL=debug"]',
    "alarmEmails": '["oncall@example.com", "team@example.com"]',
}

#: The second-service example's stack as 0.4.0 shipped it (``Pulumi.dev.yaml`` at 1e9a338, its
#: ``Pulumi.yaml`` defaults written out, in today's keys), which its URN baseline was recorded from: stack
#: ``dev`` joining the platform's ``dev``. The example now ships ``Pulumi.api-dev.yaml``, a name apart from
#: the platform's (the deployer documents scope by name prefix: ``components.naming.names_apart``), but a
#: user's 0.4.0 stack is still named ``dev`` and must replace nothing when it upgrades, so its run is kept
#: here, read from no stack file. Frozen: never change a value here.
SECOND_SERVICE_0_4_0: dict[str, str] = {
    "aws:region": "us-east-1",
    "platformStack": "acme/graviton-node/dev",
    "desiredCount": "1",
    "pathPattern": "/api",
    "listenerRulePriority": "200",  # 0.4.0's default, which a stack now sets itself
}

#: name -> (stack, overrides, secret keys)
CONFIGS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "dev": ("dev", {}, ()),
    "prod": ("prod", {}, ()),
    "maximal": ("prod", MAXIMAL, MAXIMAL_SECRET_KEYS),
}
#: The programs whose URNs were recorded before the components moved (tests/program/fixtures/urns).
BASELINED = (*CONFIGS, "second-service")
#: Every program run the whole-stack checks walk: the configs above and the examples beside dev.
PROGRAMS = (*BASELINED, "worker")
#: The examples, each a project of its own joining the dev platform through a StackReference.
EXAMPLES = {"second-service": EXAMPLE, "worker": WORKER}
#: Each program's stack: the examples run under the stack files they ship, named apart from the
#: platform's ``dev`` they join.
STACKS = {
    **{name: stack for name, (stack, _, _) in CONFIGS.items()},
    "second-service": "api-dev",
    "worker": "worker-dev",
}


def baselined_run(name: str) -> Run:
    """The program run of one of ``BASELINED`` under the config its URN baseline was recorded with: the
    maximal one as 0.4.0 had it (``MAXIMAL_0_4_0``), the second service as stack ``dev`` with 0.4.0's
    config (``SECOND_SERVICE_0_4_0``), the others as ``run_config``'s."""
    if name == "maximal":
        # With secretValues 0.5.0 needs deployerRoleArn (CHANGELOG, Upgrading a deployed stack), which
        # names no resource.
        return recorded_run("prod", {**MAXIMAL_0_4_0, "deployerRoleArn": DEPLOYER_ROLE}, MAXIMAL_SECRET_KEYS)
    if name == "second-service":
        return _second_service_0_4_0()
    return run_config(name)


@functools.cache
def _second_service_0_4_0() -> Run:
    project = project_name(EXAMPLE)
    config = {key if ":" in key else f"{project}:{key}": value for key, value in SECOND_SERVICE_0_4_0.items()}
    mocks = RecordingMocks(stack_outputs={PLATFORM: run_config("dev").outputs})
    return read_only(run_mocked(main_program(EXAMPLE), config, "dev", mocks, project))


@functools.cache
def run_config(name: str) -> Run:
    """The program run for one of ``PROGRAMS``, shared and read-only as ``recorded_run``'s."""
    if name in EXAMPLES:
        platform = run_config("dev")
        mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
        return read_only(run_program(STACKS[name], mocks=mocks, root=EXAMPLES[name]))
    stack, overrides, secret_keys = CONFIGS[name]
    return recorded_run(stack, overrides, secret_keys)


def recorded_run(
    stack: str = "dev", overrides: Mapping[str, str] | None = None, secret_keys: Iterable[str] = ()
) -> Run:
    """This project's program run once per test process for ``stack`` with ``overrides`` (and
    ``secret_keys`` set as secrets), the recording shared by every test that asks for the same.

    Read-only: its dicts and lists refuse changes (``copy.deepcopy`` of any part gives a changeable copy),
    so no test changes what another sees. A test that changes its run calls ``run_program`` itself."""
    return _recorded(stack, frozenset((overrides or {}).items()), frozenset(secret_keys))


@functools.cache
def _recorded(stack: str, overrides: frozenset[tuple[str, str]], secret_keys: frozenset[str]) -> Run:
    return read_only(run_program(stack, dict(overrides), secret_keys=sorted(secret_keys)))


def _refuse(self: object, *_: object, **__: object) -> NoReturn:
    raise TypeError(f"a shared recorded run is read-only: change a copy.deepcopy of it ({type(self).__name__})")


class ReadOnlyDict(dict[str, Any]):
    """A dict that refuses changes; its copies are plain dicts."""

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {key: copy.deepcopy(value, memo) for key, value in self.items()}


class ReadOnlyList(list[Any]):
    """A list that refuses changes; its copies are plain lists."""

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore[assignment]

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(value, memo) for value in self]


class _Sealed:
    """Refuses changes to its fields once sealed; a ``copy.deepcopy`` of it is a plain, changeable one."""

    _sealed = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sealed:
            _refuse(self)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self._sealed:
            _refuse(self)
        super().__delattr__(name)

    def _seal(self) -> None:
        object.__setattr__(self, "_sealed", True)


class ReadOnlyRegistered(_Sealed, Registered):
    """A recorded resource whose fields refuse changes (``dataclasses.replace`` makes a new one)."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Registered):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(Registered))

    def __deepcopy__(self, memo: dict[int, Any]) -> Registered:
        return Registered(
            **{f.name: copy.deepcopy(getattr(self, f.name), memo) for f in dataclasses.fields(Registered)}
        )


class ReadOnlyMocks(_Sealed, RecordingMocks):
    """A recording whose fields refuse changes (``resources``, ``calls`` and ``answers`` read-only lists)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> RecordingMocks:
        plain = RecordingMocks()
        vars(plain).update(
            {name: copy.deepcopy(value, memo) for name, value in vars(self).items() if name != "_sealed"}
        )
        return plain


class ReadOnlyRun(_Sealed, Run):
    """A run whose fields refuse changes."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Run:
        return Run(mocks=copy.deepcopy(self.mocks, memo), outputs=copy.deepcopy(self.outputs, memo))


def _read_only_value(value: Any) -> Any:
    if isinstance(value, dict):
        return ReadOnlyDict({key: _read_only_value(item) for key, item in value.items()})
    if isinstance(value, list):
        return ReadOnlyList(_read_only_value(item) for item in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _read_only_resource(resource: Registered) -> ReadOnlyRegistered:
    fields = {f.name: _read_only_value(getattr(resource, f.name)) for f in dataclasses.fields(Registered)}
    sealed = ReadOnlyRegistered(**fields)
    sealed._seal()
    return sealed


def read_only(run: Run) -> Run:
    """``run``'s recording, every part of it read-only."""
    mocks = ReadOnlyMocks()
    for name, value in vars(run.mocks).items():
        sealed = ReadOnlyList(map(_read_only_resource, value)) if name == "resources" else _read_only_value(value)
        setattr(mocks, name, sealed)
    mocks._seal()
    sealed_run = ReadOnlyRun(mocks=mocks, outputs=_read_only_value(run.outputs))
    sealed_run._seal()
    return sealed_run
