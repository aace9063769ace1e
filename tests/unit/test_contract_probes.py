"""tools/check_image.py's kept-alive probes (tools/contract_probes.py) against real node processes: the
apps that keep the contract pass them, and an app with Node's default keep-alive that never says
``connection: close`` fails both, as the ALB would find it (a 502 on a connection the app closed idle).
And the contract's apps stop when the drain ends though a connection never sent them a byte. Each probe runs
on an app of its own, side by side with the others (``probes``); the tests read what they saw."""

import concurrent.futures
import contextlib
import copy
import functools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.unit import node_app
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


@contextlib.contextmanager
def running(name: str, **overrides: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The app run as check_image runs it: the default service's environment, the drain shortened."""
    server = APPS[name]
    if server == SAMPLE and not (SAMPLE.parent / "node_modules/bcrypt").is_dir():
        pytest.skip("the sample app needs its node_modules (npm ci in docker/app)")
    port = node_app.free_port()
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


def kept_connection_reused(name: str) -> bool:
    """Whether a connection the app answered once carries another request after IDLE_SECONDS idle."""
    with running(name) as (_, port):
        kept = KeptAlive(port)
        kept.get()
        reused, _ = reused_after_idle(kept)
        kept.close()
        return reused


def shutdown_under_load(name: str, **overrides: str) -> tuple[Shutdown, int]:
    """What a client sees of SIGTERM under a steady request stream, and the app's exit code."""
    with running(name, **overrides) as (process, port):
        outcome = under_load(port, "/health", lambda: process.send_signal(signal.SIGTERM), drain_seconds=DRAIN)
        return outcome, process.wait(timeout=10)


def shutdown_with_an_unused_connection(name: str) -> tuple[int, float]:
    """The exit code and the seconds from SIGTERM to the exit, while a connection never sent a byte."""
    with running(name) as (process, port), socket.create_connection(("127.0.0.1", port)):
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=10), time.monotonic() - started


Key = tuple[str, str | float]
#: The module's probes, each on an app of its own, all within the 7 s the kept-alive ones wait out idle. As
#: the drains' timing is at stake, few request streams run at once: first the two drains cut short, …
FIRST: dict[Key, Callable[[], Any]] = {
    **{("reused", name): functools.partial(kept_connection_reused, name) for name in APPS},
    **{
        ("drain cut", share): functools.partial(
            shutdown_under_load, "breaker", DRAIN_DELAY_MS=str(int(share * DRAIN * 1000))
        )
        for share in (0.0, 0.7)
    },
    **{
        ("unused connection", name): functools.partial(shutdown_with_an_unused_connection, name)
        for name in ("sample", "tiny")
    },
}
#: … then the three apps' drains under load, side by side.
THEN: dict[Key, Callable[[], Any]] = {
    ("under load", name): functools.partial(shutdown_under_load, name) for name in APPS
}


def after(first: list[concurrent.futures.Future[Any]], probe: Callable[[], Any]) -> Any:
    concurrent.futures.wait(first)
    return probe()


@pytest.fixture(scope="module")
def probes() -> Iterator[dict[Key, concurrent.futures.Future[Any]]]:
    with concurrent.futures.ThreadPoolExecutor(len(FIRST) + len(THEN)) as pool:
        started = {key: pool.submit(probe) for key, probe in FIRST.items()}
        cut = [future for key, future in started.items() if key[0] == "drain cut"]
        yield started | {key: pool.submit(after, cut, probe) for key, probe in THEN.items()}


@pytest.fixture
def probed(probes: dict[Key, concurrent.futures.Future[Any]]) -> Callable[[str, str | float], Any]:
    """A probe's result, once it is in: a copy of its own for each test (a skip when the app cannot run)."""
    return lambda kind, subject: copy.deepcopy(probes[kind, subject].result())


@pytest.mark.parametrize("name", ["sample", "tiny"])
def test_an_app_that_keeps_the_contract_passes_both_kept_alive_points(probed: Callable[..., Any], name: str) -> None:
    outcome, code = probed("under load", name)
    assert probed("reused", name) is True
    assert (outcome.draining_connection, outcome.draining_health, outcome.failures, code) == ("close", 503, [], 0)


def test_an_app_with_nodes_default_keep_alive_that_never_says_close_fails_both(probed: Callable[..., Any]) -> None:
    outcome, code = probed("under load", "breaker")
    assert (probed("reused", "breaker"), outcome.draining_connection) == (False, "keep-alive")
    assert (outcome.draining_health, outcome.failures, code) == (503, [], 0)


@pytest.mark.parametrize("share", [0.0, 0.7])
def test_an_app_that_stops_taking_connections_before_its_drain_ends_fails_the_drain_point(
    probed: Callable[..., Any], share: float
) -> None:
    """The load balancer sends until its health check has failed the target, the drain's whole length
    (docs/decisions.md): a listener that closes at the signal, or 70 % of the way, refuses requests it still
    sends."""
    outcome, _ = probed("drain cut", share)
    assert outcome.failures


@pytest.mark.parametrize("name", ["sample", "tiny"])
def test_a_connection_that_never_sent_a_byte_does_not_hold_the_apps_shutdown(
    probed: Callable[..., Any], name: str
) -> None:
    """The drain (2.25 s) ends, the server stops accepting and closes it: not after SHUTDOWN_TIMEOUT_MS."""
    code, seconds = probed("unused connection", name)
    assert code == 0
    assert seconds < 3.0
