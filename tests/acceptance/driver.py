"""The acceptance run's logic: an ephemeral stack on real AWS, served without a failed request through
a redeploy, a stopped task and a revert, then destroyed with nothing left behind.

The driver talks to Pulumi only through the few Automation API calls in ``StackApi`` (what
``pulumi.automation.create_stack`` returns satisfies it) and to AWS only through ``AwsApi`` (the AWS
CLI, ``aws_cli.py``), so ``test_driver.py`` runs all of it here against fakes and a local HTTP
server. ``test_acceptance.py`` runs it for real, behind ``gate``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pulumi import automation as auto

from components.edge.alb_rules import autonamed_elb_names
from tests.acceptance.cleanup import (
    RUN_TAG,
    STACK_PREFIX,
    AcceptanceError,
    BackendApi,
    PulumiBackend,
    ServicesApi,
    TaggedApi,
    require_nothing_left,
    sweep,
)

OPT_IN = "GRAVITON_NODE_ACCEPTANCE"
"""Set to 1 to run the acceptance run: it deploys to a real AWS account and costs money."""
SECRETS_PROVIDER = "GRAVITON_NODE_ACCEPTANCE_SECRETS_PROVIDER"
"""Optional ``--secrets-provider`` for the ephemeral stack, e.g. ``awskms://alias/graviton-node-sandbox?region=us-east-1``."""
MARK = "ACCEPTANCE_MARK"
"""Container environment variable whose value the redeploy changes."""
TOOLS = ("aws", "pulumi", "docker")
TASKS = 2
"""The run's ``desiredCount``, where dev runs one: see ``plan``."""


# --- The Automation API calls the driver uses ------------------------------------------------------


class SummaryApi(Protocol):
    @property
    def resource_changes(self) -> Mapping[auto.OpType, int] | None: ...


class UpResultApi(Protocol):
    @property
    def summary(self) -> SummaryApi: ...


class WorkspaceApi(Protocol):
    def remove_stack(self, stack_name: str) -> None: ...


