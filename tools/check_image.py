"""Check any image against the container contract the infrastructure relies on (docs/app-contract.md).

    .venv/bin/python tools/check_image.py IMAGE_REF [--platform linux/arm64] [--port 8080] [--health-path /ready]
    .venv/bin/python tools/check_image.py --stack dev [--set KEY=VALUE ...]   # build the stack's own image, check it

With ``--stack`` the port and health path are the stack's (``containerPort``, ``healthCheckPath``), and
without IMAGE_REF it first builds the stack's image from its ``dockerContext`` and ``dockerfile``, as
``tools/run_local.py`` does.

It runs the image as the task definition would — the environment the program gives the container
(``PORT``, ``HEALTH_CHECK_PATH``, the timeouts, a shortened drain), user 1000:1000, a read-only root,
an init process, a fresh volume at each writable path — and probes each point: arm64 and glibc, node for the
health check, listening on ``PORT``, health 200, the task's own health-check command, each writable path
declared with ``VOLUME`` and writable by uid 1000 (and /dev/shm, writable in every container), and during
SIGTERM: health 503, no failed request, exit 0 inside the (shortened) stop timeout. Needs a Docker engine
that can run the platform. Prints one PASS/FAIL line per point; exits 1 when any fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tools.venv_guard  # noqa: F401  (first: under another Python, it says how to run this)
from components.errors import ConfigError
from components.service.container_definition import container_definition
from components.service.service_spec import HealthCheck, ServiceSpec
from tools.image_build import docker
from tools.offline import StackFileError
from tools.plan import PlanError, report, stack_run
from tools.run_local import build_args, engine_problem, stack_npm_ca, task_of

#: Drain and finish shortened 1:20 (45 s -> 2.25 s, 70 s -> 3.5 s): 6 s stands for stopTimeout's 120 s.
SHORTENED = {"DRAIN_DELAY_MS": "2250", "SHUTDOWN_TIMEOUT_MS": "3500"}
STOP_TIMEOUT_SECONDS = 6


def task_container(port: int, health_path: str, writable_paths: tuple[str, ...] = ()) -> dict:
    """The container definition the program registers for a service on ``port`` with ``health_path``."""
    spec = ServiceSpec(container_port=port, health_check=HealthCheck(path=health_path), writable_paths=writable_paths)
    return container_definition(spec, image="image", log_group="check", region="us-east-1")


def task_environment(definition: dict) -> dict[str, str]:
    return {item["name"]: item["value"] for item in definition["environment"]} | SHORTENED


def start(ref: str, platform: str, definition: dict) -> tuple[str, int]:
    """Run ``ref`` as the task runs it; return the container and the host port of ``PORT``."""
    env = task_environment(definition)
    port = definition["portMappings"][0]["containerPort"]
    args = ["run", "-d", "--platform", platform, "-p", f"127.0.0.1::{port}", "--read-only", "--init"]
    args += ["--user", definition["user"]]
    for mount in definition.get("mountPoints") or []:
        # A fresh volume, as Fargate's bind mount on the task's storage (tools/run_local.py does the same).
        args += ["--mount", f"type=volume,destination={mount['containerPath']}"]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    container = docker(*args, ref).stdout.strip()
    return container, int(docker("port", container, f"{port}/tcp").stdout.split(":")[-1])


def get(port: int, path: str) -> int:
    """The status of ``GET path``; raises OSError when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


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
class Shutdown:
    """What a client and ECS see when the task gets SIGTERM under a steady request stream."""

    failures: list[str]
    draining_health: int
    exit_code: int
    seconds: float
    answered: int


def sigterm_under_load(
    container: str, port: int, health_path: str, during: Callable[[], None] = lambda: None
) -> Shutdown:
    """SIGTERM during a steady request stream; ``during`` runs right after the signal (a request in flight)."""
    failures: list[str] = []
    answered: list[int] = []
    sending = threading.Event()
    sending.set()

    def stream() -> None:
        while sending.is_set():
            try:
                status = get(port, "/")
                answered.append(status)
                if status >= 500:
                    failures.append(f"HTTP {status}")
            except OSError as error:
                failures.append(repr(error))
            time.sleep(0.05)

    worker = threading.Thread(target=stream)
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    docker("kill", "--signal", "TERM", container)
    during()
    time.sleep(0.3)
    try:
        draining = get(port, health_path)
    except OSError:
        draining = 0
    time.sleep(1.2)  # the ALB stops sending before the 2.25 s drain ends
    sending.clear()
    worker.join(timeout=30)
    code = int(docker("wait", container, timeout=STOP_TIMEOUT_SECONDS + 30).stdout.strip())
    return Shutdown(failures, draining, code, time.monotonic() - started, len(answered))


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


