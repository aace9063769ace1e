"""The app container holds its heap ceiling and what Node needs beside it: the figures the check counts
are measured again here with the image's Node, and the check refuses a container the kernel would kill."""

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.container_definition import health_check_command
from components.service.env_tuning import (
    DEFAULT_SEMI_SPACE_MIB,
    FULL_HEAP_PERCENT,
    HEALTH_CHECK_ANON_MIB,
    NODE_NON_HEAP_MIB,
    SEMI_SPACES,
    Tuning,
    app_memory_floor_mib,
    full_heap_overhead_mib,
    semi_space_mib,
)
from components.service.fargate_sizing import VALID_CPU, valid_memory
from components.service.node_options import parse
from components.service.service_spec import ServiceSpec
from components.service.sidecar import Sidecar
from tests.unit import node_app
from tools.node_bootstrap import image_node_version, major_of

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
PINNED_MAJOR = int(image_node_version().split(".")[0])
real_node = pytest.mark.skipif(
    NODE is None or major_of(NODE) != PINNED_MAJOR or not (ROOT / "docker/app/node_modules").is_dir(),
    reason=f'needs the image\'s Node {PINNED_MAJOR} on PATH (PATH="$(python3 tools/node_bootstrap.py):$PATH") '
    "and docker/app/node_modules",
)
MIB = 1024 * 1024
FULL_HEAP = json.loads((ROOT / "components/service/v8_full_heap.json").read_text())
COLLECTOR = "otel/collector:0.1@sha256:" + "a" * 64
#: The old-space sizes (MiB) and the semi-space flags whose heap limit V8 reports, and the sizes filled.
OLD_SPACES = [64, 358, 1433, 27648]
SEMI_SPACE_FLAGS = [17, 33, 65]
FILLED = [(256, 512)]
Measured = dict[tuple[Callable[..., Any], tuple[Any, ...]], Future[Any]]


@real_node
@pytest.mark.parametrize("old_space", OLD_SPACES)
def test_v8_s_young_generation_is_at_most_three_default_semi_spaces(measured: Measured, old_space: int) -> None:
    limit = measured[heap_limit, (f"--max-old-space-size={old_space}",)].result()
    assert limit - old_space * MIB <= SEMI_SPACES * DEFAULT_SEMI_SPACE_MIB * MIB


@real_node
@pytest.mark.parametrize("semi_space", SEMI_SPACE_FLAGS)
def test_v8_s_young_generation_is_three_of_the_semi_spaces_the_check_counts(
    measured: Measured, semi_space: int
) -> None:
    """V8 rounds a --max-semi-space-size up to a power of two: the check counts what V8 runs with."""
    flag = f"--max-semi-space-size={semi_space}"
    limit = measured[heap_limit, ("--max-old-space-size=716", flag)].result()
    assert limit - 716 * MIB == SEMI_SPACES * semi_space_mib(parse(flag)) * MIB


@pytest.mark.parametrize("peak", FULL_HEAP["peaks"], ids=lambda peak: str(peak["ceiling_mib"]))
def test_every_measured_full_heap_fits_what_the_floor_counts_beside_its_ceiling(peak: dict[str, int]) -> None:
    heap = peak["ceiling_mib"]
    counted = heap + SEMI_SPACES * DEFAULT_SEMI_SPACE_MIB + NODE_NON_HEAP_MIB + full_heap_overhead_mib(heap)
    assert peak["rss_anon_mib"] + peak["rss_file_mib"] <= counted


def _highest_heap_percent(memory: int) -> int:
    floor = partial(app_memory_floor_mib, memory, semi_space=DEFAULT_SEMI_SPACE_MIB, health_checked=True)
    return max(percent for percent in range(10, 91) if floor(heap_percent=percent) <= memory)


