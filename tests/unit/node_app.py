"""A real Node app under test, waited on by its events (it answers, it exits, its Node holds it for a debugger)
rather than by waiting out a timeout; the timeout stays as the upper bound only."""

import contextlib
import re
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")
T = TypeVar("T")
DEBUGGER = re.compile(r"Debugger listening on (ws://\S+)")
#: Node's inspector answers NodeRuntime.enable with the event NodeRuntime.waitingForDebugger first while it
#: holds the app before its first line (--inspect-brk, --inspect-wait); an app it let run gets the answer alone
#: (node's src/inspector/node_protocol.pdl, NodeRuntime domain; Node's own --inspect-wait test asks the same).
ASK_INSPECTOR = """
const ws = new WebSocket(process.argv[1]);
ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'NodeRuntime.enable' }));
ws.onmessage = ({ data }) => {
  const message = JSON.parse(data);
  if (message.method === 'NodeRuntime.waitingForDebugger') process.exit(0);
  if (message.id === 1) process.exit(1);
};
ws.onerror = () => process.exit(2);
"""


def waits_for_a_debugger(node: str, inspector: str) -> bool:
    """The Node whose inspector listens at ``inspector`` (a ws:// URL) holds its app for a debugger."""
    # Node's own options only: the asking node must not take the app's NODE_OPTIONS (it would wait too).
    try:
        asked = subprocess.run([node, "-e", ASK_INSPECTOR, inspector], env={}, capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:  # no answer: unknown, so the app's own bound decides
        return False
    return asked.returncode == 0


def serves(app: subprocess.Popen[bytes], url: str, stderr: Path, node: str, within: float = 5.0) -> bool:
    """The app answers ``url`` within ``within`` seconds; a process that exits, or that its Node holds for a
    debugger (told by ``stderr``, the file its stderr goes to), does not, and is known at once."""
    deadline = time.monotonic() + within
    asked = False
    while time.monotonic() < deadline:
        if app.poll() is not None:
            return False
        try:
            return urllib.request.urlopen(url, timeout=1).status == 200
        except OSError:
            pass
        if not asked and (listening := DEBUGGER.search(stderr.read_text(errors="replace"))):
            asked = True
            if waits_for_a_debugger(node, listening.group(1)):
                return False
        time.sleep(0.01)
    return False


def exits_0(process: subprocess.Popen[bytes], within: float) -> bool:
    """``process`` ends with status 0 within ``within`` seconds of now (one still running has not)."""
    try:
        return process.wait(timeout=within) == 0
    except subprocess.TimeoutExpired:
        return False


def until(happened: Callable[[], bool], within: float) -> bool:
    """``happened()`` holds within ``within`` seconds, asked every 10 ms."""
    deadline = time.monotonic() + within
    while not happened():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def answers(url: str) -> bool:
    """``url`` answers with a status that is not an error."""
    try:
        urllib.request.urlopen(url, timeout=1)
    except OSError:
        return False
    return True


#: Every port ``free_port`` has handed out in this process.
_GIVEN: set[int] = set()
_GIVEN_LOCK = threading.Lock()


def free_port() -> int:
    """A port the kernel offers now, never one handed out before in this process: apps started side by side
    would otherwise both take a port the kernel offered each of them, one fail to listen, and the other's
    probes reach the wrong app (the likely cause when a contract probe once saw the tiny app drop an idle
    connection, as the contract breaker does)."""
    with _GIVEN_LOCK:
        while True:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            if port not in _GIVEN:
                _GIVEN.add(port)
                return port


@contextlib.contextmanager
def side_by_side(workers: int, jobs: Mapping[K, Callable[[], T]]) -> Iterator[dict[K, Future[T]]]:
    """Each of ``jobs`` started on a pool of ``workers`` threads, its future by its key. On leaving, the jobs not
    yet started are cancelled (a run of a few tests asks for a few) and those running waited for."""
    with ThreadPoolExecutor(workers) as pool:
        yield {key: pool.submit(job) for key, job in jobs.items()}
        pool.shutdown(cancel_futures=True)
