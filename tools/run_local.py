"""Run the app on this machine as the stack's task runs it, and stop it as ECS stops a task.

    .venv/bin/python tools/run_local.py                        # build the dev stack's image for linux/arm64, run it
    .venv/bin/python tools/run_local.py --stack prod --port 8080
    .venv/bin/python tools/run_local.py --image <ref>          # an image already built (no build)

The container gets what the stack's task definition gives it (evaluated offline, as ``tools/plan.py``
does): the environment (the heap ceiling and tuning of the task's memory), the user, the read-only
root and its writable paths (fresh volumes), the stop timeout, the health check, an init process, the
task's CPU and memory, linux/arm64 (emulated where this machine is not arm64). Secrets are placeholders
named after the variable, never the real values (they live in SSM or Secrets Manager). It prints the
URL and follows the logs; Ctrl-C stops the container as ECS stops a task: SIGTERM, then SIGKILL after
the stop timeout, so the drain shows in the logs before the exit status.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tools.venv_guard  # noqa: F401  (first: under another Python, it says how to run this)
from components.errors import ConfigError
from components.stack_files import project_name, secure_keys, stack_config
from settings import BUILD_SECRET_FILES
from tools.offline import ROOT, Run, StackFileError
from tools.plan import SET_HELP, PlanError, report, set_items, stack_run

TASK = "aws:ecs/taskDefinition:TaskDefinition"
IMAGE = "docker-build:index:Image"
PLATFORM = {("LINUX", "ARM64"): "linux/arm64", ("LINUX", "X86_64"): "linux/amd64"}


def placeholder(name: str) -> str:
    """The value a secret gets locally: says what it stands for, holds nothing."""
    return f"local-placeholder-for-{name}"


def platform_of(task: Mapping[str, Any]) -> str:
    """The Docker platform of the task's ``runtimePlatform`` (Fargate's default: Linux on x86-64)."""
    runtime = task.get("runtimePlatform") or {}
    return PLATFORM[(runtime.get("operatingSystemFamily", "LINUX"), runtime.get("cpuArchitecture", "X86_64"))]


def container_environment(container: Mapping[str, Any]) -> dict[str, str]:
    """The environment ECS gives ``container``: its variables, and its secrets as placeholders."""
    environment = {variable["name"]: variable["value"] for variable in container.get("environment") or []}
    return environment | {secret["name"]: placeholder(secret["name"]) for secret in container.get("secrets") or []}


def container_args(container: Mapping[str, Any]) -> list[str]:
    """``docker run`` arguments for what ``container`` itself asks of ECS: its environment, user, read-only
    root, writable paths and init process (tools/check_image.py runs the container with them too)."""
    args: list[str] = []
    for name, value in container_environment(container).items():
        args += ["--env", f"{name}={value}"]
    if container.get("user"):
        args += ["--user", container["user"]]
    if container.get("readonlyRootFilesystem"):
        args += ["--read-only"]
    for mount in container.get("mountPoints") or []:
        # A fresh anonymous volume, as Fargate's bind mount: empty but for what the image holds at that path
        # (Docker copies it in, as ECS copies a VOLUME's content), gone with the container (rm --volumes).
        args += ["--mount", f"type=volume,destination={mount['containerPath']}"]
    if (container.get("linuxParameters") or {}).get("initProcessEnabled"):
        args += ["--init"]
    return args


def size_args(task: Mapping[str, Any], container: Mapping[str, Any]) -> list[str]:
    """``docker run`` limits as Fargate sets them (tools/check_image.py runs the container with them too): the
    task's CPU caps every container (a container's ``cpu`` is its share of it under contention, botocore ecs
    ``ContainerDefinition.cpu``), and the container's ``memory`` is its hard limit, the task's where it sets
    none (``ContainerDefinition.memory``: "If your container attempts to exceed the memory specified here,
    the container is killed")."""
    return ["--cpus", str(int(task["cpu"]) / 1024), "--memory", f"{container.get('memory') or task['memory']}m"]


def run_args(task: Mapping[str, Any], container: Mapping[str, Any], *, image: str, name: str, port: int) -> list[str]:
    """``docker run`` arguments that give ``container`` of ``task`` what ECS gives it on Fargate."""
    args = ["run", "--detach", "--name", name, "--platform", platform_of(task), *size_args(task, container)]
    args += container_args(container)
    if container.get("stopTimeout") is not None:
        args += ["--stop-timeout", str(container["stopTimeout"])]
    health = container.get("healthCheck")
    if health:
        kind, *command = health["command"]
        # docker run takes the shell form only; CMD's exec form is quoted into it word for word.
        args += ["--health-cmd", command[0] if kind == "CMD-SHELL" else shlex.join(command)]
        for option, key, default in (("interval", "interval", 30), ("timeout", "timeout", 5),
                                     ("start-period", "startPeriod", 0)):  # fmt: skip
            args += [f"--health-{option}", f"{health.get(key, default)}s"]
        args += ["--health-retries", str(health.get("retries", 3))]
    for mapping in container.get("portMappings") or []:
        args += ["--publish", f"127.0.0.1:{port}:{mapping['containerPort']}"]
        port += 1
    return [*args, image]


def task_of(run: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    """The task definition's inputs and its essential container, as the stack registers them."""
    task = run.mocks.one(TASK).inputs
    containers = json.loads(task["containerDefinitions"])
    return task, next(c for c in containers if c.get("essential", True))


def build_args(run: Run, tag: str, platform: str, secrets: Mapping[str, str]) -> list[str]:
    """``docker buildx build`` of the stack's own image (its context and Dockerfile), loaded locally, with
    each build secret's file by id (``stack_build_secrets``)."""
    image = next(r for r in run.mocks.resources if r.type == IMAGE and r.inputs.get("push"))
    context = ROOT / image.inputs["context"]["location"]
    args = ["buildx", "build", "--platform", platform, "--load", "--tag", tag,
            "--file", str(ROOT / image.inputs["dockerfile"]["location"])]  # fmt: skip
    for secret_id, path in sorted(secrets.items()):
        args += ["--secret", f"id={secret_id},src={path}"]
    return [*args, str(context)]


def stand_ins(stack: str, items: Sequence[str]) -> list[str]:
    """The project's keys the stack file holds encrypted (``stack_files.STAND_IN``) that no ``--set`` item
    replaces: what the task is given reads them (another namespace's, such as ``aws:secretKey``, it never
    sees)."""
    project = f"{project_name(ROOT)}:"
    given = {key.removeprefix(project) for key in set_items(items)}
    keys = (key.removeprefix(project) for key in secure_keys(ROOT, stack) if key.startswith(project))
    return sorted(key for key in keys if key not in given)


def stack_build_secrets(stack: str, items: Sequence[str], given: Mapping[str, str | None]) -> dict[str, str]:
    """The build secrets' files a local build uses, by secret id: ``given``'s (``--npm-ca``, ``--npmrc``), else
    the stack's keys of ``BUILD_SECRET_FILES`` (a ``--set`` one first), the files ``pulumi up`` builds with: paths
    from the project's folder."""
    project = f"{project_name(ROOT)}:"
    config = stack_config(ROOT, stack) | {
        key if ":" in key else project + key: v for key, v in set_items(items).items()
    }
    secrets: dict[str, str] = {}
    for key, file in BUILD_SECRET_FILES.items():
        path = given.get(file.secret_id) or config.get(f"{project}{key}", "")
        if path:
            secrets[file.secret_id] = str(ROOT / path)
    return secrets


def secret_options(parser: argparse.ArgumentParser, scope: str = "") -> None:
    """``--npm-ca`` and ``--npmrc``: a build secret's file other than the stack's (``stack_build_secrets``)."""
    parser.add_argument("--npm-ca", help=f"{scope}CA bundle for npm behind a TLS-intercepting proxy (a build secret)")
    parser.add_argument("--npmrc", help=f"{scope}.npmrc for npm ci: a private registry's token (a build secret)")


def given_secrets(options: argparse.Namespace) -> dict[str, str | None]:
    """The files ``secret_options`` gave, by secret id."""
    return {"npm_ca": options.npm_ca, "npmrc": options.npmrc}


#: ``docker info``'s architecture names, as a platform names them.
_ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64"}


def engine_problem(*, building: bool, platform: str = "linux/arm64") -> str | None:
    """What keeps Docker from running (and, when ``building``, building) the image for ``platform``, in
    Docker's own words; None when nothing does. The checks tools/deploy.sh makes before it deploys, and
    one it need not make: an engine of another architecture runs the image only under an emulator its
    builder lists (unknown answers are no problem: the run says what is wrong)."""
    if shutil.which("docker") is None:
        return "docker is not installed (README, What you need)"
    info = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}} {{.Architecture}}"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if info.returncode != 0:
        return ("the Docker engine does not answer (start Docker Desktop or the docker service): "
                + (info.stderr.strip() or "docker info failed"))  # fmt: skip
    if building and subprocess.run(["docker", "buildx", "version"], capture_output=True, check=False).returncode:
        return "docker buildx is missing (README, What you need)"
    architecture = info.stdout.split()[-1] if info.stdout.split() else ""
    wanted = platform.split("/")[1] if "/" in platform else platform
    if _ARCHITECTURES.get(architecture, architecture) in ("", wanted):
        return None
    # The engine's own builder (docker driver, named after the context): always running, and it sees the
    # emulators the engine's `docker run` does, where the current builder may be remote or not started.
    context = subprocess.run(["docker", "context", "show"], capture_output=True, text=True, check=False).stdout
    builder = subprocess.run(["docker", "buildx", "inspect", context.strip() or "default"], capture_output=True,
                             text=True, check=False).stdout  # fmt: skip
    listed = {p.strip().rstrip("*") for line in builder.splitlines() if line.startswith("Platforms:")
              for p in line.split(":", 1)[1].split(",") if p.strip()}  # fmt: skip
    if listed and wanted not in {p.split("/")[1] for p in listed if "/" in p}:
        return (f"this {architecture} engine cannot run {platform} images: install an emulator "
                f"(docker run --privileged --rm tonistiigi/binfmt --install {wanted})")  # fmt: skip
    return None


