"""`tools/run_local.py` gives the local container what the stack's task definition gives it on Fargate."""

import json
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.program.stacks import recorded_run, run_config
from tests.terminal import at_a_terminal
from tools.offline import ROOT
from tools.run_local import (
    build_args,
    engine_problem,
    main,
    placeholder,
    platform_of,
    run_args,
    size_args,
    stack_build_secrets,
    task_of,
)


def args_for(program: str, port: int = 8080) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    task, container = task_of(run_config(program))
    return run_args(task, container, image="img", name="n", port=port), task, container


def option(args: list[str], name: str) -> list[str]:
    """Every value given to ``name``."""
    return [args[i + 1] for i, arg in enumerate(args) if arg == name]


def test_the_dev_task_runs_as_on_fargate_arm64_non_root_read_only_with_an_init_and_the_tasks_size() -> None:
    args, task, container = args_for("dev")
    assert args[:2] == ["run", "--detach"] and args[-1] == "img"
    assert option(args, "--platform") == ["linux/arm64"]
    assert option(args, "--user") == [container["user"]] == ["1000:1000"]
    assert "--read-only" in args and "--init" in args
    assert option(args, "--stop-timeout") == [str(container["stopTimeout"])]
    assert option(args, "--memory") == [f"{task['memory']}m"] and option(args, "--cpus") == ["1.0"]


def test_a_container_with_memory_of_its_own_is_held_to_it_and_to_the_tasks_cpu() -> None:
    """botocore ecs ContainerDefinition.memory is the container's hard limit ("killed" above it); its ``cpu`` is
    a share under contention, so the task's CPU is the cap (an app beside sidecars that reserve some)."""
    task, container = {"cpu": "1024", "memory": "2048"}, {"memory": 1536, "cpu": 512}
    assert size_args(task, container) == ["--cpus", "1.0", "--memory", "1536m"]
    assert size_args(task, {}) == ["--cpus", "1.0", "--memory", "2048m"]


def test_the_environment_is_the_tasks_variable_for_variable() -> None:
    args, _, container = args_for("prod")
    given = dict(value.split("=", 1) for value in option(args, "--env"))
    assert {v["name"]: v["value"] for v in container["environment"]}.items() <= given.items()
    assert given["NODE_OPTIONS"].startswith("--max-old-space-size=")


def test_secrets_are_placeholders_and_no_secret_reference_reaches_the_container() -> None:
    args, _, container = args_for("maximal")
    given = dict(value.split("=", 1) for value in option(args, "--env"))
    assert container["secrets"], "maximal has secrets"
    for secret in container["secrets"]:
        assert given[secret["name"]] == placeholder(secret["name"])
        assert not any(secret["valueFrom"] in arg for arg in args)


def test_a_writable_root_stays_writable() -> None:
    args, _, container = args_for("maximal")
    assert container["readonlyRootFilesystem"] is False and "--read-only" not in args


def test_the_health_check_runs_the_tasks_command_word_for_word_through_the_shell() -> None:
    args, _, container = args_for("dev")
    health = container["healthCheck"]
    (command,) = option(args, "--health-cmd")
    assert health["command"][0] == "CMD" and shlex.split(command) == health["command"][1:]
    assert option(args, "--health-interval") == [f"{health['interval']}s"]
    assert option(args, "--health-timeout") == [f"{health['timeout']}s"]
    assert option(args, "--health-start-period") == [f"{health['startPeriod']}s"]
    assert option(args, "--health-retries") == [str(health["retries"])]


def test_a_shell_form_health_check_is_passed_as_it_is() -> None:
    container = {"healthCheck": {"command": ["CMD-SHELL", "curl -f localhost/ || exit 1"]}}
    args = run_args({"cpu": "256", "memory": "512"}, container, image="i", name="n", port=1)
    assert option(args, "--health-cmd") == ["curl -f localhost/ || exit 1"]


def test_the_containers_port_is_published_on_loopback_only() -> None:
    args, _, container = args_for("dev", port=9000)
    assert option(args, "--publish") == [f"127.0.0.1:9000:{container['portMappings'][0]['containerPort']}"]


