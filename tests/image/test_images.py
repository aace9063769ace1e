"""The real images: built for arm64 (and amd64), pushed with a registry cache, then run and probed."""

import json
import shutil
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import check_image
from tools.image_build import (
    DOCKER_DIR,
    Environment,
    base_contexts,
    build,
    docker,
    image_config,
    image_files,
    platform_manifests,
    split_ref,
)

# One xdist worker runs this file (tests/conftest.py's scheduler), so each image is built once per run.
pytestmark = pytest.mark.image

#: The task the images are run as: a port other than the image's default 3000 and another health path.
PORT, HEALTH_PATH = 8080, "/ready"
#: The checklist's points for an image with no writable path (docs/app-contract.md, "Checklist for your own image").
POINTS = 12
ELF_MACHINE = {"linux/arm64": 0xB7, "linux/amd64": 0x3E}
#: The compilers the build stage runs, on the build machine, for each target (Debian's names).
COMPILERS = {"linux/arm64": "aarch64-linux-gnu-", "linux/amd64": "x86_64-linux-gnu-"}


@pytest.fixture(scope="module")
def task_container() -> dict:
    """The container definition the program registers for a service on ``PORT`` with ``HEALTH_PATH``."""
    return check_image.task_container(PORT, HEALTH_PATH)


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
        *base_contexts(image_env, DOCKER_DIR / "Dockerfile.graviton"), str(DOCKER_DIR), check=False,
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


def elf_header(data: bytes) -> tuple[bytes, int, int, int, int]:
    """Magic, class (2: 64-bit), byte order (1: little-endian), type (3: shared object) and machine of
    an ELF file (System V ABI, ELF header)."""
    return data[:4], data[4], data[5], int.from_bytes(data[16:18], "little"), int.from_bytes(data[18:20], "little")


def test_every_native_module_in_the_image_is_a_shared_object_for_its_platform(image: tuple[str, str]) -> None:
    """Read from the pushed layers, not by loading them: any ``.node`` file anywhere in the image."""
    ref, platform = image
    registry, repository, tag = split_ref(ref)
    modules = image_files(registry, repository, platform_manifests(registry, repository, tag)[platform], (".node",))
    assert "app/node_modules/bcrypt/build/Release/bcrypt_lib.node" in modules
    headers = {path: elf_header(data) for path, data in modules.items()}
    assert set(headers.values()) == {(b"\x7fELF", 2, 1, 3, ELF_MACHINE[platform])}, headers


def test_the_native_sources_were_compiled_by_the_build_machines_compiler_for_the_target(
    image: tuple[str, str],
) -> None:
    """node-gyp's make files record each compile command beside its object (``.deps/**/*.o.d``): the
    cross compiler named for the target, and for the Graviton image its Neoverse-N1 tuning."""
    ref, platform = image
    registry, repository, tag = split_ref(ref)
    manifest = platform_manifests(registry, repository, tag)[platform]
    recorded = image_files(registry, repository, manifest, (".o.d",))
    commands = [data.decode().splitlines()[0].split(" := ", 1)[1].split() for data in recorded.values()]
    assert len(commands) == 3, recorded.keys()  # bcrypt.cc, bcrypt_node.cc, blowfish.cc
    tuned = repository.endswith("/app-graviton")
    for command in commands:
        assert command[0] in {COMPILERS[platform] + "gcc", COMPILERS[platform] + "g++"}, command
        assert ("-mcpu=neoverse-n1" in command) == tuned, command


@pytest.mark.parametrize("heap_mib", [256, 768])
def test_the_v8_heap_limit_follows_node_options(image: tuple[str, str], heap_mib: int) -> None:
    script = "console.log(require('v8').getHeapStatistics().heap_size_limit)"
    limit = int(run(*image, "node", "-e", script, env={"NODE_OPTIONS": f"--max-old-space-size={heap_mib}"}))
    # heap_size_limit is old space plus the young generation's reservation on top.
    assert heap_mib * 2**20 <= limit <= (heap_mib + 64) * 2**20


