"""`tools/check_image.py --stack` builds the image the stack is configured to build (its dockerContext and
dockerfile) and checks it on the stack's port and health path; no Docker engine is needed to see which."""

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tools import check_image
from tools.offline import ROOT
from tools.plan import stack_run
from tools.run_local import container_environment, task_of

OWN_APP = ["--set", "dockerContext=tests/fixtures/tiny-app", "--set", "dockerfile=tiny.Dockerfile"]


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """What would have reached Docker: the docker CLI calls and the checks run."""
    seen: dict[str, list] = {"docker": [], "check": []}
    monkeypatch.setattr(check_image, "docker", lambda *args, **_: seen["docker"].append(list(args)))
    monkeypatch.setattr(check_image, "engine_problem", lambda **_: None)
    monkeypatch.setattr(
        check_image, "check", lambda *args: seen["check"].append(checked(*args)) or [("point", True, "")]
    )
    return seen


def checked(ref: str, platform: str, definition: dict, size: Sequence[str] = ()) -> tuple:
    """What a check ran: the image and platform, and the container's port, health path and writable paths
    (its limits are ``size_args``', held by their own test)."""
    paths = tuple(mount["containerPath"] for mount in definition.get("mountPoints") or [])
    return (ref, platform, *check_image.port_and_health(definition), paths)


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_the_stacks_own_app_is_built_from_its_context_and_dockerfile_and_checked_on_its_port(engine: dict) -> None:
    lines: list[str] = []
    settings = ["--set", "containerPort=8081", "--set", "healthCheckPath=/ready"]
    assert check_image.main(["--stack", "dev", *OWN_APP, *settings], out=lines.append) == 0
    (build,) = engine["docker"]
    assert build[:2] == ["buildx", "build"] and option(build, "--platform") == "linux/arm64"
    assert option(build, "--file") == str(ROOT / "tests/fixtures/tiny-app/tiny.Dockerfile")
    assert build[-1] == str(ROOT / "tests/fixtures/tiny-app")
    assert engine["check"] == [("graviton-node-check:dev", "linux/arm64", 8081, "/ready", ())]
    assert lines == [
        f"building the dev stack's image for linux/arm64 from {ROOT / 'tests/fixtures/tiny-app/tiny.Dockerfile'}",
        "PASS  point",
    ]


def test_an_image_given_with_a_stack_is_checked_on_the_stacks_port_without_a_build(engine: dict) -> None:
    assert check_image.main(["ref", "--stack", "dev", "--set", "containerPort=9000"], out=lambda _: None) == 0
    assert engine["docker"] == []
    assert engine["check"] == [("ref", "linux/arm64", 9000, "/health", ())]


def test_without_a_stack_the_defaults_are_the_samples(engine: dict) -> None:
    assert check_image.main(["ref"], out=lambda _: None) == 0
    assert engine["check"] == [("ref", "linux/arm64", 8080, "/health", ())]


