"""Check any image against the container contract the infrastructure relies on (docs/app-contract.md).

    .venv/bin/python tools/check_image.py IMAGE_REF [--platform linux/arm64] [--port 8080] [--health-path /ready]
    .venv/bin/python tools/check_image.py --stack dev [--set KEY=VALUE ...]   # build the stack's own image, check it

With ``--stack`` the container is the stack's own, as the program registers it (evaluated offline, as
``tools/run_local.py`` does): its environment (``NODE_OPTIONS``, ``BASE_PATH``, the heap ceiling of its
memory, ...), user, read-only root and writable paths, with secrets as placeholders; without IMAGE_REF
it first builds the stack's image from its ``dockerContext`` and ``dockerfile``. Without ``--stack`` it
is the container the program registers for a default service on ``--port`` and ``--health-path``.

It runs the image as the task definition would — that environment with the drain and finish shortened,
the task's user, read-only root, an init process, a fresh volume at each writable path — and probes each
point: arm64 and glibc, node for the health check, every native module (``.node``) built for the
platform, listening on ``PORT``, health 200, the task's own health-check command, each writable path
declared with ``VOLUME`` and writable by uid 1000 (and /dev/shm, writable in every container), a
kept-alive connection still answering after 7 s idle (past Node's default keep-alive), and during
SIGTERM: health 503, ``connection: close`` on a kept-alive connection, no failed request, exit 0 inside
the (shortened) stop timeout. Needs a Docker engine that can run the platform. Prints one PASS/FAIL line
per point; exits 1 when any fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tools.venv_guard  # noqa: F401  (first: under another Python, it says how to run this)
from components.errors import ConfigError
from components.service.container_definition import container_definition
from components.service.service_spec import HealthCheck, ServiceSpec
from tools.contract_probes import IDLE_SECONDS, KeptAlive, Shutdown, get, reused_after_idle, under_load
from tools.image_build import docker, exported_files
from tools.native_modules import foreign_modules
from tools.offline import StackFileError
from tools.plan import PlanError, report, stack_run
from tools.run_local import (
    build_args,
    container_args,
    container_environment,
    engine_problem,
    given_secrets,
    secret_options,
    size_args,
    stack_build_secrets,
    task_of,
)

#: Drain and finish shortened 1:20 (45 s -> 2.25 s, 70 s -> 3.5 s): 6 s stands for stopTimeout's 120 s.
SHORTENED = {"DRAIN_DELAY_MS": "2250", "SHUTDOWN_TIMEOUT_MS": "3500"}
STOP_TIMEOUT_SECONDS = 6


def task_container(port: int, health_path: str, writable_paths: tuple[str, ...] = ()) -> dict:
    """The container definition the program registers for a service on ``port`` with ``health_path``."""
    spec = ServiceSpec(container_port=port, health_check=HealthCheck(path=health_path), writable_paths=writable_paths)
    return container_definition(spec, image="image", log_group="check", region="us-east-1")


def task_environment(definition: dict) -> dict[str, str]:
    """The environment the checked container gets: the task's (secrets as placeholders), drain shortened."""
    return container_environment(shortened(definition))


def shortened(definition: dict) -> dict:
    """``definition`` with the drain and finish shortened (``SHORTENED``), all else as the task has it."""
    given = {item["name"]: item["value"] for item in definition.get("environment") or []}
    environment = given | SHORTENED
    return definition | {"environment": [{"name": name, "value": value} for name, value in environment.items()]}


def port_and_health(definition: dict) -> tuple[int, str]:
    """The container's port and health path, as the task definition tells the app."""
    health = next(item["value"] for item in definition["environment"] if item["name"] == "HEALTH_CHECK_PATH")
    return definition["portMappings"][0]["containerPort"], health


def start(ref: str, platform: str, definition: dict, size: Sequence[str] = ()) -> tuple[str, int]:
    """Run ``ref`` as the task runs ``definition``, within ``size`` (``run_local.size_args``: the task's,
    with ``--stack``); return the container and the host port of ``PORT``."""
    port = definition["portMappings"][0]["containerPort"]
    args = ["run", "-d", "--platform", platform, "-p", f"127.0.0.1::{port}", *size]
    args += container_args(shortened(definition))
    container = docker(*args, ref).stdout.strip()
    return container, int(docker("port", container, f"{port}/tcp").stdout.split(":")[-1])