def _peak_rss_mib(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``command`` to its end, sampling /proc/PID/status every 20 ms: its peak RssAnon + RssFile (MiB),
    and its stderr."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_kib = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            break
        fields = dict(line.split(":", 1) for line in status.splitlines())
        if "RssAnon" in fields:
            peak_kib = max(peak_kib, sum(int(fields[name].split()[0]) for name in ("RssAnon", "RssFile")))
        time.sleep(0.02)
    return peak_kib // 1024, process.communicate(timeout=300)[1]


def filled_heap(cpu: int, memory: int) -> tuple[int, str]:
    """In the task's environment at ``cpu``/``memory`` the old space fills until V8 reports it full: the
    process's peak RSS (MiB) and its stderr."""
    assert NODE is not None
    percent = _highest_heap_percent(memory)
    env = {
        **ServiceSpec(cpu=cpu, memory=memory, tuning=Tuning(heap_percent=percent)).container_environment(),
        "PATH": str(Path(NODE).parent),
    }
    return _peak_rss_mib([NODE, str(ROOT / "tests/fixtures/fill-heap.js")], env)


@real_node
@pytest.mark.parametrize(("cpu", "memory"), FILLED)
def test_a_heap_filled_at_the_highest_heap_percent_the_check_allows_stays_inside_the_container(
    measured: Measured, cpu: int, memory: int
) -> None:
    """The process's peak (``filled_heap``), with the health check's node beside it, stays within the
    container's memory. Fargate's smallest size only, where the default is the highest allowed: a larger heap
    takes 10-25 s to fill, and the larger sizes' measured peaks are held to the rule by the recorded figures
    (``v8_full_heap.json``) instead."""
    peak, stderr = measured[filled_heap, (cpu, memory)].result()
    assert "JavaScript heap out of memory" in stderr
    assert peak + HEALTH_CHECK_ANON_MIB <= memory


def app_memory() -> tuple[dict[str, int], str]:
    """The sample app at start, in the task's environment at Fargate's smallest size, reports its RSS and heap;
    then the task's own health-check command runs against it: the app's report, and the check's stderr with
    its peak RssAnon."""
    with tempfile.TemporaryDirectory() as folder:
        return _app_memory(Path(folder))


def _app_memory(folder: Path) -> tuple[dict[str, int], str]:
    """``app_memory``, the scripts that report the figures written in ``folder``."""
    assert NODE is not None
    port = node_app.free_port()
    env = {
        **ServiceSpec(cpu=256, memory=512).container_environment(),
        "PORT": str(port),
        "PATH": str(Path(NODE).parent),
    }
    peak = folder / "peak.js"
    peak.write_text(
        "process.on('exit',()=>{const s=require('fs').readFileSync('/proc/self/status','utf8');"
        "process.stderr.write('ANON '+/RssAnon:\\s+(\\d+)/.exec(s)[1]+'\\n')})\n"
    )
    probe = folder / "probe.js"
    probe.write_text(
        "setTimeout(()=>{const m=process.memoryUsage();"
        "process.stderr.write('MEMORY '+JSON.stringify({rss:m.rss,heap:m.heapTotal})+'\\n')},1500).unref()\n"
    )
    output = folder / "stderr"
    with output.open("w") as sink:
        app = subprocess.Popen([NODE, "-r", str(probe), "server.js"], cwd=ROOT / "docker/app", env=env,
                               stdout=subprocess.DEVNULL, stderr=sink)  # fmt: skip
    try:
        node_app.until(partial(node_app.answers, f"http://127.0.0.1:{port}{env['HEALTH_CHECK_PATH']}"), within=10)
        # The check runs once the app has reported its memory, 1.5 s after its start.
        node_app.until(lambda: "MEMORY " in output.read_text(), within=10)
        # The peak is read inside the check's own process: a child's rusage keeps the forking parent's peak.
        check_env = {**env, "NODE_OPTIONS": f'{env["NODE_OPTIONS"]} --require "{peak}"'}
        check = subprocess.run(health_check_command(5)[1:], env=check_env, capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
    finally:
        app.terminate()
        app.wait(timeout=60)
    (memory,) = [json.loads(line[7:]) for line in output.read_text().splitlines() if line.startswith("MEMORY ")]
    return memory, check.stderr


def heap_limit(*flags: str) -> int:
    """The heap limit V8 reports when Node runs with ``flags``, in bytes."""
    assert NODE is not None
    script = "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))"
    return int(subprocess.check_output([NODE, *flags, "-e", script], timeout=30))


#: The real Node's figures the tests read, each the function that measures it and its arguments: the longest
#: first.
FIGURES = [
    *((filled_heap, size) for size in FILLED),
    (app_memory, ()),
    *((heap_limit, (f"--max-old-space-size={old_space}",)) for old_space in OLD_SPACES),
    *((heap_limit, ("--max-old-space-size=716", f"--max-semi-space-size={size}")) for size in SEMI_SPACE_FLAGS),
]


@pytest.fixture(scope="module")
def measured() -> Iterator[Measured]:
    """The FIGURES measured side by side: the heap filling (seconds of a core) while the app waits 1.5 s to
    report its memory and the heap limits are read. Each is a process of its own, whose memory the others' do
    not change."""
    with node_app.side_by_side(3, {(function, args): partial(function, *args) for function, args in FIGURES}) as made:
        yield made


@real_node
def test_the_app_s_memory_beside_its_heap_and_the_health_check_s_node_fit_their_allowances(measured: Measured) -> None:
    """The sample app's RSS less its heap, and the health check's node's peak (``app_memory``)."""
    memory, check_stderr = measured[app_memory, ()].result()
    assert (memory["rss"] - memory["heap"]) / MIB <= NODE_NON_HEAP_MIB
    (anon_kib,) = [int(line[5:]) for line in check_stderr.splitlines() if line.startswith("ANON ")]
    assert anon_kib / 1024 <= HEALTH_CHECK_ANON_MIB


@pytest.mark.parametrize(("cpu", "memory"), [(cpu, memory) for cpu in VALID_CPU for memory in valid_memory(cpu)])
def test_every_fargate_size_holds_the_app_at_the_default_heap_percent(cpu: int, memory: int) -> None:
    ServiceSpec(cpu=cpu, memory=memory)


def test_a_heap_at_90_percent_of_512_mib_is_refused_naming_memory_heap_percent_and_what_fits() -> None:
    """460 MiB of old space + 48 of young generation + Node's own + V8's share of a full heap + the health
    check's node exceed 512."""
    with pytest.raises(ConfigError) as error:
        ServiceSpec(cpu=256, memory=512, tuning=Tuning(heap_percent=90))
    assert (error.value.key, error.value.value) == ("ServiceSpec.memory", 512)
    assert "Tuning.heap_percent 90" in error.value.allowed
    assert "Tuning.heap_percent at most 70" in error.value.allowed


def test_a_heap_the_kernel_killed_at_90_percent_of_2048_mib_is_refused() -> None:
    """Measured: a full 1843 MiB heap peaked at 2073 MiB (RssAnon 2033 + RssFile 40), and the kernel
    kills the container before V8 reports the heap full."""
    with pytest.raises(ConfigError, match=f"V8's {FULL_HEAP_PERCENT} % of the ceiling"):
        ServiceSpec(cpu=512, memory=2048, tuning=Tuning(heap_percent=90))


def test_a_task_without_a_health_check_does_not_hold_room_for_the_check_s_node() -> None:
    """368 MiB of old space + 48 of young generation + Node's own 48 + V8's 48 fit 512 when no check's node
    runs."""
    ServiceSpec(cpu=256, memory=512, health_check=None, tuning=Tuning(heap_percent=72))


def test_a_health_checked_task_holds_room_for_the_check_s_node_and_says_so() -> None:
    """The same task with its health check: 522 MiB, 10 of them the check's node."""
    with pytest.raises(ConfigError) as error:
        ServiceSpec(cpu=256, memory=512, tuning=Tuning(heap_percent=72))
    assert "holds 522 MiB" in error.value.allowed
    assert f"the health check's node ({HEALTH_CHECK_ANON_MIB})" in error.value.allowed


def test_a_task_without_a_health_check_is_refused_without_naming_one() -> None:
    """At 90 % the heap alone outgrows 512 MiB: the message counts what runs, and no health check's node."""
    with pytest.raises(ConfigError) as error:
        ServiceSpec(cpu=256, memory=512, health_check=None, tuning=Tuning(heap_percent=90))
    assert "holds 616 MiB" in error.value.allowed
    assert "health check" not in error.value.allowed
    assert "Tuning.heap_percent at most 72" in error.value.allowed


@given(memory=st.integers(512, 122880), percent=st.integers(10, 90), semi_space=st.integers(1, 64))
def test_the_health_check_s_node_is_all_a_health_check_adds_to_the_floor(
    memory: int, percent: int, semi_space: int
) -> None:
    floor = partial(app_memory_floor_mib, memory, heap_percent=percent, semi_space=semi_space)
    assert floor(health_checked=True) - floor(health_checked=False) == HEALTH_CHECK_ANON_MIB


def test_sidecars_that_leave_the_app_a_few_mib_are_refused_naming_them() -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(cpu=256, memory=512, sidecars=(Sidecar(name="otel", image=COLLECTOR, memory=506),))
    assert error.value.key == "ServiceSpec.memory"
    assert "ServiceSpec.sidecars' [506]" in error.value.allowed


def test_a_user_semi_space_counts_three_times_rounded_up_to_a_power_of_two_as_v8_does() -> None:
    ServiceSpec(cpu=512, memory=2048, environment={"NODE_OPTIONS": "--max-semi-space-size=64"})
    with pytest.raises(ConfigError, match=r"3 x 128 MiB semi-space"):
        ServiceSpec(cpu=512, memory=2048, environment={"NODE_OPTIONS": "--max-semi-space-size=65"})