def check(
    ref: str, platform: str, port: int, health_path: str, writable_paths: tuple[str, ...] = ()
) -> list[tuple[str, bool, str]]:
    """Every point of the contract as (what, passed, detail)."""
    results: list[tuple[str, bool, str]] = []
    definition = task_container(port, health_path, writable_paths)
    probe = "uname -m; ls /lib/ld-musl-* >/dev/null 2>&1 && echo musl || echo glibc; command -v node || echo no-node"
    ran = docker("run", "--rm", "--platform", platform, "--entrypoint", "sh", ref, "-c", probe, check=False)
    machine, libc, node = [*ran.stdout.split(), "", "", ""][:3]
    results.append(("image runs as linux/arm64 (the task runs ARM64)", machine == "aarch64",
                    machine or ran.stderr.strip()[-200:]))  # fmt: skip
    results.append(("glibc, not musl (MALLOC_ARENA_MAX is a glibc tunable)", libc == "glibc", libc))
    results.append(("node on PATH (the task's health check runs node)", node.startswith("/"), node))
    if machine != "aarch64":
        return results
    container, host_port = start(ref, platform, definition)
    try:
        healthy = wait_healthy(container, host_port, health_path)
        results.append((f"listens on PORT={port}, {health_path} answers 200 (uid 1000, read-only root)", healthy,
                        "" if healthy else docker("logs", container, check=False).stdout[-500:]))  # fmt: skip
        command = definition["healthCheck"]["command"][1:]
        passed = healthy and docker("exec", container, *command, check=False).returncode == 0
        results.append(("the task definition's health-check command passes inside", passed, ""))
        results += writable(ref, container, writable_paths)
        results.append(shared_memory(container))
        if healthy:
            outcome = sigterm_under_load(container, host_port, health_path)
            results.append(("SIGTERM: health answers 503 while draining", outcome.draining_health == 503,
                            str(outcome.draining_health)))  # fmt: skip
            results.append(("SIGTERM: no request fails while draining", outcome.failures == [],
                            ", ".join(outcome.failures)[:200]))  # fmt: skip
            within = outcome.exit_code == 0 and outcome.seconds < STOP_TIMEOUT_SECONDS
            results.append((f"SIGTERM: exits 0 inside the stop timeout ({STOP_TIMEOUT_SECONDS} s for 120 s)", within,
                            f"exit {outcome.exit_code} after {outcome.seconds:.1f} s"))  # fmt: skip
    finally:
        docker("rm", "-f", container, check=False)
    return results


def require_engine(*, building: bool, platform: str) -> None:
    """Raise ``RuntimeError`` naming what keeps Docker from running (or building) the image for ``platform``."""
    problem = engine_problem(building=building, platform=platform)
    if problem:
        raise RuntimeError(problem)


def from_stack(stack: str, items: list[str], image: str | None, platform: str, npm_ca: str | None,
               out: Callable[[str], None]) -> tuple[str, int, str, tuple[str, ...]]:  # fmt: skip
    """The image to check (``image``, or the stack's own, built now), and the stack's port, health path and
    writable paths."""
    run = stack_run(stack, items)
    _, container = task_of(run)
    environment = {variable["name"]: variable["value"] for variable in container["environment"]}
    port, health_path = container["portMappings"][0]["containerPort"], environment["HEALTH_CHECK_PATH"]
    if image is None:
        require_engine(building=True, platform=platform)
        image = f"graviton-node-check:{stack}"
        args = build_args(run, image, platform, stack_npm_ca(stack, items, npm_ca))
        out(f"building the {stack} stack's image for {platform} from {args[args.index('--file') + 1]}")
        docker(*args)
    return image, port, health_path, tuple(mount["containerPath"] for mount in container.get("mountPoints") or [])


def main(argv: list[str], out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "image", nargs="?", help="image reference, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:tag"
    )
    parser.add_argument("--platform", default="linux/arm64", help="platform to run (default linux/arm64)")
    parser.add_argument("--port", type=int, help="containerPort to run it on (default 8080, or the stack's)")
    parser.add_argument("--health-path", help="healthCheckPath (default /health, or the stack's)")
    parser.add_argument("--writable-path", action="append", default=[], metavar="PATH",
                        help="a folder the app writes to (writablePaths; with --stack, the stack's)")  # fmt: skip
    parser.add_argument("--stack", help="the stack whose port and health path to check with, and whose own image to "
                        "build (its dockerContext and dockerfile) when no IMAGE is given")  # fmt: skip
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="with --stack: a config key")
    parser.add_argument("--npm-ca", help="with --stack: CA bundle for npm in the build (a build secret)")
    options = parser.parse_args(argv)
    image, port, health_path, paths = options.image, 8080, "/health", tuple(options.writable_path)
    if not options.stack and (image is None or options.set):
        parser.error("give IMAGE, or --stack STACK (with --set) to build and check the stack's own image")
    try:
        if options.stack:
            try:
                image, port, health_path, paths = from_stack(
                    options.stack, options.set, options.image, options.platform, options.npm_ca, out
                )
            except (ConfigError, PlanError, StackFileError) as error:
                return report(error, options.stack, options.set)
        require_engine(building=False, platform=options.platform)
        results = check(image, options.platform, options.port or port, options.health_path or health_path, paths)
    except RuntimeError as error:  # Docker's own words on what failed, not a traceback
        print(f"check_image: {error}", file=sys.stderr)
        return 1
    for what, passed, detail in results:
        out(f"{'PASS' if passed else 'FAIL'}  {what}" + (f"  ({detail})" if detail and not passed else ""))
    return 0 if all(passed for _, passed, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
