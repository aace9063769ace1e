"""The acceptance driver, run here against a fake of the Automation API calls it makes, a fake AWS and
a real HTTP server on 127.0.0.1 that can be made to fail: no AWS account, no Pulumi CLI."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore import xform_name
from pulumi import automation as auto

from components.errors import ConfigError
from components.naming import name_form, stack_hash
from tests.acceptance import driver
from tests.acceptance.aws_cli import DELETE_TASK_DEFINITIONS_MAX, LOOKUPS, AwsCli, arn_kind
from tests.acceptance.cleanup import pending_creates, require_nothing_left
from tests.acceptance.driver import (
    MARK,
    OPT_IN,
    RUN_TAG,
    AcceptanceError,
    ConfigValues,
    Driver,
    RequestStream,
    Timing,
    check_stack_name,
    dev_config,
    gate,
    plan,
    require_no_changes,
    run_config,
    sandbox_boundary_arn,
    wait_for_health,
)
from tests.models import aws_api, iam
from tests.models.iam import Request
from tests.program.deploy_requests import Program
from tests.program.stacks import read_only
from tools.deployer_policy import DEPLOYER, document, fill
from tools.offline import ACCOUNT, REGION, ROOT, main_program, run_mocked, stack_config

#: The run's waits, short: the fake app answers at once, so a timeout is only ever waited out by a test
#: that expects it to pass (a service never healthy, a resource left), each of which pays it in full.
#: The one test that needs the leftover poll to outlast a few polls sets its own, longer timeout.
FAST = Timing(
    health_timeout=0.1,
    health_interval=0.02,
    request_interval=0.005,
    request_timeout=2.0,
    stream_max_seconds=60.0,
    stream_max_requests=100_000,
    leftover_timeout=0.05,
    leftover_interval=0.01,
)
STACK = "acc-0123456789"
TASK_DEF = f"arn:aws:ecs:us-east-1:123456789012:task-definition/{STACK}-app-task-1a2b3c4:1"
LOAD_BALANCER = f"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/{STACK}-web-alb-1a2b3c4/50dc6c"


# --- A stand-in for the service behind the load balancer ---------------------------------------------


class App:
    """Answers ``/`` and ``/health`` with ``status`` and ``health``, from two tasks in turn; counts what
    it served. ``replace_tasks`` stands for a rollout: two new tasks answer from then on."""

    def __init__(self) -> None:
        self.generation = 0
        self.status = 200
        self.health = 200
        self.served = 0
        self.failures_served = 0
        self.url = ""

    def replace_tasks(self) -> None:
        """Once anything was served (the first deploy is no replacement), wait until both new tasks
        answered, as a real rollout lasts while the stream runs (a bounded wait)."""
        self.generation += 1
        start, deadline = self.served, time.monotonic() + 5
        while start > 0 and self.served - start < 2 and time.monotonic() < deadline:
            time.sleep(0.005)

    def instance(self) -> str:
        return f"task-{self.generation}{'ab'[self.served % 2]}"

    def fail_until_served(self, count: int, status: int = 502) -> None:
        """Answer ``status`` until ``count`` such answers went out, then recover (a bounded wait)."""
        self.status, start = status, self.failures_served
        deadline = time.monotonic() + 5
        while self.failures_served - start < count and time.monotonic() < deadline:
            time.sleep(0.005)
        self.status = 200


@pytest.fixture
def app() -> Iterator[App]:
    state = App()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = state.health if self.path == "/health" else state.status
            body = json.dumps({"instance": state.instance()}).encode()
            state.served += 1
            if status != 200:
                state.failures_served += 1
            self.send_response(status)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


# --- Fakes of the Automation API calls and of AWS -----------------------------------------------------


@dataclass
class FakeSummary:
    resource_changes: dict[auto.OpType, int] | None


@dataclass
class FakeUpResult:
    summary: FakeSummary


@dataclass
class FakeWorkspace:
    removed: list[str] = field(default_factory=list)

    def remove_stack(self, stack_name: str) -> None:
        self.removed.append(stack_name)


UNCHANGED = {auto.OpType.SAME: 20}
UPDATED = {auto.OpType.SAME: 18, auto.OpType.UPDATE: 2}


class FakeStack:
    """What ``create_stack`` returns, as far as the driver uses it: outputs follow the config set."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.workspace = FakeWorkspace()
        self.url = url
        self.config: dict[str, str] = {}
        self.calls: list[str] = []
        self.ups = 0
        self.on_up: dict[int, Callable[[], None]] = {}
        """Called during the n-th ``up`` (1-based), as if the update were under way."""
        self.changes: dict[int, dict[auto.OpType, int]] = {3: UNCHANGED}
        self.destroy_error: Exception | None = None
        self.rollout: Callable[[], None] = lambda: None
        """Called after every ``up``: the service's tasks are replaced."""
        self._builds = 0

    def set_all_config(self, config: auto.ConfigMap, *, path: bool = False) -> None:
        # Keys such as environment[0] mean an array item only as a path; the run sets every key so.
        assert path, "set without path=True"
        self.config.update({key: value.value for key, value in config.items()})
        self.calls.append("config")

    def up(self, *, on_output: auto.OnOutput | None = None) -> FakeUpResult:
        self.ups += 1
        self.calls.append(f"up {self.ups}")
        if on_output:
            on_output(f"Updating ({self.name})\n")
        if hook := self.on_up.get(self.ups):
            hook()
        self._builds += 1
        self.rollout()
        return FakeUpResult(FakeSummary(self.changes.get(self.ups, UPDATED)))

    def outputs(self) -> Mapping[str, auto.OutputValue]:
        dockerfile = self.config["graviton-node:dockerfile"]
        tag = "build-" + hashlib.sha256(dockerfile.encode()).hexdigest()[:12]
        # Every build gets a new digest: a rebuild need not be bit-identical.
        digest = hashlib.sha256(f"{dockerfile}{self._builds}".encode()).hexdigest()
        items = sorted((int(k.split("[")[1][:-1]), v) for k, v in self.config.items() if "environment[" in k)
        environment = dict(item.split("=", 1) for _, item in items)
        values = {
            "url": self.url,
            "image_ref": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{self.name}-app-repo:{tag}@sha256:{digest}",
            "cluster_name": f"{self.name}-app-cluster",
            "service_name": f"{self.name}-app-svc",
            "environment": {**environment, "HEALTH_CHECK_PATH": "/health"},
        }
        return {name: auto.OutputValue(value, secret=False) for name, value in values.items()}

    def destroy(self, *, on_output: auto.OnOutput | None = None) -> object:
        self.calls.append("destroy")
        if self.destroy_error:
            raise self.destroy_error
        return None