@pytest.fixture
def serving(image: tuple[str, str], task_container: dict) -> Iterator[tuple[str, int]]:
    """The image run as the task runs it: its environment, its user, a read-only root, port 8080."""
    container, port = check_image.start(*image, task_container)
    try:
        if not check_image.wait_healthy(container, port, HEALTH_PATH):
            raise AssertionError(docker("logs", container).stdout)
        yield container, port
    finally:
        docker("rm", "-f", container, check=False)


def test_the_app_listens_on_the_task_port_and_answers_the_task_health_path(serving: tuple[str, int]) -> None:
    _, port = serving
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=5) as response:
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
    slow: dict[str, object] = {}

    def slow_request() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slow?ms=1500", timeout=30) as response:
            slow.update(status=response.status, body=json.loads(response.read()))

    in_flight = threading.Thread(target=slow_request)
    outcome = check_image.sigterm_under_load(container, port, HEALTH_PATH, during=in_flight.start)
    in_flight.join(timeout=30)
    assert outcome.failures == []
    assert outcome.answered > 5
    assert outcome.draining_health == 503
    assert outcome.draining_connection == "close"
    assert slow == {"status": 200, "body": {"waitedMs": 1500}}
    assert outcome.exit_code == 0
    assert outcome.seconds < check_image.STOP_TIMEOUT_SECONDS
    logs = [json.loads(line) for line in docker("logs", container).stdout.splitlines() if line.startswith("{")]
    assert any(entry.get("message") == "draining" and entry.get("signal") == "SIGTERM" for entry in logs)


def test_the_contract_checklist_passes_on_the_graviton_image(graviton: str) -> None:
    lines: list[str] = []
    code = check_image.main([graviton, "--port", str(PORT), "--health-path", HEALTH_PATH], out=lines.append)
    assert code == 0, "\n".join(lines)
    assert len(lines) == POINTS and all(line.startswith("PASS") for line in lines)


def test_the_contract_checklist_fails_an_image_that_serves_nothing(image_env: Environment) -> None:
    """The checklist is not vacuous: the bare node base image (no app, exits at once) fails it."""
    lines: list[str] = []
    code = check_image.main([image_env.node_image, "--port", str(PORT)], out=lines.append)
    assert code == 1
    assert lines[0].startswith("PASS  image runs as linux/arm64")
    assert any(line.startswith("FAIL  listens on PORT=8080") for line in lines)


def test_a_source_change_rebuilds_and_pushes_only_the_source_layer(
    image_env: Environment, graviton: str, tmp_path: Path
) -> None:
    """After a one-line change BuildKit takes every dependency step from the cache (so a deploy pushes
    no new dependency layer) and rebuilds only the last layer, the source.

    Judged from BuildKit's own cache decisions, not by comparing layer digests with the ``graviton``
    fixture (asked for to warm the builder): the dependency step (npm ci, a native compile) is not
    byte-reproducible, so on a builder that has run it more than once, equal cached steps may carry
    different blobs.
    """
    context = tmp_path / "docker"
    shutil.copytree(DOCKER_DIR, context, ignore=shutil.ignore_patterns("node_modules"))
    server = context / "app" / "server.js"
    # A line no earlier run has built, or the cache would hold this source layer too.
    server.write_text(server.read_text() + f"// {uuid.uuid4()}\n")
    changed = f"{image_env.registry}/graviton-node/app-graviton:source-change"
    steps: dict[str, bool] = {}
    build(image_env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=changed, context=context,
          cache_ref=f"{image_env.registry}/graviton-node/cache:graviton-arm64", steps=steps)  # fmt: skip
    instructions = {step.split("] ", 1)[1]: cached for step, cached in steps.items()}
    rebuilt = [step for step, cached in instructions.items() if not cached and not step.startswith("FROM ")]
    assert rebuilt == ["COPY app/ /app/"], steps
    assert any(cached and "COPY --from=build /app/node_modules" in step for step, cached in steps.items())
    (after,) = platform_manifests(*split_ref(changed)).values()
    assert after["layers"][-1]["size"] < 100_000  # the source alone; node_modules is the layer before it