def wait_healthy(container: str, port: int, path: str, seconds: float = 60) -> bool:
    """True once ``path`` answers 200; False after ``seconds``, or at once if the container has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(port, path) == 200:
                return True
        except OSError:
            state = docker("inspect", "--format", "{{.State.Running}}", container, check=False).stdout.strip()
            if state != "true":
                return False
        time.sleep(0.3)
    return False


@dataclass(frozen=True)
class ContainerShutdown(Shutdown):
    """What the client sees, and how the container ended."""

    exit_code: int
    seconds: float


def sigterm_under_load(
    container: str, port: int, health_path: str, during: Callable[[], None] = lambda: None
) -> ContainerShutdown:
    """``docker kill --signal TERM`` during a steady request stream (``contract_probes.under_load``)."""
    signalled: list[float] = []

    def signal() -> None:
        signalled.append(time.monotonic())
        docker("kill", "--signal", "TERM", container)

    outcome = under_load(port, health_path, signal, during, drain_seconds=int(SHORTENED["DRAIN_DELAY_MS"]) / 1000)
    code = int(docker("wait", container, timeout=STOP_TIMEOUT_SECONDS + 30).stdout.strip())
    seen = {field.name: getattr(outcome, field.name) for field in fields(outcome)}
    return ContainerShutdown(**seen, exit_code=code, seconds=time.monotonic() - signalled[0])


def writable(ref: str, container: str, paths: tuple[str, ...]) -> list[tuple[str, bool, str]]:
    """Each writable path declared with VOLUME and writable by the task's user: on Fargate the bind mount
    is root's, mode 0755, unless the image declares the path, whose content, owner and mode ECS then copies
    in (components/service/writable_paths.py)."""
    inspected = docker("image", "inspect", "--format", "{{json .Config.Volumes}}", ref, check=False).stdout.strip()
    declared = set(json.loads(inspected or "null") or {})
    results = []
    for path in paths:
        results.append((f"declares VOLUME {path} (else Fargate mounts it root-owned, 0755)", path in declared,
                        ", ".join(sorted(declared)) or "no VOLUME"))  # fmt: skip
        probe = f'f="{path}/.check-image" && touch "$f" && rm "$f"'
        wrote = docker("exec", container, "sh", "-c", probe, check=False)
        results.append((f"uid 1000 can write to {path}", wrote.returncode == 0, wrote.stderr.strip()[-200:]))
    return results


#: Writable in every container beside the writable paths: the runtime's default shared-memory tmpfs
#: (containerd oci/spec.go's default Unix spec: mode 1777, 64 MiB, noexec), which Fargate does not let a
#: task resize (botocore ecs ``LinuxParameters.sharedMemorySize``) and Docker mounts alike.
SHARED_MEMORY = "/dev/shm"


def shared_memory(container: str) -> tuple[str, bool, str]:
    """Whether uid 1000 can write to /dev/shm, as it can on Fargate: reported so that what the app may
    write is seen whole (docs/app-contract.md, "Where the app may write")."""
    probe = f'f="{SHARED_MEMORY}/.check-image" && touch "$f" && rm "$f"'
    wrote = docker("exec", container, "sh", "-c", probe, check=False)
    what = f"uid 1000 can write to {SHARED_MEMORY} too, as on Fargate (the runtime's 64 MiB noexec tmpfs)"
    return what, wrote.returncode == 0, wrote.stderr.strip()[-200:]


def image_points(ref: str, platform: str) -> list[tuple[str, bool, str]]:
    """What the image is: its architecture and libc, node on its PATH and its native modules' CPU."""
    probe = "uname -m; ls /lib/ld-musl-* >/dev/null 2>&1 && echo musl || echo glibc; command -v node || echo no-node"
    ran = docker("run", "--rm", "--platform", platform, "--entrypoint", "sh", ref, "-c", probe, check=False)
    machine, libc, node = [*ran.stdout.split(), "", "", ""][:3]
    return [
        ("image runs as linux/arm64 (the task runs ARM64)", machine == "aarch64", machine or ran.stderr.strip()[-200:]),
        ("glibc, not musl (MALLOC_ARENA_MAX is a glibc tunable)", libc == "glibc", libc),
        ("node on PATH (the task's health check runs node)", node.startswith("/"), node),
        native_modules_point(ref, platform),
    ]


def native_modules_point(ref: str, platform: str) -> tuple[str, bool, str]:
    """Every ``.node`` file Node may load is an ELF for the platform's CPU: read from the image, not loaded,
    since an app may load one only on the request that needs it (tools/native_modules.py)."""
    files = exported_files(ref, platform, (".node",))
    foreign = foreign_modules(files, platform)
    what = f"every native module (.node, {len(files)} found) is built for {platform}"
    return what, not foreign, "; ".join(f"{path}: {kind}" for path, kind in sorted(foreign.items()))[:500]


def stop_points(container: str, port: int, health_path: str) -> list[tuple[str, bool, str]]:
    """What the ALB and ECS see when the task is stopped under load."""
    outcome = sigterm_under_load(container, port, health_path)
    within = outcome.exit_code == 0 and outcome.seconds < STOP_TIMEOUT_SECONDS
    return [
        ("SIGTERM: health answers 503 while draining", outcome.draining_health == 503, str(outcome.draining_health)),
        ("SIGTERM: a kept-alive connection is answered with connection: close while draining",
         outcome.draining_connection == "close", outcome.draining_connection or "no Connection header"),
        ("SIGTERM: no request fails while draining", outcome.failures == [], ", ".join(outcome.failures)[:200]),
        (f"SIGTERM: exits 0 inside the stop timeout ({STOP_TIMEOUT_SECONDS} s for 120 s)", within,
         f"exit {outcome.exit_code} after {outcome.seconds:.1f} s"),
    ]  # fmt: skip