class FakeAws:
    def __init__(self, stack: FakeStack, *, tasks: int = 2) -> None:
        self.stack = stack
        self.tasks = [f"arn:aws:ecs:us-east-1:123456789012:task/{STACK}/{n:032x}" for n in range(tasks)]
        self.calls: list[str] = []
        self.tagged: list[list[str]] = [[]]
        """What the tagging API answers for this run's tag, poll by poll (the last answer repeats)."""
        self.earlier: dict[str, str] = {}
        """What it answers besides: ARN -> an earlier run's stack."""
        self.gone: set[str] = set()
        """ARNs the tagging API lists whose own service no longer describes them."""
        self.statuses: dict[str, str] = {}
        self.deleted: list[str] = []
        self.refused: dict[str, str] = {}
        self.roles: list[str] = []
        self.services: set[str] = set()
        """ECS services AWS has, whatever a stack's state tracks."""

    def delete_service(self, arn: str) -> None:
        self.calls.append(f"delete service {arn}")
        self.services.discard(arn)
        self.gone.add(arn)

    def running_tasks(self, cluster: str, service: str) -> list[str]:
        return list(self.tasks)

    def stop_task(self, cluster: str, task: str, reason: str) -> None:
        self.calls.append(f"stop {task}")

    def wait_task_stopped(self, cluster: str, task: str, timeout: float) -> None:
        assert timeout > 0
        self.calls.append(f"stopped {task}")

    def wait_service_stable(self, cluster: str, service: str, timeout: float) -> None:
        assert timeout > 0
        self.calls.append("stable")

    def service_image(self, cluster: str, service: str) -> str:
        return self.stack.outputs()["image_ref"].value

    def tagged_resources(self, key: str) -> dict[str, str]:
        assert key == RUN_TAG
        own = self.tagged.pop(0) if len(self.tagged) > 1 else self.tagged[0]
        return {**dict.fromkeys(own, self.stack.name), **self.earlier}

    def resource_exists(self, arn: str) -> bool:
        self.calls.append(f"describe {arn}")
        return arn not in self.gone

    def task_definition_status(self, arn: str) -> str | None:
        return self.statuses.get(arn, "INACTIVE")

    def delete_task_definitions(self, arns: Sequence[str]) -> dict[str, str]:
        accepted = [arn for arn in arns if arn not in self.refused]
        self.deleted += accepted
        self.statuses.update(dict.fromkeys(accepted, "DELETE_IN_PROGRESS"))
        return {arn: self.refused[arn] for arn in arns if arn in self.refused}

    def roles_named(self, prefix: str) -> list[str]:
        return [role for role in self.roles if role.split("/")[-1].startswith(prefix)]


@dataclass
class FakeBackend:
    """The backend's stacks: names, and what was done to each, in order."""

    names: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    destroy_error: Exception | None = None
    pending: dict[str, dict[str, str]] = field(default_factory=dict)
    """Stack -> its state's pending creates, URN -> type."""
    services: set[str] = field(default_factory=set)
    """The ECS services AWS has (``FakeAws.services``): while any exists, the cluster will not delete."""

    def stack_names(self) -> list[str]:
        return list(self.names)

    def pending_creates(self, name: str) -> dict[str, str]:
        return dict(self.pending.get(name, {}))

    def clear_pending_creates(self, name: str, on_output: Callable[[str], object]) -> None:
        self.calls.append(f"clear pending creates {name}")
        self.pending.pop(name, None)

    def cancel(self, name: str) -> None:
        self.calls.append(f"cancel {name}")

    def destroy(self, name: str, on_output: Callable[[str], object]) -> None:
        self.calls.append(f"destroy {name}")
        if self.services:
            raise RuntimeError("ClusterContainsServicesException: the cluster contains services")
        if self.destroy_error:
            raise self.destroy_error

    def remove(self, name: str) -> None:
        self.calls.append(f"remove {name}")
        self.names.remove(name)


@pytest.fixture
def stack(app: App) -> FakeStack:
    fake = FakeStack(STACK, app.url)
    fake.rollout = app.replace_tasks
    return fake


@pytest.fixture
def aws(stack: FakeStack) -> FakeAws:
    return FakeAws(stack)


def driver_for(
    stack: FakeStack,
    aws: FakeAws,
    backend: FakeBackend | None = None,
    timing: Timing = FAST,
    clock: Callable[[], float] = time.monotonic,
) -> Driver:
    """A driver over the fakes; its ``report`` holds what it found, also when ``run`` raised."""
    return Driver(create_stack=lambda name: stack, backend=backend or FakeBackend(), aws=aws, dev=dev_config(ROOT),
                  timing=timing, log=lambda line: None, stack_name=stack.name, clock=clock)  # fmt: skip