def test_a_config_mistake_is_named_before_anything_is_built(engine: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_image.main(["--stack", "dev", "--set", "dockerContext=../elsewhere"], out=lambda _: None) == 2
    assert capsys.readouterr().err.startswith("error: config 'dockerContext': got '../elsewhere'")
    assert engine == {"docker": [], "check": []}


def test_neither_an_image_nor_a_stack_is_a_usage_error(engine: dict) -> None:
    with pytest.raises(SystemExit) as exit_:
        check_image.main([])
    assert exit_.value.code == 2


def test_a_port_health_path_or_writable_path_given_with_a_stack_is_a_usage_error(engine: dict) -> None:
    for given in (["--port", "9000"], ["--health-path", "/ready"], ["--writable-path", "/tmp"]):
        with pytest.raises(SystemExit) as exit_:
            check_image.main(["ref", "--stack", "dev", *given])
        assert exit_.value.code == 2
    assert engine == {"docker": [], "check": []}


def test_the_stacks_writable_paths_are_checked_and_so_are_those_given_without_a_stack(engine: dict) -> None:
    paths = ["--set", 'writablePaths=["/tmp", "/app/cache"]']
    assert check_image.main(["ref", "--stack", "dev", *paths], out=lambda _: None) == 0
    assert check_image.main(["ref", "--writable-path", "/tmp"], out=lambda _: None) == 0
    assert [call[4] for call in engine["check"]] == [("/tmp", "/app/cache"), ("/tmp",)]


def test_a_writable_path_passes_only_declared_with_volume_and_writable_by_the_tasks_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, ...]] = []

    def docker(*args: str, **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        if args[:2] == ("image", "inspect"):
            return subprocess.CompletedProcess(args, 0, '{"/app/cache":{}}\n', "")
        denied = "/tmp" in args[-1]
        return subprocess.CompletedProcess(args, int(denied), "", "Permission denied" if denied else "")

    monkeypatch.setattr(check_image, "docker", docker)
    results = check_image.writable("ref", "c", ("/app/cache", "/tmp"))
    assert [(what, passed) for what, passed, _ in results] == [
        ("declares VOLUME /app/cache (else Fargate mounts it root-owned, 0755)", True),
        ("uid 1000 can write to /app/cache", True),
        ("declares VOLUME /tmp (else Fargate mounts it root-owned, 0755)", False),
        ("uid 1000 can write to /tmp", False),
    ]
    assert ("exec", "c", "sh", "-c", 'f="/tmp/.check-image" && touch "$f" && rm "$f"') in calls


def test_the_checked_container_gets_a_fresh_volume_at_each_writable_path(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[tuple[str, ...]] = []

    def docker(*args: str, **_: object) -> subprocess.CompletedProcess[str]:
        runs.append(args)
        return subprocess.CompletedProcess(args, 0, "c\n" if args[0] == "run" else "127.0.0.1:1234\n", "")

    monkeypatch.setattr(check_image, "docker", docker)
    check_image.start("ref", "linux/arm64", check_image.task_container(8080, "/health", ("/tmp",)))
    assert "--read-only" in runs[0] and option(list(runs[0]), "--mount") == "type=volume,destination=/tmp"


NO_ENGINE = """#!/bin/sh
if [ "$1" = info ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2; exit 1; fi
"""


@pytest.mark.parametrize("command", [["ref"], ["--stack", "dev"]], ids=["image", "stack"])
def test_an_engine_that_does_not_answer_is_named_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    docker = tmp_path / "docker"
    docker.write_text(NO_ENGINE)
    docker.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert check_image.main(command, out=lambda _: None) == 1
    assert capsys.readouterr().err == (
        "check_image: the Docker engine does not answer (start Docker Desktop or the docker service): "
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n"
    )


@pytest.mark.parametrize(("returncode", "passed"), [(0, True), (1, False)])
def test_dev_shm_is_reported_beside_the_writable_paths_as_fargate_leaves_it_writable(
    monkeypatch: pytest.MonkeyPatch, returncode: int, passed: bool
) -> None:
    calls: list[tuple[str, ...]] = []

    def docker(*args: str, **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return subprocess.CompletedProcess(args, returncode, "", "")

    monkeypatch.setattr(check_image, "docker", docker)
    what, ok, _ = check_image.shared_memory("c")
    assert ("/dev/shm" in what, ok) == (True, passed)
    assert calls == [("exec", "c", "sh", "-c", 'f="/dev/shm/.check-image" && touch "$f" && rm "$f"')]


def test_the_stacks_own_container_is_run_with_the_tasks_environment_but_the_shortened_drain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NODE_OPTIONS=--permission stops the sample app (ERR_ACCESS_DENIED), and another memory is another heap
    ceiling: the checked container gets them as the task does, and its user, read-only root and init."""
    checked: list[tuple[dict, list[str]]] = []
    monkeypatch.setattr(check_image, "engine_problem", lambda **_: None)
    monkeypatch.setattr(check_image, "check", lambda *args: checked.append((args[2], args[3])) or [])
    settings = ["--set", 'environment=["NODE_OPTIONS=--permission", "BASE_PATH=/api"]', "--set", "memory=4096"]
    check_image.main(["ref", "--stack", "dev", *settings], out=lambda _: None)
    ((definition, size),) = checked
    task_definition, container = task_of(stack_run("dev", [item for item in settings if item != "--set"]))
    task_cpu = int(task_definition["cpu"])
    assert definition == container
    runs: list[tuple[str, ...]] = []

    def docker(*args: str, **_: object) -> subprocess.CompletedProcess[str]:
        runs.append(args)
        return subprocess.CompletedProcess(args, 0, "c\n" if args[0] == "run" else "127.0.0.1:1234\n", "")

    monkeypatch.setattr(check_image, "docker", docker)
    check_image.start("ref", "linux/arm64", definition, size)
    given = dict(word.split("=", 1) for flag, word in zip(runs[0], runs[0][1:], strict=False) if flag == "--env")
    task = container_environment(container)
    assert {key: v for key, v in given.items() if key not in check_image.SHORTENED} == {
        key: v for key, v in task.items() if key not in check_image.SHORTENED
    }
    assert {key: given[key] for key in check_image.SHORTENED} == check_image.SHORTENED
    assert "--permission" in given["NODE_OPTIONS"] and given["BASE_PATH"] == "/api"
    assert option(list(runs[0]), "--user") == container["user"]
    assert {"--read-only", "--init"} <= set(runs[0])
    # Fargate holds the container to the task's size: 4096 MiB, the heap ceiling's ground, is its limit here too.
    assert (option(list(runs[0]), "--memory"), option(list(runs[0]), "--cpus")) == (
        "4096m",
        str(task_cpu / 1024),
    )