class StackApi(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def workspace(self) -> WorkspaceApi: ...

    def set_all_config(self, config: auto.ConfigMap, *, path: bool = False) -> None: ...

    def up(self, *, on_output: auto.OnOutput | None = None) -> UpResultApi: ...

    def outputs(self) -> Mapping[str, auto.OutputValue]: ...

    def destroy(self, *, on_output: auto.OnOutput | None = None) -> object: ...


def _options(secrets_provider: str | None) -> auto.LocalWorkspaceOptions:
    """Pulumi runs ``uv`` from PATH (Pulumi.yaml: ``toolchain: uv``): the locked one beside this Python
    (``.venv/bin``) comes first, as ``.venv/bin/python -m pytest`` does not put it on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return auto.LocalWorkspaceOptions(secrets_provider=secrets_provider or None, env_vars={"PATH": path})


def pulumi_stacks(root: Path, secrets_provider: str | None) -> Callable[[str], StackApi]:
    """``create_stack`` (never select: a name clash must fail, not adopt someone's stack) in ``root``."""

    def create(name: str) -> StackApi:
        return auto.create_stack(name, work_dir=str(root), opts=_options(secrets_provider))

    return create


def pulumi_backend(root: Path, secrets_provider: str | None) -> BackendApi:
    """The backend's stacks of the project in ``root``, for the sweep of earlier runs' stacks."""
    return PulumiBackend(_options(secrets_provider), root)


# --- The AWS calls the driver uses -----------------------------------------------------------------


class AwsApi(TaggedApi, ServicesApi, Protocol):
    def running_tasks(self, cluster: str, service: str) -> list[str]: ...

    def stop_task(self, cluster: str, task: str, reason: str) -> None: ...

    def wait_task_stopped(self, cluster: str, task: str, timeout: float) -> None: ...

    def wait_service_stable(self, cluster: str, service: str, timeout: float) -> None: ...

    def service_image(self, cluster: str, service: str) -> str: ...


# --- Whether to run at all -------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    action: Literal["run", "skip", "fail"]
    reason: str
    identity: str = ""
    """The caller's ARN (``sts get-caller-identity``) when the run goes ahead."""


def gate(env: Mapping[str, str], *, which: Callable[[str], str | None], caller_identity: Callable[[], str]) -> Gate:
    """Skip unless opted in; once opted in, run or fail loudly — never skip what was asked for.

    AWS is not asked anything unless the run is opted in.
    """
    value = env.get(OPT_IN, "")
    if value in ("", "0"):
        return Gate("skip", f"it deploys to a real AWS account and costs money: set {OPT_IN}=1 to run it")
    if value != "1":
        return Gate("fail", f"{OPT_IN}={value!r}: set it to 1 to run the acceptance run, or unset it")
    missing = [tool for tool in TOOLS if which(tool) is None]
    if missing:
        return Gate("fail", f"{OPT_IN}=1 but {', '.join(missing)} not on PATH (the run needs {', '.join(TOOLS)})")
    try:
        identity = caller_identity()
    except (AcceptanceError, OSError, subprocess.SubprocessError) as error:
        return Gate("fail", f"{OPT_IN}=1 but no usable AWS credentials: {error}")
    return Gate("run", f"as {identity}", identity)


# --- The stack's name and configs ------------------------------------------------------------------


def new_stack_name() -> str:
    """``acc-`` and 10 random hex digits: unique per run, and a name this program accepts."""
    name = STACK_PREFIX + secrets.token_hex(5)
    check_stack_name(name)
    return name


def check_stack_name(name: str) -> None:
    """Raise ``ConfigError`` as ``__main__.py`` would for this stack: its load balancer and target
    group are named after the (lower-cased) stack, and AWS's name rules apply with Pulumi's suffix."""
    stack = name.lower()
    autonamed_elb_names("stack", stack, [f"{stack}-app-tg"], load_balancers=[f"{stack}-web-alb"])


ConfigValues = Mapping[str, str | list[str]]
"""A stack's config as the run sets it: ``project:key`` -> a string, or a list for an array key."""


def _config_value(value: object) -> str | list[str]:
    """A stack-file value as ``pulumi config set`` would store it."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# libyaml's parser where there is one: the tests read these files some forty times.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _project(root: Path) -> str:
    return str(yaml.load((root / "Pulumi.yaml").read_text(), Loader=_LOADER)["name"])


def dev_config(root: Path, region: str | None = None) -> dict[str, str | list[str]]:
    """``Pulumi.dev.yaml``'s values, in ``region`` when one is given."""
    project = _project(root)
    values = yaml.load((root / "Pulumi.dev.yaml").read_text(), Loader=_LOADER)["config"]
    config = {(key if ":" in key else f"{project}:{key}"): _config_value(value) for key, value in values.items()}
    if region:
        config["aws:region"] = region
    return config


@dataclass(frozen=True)
class Plan:
    """The configs the run deploys, each complete (every step sets the same keys)."""

    first: dict[str, str | list[str]]
    """dev, with two tasks and ``ACCEPTANCE_MARK=0``; the revert deploys it again."""
    changed_environment: dict[str, str | list[str]]
    """``first`` with ``ACCEPTANCE_MARK=1``: a new task definition, the same image."""
    other_image: dict[str, str | list[str]]
    """``changed_environment`` built from the other Dockerfile: a different image to revert from."""


def plan(dev: ConfigValues, project: str = "graviton-node") -> Plan:
    def key(name: str) -> str:
        return f"{project}:{name}"

    environment = list(dev.get(key("environment"), []))
    # Two tasks, where dev runs one: with one, stopping it leaves the load balancer no target to send
    # requests to until the replacement is healthy, and zero failed requests cannot hold.
    first = {**dev, key("desiredCount"): str(TASKS), key("environment"): [*environment, f"{MARK}=0"]}
    changed = {**first, key("environment"): [*environment, f"{MARK}=1"]}
    dockerfile = dev.get(key("dockerfile"), "Dockerfile")
    other = "Dockerfile" if dockerfile == "Dockerfile.graviton" else "Dockerfile.graviton"
    return Plan(first=first, changed_environment=changed, other_image={**changed, key("dockerfile"): other})


def sandbox_boundary_arn(caller: str, project: str = "graviton-node") -> str:
    """The permissions boundary of every role a run creates: one policy, ``<project>-boundary-acc-sandbox``,
    which the sandbox account's owner creates once (docs/ci.md) in the caller's account and partition.
    Each run's stack is new, so the default, ``<project>-boundary-<stack>``, would name a policy that
    does not exist; the sandbox role's deployer policy, filled in for ``acc-*``, takes this name."""
    parts = caller.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not re.fullmatch(r"\d{12}", parts[4]):
        raise AcceptanceError(f"the caller {caller!r} is no ARN with an account: cannot name the sandbox boundary")
    return f"arn:{parts[1]}:iam::{parts[4]}:policy/{project}-boundary-{STACK_PREFIX}sandbox"


def run_config(root: Path, region: str, caller: str) -> dict[str, str | list[str]]:
    """``Pulumi.dev.yaml``'s values in ``region``, with the sandbox's boundary for the run's roles."""
    project = _project(root)
    return {**dev_config(root, region), f"{project}:permissionsBoundaryArn": sandbox_boundary_arn(caller, project)}


def config_map(config: ConfigValues) -> auto.ConfigMap:
    """Keys for ``set_all_config(path=True)``: a list becomes ``key[0]``, ``key[1]``, … so that the stack
    file holds an array. The CLI checks each value against Pulumi.yaml's declared type, and a JSON
    string is no array to it (pulumi/pulumi ``sdk/go/common/workspace/project.go``,
    ``ValidateConfigValue``)."""
    entries: dict[str, auto.ConfigValue] = {}
    for name, value in config.items():
        if isinstance(value, list):
            entries.update({f"{name}[{index}]": auto.ConfigValue(value=item) for index, item in enumerate(value)})
        else:
            entries[name] = auto.ConfigValue(value=value)
    return entries


def tag_config(stack: str) -> auto.ConfigMap:
    """The provider's default tags (a path): every resource the run creates carries ``RUN_TAG=<stack>``,
    which is what the leftover check looks for, beside the program's own tags (``graviton-node:stack``)."""
    return {f"aws:defaultTags.tags.{RUN_TAG}": auto.ConfigValue(value=stack)}


# --- HTTP: the health wait and the request stream --------------------------------------------------


def _get(url: str, timeout: float) -> tuple[int | None, str, bytes]:
    """Status (None when nothing answered), a one-line description, and the body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, f"{response.status}", response.read()
    except urllib.error.HTTPError as error:
        return error.code, f"{error.code} {error.reason}", b""
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return None, f"no answer: {reason}", b""


def wait_for_health(url: str, *, timeout: float, interval: float, request_timeout: float) -> None:
    """Poll ``url`` until it answers 200, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        status, detail, _ = _get(url, request_timeout)
        if status == 200:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise AcceptanceError(f"{url} did not answer 200 within {timeout:g} s (last: {detail})")
        time.sleep(min(interval, left))


@dataclass
class StreamResult:
    sent: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    """The first failures, each with its time since the stream started."""
    instances: set[str] = field(default_factory=set)
    """Tasks that answered (the app's ``instance``, random per process): more than the task count shows
    tasks were replaced."""
    exhausted: bool = False
    """True when the stream hit its own bound before it was stopped: the steps were not all covered."""


class RequestStream:
    """GETs against ``url`` from a background thread, one every ``interval`` seconds, counting every
    answer other than 200; bounded by ``max_seconds`` and ``max_requests`` so it always ends."""

    KEPT_FAILURES = 20

    def __init__(
        self, url: str, *, interval: float, request_timeout: float, max_seconds: float, max_requests: int
    ) -> None:
        self.url = url
        self._interval = interval
        self._timeout = request_timeout
        self._max_seconds = max_seconds
        self._max_requests = max_requests
        self._stop = threading.Event()
        self._result = StreamResult()
        self._thread = threading.Thread(target=self._loop, name="request-stream", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def ended(self, timeout: float) -> bool:
        """Whether the stream reached its own bound within ``timeout`` seconds."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> StreamResult:
        self._stop.set()
        self._thread.join()
        return self._result

    def _loop(self) -> None:
        started = time.monotonic()
        result = self._result
        while not self._stop.is_set():
            if result.sent >= self._max_requests or time.monotonic() - started >= self._max_seconds:
                result.exhausted = True
                return
            status, detail, body = _get(self.url, self._timeout)
            result.sent += 1
            if status != 200:
                result.failed += 1
                if len(result.failures) < self.KEPT_FAILURES:
                    result.failures.append(f"+{time.monotonic() - started:.1f}s: {detail}")
            else:
                result.instances.add(_instance(body))
            self._stop.wait(self._interval)


def _instance(body: bytes) -> str:
    try:
        return str(json.loads(body).get("instance", "?"))
    except (ValueError, AttributeError):
        return "?"


# --- Checks ----------------------------------------------------------------------------------------


def require_no_changes(changes: Mapping[Any, int] | None) -> None:
    """An ``up`` right after an ``up`` must change nothing: its summary holds only ``same``."""
    changed = {str(getattr(op, "value", op)): count for op, count in (changes or {}).items() if count}
    changed.pop("same", None)
    if changes is None or changed:
        raise AcceptanceError(f"a second `up` with nothing changed was not a no-op: {changed or 'no summary'}")


def image_tag(image_ref: str) -> str:
    """``repo:build-<hash>@sha256:<digest>`` -> ``build-<hash>`` (what was built: docker/ and the settings)."""
    return image_ref.split("@", 1)[0].rsplit(":", 1)[1]


def image_digest(image_ref: str) -> str:
    return image_ref.split("@", 1)[1] if "@" in image_ref else ""


# --- The run ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Timing:
    """Every wait of the run is bounded."""

    health_timeout: float = 900.0
    """A new load balancer's DNS name can take minutes to resolve."""
    health_interval: float = 10.0
    request_interval: float = 0.25
    request_timeout: float = 10.0
    stream_max_seconds: float = 100 * 60.0
    """Longer than the workflow's timeout: the stream never runs out before the steps do."""
    stream_max_requests: int = 30_000
    leftover_timeout: float = 600.0
    leftover_interval: float = 30.0
    exercise_deadline: float = 50 * 60.0
    """From the run's start (the sweep included), after which no step starts and every wait ends: the
    run goes to its teardown. The job's timeout is 90 minutes (acceptance.yml); after the deadline an
    ``up`` under way still runs to its end (the Automation API's ``up`` has no timeout; about 10
    minutes for the first deploy, README), then the destroy (about 6) and the leftover check (10 at
    most), which leaves the steps before the run (install, builder) some 14 minutes."""


@dataclass
class Report:
    stack: str
    steps: list[tuple[str, float]] = field(default_factory=list)
    """(step, seconds it took)."""
    first_image: str = ""
    other_image: str = ""
    reverted_image: str = ""
    stopped_task: str = ""
    stream: StreamResult | None = None

    def lines(self) -> list[str]:
        lines = [f"stack {self.stack}"]
        lines += [f"  {step}: {seconds / 60:.1f} min" for step, seconds in self.steps]
        lines.append(f"  total: {sum(seconds for _, seconds in self.steps) / 60:.1f} min")
        if self.stream:
            lines.append(f"  requests: {self.stream.sent} sent, {self.stream.failed} failed, "
                         f"{len(self.stream.instances)} tasks answered")  # fmt: skip
        lines.append(f"  first image {self.first_image}, other {self.other_image}, reverted {self.reverted_image}")
        same = image_digest(self.first_image) == image_digest(self.reverted_image)
        lines.append(f"  revert: same tag, {'same' if same else 'a new'} digest (a rebuild need not be bit-identical)")
        return lines


class Driver:
    """One acceptance run. ``run`` sweeps earlier runs' stacks, and always destroys what it deployed,
    whatever failed before; past ``Timing.exercise_deadline`` it goes straight to the destroy."""

    def __init__(
        self,
        *,
        create_stack: Callable[[str], StackApi],
        backend: BackendApi,
        aws: AwsApi,
        dev: ConfigValues,
        timing: Timing | None = None,
        log: Callable[[str], object] = print,
        stack_name: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._create = create_stack
        self._backend = backend
        self._aws = aws
        self._plan = plan(dev)
        self._timing = timing or Timing()
        self._log = log
        self._name = stack_name or new_stack_name()
        check_stack_name(self._name)
        self.report = Report(stack=self._name)
        self._clock = clock
        self._deadline = clock() + self._timing.exercise_deadline

    def run(self) -> Report:
        self._deadline = self._clock() + self._timing.exercise_deadline
        sweep(self._backend, self._aws, keep=self._name, log=self._log)
        self._log(f"== creating stack {self._name}")
        stack = self._create(self._name)
        try:
            self._exercise(stack)
        finally:
            self._teardown(stack)
        return self.report

    def _left(self, before: str) -> float:
        """The time left until the deadline, never none: past it, the run goes to its destroy rather
        than start ``before`` (a step, or a wait that would have no time to wait)."""
        left = self._deadline - self._clock()
        if left <= 0:
            raise AcceptanceError(
                f"the run passed its deadline ({self._timing.exercise_deadline / 60:g} min) before {before!r}: "
                "it destroys now, so that the destroy ends within the workflow's timeout"
            )
        return left

    @contextlib.contextmanager
    def _step(self, name: str) -> Iterator[None]:
        self._left(name)
        self._log(f"== {name}")
        started = time.monotonic()
        yield
        self.report.steps.append((name, time.monotonic() - started))

    def _up(self, stack: StackApi, config: ConfigValues) -> tuple[UpResultApi, dict[str, Any]]:
        stack.set_all_config(config_map(config), path=True)
        result = stack.up(on_output=self._log)
        return result, {name: output.value for name, output in stack.outputs().items()}

    def _exercise(self, stack: StackApi) -> None:
        timing, report = self._timing, self.report
        stack.set_all_config(tag_config(self._name), path=True)
        with self._step("deploy the dev config"):
            first = self._up(stack, self._plan.first)[1]
            report.first_image = first["image_ref"]
        cluster, service, url = first["cluster_name"], first["service_name"], first["url"].rstrip("/")
        health = url + first["environment"].get("HEALTH_CHECK_PATH", "/health")
        with self._step(f"wait for {health}"):
            timeout = min(timing.health_timeout, self._left(f"wait for {health}"))
            wait_for_health(health, timeout=timeout, interval=timing.health_interval,
                            request_timeout=timing.request_timeout)  # fmt: skip
        stream = RequestStream(
            url + "/",
            interval=timing.request_interval,
            request_timeout=timing.request_timeout,
            max_seconds=timing.stream_max_seconds,
            max_requests=timing.stream_max_requests,
        )
        stream.start()
        try:
            self._serve_through_changes(stack, first, cluster, service)
        finally:
            report.stream = stream.stop()
        self._require_the_stream_saw_it_all(report.stream)

    def _serve_through_changes(self, stack: StackApi, first: Mapping[str, Any], cluster: str, service: str) -> None:
        with self._step("redeploy with a changed environment"):
            self._redeploy(stack, cluster, service)
        # A scheduler stop: ECS waits for the target's deregistration before SIGTERM. A Spot interruption
        # may not (docs/decisions.md, "Stopping a task"): this does not prove one loses no request.
        with self._step("stop one task (a scheduler stop, StopTask)"):
            self._stop_one_task(cluster, service)
        with self._step("up again changes nothing"):
            require_no_changes(self._up(stack, self._plan.changed_environment)[0].summary.resource_changes)
        # Two steps, one `up` each: the deadline is checked before each.
        with self._step("deploy another image"):
            self._deploy_other_image(stack, first)
        with self._step("revert to the first image"):
            self._revert(stack, first, cluster, service)

    def _redeploy(self, stack: StackApi, cluster: str, service: str) -> None:
        outputs = self._up(stack, self._plan.changed_environment)[1]
        if outputs["environment"].get(MARK) != "1":
            raise AcceptanceError(f"the redeploy did not reach the task: {MARK}={outputs['environment'].get(MARK)}")
        self._aws.wait_service_stable(cluster, service, self._left("the wait for the redeployed service"))

    def _stop_one_task(self, cluster: str, service: str) -> None:
        tasks = sorted(self._aws.running_tasks(cluster, service))
        if len(tasks) < 2:
            raise AcceptanceError(f"{len(tasks)} task(s) running: stopping one needs another to serve meanwhile")
        self.report.stopped_task = tasks[0]
        self._aws.stop_task(cluster, tasks[0], "graviton-node acceptance run: a scheduler stop")
        self._aws.wait_task_stopped(cluster, tasks[0], self._left("the wait for the stopped task"))
        self._aws.wait_service_stable(cluster, service, self._left("the wait for the replacement task"))

    def _deploy_other_image(self, stack: StackApi, first: Mapping[str, Any]) -> None:
        other = self._up(stack, self._plan.other_image)[1]["image_ref"]
        self.report.other_image = other
        if image_tag(other) == image_tag(first["image_ref"]):
            raise AcceptanceError(f"the other Dockerfile built the same tag {image_tag(other)}: nothing to revert")

    def _revert(self, stack: StackApi, first: Mapping[str, Any], cluster: str, service: str) -> None:
        reverted = self._up(stack, self._plan.first)[1]
        self.report.reverted_image = reverted["image_ref"]
        if image_tag(reverted["image_ref"]) != image_tag(first["image_ref"]):
            raise AcceptanceError(f"the revert built {reverted['image_ref']}, not the first {first['image_ref']}")
        if reverted["environment"] != first["environment"]:
            raise AcceptanceError("the revert's container environment differs from the first deploy's")
        self._aws.wait_service_stable(cluster, service, self._left("the wait for the reverted service"))
        running = self._aws.service_image(cluster, service)
        if running != reverted["image_ref"]:
            raise AcceptanceError(f"the service runs {running}, not the reverted image {reverted['image_ref']}")

    def _require_the_stream_saw_it_all(self, result: StreamResult) -> None:
        if result.exhausted:
            raise AcceptanceError(f"the request stream hit its bound after {result.sent} requests, before the end")
        if result.sent == 0 or result.failed:
            raise AcceptanceError(
                f"{result.failed} of {result.sent} requests failed during the redeploys and the stopped task: "
                + "; ".join(result.failures)
            )
        # The redeploys replace every task: more tasks answered than run at once, or the stream did not
        # reach the new ones.
        if len(result.instances) <= TASKS:
            raise AcceptanceError(
                f"{len(result.instances)} task(s) answered the stream, {TASKS} run at once: it never reached "
                "a replaced task"
            )

    def _teardown(self, stack: StackApi) -> None:
        self._log(f"== destroy {self._name}")
        started = time.monotonic()
        try:
            stack.destroy(on_output=self._log)
        except Exception as error:
            raise AcceptanceError(
                f"destroy failed; stack {self._name} is kept so that `pulumi destroy --stack {self._name}` "
                f"(or the next run's sweep) can finish it: {error}"
            ) from error
        stack.workspace.remove_stack(self._name)
        require_nothing_left(self._aws, stack=self._name, timeout=self._timing.leftover_timeout,
                             interval=self._timing.leftover_interval)  # fmt: skip
        self.report.steps.append(("destroy and check nothing is left", time.monotonic() - started))