def follow(name: str, stop_timeout: int) -> int:
    """Follow the container's logs; on Ctrl-C stop it as ECS does and keep following until it exits."""
    # Its own session: a terminal's Ctrl-C signals the whole foreground process group, and the
    # follower must outlive it to show the drain.
    logs = subprocess.Popen(["docker", "logs", "--follow", name], start_new_session=True)
    try:
        logs.wait()
    except KeyboardInterrupt:
        print(f"\nrun_local: SIGTERM to the container, SIGKILL after {stop_timeout} s (the task's stop "
              "timeout): its drain follows", file=sys.stderr)  # fmt: skip
        subprocess.run(["docker", "stop", "--time", str(stop_timeout), name], capture_output=True, check=False)
        logs.wait()
    status = subprocess.run(["docker", "inspect", "--format", "{{.State.ExitCode}}", name],
                            capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
    subprocess.run(["docker", "rm", "--force", "--volumes", name], capture_output=True, check=False)
    print(f"run_local: the container exited with status {status or 'unknown'}", file=sys.stderr)
    return int(status) if re.fullmatch(r"[0-9]+", status) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev", help="stack whose task to run (default: dev)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=SET_HELP)
    parser.add_argument("--image", help="an image already built; default: build the stack's own")
    parser.add_argument("--port", type=int, default=8080, help="local port for the container's port (8080)")
    secret_options(parser)
    options = parser.parse_args(argv)
    try:
        run = stack_run(options.stack, options.set)
    except (ConfigError, PlanError, StackFileError) as error:
        return report(error, options.stack, options.set)
    for key in stand_ins(options.stack, options.set):
        print(f"run_local: {key} is encrypted in Pulumi.{options.stack}.yaml, which only the Pulumi CLI reads: "
              f"the container gets a stand-in (PULUMISECRET_...), names included; give your own with --set {key}=...",
              file=sys.stderr)  # fmt: skip
    task, container = task_of(run)
    platform = platform_of(task)
    problem = engine_problem(building=not options.image, platform=platform)
    if problem:
        print(f"run_local: {problem}", file=sys.stderr)
        return 1
    name = f"graviton-node-local-{options.stack}"
    image = options.image or f"graviton-node-local:{options.stack}"
    if not options.image:
        print(f"run_local: building the {options.stack} stack's image for {platform}", file=sys.stderr)
        secrets = stack_build_secrets(options.stack, options.set, given_secrets(options))
        if subprocess.run(["docker", *build_args(run, image, platform, secrets)], check=False).returncode:
            print("run_local: the build failed (its output is above)", file=sys.stderr)
            return 1
    subprocess.run(["docker", "rm", "--force", "--volumes", name], capture_output=True, check=False)
    started = subprocess.run(["docker", *run_args(task, container, image=image, name=name, port=options.port)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if started.returncode:
        print(f"run_local: docker run failed: {started.stderr.strip()}", file=sys.stderr)
        return 1
    health = next((v["value"] for v in container.get("environment") or [] if v["name"] == "HEALTH_CHECK_PATH"), "/")
    print(f"run_local: http://127.0.0.1:{options.port}{health} (Ctrl-C stops it as ECS stops a task)", file=sys.stderr)
    return follow(name, int(container.get("stopTimeout") or 30))


if __name__ == "__main__":
    sys.exit(main())