@dataclass
class FakeClock:
    """The deadline's clock: still, until a test moves it on."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def passes(self, seconds: float) -> Callable[[], None]:
        def advance() -> None:
            self.now += seconds

        return advance


# --- Whether to run ------------------------------------------------------------------------------


def never_asked() -> str:
    raise AssertionError("AWS was asked although the run is not opted in")


def found(tool: str) -> str:
    return f"/usr/bin/{tool}"


@pytest.mark.parametrize("env", [{}, {OPT_IN: ""}, {OPT_IN: "0"}])
def test_without_the_opt_in_the_run_is_skipped_and_aws_is_never_asked(env: dict[str, str]) -> None:
    decision = gate(env, which=found, caller_identity=never_asked)
    assert decision.action == "skip"
    assert f"{OPT_IN}=1" in decision.reason


def test_opted_in_without_aws_credentials_the_run_fails_and_says_why() -> None:
    def no_credentials() -> str:
        raise AcceptanceError("`aws sts get-caller-identity` failed: Unable to locate credentials")

    decision = gate({OPT_IN: "1"}, which=found, caller_identity=no_credentials)
    assert decision.action == "fail"
    assert "no usable AWS credentials" in decision.reason and "Unable to locate credentials" in decision.reason


def test_opted_in_without_the_tools_the_run_fails_naming_them() -> None:
    decision = gate({OPT_IN: "1"}, which=lambda tool: None if tool in ("aws", "docker") else found(tool),
                    caller_identity=never_asked)  # fmt: skip
    assert decision.action == "fail"
    assert "aws, docker not on PATH" in decision.reason


def test_an_opt_in_value_other_than_1_fails_rather_than_guessing() -> None:
    decision = gate({OPT_IN: "yes"}, which=found, caller_identity=never_asked)
    assert decision.action == "fail"
    assert "'yes'" in decision.reason


def test_opted_in_with_the_tools_and_credentials_the_run_goes_ahead() -> None:
    decision = gate({OPT_IN: "1"}, which=found, caller_identity=lambda: "arn:aws:sts::123456789012:assumed-role/x")
    assert decision.action == "run"


def _pytest_acceptance(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real acceptance test as CI runs it, with stub tools on PATH: an ``aws`` that finds no credentials."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    no_credentials = "echo 'Unable to locate credentials. You can configure credentials by running aws configure.' >&2"
    stubs = {"aws": f"{no_credentials}\nexit 253\n", "pulumi": "exit 0\n", "docker": "exit 0\n"}
    for name, script in stubs.items():
        (bin_dir / name).write_text("#!/bin/sh\n" + script)
        (bin_dir / name).chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GRAVITON_NODE_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-rs", "tests/acceptance/test_acceptance.py"],
        cwd=ROOT, env={**clean, "PATH": f"{bin_dir}:/usr/bin:/bin", **env}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_the_acceptance_test_opted_in_without_credentials_fails_instead_of_skipping(tmp_path: Path) -> None:
    """(Without the opt-in it is skipped: the normal suite runs it.)"""
    result = _pytest_acceptance(tmp_path, {OPT_IN: "1"})
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout[-2000:]
    assert "no usable AWS credentials" in result.stdout and "Unable to locate credentials" in result.stdout


# --- The stack's name and configs, against the program itself ------------------------------------


def program_run(name: str, config: ConfigValues) -> Any:
    """``__main__.py`` under mocks as stack ``name`` with ``config`` over Pulumi.yaml's defaults (an
    array as the CLI hands it to the program: JSON)."""
    strings = {key: json.dumps(value) if isinstance(value, list) else value for key, value in config.items()}
    return run_mocked(main_program(), {**stack_config("dev"), **strings}, stack=name)


SANDBOX_CALLER = f"arn:aws:sts::{ACCOUNT}:assumed-role/graviton-node-sandbox/GitHubActions"


@functools.cache
def sandbox_run() -> Any:
    """The program run as a run's first deploy in the sandbox: made once for the tests that read it, and
    read-only (``tests/program/stacks.py``), so none can change what another sees."""
    return read_only(program_run(STACK, plan(run_config(ROOT, REGION, SANDBOX_CALLER)).first))


def test_every_role_of_a_run_carries_the_boundary_docs_ci_has_the_sandbox_owner_create() -> None:
    """A run's stack is new each time, so the default boundary, ``<project>-boundary-<stack>``, would
    name a policy that does not exist and the first role would fail: the run names the one policy
    docs/ci.md creates once, in the caller's account and partition."""
    created = re.findall(r"--policy-name (graviton-node-boundary-acc-\S+)", (ROOT / "docs" / "ci.md").read_text())
    assert len(created) == 1
    run_ = sandbox_run()
    boundaries = {r.inputs["permissionsBoundary"] for r in run_.mocks.resources if r.type == "aws:iam/role:Role"}
    assert boundaries == {f"arn:aws:iam::{ACCOUNT}:policy/{created[0]}"}


def test_the_sandbox_deployer_filled_in_for_every_run_allows_every_call_of_a_runs_deploy() -> None:
    """docs/ci.md: the sandbox role's permissions are the deployer policy filled in for ``acc-*``."""
    run_ = sandbox_run()
    statements = [s for name in DEPLOYER for s in document(name)["Statement"]]
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "acc-*"}
    sandbox = fill({"Version": "2012-10-17", "Statement": statements}, values)
    asked = list(Program((run_,)).all_requests())
    assert asked

    def allowed(r: Request) -> bool:
        context = {"aws:PrincipalArn": SANDBOX_CALLER, **r.context}
        return iam.verdict([sandbox], Request(r.action, r.resource, context)) == "Allow"

    assert [f"{who}: {r.action} on {r.resource}" for who, r in asked if not allowed(r)] == []