@pytest.mark.parametrize(
    ("runtime", "platform"),
    [({"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}, "linux/arm64"), (None, "linux/amd64")],
)
def test_the_platform_is_the_tasks_runtime_platform(runtime: dict[str, str] | None, platform: str) -> None:
    assert platform_of({"runtimePlatform": runtime} if runtime else {}) == platform


def test_the_build_is_the_stacks_own_context_and_dockerfile() -> None:
    run = run_config("dev")
    args = build_args(run, "t", "linux/arm64", {})
    image = next(r for r in run.mocks.resources if r.type == "docker-build:index:Image" and r.inputs["push"])
    assert option(args, "--file")[0].endswith(image.inputs["dockerfile"]["location"])
    assert args[-1].endswith(image.inputs["context"]["location"]) and "--load" in args
    assert "--secret" not in args
    assert option(build_args(run, "t", "linux/arm64", {"npm_ca": "/ca.pem"}), "--secret") == ["id=npm_ca,src=/ca.pem"]


NONE_GIVEN = {"npm_ca": None, "npmrc": None}


def test_the_stacks_build_secret_files_reach_the_local_build_as_pulumi_up_reads_them() -> None:
    """The files themselves, by path (a copy in /tmp would be out of a snap-packaged docker CLI's reach; their
    contents in one environment string are refused over 128 KiB): relative paths from the project."""
    assert stack_build_secrets("dev", [], NONE_GIVEN) == {}
    assert stack_build_secrets("dev", ["npmCaBundle=certs/ca.pem"], NONE_GIVEN) == {
        "npm_ca": str(ROOT / "certs" / "ca.pem")
    }
    assert stack_build_secrets("dev", ["graviton-node:npmCaBundle=/etc/ssl/ca.pem"], NONE_GIVEN) == {
        "npm_ca": "/etc/ssl/ca.pem"
    }
    assert stack_build_secrets("dev", ["npmrcFile=/home/me/.npmrc"], NONE_GIVEN) == {"npmrc": "/home/me/.npmrc"}
    given = {"npm_ca": "/mine.pem", "npmrc": "/my.npmrc"}  # --npm-ca and --npmrc win
    assert stack_build_secrets("dev", ["npmCaBundle=certs/ca.pem", "npmrcFile=ci.npmrc"], given) == given
    run = run_config("dev")
    assert option(build_args(run, "t", "linux/arm64", given), "--secret") == [
        "id=npm_ca,src=/mine.pem",
        "id=npmrc,src=/my.npmrc",
    ]


def test_an_own_app_is_built_from_its_own_context_and_dockerfile() -> None:
    run = recorded_run("dev", {"dockerContext": "tests/fixtures/tiny-app", "dockerfile": "tiny.Dockerfile"})
    args = build_args(run, "t", "linux/arm64", {})
    assert option(args, "--file") == [str(ROOT / "tests" / "fixtures" / "tiny-app" / "tiny.Dockerfile")]
    assert args[-1] == str(ROOT / "tests" / "fixtures" / "tiny-app")


def test_the_task_definition_read_is_the_registered_one() -> None:
    run = run_config("dev")
    task, container = task_of(run)
    assert json.loads(task["containerDefinitions"])[0] == container


def test_a_mistake_in_the_command_is_named_before_anything_is_built_or_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "nope"]) == 2
    assert main(["--set", "cpu"]) == 2
    assert main(["--set", "cpu=3"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("error: no stack 'nope'")
    assert errors[1] == "error: --set takes KEY=VALUE (e.g. --set cpu=2048), got 'cpu'"
    assert errors[2].startswith("error: config 'cpu': got 3")


FAKE_DOCKER = """#!/bin/sh
# docker logs --follow prints until the container has stopped; docker stop lasts until the follower has shown
# a line of the drain, so the tool must still be following once the stop has begun (each wait bounded at 30 s).
case "$1" in
  logs) i=0; while [ ! -e "$STATE/stopped" ] && [ $i -lt 3000 ]; do
          if [ -e "$STATE/stopping" ]; then echo "draining"; touch "$STATE/drain-shown"; else echo "serving"; fi
          sleep 0.01; i=$((i+1))
        done
        echo "drained" ;;
  stop) touch "$STATE/stopping"; i=0
        while [ ! -e "$STATE/drain-shown" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done
        touch "$STATE/stopped" ;;
  inspect) echo 0 ;;
esac
"""


def test_ctrl_c_at_a_terminal_keeps_following_the_logs_until_the_drain_ends(tmp_path: Path) -> None:
    docker = tmp_path / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}", STATE=str(tmp_path))
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tools.run_local import follow; sys.exit(follow('n', 3))"
    )
    # A terminal's Ctrl-C signals the whole foreground process group: the tool and every child it started.
    process = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True, preexec_fn=at_a_terminal,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        # A few lines in, the tool is waiting on the follower (a Ctrl-C before that is no drain to show).
        assert process.stdout is not None and [process.stdout.readline() for _ in range(5)] == ["serving\n"] * 5
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert "SIGTERM to the container" in err
    assert out.rstrip().endswith("draining\ndrained") and process.returncode == 0


def test_each_writable_path_is_a_fresh_volume_beside_the_read_only_root() -> None:
    run = recorded_run("dev", {"writablePaths": '["/tmp", "/app/cache"]'})
    task, container = task_of(run)
    args = run_args(task, container, image="img", name="n", port=8080)
    assert "--read-only" in args
    assert option(args, "--mount") == ["type=volume,destination=/tmp", "type=volume,destination=/app/cache"]


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        ('[ "$1" = info ] && { echo "Cannot connect to the Docker daemon" >&2; exit 1; }; exit 0',
         "the Docker engine does not answer (start Docker Desktop or the docker service): "
         "Cannot connect to the Docker daemon"),
        ('[ "$1" = buildx ] && exit 1; exit 0', "docker buildx is missing (README, What you need)"),
        ('[ "$1" = buildx ] && [ "$2" = build ] && exit 1; exit 0', "the build failed (its output is above)"),
        ('[ "$1" = info ] && echo "26.1.4 x86_64"; [ "$1" = context ] && echo desktop-linux; '
         '[ "$2 $3" = "inspect desktop-linux" ] && echo "Platforms: linux/amd64, linux/386"; '
         '[ "$2 $3" = "inspect " ] && echo "Platforms: linux/arm64*"; exit 0',
         "this x86_64 engine cannot run linux/arm64 images: install an emulator "
         "(docker run --privileged --rm tonistiigi/binfmt --install arm64)"),
        ('[ "$1" = info ] && echo "26.1.4 x86_64"; [ "$2" = inspect ] && echo "Platforms: linux/amd64, linux/arm64"; '
         '[ "$2" = build ] && exit 1; exit 0',
         "the build failed (its output is above)"),
        ('[ "$1" = info ] && echo "26.1.4 aarch64"; [ "$2" = inspect ] && echo "Platforms: linux/arm64"; '
         '[ "$2" = build ] && exit 1; exit 0',
         "the build failed (its output is above)"),
    ],
    ids=["no-engine", "no-buildx", "build-fails", "no-emulator", "emulated", "arm64-engine"],
)  # fmt: skip
def test_what_keeps_docker_from_building_or_running_is_named_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], script: str, problem: str
) -> None:
    docker = tmp_path / "docker"
    docker.write_text(f"#!/bin/sh\n{script}\n")
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert main(["--stack", "dev"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"run_local: {problem}"


@pytest.mark.parametrize("platform", ["linux/arm64", "arm64", "linux/arm64/v8"])
def test_a_platform_named_as_docker_takes_it_is_runnable_where_the_engine_lists_its_architecture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    docker = tmp_path / "docker"
    docker.write_text(
        '#!/bin/sh\n[ "$1" = info ] && echo "26.1.4 x86_64"; [ "$1" = context ] && echo default\n'
        '[ "$2" = inspect ] && echo "Platforms: linux/amd64, linux/386, linux/arm64, linux/arm/v7"\nexit 0\n'
    )
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert engine_problem(building=False, platform=platform) is None
    assert "cannot run riscv64" in (engine_problem(building=False, platform="riscv64") or "")
