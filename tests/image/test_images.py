"""The real images: built for arm64 (and amd64), pushed with a registry cache, then run and probed."""

import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.build_tag import build_tag
from components.fargate_service import FargateService, FargateServiceArgs
from components.service_spec import HealthCheck, ServiceSpec
from tools.image_build import DOCKER_DIR, Environment, build, docker, image_config, platform_manifests, split_ref
from tools.offline import run_mocked

# One xdist worker runs this file (--dist loadfile), so each image is built once per run.
pytestmark = pytest.mark.image

#: The task the images are run as: a port other than the image's default 3000 and another health path.
TASK = ServiceSpec(container_port=8080, health_check=HealthCheck(path="/ready"))
#: Drain and finish shortened 1:20 (45 s -> 2.25 s, 70 s -> 3.5 s), so stopTimeout 120 s becomes 6 s.
SHORTENED = {"DRAIN_DELAY_MS": "2250", "SHUTDOWN_TIMEOUT_MS": "3500"}
STOP_TIMEOUT_SECONDS = 6
ELF_MACHINE = {"linux/arm64": 0xB7, "linux/amd64": 0x3E}


def _ref(env: Environment, flavour: str, dockerfile: str, platforms: tuple[str, ...], suffix: str = "") -> str:
    tag = build_tag(DOCKER_DIR, dockerfile=dockerfile, platforms=platforms, build_args={"NODE_IMAGE": env.node_image})
    return f"{env.registry}/graviton-node/app-{flavour}:{tag}{suffix}"


@pytest.fixture(scope="module")
def graviton(image_env: Environment) -> str:
    ref = _ref(image_env, "graviton", "Dockerfile.graviton", ("linux/arm64",))
    build(image_env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=ref,
          cache_ref=f"{image_env.registry}/graviton-node/cache:graviton-arm64")  # fmt: skip
    return ref


@pytest.fixture(scope="module")
def standard(image_env: Environment) -> str:
    """The standard Dockerfile: one cached build per platform, joined into one index."""
    platforms = ("linux/arm64", "linux/amd64")
    index = _ref(image_env, "standard", "Dockerfile", platforms)
    sources = []
    for platform in platforms:
        arch = platform.split("/")[1]
        ref = f"{index}-{arch}"
        build(image_env, dockerfile="Dockerfile", platform=platform, ref=ref,
              cache_ref=f"{image_env.registry}/graviton-node/cache:standard-{arch}")  # fmt: skip
        sources.append(ref)
    docker("buildx", "imagetools", "create", "-t", index, *sources)
    return index


IMAGES = [("graviton", "linux/arm64"), ("standard", "linux/arm64"), ("standard", "linux/amd64")]