@pytest.mark.parametrize(
    ("project", "stack"),
    [
        ("graviton-node", "eu-acc-2"),  # "-acc-" inside another stack's name
        ("graviton-node", "uat-acc"),
        ("graviton-node-api", "acc-1"),  # another project starting with this one's name
        ("graviton-node", "prod"),
        ("graviton-node", "acc-1"),  # a run's own stack
    ],
)
def test_the_sandbox_deployer_reaches_no_family_or_dashboard_but_those_of_this_projects_acc_stacks(
    project: str, stack: str
) -> None:
    """IAM's ``*`` matches any run of characters, ``-`` included: the hash of a pattern of stacks is one
    ``?`` a digit, so ``acc-*`` stays anchored after the project and its hash."""
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "acc-*"}
    sandbox = fill({"Version": "2012-10-17", "Statement": [s for n in DEPLOYER for s in document(n)["Statement"]]},
                   values)  # fmt: skip
    prefix = f"{name_form(project)}-{stack_hash(project, stack)}-{stack}-app"
    family = Request("ecs:RegisterTaskDefinition", f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{prefix}:1", {})
    dashboard = Request(
        "cloudwatch:DeleteDashboards", f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{prefix}-monitoring-{REGION}", {}
    )
    own = project == "graviton-node" and stack.startswith("acc-")
    assert [iam.verdict([sandbox], r) == "Allow" for r in (family, dashboard)] == [own, own]


@pytest.mark.parametrize(
    ("caller", "partition"),
    [
        (f"arn:aws-us-gov:sts::{ACCOUNT}:assumed-role/r/s", "aws-us-gov"),
        (f"arn:aws-cn:iam::{ACCOUNT}:user/c", "aws-cn"),
    ],
)
def test_the_sandbox_boundary_is_in_the_callers_partition_and_account(caller: str, partition: str) -> None:
    assert sandbox_boundary_arn(caller) == f"arn:{partition}:iam::{ACCOUNT}:policy/graviton-node-boundary-acc-sandbox"


def test_a_caller_that_is_no_arn_with_an_account_is_an_error_not_a_guessed_boundary() -> None:
    with pytest.raises(AcceptanceError, match="no ARN with an account"):
        sandbox_boundary_arn("AIDAEXAMPLE")


def test_a_generated_stack_name_is_unique_and_the_program_accepts_it() -> None:
    names = {driver.new_stack_name() for _ in range(20)}
    assert len(names) == 20
    name = names.pop()
    run_ = program_run(name, plan(dev_config(ROOT)).first)
    assert run_.mocks.one("aws:lb/loadBalancer:LoadBalancer").name == f"{name}-web-alb"


@pytest.mark.parametrize(
    "name",
    ["acc-0123456789abc", "acc_0123", "internal-abc", "-acc-0123"],
    ids=["17 characters", "an underscore", "internal- first", "a hyphen first"],
)
def test_a_stack_name_the_program_refuses_is_refused_before_anything_is_deployed(name: str, stack: FakeStack) -> None:
    with pytest.raises(ConfigError) as ours:
        check_stack_name(name)
    with pytest.raises(ConfigError) as programs:
        program_run(name, {})
    assert (ours.value.key, ours.value.allowed) == (programs.value.key, programs.value.allowed)
    with pytest.raises(ConfigError):
        Driver(create_stack=lambda _: stack, backend=FakeBackend(), aws=FakeAws(stack), dev=dev_config(ROOT),
               stack_name=name)  # fmt: skip
    assert stack.calls == []


def _task_environment(run_: Any) -> dict[str, str]:
    (task,) = run_.mocks.inputs_of("aws:ecs/taskDefinition:TaskDefinition")
    (container,) = json.loads(task["containerDefinitions"])
    return {item["name"]: item["value"] for item in container["environment"]}


def _image_tag(run_: Any) -> str:
    image = run_.mocks.find("docker-build:index:Image", f"{STACK}-app-image")
    return image.inputs["tags"][0].rsplit(":", 1)[1]


def _pulumi_accepts(declared: str, value: str | list[str]) -> bool:
    """The CLI's check of a stack value against Pulumi.yaml's declared type, before any program runs
    (pulumi/pulumi ``sdk/go/common/workspace/project.go``, ``ValidateConfigValue``): a string for
    string, a string that parses as an integer for integer, "true"/"false" for boolean, an array
    (not a string holding JSON) for array<string>. An array is set item by item as a path, and the
    CLI stores a path's "true", "false" or integer as a boolean or number (``pulumi config set``
    docs), which is no string item."""
    if declared == "array":
        coerced = re.compile(r"[+-]?\d+|true|false")
        return isinstance(value, list) and all(isinstance(i, str) and not coerced.fullmatch(i) for i in value)
    if not isinstance(value, str):
        return False
    if declared == "integer":
        return re.fullmatch(r"[+-]?\d+", value) is not None
    if declared == "boolean":
        return value in ("true", "false")
    return declared == "string"


def test_every_value_the_run_sets_passes_the_clis_check_against_pulumi_yamls_types() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    declared = {f"{project['name']}:{key}": spec["type"] for key, spec in project["config"].items()}
    steps = plan(dev_config(ROOT))
    for config in (steps.first, steps.changed_environment, steps.other_image):
        for key, value in config.items():
            if key in declared:
                assert _pulumi_accepts(declared[key], value), (key, value)
    assert not _pulumi_accepts("array", '["ACCEPTANCE_MARK=0"]'), "JSON in a string is no array to the CLI"
    assert not _pulumi_accepts("array", ["443"]), "a path's integer is stored as a number"


def test_an_array_is_set_item_by_item_as_a_path() -> None:
    entries = driver.config_map({"graviton-node:environment": ["A=1", "B=2"], "graviton-node:cpu": "512"})
    assert {key: value.value for key, value in entries.items()} == {
        "graviton-node:environment[0]": "A=1", "graviton-node:environment[1]": "B=2", "graviton-node:cpu": "512"
    }  # fmt: skip


def test_every_config_the_run_deploys_is_one_the_program_accepts_and_the_revert_rebuilds_the_first_tag() -> None:
    steps = plan(dev_config(ROOT))
    first, changed, other = (program_run(STACK, c) for c in (steps.first, steps.changed_environment, steps.other_image))
    assert [_task_environment(r)[MARK] for r in (first, changed, other)] == ["0", "1", "1"]
    assert {s["desiredCount"] for r in (first, changed) for s in r.mocks.inputs_of("aws:ecs/service:Service")} == {2}
    # The first image and the other one differ; deploying the first config again is the revert.
    assert _image_tag(first) == _image_tag(changed) != _image_tag(other)
    assert steps.first["graviton-node:dockerfile"] == "Dockerfile.graviton"
    assert steps.other_image["graviton-node:dockerfile"] == "Dockerfile"


# --- HTTP ----------------------------------------------------------------------------------------


def test_the_health_wait_gives_up_after_its_timeout_and_names_the_last_answer(app: App) -> None:
    app.health = 503
    started = time.monotonic()
    with pytest.raises(AcceptanceError, match=r"did not answer 200 within 0.1 s \(last: 503"):
        wait_for_health(f"{app.url}/health", timeout=0.1, interval=0.02, request_timeout=1)
    assert 0.1 <= time.monotonic() - started < 2


def test_the_health_wait_returns_once_the_service_answers(app: App) -> None:
    app.health = 503
    threading.Timer(0.2, lambda: setattr(app, "health", 200)).start()
    wait_for_health(f"{app.url}/health", timeout=3, interval=0.02, request_timeout=1)
    assert app.served > 1


def test_the_health_wait_counts_nothing_listening_as_not_healthy_yet() -> None:
    with pytest.raises(AcceptanceError, match="no answer"):
        wait_for_health("http://127.0.0.1:9/health", timeout=0.05, interval=0.01, request_timeout=0.5)


def test_the_request_stream_stops_at_its_own_bound_and_says_so(app: App) -> None:
    stream = RequestStream(f"{app.url}/", interval=0.0, request_timeout=1, max_seconds=10, max_requests=5)
    stream.start()
    # The stream ends by itself at its bound; counting the server's answers instead races its last one.
    assert stream.ended(timeout=5)
    result = stream.stop()
    assert (result.sent, result.failed, result.exhausted, result.instances) == (5, 0, True, {"task-0a", "task-0b"})


# --- The run -------------------------------------------------------------------------------------


def test_a_run_deploys_redeploys_stops_a_task_checks_for_no_changes_reverts_and_destroys(
    stack: FakeStack, aws: FakeAws, app: App
) -> None:
    aws.tagged = [[TASK_DEF]]
    report = driver_for(stack, aws).run()
    assert stack.calls == ["config", *[c for n in range(1, 6) for c in ("config", f"up {n}")], "destroy"]
    assert stack.config[f"aws:defaultTags.tags.{RUN_TAG}"] == STACK
    assert stack.workspace.removed == [STACK]
    assert aws.calls[1:3] == [f"stop {aws.tasks[0]}", f"stopped {aws.tasks[0]}"]
    assert report.stream is not None and report.stream.sent > 0 and report.stream.failed == 0
    assert report.first_image.split("@")[0] == report.reverted_image.split("@")[0] != report.other_image.split("@")[0]
    assert aws.deleted == [TASK_DEF]  # deregistered by destroy, deleted by the run
    assert [step for step, _ in report.steps][-1] == "destroy and check nothing is left"


def test_a_failed_request_during_the_redeploy_fails_the_run_and_it_still_destroys(
    stack: FakeStack, aws: FakeAws, app: App
) -> None:
    stack.on_up[2] = lambda: app.fail_until_served(2)
    acceptance = driver_for(stack, aws)
    with pytest.raises(AcceptanceError, match=r"of \d+ requests failed.*502"):
        acceptance.run()
    assert acceptance.report.stream is not None and acceptance.report.stream.failed >= 2
    assert stack.calls[-1] == "destroy" and stack.workspace.removed == [STACK]


def test_an_up_that_changes_something_right_after_an_up_fails_the_no_change_check(
    stack: FakeStack, aws: FakeAws
) -> None:
    stack.changes[3] = {auto.OpType.SAME: 19, auto.OpType.UPDATE: 1}
    with pytest.raises(AcceptanceError, match=r"was not a no-op: \{'update': 1\}"):
        driver_for(stack, aws).run()
    assert stack.calls[-1] == "destroy" and stack.workspace.removed == [STACK]


@pytest.mark.parametrize(
    ("changes", "no_op"),
    [({"same": 30}, True), ({"same": 30, "create": 0}, True), ({}, True), ({"same": 29, "replace": 1}, False),
     (None, False)],
)  # fmt: skip
def test_only_a_summary_of_same_resources_is_no_change(changes: dict[str, int] | None, no_op: bool) -> None:
    if no_op:
        require_no_changes(changes)
    else:
        with pytest.raises(AcceptanceError):
            require_no_changes(changes)


def test_destroy_runs_even_when_the_first_deploy_fails(stack: FakeStack, aws: FakeAws) -> None:
    def refused() -> None:
        raise RuntimeError("CreateLoadBalancer: AccessDenied")

    stack.on_up[1] = refused
    with pytest.raises(RuntimeError, match="AccessDenied"):
        driver_for(stack, aws).run()
    assert stack.calls == ["config", "config", "up 1", "destroy"]
    assert stack.workspace.removed == [STACK]


def test_destroy_runs_when_the_service_never_gets_healthy(stack: FakeStack, aws: FakeAws, app: App) -> None:
    app.health = 503
    with pytest.raises(AcceptanceError, match="did not answer 200"):
        driver_for(stack, aws).run()
    assert stack.calls[-1] == "destroy"


def test_stopping_a_task_needs_a_second_one_to_serve_meanwhile(stack: FakeStack, app: App) -> None:
    aws = FakeAws(stack, tasks=1)
    with pytest.raises(AcceptanceError, match="1 task"):
        driver_for(stack, aws).run()
    assert not any(call.startswith("stop ") for call in aws.calls)
    assert stack.calls[-1] == "destroy"


def test_when_destroy_fails_the_stack_is_kept_and_the_error_says_how_to_finish(stack: FakeStack, aws: FakeAws) -> None:
    stack.destroy_error = RuntimeError("DependencyViolation")
    with pytest.raises(AcceptanceError, match=rf"stack {STACK} is kept.*pulumi destroy --stack {STACK}"):
        driver_for(stack, aws).run()
    assert stack.workspace.removed == []


def test_something_still_tagged_after_destroy_fails_the_run_and_names_it(stack: FakeStack, aws: FakeAws) -> None:
    aws.tagged = [[LOAD_BALANCER, TASK_DEF]]
    with pytest.raises(AcceptanceError, match=rf"1 resource\(s\) remain.*of stack {STACK}: {LOAD_BALANCER}"):
        driver_for(stack, aws).run()
    assert stack.workspace.removed == [STACK]


def test_an_iam_role_named_after_the_stack_counts_as_left_behind(stack: FakeStack, aws: FakeAws) -> None:
    aws.roles = [f"arn:aws:iam::123456789012:role/{STACK}-app-exec-role-1a2b3c4", "arn:aws:iam::1:role/other"]
    with pytest.raises(AcceptanceError, match=rf"role/{STACK}-app-exec-role"):
        driver_for(stack, aws).run()


def test_a_resource_the_tagging_api_still_lists_for_a_while_after_destroy_is_waited_for(
    stack: FakeStack, aws: FakeAws
) -> None:
    aws.tagged = [[LOAD_BALANCER], [LOAD_BALANCER], []]
    # Ample for three polls on a loaded machine; the run returns at the poll that finds nothing.
    driver_for(stack, aws, timing=replace(FAST, leftover_timeout=5.0)).run()


def test_an_active_task_definition_after_destroy_is_left_behind(stack: FakeStack, aws: FakeAws) -> None:
    aws.tagged, aws.statuses = [[TASK_DEF]], {TASK_DEF: "ACTIVE"}
    with pytest.raises(AcceptanceError, match="task-definition"):
        driver_for(stack, aws).run()
    assert aws.deleted == []


def test_a_stream_that_never_reached_a_replaced_task_fails_the_run(stack: FakeStack, aws: FakeAws) -> None:
    stack.rollout = lambda: None
    with pytest.raises(AcceptanceError, match=r"\d task\(s\) answered the stream, 2 run at once"):
        driver_for(stack, aws).run()
    assert stack.calls[-1] == "destroy"


def test_past_its_deadline_the_run_starts_no_further_step_and_destroys(stack: FakeStack, aws: FakeAws) -> None:
    stack.on_up[1] = lambda: time.sleep(0.3)
    with pytest.raises(AcceptanceError, match=r"passed its deadline .* before 'wait for"):
        driver_for(stack, aws, timing=replace(FAST, exercise_deadline=0.2)).run()
    assert stack.calls == ["config", "config", "up 1", "destroy"]
    assert stack.workspace.removed == [STACK]


def test_a_deadline_passed_during_the_other_images_deploy_leaves_the_revert_undeployed(
    stack: FakeStack, aws: FakeAws
) -> None:
    clock = FakeClock()
    stack.on_up[4] = clock.passes(FAST.exercise_deadline)
    with pytest.raises(AcceptanceError, match=r"passed its deadline .* before 'revert to the first image'"):
        driver_for(stack, aws, clock=clock).run()
    assert stack.calls[-2:] == ["up 4", "destroy"]
    assert stack.workspace.removed == [STACK]


def test_a_deadline_passed_during_a_deploy_skips_the_wait_after_it_rather_than_wait_zero_seconds(
    stack: FakeStack, aws: FakeAws
) -> None:
    clock = FakeClock()
    stack.on_up[2] = clock.passes(FAST.exercise_deadline)
    with pytest.raises(AcceptanceError, match=r"passed its deadline .* before 'the wait for the redeployed service'"):
        driver_for(stack, aws, clock=clock).run()
    assert "stable" not in aws.calls  # FakeAws refuses a wait of no time
    assert stack.calls[-2:] == ["up 2", "destroy"]


EARLIER = "acc-aaaaaaaaaa"


def test_a_stack_an_earlier_run_left_is_unlocked_destroyed_and_removed_before_the_new_stack_is_created(
    stack: FakeStack, aws: FakeAws
) -> None:
    backend = FakeBackend(names=["dev", EARLIER])

    def create(name: str) -> FakeStack:
        backend.calls.append(f"create {name}")
        return stack

    Driver(create_stack=create, backend=backend, aws=aws, dev=dev_config(ROOT), timing=FAST, log=lambda line: None,
           stack_name=STACK).run()  # fmt: skip
    assert backend.calls == [f"cancel {EARLIER}", f"destroy {EARLIER}", f"remove {EARLIER}", f"create {STACK}"]
    assert backend.names == ["dev"]


def test_a_stack_an_earlier_run_left_that_will_not_destroy_stops_the_run_before_it_deploys(
    stack: FakeStack, aws: FakeAws
) -> None:
    backend = FakeBackend(names=[EARLIER], destroy_error=RuntimeError("DependencyViolation"))
    with pytest.raises(AcceptanceError, match=rf"stack {EARLIER}, left by an earlier run, did not destroy"):
        driver_for(stack, aws, backend).run()
    assert stack.calls == [] and backend.names == [EARLIER]


EARLIER_SERVICE = f"arn:aws:ecs:us-east-1:123456789012:service/{EARLIER}-app-cluster/{EARLIER}-app-svc"
PENDING_SERVICE = f"urn:pulumi:{EARLIER}::graviton-node::aws:ecs/service:Service::{EARLIER}-app-svc"


def test_a_service_an_earlier_run_was_killed_creating_is_deleted_by_its_tag_before_that_stack_is_destroyed(
    stack: FakeStack, aws: FakeAws
) -> None:
    backend = FakeBackend(names=[EARLIER], pending={EARLIER: {PENDING_SERVICE: "aws:ecs/service:Service"}})
    stale = EARLIER_SERVICE.replace("app-svc", "old-svc")  # deleted long ago, still listed by the tagging API
    load_balancer = LOAD_BALANCER.replace(STACK, EARLIER)
    aws.earlier = dict.fromkeys([EARLIER_SERVICE, stale, load_balancer], EARLIER)
    backend.services = aws.services = {EARLIER_SERVICE}
    aws.gone = {stale, load_balancer}  # the load balancer: what the sweep's destroy deletes
    driver_for(stack, aws, backend).run()
    assert [call for call in aws.calls if call.startswith("delete")] == [f"delete service {EARLIER_SERVICE}"]
    assert backend.calls == [f"cancel {EARLIER}", f"clear pending creates {EARLIER}", f"destroy {EARLIER}",
                             f"remove {EARLIER}"]  # fmt: skip


def test_a_pending_create_of_another_kind_stops_the_run_naming_it_and_the_cleanup_by_tag(
    stack: FakeStack, aws: FakeAws
) -> None:
    urn = f"urn:pulumi:{EARLIER}::graviton-node::aws:lb/targetGroup:TargetGroup::app-tg"
    backend = FakeBackend(names=[EARLIER], pending={EARLIER: {urn: "aws:lb/targetGroup:TargetGroup"}})
    with pytest.raises(AcceptanceError, match=rf"{re.escape(urn)}.*tag {RUN_TAG}={EARLIER}.*--clear-pending-creates"):
        driver_for(stack, aws, backend).run()
    assert stack.calls == [] and backend.calls == [f"cancel {EARLIER}"]


def test_only_a_creating_operation_of_an_exported_state_is_a_pending_create() -> None:
    def operation(kind: str, urn: str) -> dict[str, Any]:
        return {"resource": {"urn": urn, "type": "aws:ecs/service:Service", "custom": True}, "type": kind}

    deployment = {"resources": [], "pending_operations": [operation("creating", PENDING_SERVICE),
                                                          operation("updating", "urn:other")]}  # fmt: skip
    assert pending_creates(deployment) == {PENDING_SERVICE: "aws:ecs/service:Service"}
    assert pending_creates({"resources": []}) == {}


def test_a_resource_the_tagging_api_lists_but_its_service_no_longer_describes_is_not_left(
    stack: FakeStack, aws: FakeAws
) -> None:
    aws.tagged, aws.gone = [[LOAD_BALANCER]], {LOAD_BALANCER}
    driver_for(stack, aws).run()
    assert f"describe {LOAD_BALANCER}" in aws.calls


def test_a_resource_an_earlier_run_left_fails_the_run_and_names_that_run(stack: FakeStack, aws: FakeAws) -> None:
    aws.earlier = {LOAD_BALANCER.replace(STACK, EARLIER): EARLIER}
    with pytest.raises(AcceptanceError, match=rf"left by an earlier run: .*{EARLIER}-web-alb.*\({RUN_TAG}={EARLIER}\)"):
        driver_for(stack, aws).run()


def test_a_task_definition_ecs_refuses_to_delete_is_left(stack: FakeStack, aws: FakeAws) -> None:
    aws.tagged, aws.refused = [[TASK_DEF]], {TASK_DEF: "refused"}
    with pytest.raises(AcceptanceError, match=r"DeleteTaskDefinitions refused: refused"):
        driver_for(stack, aws).run()


@pytest.mark.parametrize("failures", [f'[["{TASK_DEF}", "refused", null]]', "[]"], ids=["refused", "accepted"])
def test_a_task_definition_still_inactive_after_its_deletion_is_left(failures: str) -> None:
    """The reviewer's shape: DeleteTaskDefinitions answers 200 (with ``failures`` or without), and the
    revision stays INACTIVE poll after poll."""

    def run(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        answers = {"get-resources": f'[["{TASK_DEF}", "{STACK}"]]', "describe-task-definition": '"INACTIVE"',
                   "delete-task-definitions": failures}  # fmt: skip
        return subprocess.CompletedProcess(argv, 0, answers.get(argv[2], "[]"), "")

    with pytest.raises(AcceptanceError, match=re.escape(TASK_DEF)):
        require_nothing_left(AwsCli("us-east-1", run=run), stack=STACK, timeout=0.05, interval=0.01)


# --- The AWS CLI calls, against botocore's models ---------------------------------------------------

GLOBAL_OPTIONS = {"--region", "--output", "--no-cli-pager", "--query"}


@pytest.fixture(scope="module", autouse=True)
def _shared_only_while_this_module_runs() -> Iterator[None]:
    """The shared sandbox run is let go when the module ends: kept for the rest of the process, its many
    objects would slow every later garbage collection of the worker."""
    yield
    sandbox_run.cache_clear()


def _check_against_the_models(argv: list[str]) -> str:
    """``aws <service> <operation> --param value…`` (or ``aws <service> wait <waiter> …``) names an
    operation of botocore's model, and every parameter is a member of its input (CLI: kebab-case).
    Returns ``<service>:<Operation>``."""
    assert argv[0] == "aws"
    # botocore is untyped, and its cached properties confuse the type checker.
    service: Any = aws_api.service(argv[1])
    if argv[2] == "wait":
        waiters: Any = aws_api.waiters(argv[1])
        (waiter,) = [name for name in waiters.waiter_names if xform_name(name, "-") == argv[3]]
        operation: Any = service.operation_model(waiters.get_waiter(waiter).operation)
        rest = argv[4:]
    else:
        (name,) = [name for name in service.operation_names if xform_name(name, "-") == argv[2]]
        operation = service.operation_model(name)
        rest = argv[3:]
    members = {f"--{xform_name(member, '-')}": member for member in operation.input_shape.members}
    given = {token for token in rest if token.startswith("--")}
    assert given - GLOBAL_OPTIONS <= members.keys(), f"{argv}: not in {operation.name}: {given - members.keys()}"
    required = {f"--{xform_name(member, '-')}" for member in operation.input_shape.required_members}
    assert required <= given, f"{argv}: {operation.name} requires {required - given}"
    return f"{argv[1]}:{operation.name}"


_ELB = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
SAMPLES = {
    ("elasticloadbalancing", "loadbalancer"): LOAD_BALANCER,
    ("elasticloadbalancing", "listener"): f"{_ELB}:listener/app/{STACK}-web-alb-1a2b3c4/50dc6c/f2f7dc",
    ("elasticloadbalancing", "listener-rule"): f"{_ELB}:listener-rule/app/{STACK}-web-alb-1a2b3c4/50dc6c/f2f7dc/9683b2",
    ("elasticloadbalancing", "targetgroup"): f"{_ELB}:targetgroup/{STACK}-app-tg-1a2b3c4/73e2d6",
    ("ecs", "cluster"): f"arn:aws:ecs:us-east-1:123456789012:cluster/{STACK}-app-cluster",
    ("ecs", "service"): f"arn:aws:ecs:us-east-1:123456789012:service/{STACK}-app-cluster/{STACK}-app-svc",
    ("ecs", "task"): f"arn:aws:ecs:us-east-1:123456789012:task/{STACK}-app-cluster/0123456789abcdef0123456789abcdef",
    ("logs", "log-group"): f"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/{STACK}-app",
    ("ecr", "repository"): f"arn:aws:ecr:us-east-1:123456789012:repository/{STACK}-app-repo",
    ("ec2", "security-group"): "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0",
    ("ec2", "security-group-rule"): "arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-0123456789abcdef0",
    ("events", "rule"): f"arn:aws:events:us-east-1:123456789012:rule/{STACK}-app-rule",
    ("lambda", "function"): f"arn:aws:lambda:us-east-1:123456789012:function:{STACK}-app-fn",
    ("cloudwatch", "alarm"): f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{STACK}-app-alarm",
}
"""An ARN of every kind the leftover check looks up, as the tagging API spells it."""


class RecordingRunner:
    def __init__(self, answer: str = '"x"', returncode: int = 0, stderr: str = "") -> None:
        self.argvs: list[list[str]] = []
        self._answer, self._code, self._stderr = answer, returncode, stderr

    def __call__(self, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
        self.argvs.append(argv)
        return subprocess.CompletedProcess(argv, self._code, self._answer, self._stderr)


def every_aws_cli_call() -> list[list[str]]:
    runner = RecordingRunner()
    cli = AwsCli("eu-west-1", run=runner)
    cli.caller_identity()
    cli.running_tasks("c", "s")
    cli.stop_task("c", "t", "why")
    cli.wait_task_stopped("c", "t", 900)
    cli.wait_service_stable("c", "s", 900)
    cli.service_image("c", "s")
    cli.delete_service(SAMPLES[("ecs", "service")])
    listing = RecordingRunner("[]")  # the tagging API answers pairs
    listing.argvs = runner.argvs
    AwsCli("eu-west-1", run=listing).tagged_resources(RUN_TAG)
    cli.task_definition_status(TASK_DEF)
    cli.delete_task_definitions([TASK_DEF])
    cli.roles_named(f"{STACK}-")
    for arn in [*SAMPLES.values(), "arn:aws:events:us-east-1:123456789012:rule/a-bus/a-rule"]:
        cli.resource_exists(arn)
    return runner.argvs


def test_every_aws_cli_call_names_an_operation_and_parameters_of_botocores_models() -> None:
    argvs = every_aws_cli_call()
    assert len(argvs) == 13 + len(LOOKUPS) + 1
    for argv in argvs:
        _check_against_the_models(argv)
        assert argv[argv.index("--region") + 1] == "eu-west-1"


#: The IAM service prefix of a CLI service where they differ (Service Authorization Reference).
IAM_PREFIX = {"resourcegroupstaggingapi": "tag", "elbv2": "elasticloadbalancing"}


def test_the_sandbox_roles_documented_permissions_cover_every_aws_call_of_the_run() -> None:
    """docs/ci.md's extra statement for the sandbox role, beside the deployer policy: each operation
    authorizes the IAM action of the same name (sts:GetCallerIdentity needs none)."""
    text = (ROOT / "docs" / "ci.md").read_text()
    (block,) = re.findall(r"```json\n(\{ \"Sid\": \"AcceptanceRunChecks\".*?)```", text, re.DOTALL)
    documented = set(json.loads(block)["Action"])
    needed = set()
    for argv in every_aws_cli_call():
        service, operation = _check_against_the_models(argv).split(":")
        needed.add(f"{IAM_PREFIX.get(service, service)}:{operation}")
    assert needed - {"sts:GetCallerIdentity"} == documented


def test_task_definitions_are_deleted_ten_at_a_time() -> None:
    runner = RecordingRunner("[]")
    AwsCli("us-east-1", run=runner).delete_task_definitions([f"{TASK_DEF[:-1]}{n}" for n in range(1, 24)])
    batches = [argv[argv.index("--task-definitions") + 1 : argv.index("--query")] for argv in runner.argvs]
    assert [len(batch) for batch in batches] == [DELETE_TASK_DEFINITIONS_MAX, DELETE_TASK_DEFINITIONS_MAX, 3]


def test_a_task_definition_ecs_no_longer_knows_has_no_status_but_a_denied_call_is_an_error() -> None:
    gone = RecordingRunner("", 254, "An error occurred (ClientException) ... Unable to describe task definition.")
    assert AwsCli("us-east-1", run=gone).task_definition_status(TASK_DEF) is None
    denied = RecordingRunner("", 254, "An error occurred (AccessDeniedException) when calling DescribeTaskDefinition")
    with pytest.raises(AcceptanceError, match="AccessDenied"):
        AwsCli("us-east-1", run=denied).task_definition_status(TASK_DEF)


def test_every_kind_the_leftover_check_looks_up_has_a_sample_arn_of_that_kind() -> None:
    assert sorted(LOOKUPS) == sorted(SAMPLES)
    assert all(arn_kind(arn) == kind for kind, arn in SAMPLES.items())


@pytest.mark.parametrize("kind", sorted(LOOKUPS), ids="/".join)
def test_each_lookups_not_found_code_is_one_botocore_declares_for_its_operation(kind: tuple[str, str]) -> None:
    lookup = LOOKUPS[kind]
    runner = RecordingRunner("[]")
    AwsCli("us-east-1", run=runner).resource_exists(SAMPLES[kind])
    service, operation = _check_against_the_models(runner.argvs[0]).split(":")
    model: Any = aws_api.service(service).operation_model(operation)
    codes = {shape.metadata.get("error", {}).get("code", shape.name) for shape in model.error_shapes}
    assert lookup.not_found is None or lookup.not_found in codes


def test_a_resource_its_service_answers_not_found_for_is_gone_and_any_other_error_is_an_error() -> None:
    gone = RecordingRunner("", 254, "An error occurred (LoadBalancerNotFound) when calling DescribeLoadBalancers")
    assert AwsCli("us-east-1", run=gone).resource_exists(LOAD_BALANCER) is False
    assert AwsCli("us-east-1", run=RecordingRunner("[]")).resource_exists(SAMPLES[("ecs", "cluster")]) is False
    assert AwsCli("us-east-1", run=RecordingRunner(f'["{LOAD_BALANCER}"]')).resource_exists(LOAD_BALANCER) is True
    denied = RecordingRunner("", 254, "An error occurred (AccessDenied) when calling DescribeLoadBalancers")
    with pytest.raises(AcceptanceError, match="AccessDenied"):
        AwsCli("us-east-1", run=denied).resource_exists(LOAD_BALANCER)


def test_a_task_the_tagging_api_lists_counts_only_until_it_is_stopped() -> None:
    task = SAMPLES[("ecs", "task")]
    runner = RecordingRunner("[]")  # what the query leaves of a STOPPED task, or of a MISSING one
    assert AwsCli("us-east-1", run=runner).resource_exists(task) is False
    assert "tasks[?lastStatus!='STOPPED'].taskArn" in runner.argvs[0]
    assert AwsCli("us-east-1", run=RecordingRunner(f'["{task}"]')).resource_exists(task) is True


def test_a_kind_the_check_cannot_look_up_counts_as_found() -> None:
    runner = RecordingRunner("[]")
    assert AwsCli("us-east-1", run=runner).resource_exists("arn:aws:sns:us-east-1:123456789012:topic") is True
    assert runner.argvs == []


def test_an_iam_role_an_earlier_run_left_is_named_with_that_run(stack: FakeStack, aws: FakeAws) -> None:
    aws.roles = [f"arn:aws:iam::123456789012:role/{EARLIER}-app-exec-role-1a2b3c4"]
    with pytest.raises(AcceptanceError, match=rf"left by an earlier run: .*role/{EARLIER}-app-exec.*={EARLIER}\)"):
        driver_for(stack, aws).run()