def check(ref: str, platform: str, definition: dict, size: Sequence[str] = ()) -> list[tuple[str, bool, str]]:
    """Every point of the contract as (what, passed, detail), the image run as the task runs ``definition``
    (within ``size``, as ``start``)."""
    results = image_points(ref, platform)
    if not results[0][1]:
        return results
    port, health_path = port_and_health(definition)
    paths = tuple(mount["containerPath"] for mount in definition.get("mountPoints") or [])
    container, host_port = start(ref, platform, definition, size)
    try:
        healthy = wait_healthy(container, host_port, health_path)
        results.append((f"listens on PORT={port}, {health_path} answers 200 (uid 1000, read-only root)", healthy,
                        "" if healthy else docker("logs", container, check=False).stdout[-500:]))  # fmt: skip
        if not healthy:
            return results
        kept = KeptAlive(host_port)
        kept.get()  # idles while the points below run
        command = definition["healthCheck"]["command"][1:]
        passed = docker("exec", container, *command, check=False).returncode == 0
        results.append(("the task definition's health-check command passes inside", passed, ""))
        results += writable(ref, container, paths)
        results.append(shared_memory(container))
        reused, detail = reused_after_idle(kept)
        kept.close()
        results.append((f"a kept-alive connection idle {IDLE_SECONDS:g} s is reused (past Node's default "
                        "keep-alive: KEEP_ALIVE_TIMEOUT_MS)", reused, detail))  # fmt: skip
        results += stop_points(container, host_port, health_path)
    finally:
        docker("rm", "-f", container, check=False)
    return results


def require_engine(*, building: bool, platform: str) -> None:
    """Raise ``RuntimeError`` naming what keeps Docker from running (or building) the image for ``platform``."""
    problem = engine_problem(building=building, platform=platform)
    if problem:
        raise RuntimeError(problem)


def from_stack(stack: str, items: list[str], image: str | None, platform: str, secrets: Mapping[str, str | None],
               out: Callable[[str], None]) -> tuple[str, dict, list[str]]:  # fmt: skip
    """The image to check (``image``, or the stack's own, built now), the stack's container definition, as
    the program registers it (``run_local.task_of``), and the limits Fargate gives it (``size_args``)."""
    run = stack_run(stack, items)
    task, container = task_of(run)
    if image is None:
        require_engine(building=True, platform=platform)
        image = f"graviton-node-check:{stack}"
        args = build_args(run, image, platform, stack_build_secrets(stack, items, secrets))
        out(f"building the {stack} stack's image for {platform} from {args[args.index('--file') + 1]}")
        docker(*args)
    return image, container, size_args(task, container)


def main(argv: list[str], out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "image", nargs="?", help="image reference, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:tag"
    )
    parser.add_argument("--platform", default="linux/arm64", help="platform to run (default linux/arm64)")
    parser.add_argument("--port", type=int, help="without --stack: containerPort (default 8080)")
    parser.add_argument("--health-path", help="without --stack: healthCheckPath (default /health)")
    parser.add_argument("--writable-path", action="append", metavar="PATH",
                        help="without --stack: a folder the app writes to (writablePaths)")  # fmt: skip
    parser.add_argument("--stack", help="the stack whose container to run (its environment, user, port, health path, "
                        "writable paths), and whose own image to build (its dockerContext and dockerfile) when no "
                        "IMAGE is given")  # fmt: skip
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="with --stack: a config key")
    secret_options(parser, "with --stack: ")
    options = parser.parse_args(argv)
    if not options.stack and (options.image is None or options.set):
        parser.error("give IMAGE, or --stack STACK (with --set) to build and check the stack's own image")
    given = {"--port": options.port, "--health-path": options.health_path, "--writable-path": options.writable_path}
    own = [name for name, value in given.items() if value is not None]
    if options.stack and own:
        parser.error(f"with --stack the container is the stack's: set its config (--set containerPort=...) "
                     f"instead of {', '.join(own)}")  # fmt: skip
    image = options.image
    definition = task_container(options.port or 8080, options.health_path or "/health",
                                tuple(options.writable_path or ()))  # fmt: skip
    size: list[str] = []
    try:
        if options.stack:
            try:
                image, definition, size = from_stack(
                    options.stack, options.set, options.image, options.platform, given_secrets(options), out
                )
            except (ConfigError, PlanError, StackFileError) as error:
                return report(error, options.stack, options.set)
        require_engine(building=False, platform=options.platform)
        results = check(image, options.platform, definition, size)
    except RuntimeError as error:  # Docker's own words on what failed, not a traceback
        print(f"check_image: {error}", file=sys.stderr)
        return 1
    for what, passed, detail in results:
        out(f"{'PASS' if passed else 'FAIL'}  {what}" + (f"  ({detail})" if detail and not passed else ""))
    return 0 if all(passed for _, passed, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