@pytest.fixture(scope="module")
def task_container() -> dict:
    """The container definition the program registers for ``TASK`` (environment, health check)."""

    def program() -> None:
        FargateService(
            "svc",
            FargateServiceArgs(
                spec=TASK,
                image_ref="image",
                vpc_id="vpc-1",
                subnet_ids=["subnet-1"],
                assign_public_ip=True,
                listener_arn="arn:listener",
                load_balancer_security_group_id="sg-alb",
            ),
        )

    mocks = run_mocked(program).mocks
    (definition,) = json.loads(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    return definition


def task_environment(definition: dict) -> dict[str, str]:
    return {item["name"]: item["value"] for item in definition["environment"]}


@pytest.fixture(params=IMAGES, ids=[f"{name}-{platform.split('/')[1]}" for name, platform in IMAGES])
def image(request: pytest.FixtureRequest) -> tuple[str, str]:
    name, platform = request.param
    return request.getfixturevalue(name), platform


def run(ref: str, platform: str, *command: str, user: str | None = None, env: dict[str, str] | None = None) -> str:
    args = ["run", "--rm", "--platform", platform]
    args += ["--user", user] if user else []
    for key, value in (env or {}).items():
        args += ["-e", f"{key}={value}"]
    return docker(*args, ref, *command).stdout


def test_the_graviton_image_is_arm64_only(image_env: Environment, graviton: str) -> None:
    registry, repository, tag = split_ref(graviton)
    assert list(platform_manifests(registry, repository, tag)) == ["linux/arm64"]


def test_the_standard_image_is_an_index_of_arm64_and_amd64(image_env: Environment, standard: str) -> None:
    registry, repository, tag = split_ref(standard)
    assert sorted(platform_manifests(registry, repository, tag)) == ["linux/amd64", "linux/arm64"]


def test_the_graviton_image_bakes_in_malloc_arena_max(graviton: str) -> None:
    registry, repository, tag = split_ref(graviton)
    (manifest,) = platform_manifests(registry, repository, tag).values()
    config = image_config(registry, repository, manifest)["config"]
    assert "MALLOC_ARENA_MAX=2" in config["Env"]
    assert not any(e.startswith(("GODEBUG=", "CFLAGS=", "CXXFLAGS=")) for e in config["Env"])
    assert config["StopSignal"] == "SIGTERM"


def test_the_graviton_dockerfile_refuses_other_architectures_clearly(image_env: Environment) -> None:
    result = docker(
        "buildx", "build", "--platform", "linux/amd64", "-f", str(DOCKER_DIR / "Dockerfile.graviton"),
        "--build-arg", f"NODE_IMAGE={image_env.node_image}", str(DOCKER_DIR), check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Dockerfile.graviton builds linux/arm64 only (got TARGETARCH=amd64)" in result.stderr


def test_the_container_runs_as_a_non_root_user(image: tuple[str, str]) -> None:
    assert run(*image, "id", "-u").strip() == "1000"


def test_the_final_image_has_no_compiler_no_python_and_no_npm_cache(image: tuple[str, str]) -> None:
    probe = (
        "for b in gcc g++ cc make python3; do command -v $b; done; ls -d /root/.npm /home/node/.npm 2>/dev/null; true"
    )
    assert run(*image, "sh", "-c", probe, user="0").strip() == ""


def test_the_native_module_was_compiled_for_the_platform_and_loads(image: tuple[str, str]) -> None:
    ref, platform = image
    script = (
        "const fs=require('fs');const p='/app/node_modules/bcrypt/build/Release/bcrypt_lib.node';"
        "const b=require('bcrypt');const h=b.hashSync('graviton',4);"
        "console.log(JSON.stringify({machine:fs.readFileSync(p).readUInt16LE(18),ok:b.compareSync('graviton',h),"
        "prebuilds:fs.existsSync('/app/node_modules/bcrypt/prebuilds')}))"
    )
    result = json.loads(run(ref, platform, "node", "-e", script))
    assert result == {"machine": ELF_MACHINE[platform], "ok": True, "prebuilds": False}


@pytest.mark.parametrize("heap_mib", [256, 768])
def test_the_v8_heap_limit_follows_node_options(image: tuple[str, str], heap_mib: int) -> None:
    script = "console.log(require('v8').getHeapStatistics().heap_size_limit)"
    limit = int(run(*image, "node", "-e", script, env={"NODE_OPTIONS": f"--max-old-space-size={heap_mib}"}))
    # heap_size_limit is old space plus the young generation's reservation on top.
    assert heap_mib * 2**20 <= limit <= (heap_mib + 64) * 2**20


@pytest.fixture
def serving(image: tuple[str, str], task_container: dict) -> Iterator[tuple[str, int]]:
    """The image run as the task runs it: its environment, its user, a read-only root, port 8080."""
    ref, platform = image
    env = task_environment(task_container) | SHORTENED
    port = task_container["portMappings"][0]["containerPort"]
    args = ["run", "-d", "--platform", platform, "-p", f"127.0.0.1::{port}", "--read-only", "--init"]
    args += ["--user", task_container["user"]]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    container = docker(*args, ref).stdout.strip()
    try:
        host_port = int(docker("port", container, f"{port}/tcp").stdout.split(":")[-1])
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{host_port}{env['HEALTH_CHECK_PATH']}", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(docker("logs", container).stdout) from None
                time.sleep(0.3)
        yield container, host_port
    finally:
        docker("rm", "-f", container, check=False)


def test_the_app_listens_on_the_task_port_and_answers_the_task_health_path(serving: tuple[str, int]) -> None:
    _, port = serving
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as response:
        assert (response.status, json.loads(response.read())) == (200, {"status": "ok"})


def test_the_task_health_check_command_passes_inside_the_container(
    serving: tuple[str, int], task_container: dict
) -> None:
    container, _ = serving
    command = task_container["healthCheck"]["command"]
    assert command[0] == "CMD"
    assert docker("exec", container, *command[1:], check=False).returncode == 0


def test_sigterm_under_a_steady_stream_fails_no_request_and_exits_zero_inside_stop_timeout(
    serving: tuple[str, int],
) -> None:
    container, port = serving
    failures: list[str] = []
    answered: list[int] = []
    sending = threading.Event()
    sending.set()

    def stream() -> None:
        while sending.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    answered.append(response.status)
            except OSError as error:
                failures.append(repr(error))
            time.sleep(0.05)

    slow: dict[str, object] = {}

    def slow_request() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slow?ms=1500", timeout=30) as response:
            slow.update(status=response.status, body=json.loads(response.read()))

    worker = threading.Thread(target=stream)
    worker.start()
    time.sleep(0.5)
    started = time.monotonic()
    docker("kill", "--signal", "TERM", container)
    in_flight = threading.Thread(target=slow_request)
    in_flight.start()
    time.sleep(1.5)  # the ALB stops sending before the 2.25 s drain ends
    sending.clear()
    worker.join(timeout=30)
    exit_code = int(docker("wait", container, timeout=STOP_TIMEOUT_SECONDS + 30).stdout.strip())
    elapsed = time.monotonic() - started
    in_flight.join(timeout=30)
    assert failures == []
    assert len(answered) > 5
    assert slow == {"status": 200, "body": {"waitedMs": 1500}}
    assert exit_code == 0
    assert elapsed < STOP_TIMEOUT_SECONDS
    logs = [json.loads(line) for line in docker("logs", container).stdout.splitlines() if line.startswith("{")]
    assert any(entry.get("message") == "draining" and entry.get("signal") == "SIGTERM" for entry in logs)


def test_a_source_change_pushes_only_the_source_layer(image_env: Environment, graviton: str, tmp_path: Path) -> None:
    context = tmp_path / "docker"
    shutil.copytree(DOCKER_DIR, context, ignore=shutil.ignore_patterns("node_modules"))
    server = context / "app" / "server.js"
    server.write_text(server.read_text() + "// one more line\n")
    changed = f"{image_env.registry}/graviton-node/app-graviton:source-change"
    build(image_env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=changed, context=context,
          cache_ref=f"{image_env.registry}/graviton-node/cache:graviton-arm64")  # fmt: skip
    (before,) = platform_manifests(*split_ref(graviton)).values()
    (after,) = platform_manifests(*split_ref(changed)).values()
    held = {layer["digest"] for layer in before["layers"]}
    new_layers = [layer for layer in after["layers"] if layer["digest"] not in held]
    assert len(new_layers) == 1
    assert new_layers[0] == after["layers"][-1]
    assert new_layers[0]["size"] < 100_000
