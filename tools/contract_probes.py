"""The HTTP side of tools/check_image.py: what a client, the ALB and ECS see of a running app.

Requests go to ``127.0.0.1:port``; stopping the app is the caller's (``docker kill`` for an image, a
signal for a local process in the tests), so these probes run against either.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

#: Longer than Node's default keep-alive: ``server.keepAliveTimeout`` 5 s, which Node 22 holds the socket
#: 1 s past (``server.keepAliveTimeoutBuffer``). An app that keeps the default closes an idle connection
#: the ALB still holds for its idle timeout (60 s by default, ELBv2 ``idle_timeout.timeout_seconds``), and
#: the ALB's next request on it is a 502.
IDLE_SECONDS = 7.0


def get(port: int, path: str) -> int:
    """The status of ``GET path`` on a connection of its own; raises OSError when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class KeptAlive:
    """One persistent connection, as the ALB pools its connections to a target (urllib sends
    ``Connection: close`` with every request, so it never sees what the app does with an idle one)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.last = time.monotonic()

    def get(self, path: str = "/") -> http.client.HTTPResponse:
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        response.read()
        self.last = time.monotonic()
        return response

    def close(self) -> None:
        self.connection.close()


def reused_after_idle(kept: KeptAlive, idle: float = IDLE_SECONDS) -> tuple[bool, str]:
    """Whether ``kept``, idle ``idle`` seconds since its last answer, carries another request with a 200
    (http.client sends it on the same socket: it opens another only once the app said close)."""
    time.sleep(max(0.0, kept.last + idle - time.monotonic()))
    if kept.connection.sock is None:
        return False, "the app said connection: close on an answer while serving"
    try:
        status = kept.get().status
    except OSError as error:  # RemoteDisconnected: the app closed it while idle
        return False, repr(error)
    return status == 200, f"HTTP {status}"


def connection_header(kept: KeptAlive) -> str:
    """The ``Connection`` header of an answer on ``kept`` (empty when there is none, the error if none came)."""
    try:
        return (kept.get().getheader("Connection") or "").lower()
    except OSError as error:
        return repr(error)


@dataclass(frozen=True)
class Shutdown:
    """What a client and ECS see when the task gets SIGTERM under a steady request stream."""

    failures: list[str]
    draining_health: int
    draining_connection: str
    answered: int


#: How much of the drain the request stream covers, by the clock from the signal: the load balancer sends
#: until its health check has failed the target, the drain's whole length (docs/decisions.md), so an app must
#: take connections to its end; the last fifth is left to requests slowed by emulation on a busy machine,
#: which would otherwise reach a listener that closed on time.
STREAM_SHARE = 0.8


def under_load(port: int, health_path: str, signal: Callable[[], None],
               during: Callable[[], None] = lambda: None, *, drain_seconds: float) -> Shutdown:  # fmt: skip
    """``signal`` (SIGTERM to the app) during a steady request stream; ``during`` runs right after it (a
    request in flight). A connection kept alive from before the signal asks once more during the drain."""
    failures: list[str] = []
    answered: list[int] = []
    sending = threading.Event()
    sending.set()
    # By the clock from the signal, however long the probes below take under emulation (STREAM_SHARE).
    stop_at = [float("inf")]

    def stream() -> None:
        while sending.is_set() and time.monotonic() < stop_at[0]:
            try:
                status = get(port, "/")
                answered.append(status)
                if status >= 500:
                    failures.append(f"HTTP {status}")
            except OSError as error:
                failures.append(repr(error))
            time.sleep(0.05)

    kept = KeptAlive(port)
    worker = threading.Thread(target=stream)
    try:
        kept.get()
        worker.start()
        time.sleep(0.5)
        signal()
        stop_at[0] = time.monotonic() + STREAM_SHARE * drain_seconds
        during()
        time.sleep(0.3)
        try:
            draining = get(port, health_path)
        except OSError:
            draining = 0
        closing = connection_header(kept)
        time.sleep(max(0.0, stop_at[0] - time.monotonic()))
    finally:
        sending.clear()
        if worker.is_alive():
            worker.join(timeout=30)
        kept.close()
    return Shutdown(failures, draining, closing, len(answered))
