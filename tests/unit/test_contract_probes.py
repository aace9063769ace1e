"""tools/check_image.py's kept-alive probes (tools/contract_probes.py) against real node processes: the
apps that keep the contract pass them, and an app with Node's default keep-alive that never says
``connection: close`` fails both, as the ALB would find it (a 502 on a connection the app closed idle).
And the contract's apps stop when the drain ends though a connection never sent them a byte."""

import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tools import check_image
from tools.contract_probes import KeptAlive, Shutdown, get, reused_after_idle, under_load
from tools.offline import ROOT

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the probes run against node")

#: The drain check_image runs an app with, in seconds (its SHORTENED environment).
DRAIN = int(check_image.SHORTENED["DRAIN_DELAY_MS"]) / 1000
SAMPLE = ROOT / "docker/app/server.js"
APPS = {
    "sample": SAMPLE,
    "tiny": ROOT / "tests/fixtures/tiny-app/server.js",
    "breaker": ROOT / "tests/fixtures/contract-breaker/server.js",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(name: str, **overrides: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The app run as check_image runs it: the default service's environment, the drain shortened."""
    server = APPS[name]
    if server == SAMPLE and not (SAMPLE.parent / "node_modules/bcrypt").is_dir():
        pytest.skip("the sample app needs its node_modules (npm ci in docker/app)")
    port = free_port()
    env = os.environ | check_image.task_environment(check_image.task_container(port, "/health")) | overrides
    process = subprocess.Popen(["node", str(server)], env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if get(port, "/health") == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield process, port
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    with running(request.param) as started:
        yield started


def kept_alive_points(name: str) -> tuple[bool, Shutdown]:
    with running(name) as (process, port):
        kept = KeptAlive(port)
        kept.get()
        reused, _ = reused_after_idle(kept)
        kept.close()
        outcome = under_load(port, "/health", lambda: process.send_signal(signal.SIGTERM), drain_seconds=DRAIN)
        assert process.wait(timeout=10) == 0
        return reused, outcome


@pytest.fixture(scope="module")
def kept_alive() -> dict[str, tuple[bool, Shutdown]]:
    """Each app's two kept-alive points, the apps probed side by side: each waits out the 7 s idle."""
    names = [n for n in APPS if n != "sample" or (SAMPLE.parent / "node_modules/bcrypt").is_dir()]
    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        return dict(zip(names, pool.map(kept_alive_points, names), strict=True))


@pytest.mark.parametrize("name", ["sample", "tiny"])
def test_an_app_that_keeps_the_contract_passes_both_kept_alive_points(
    kept_alive: dict[str, tuple[bool, Shutdown]], name: str
) -> None:
    if name not in kept_alive:
        pytest.skip("the sample app needs its node_modules (npm ci in docker/app)")
    reused, outcome = kept_alive[name]
    assert (reused, outcome.draining_connection, outcome.draining_health, outcome.failures) == (True, "close", 503, [])


def test_an_app_with_nodes_default_keep_alive_that_never_says_close_fails_both(
    kept_alive: dict[str, tuple[bool, Shutdown]],
) -> None:
    reused, outcome = kept_alive["breaker"]
    assert (reused, outcome.draining_connection) == (False, "keep-alive")
    assert (outcome.draining_health, outcome.failures) == (503, [])


@pytest.mark.parametrize("share", [0.0, 0.7])
def test_an_app_that_stops_taking_connections_before_its_drain_ends_fails_the_drain_point(share: float) -> None:
    """The load balancer sends until its health check has failed the target, the drain's whole length
    (docs/decisions.md): a listener that closes at the signal, or 70 % of the way, refuses requests it still
    sends."""
    with running("breaker", DRAIN_DELAY_MS=str(int(share * DRAIN * 1000))) as (process, port):
        outcome = under_load(port, "/health", lambda: process.send_signal(signal.SIGTERM), drain_seconds=DRAIN)
        process.wait(timeout=10)
    assert outcome.failures


@pytest.mark.parametrize("app", ["sample", "tiny"], indirect=True)
def test_a_connection_that_never_sent_a_byte_does_not_hold_the_apps_shutdown(
    app: tuple[subprocess.Popen[bytes], int],
) -> None:
    """The drain (2.25 s) ends, the server stops accepting and closes it: not after SHUTDOWN_TIMEOUT_MS."""
    process, port = app
    with socket.create_connection(("127.0.0.1", port)):
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 3.0
