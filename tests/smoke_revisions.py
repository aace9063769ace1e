"""Stand-ins for the revision behind the test listener rule, for the smoke test's function: local HTTP and
TCP servers that pass, fail, redirect, hang, trickle or close; the events ECS sends; Lambda's context."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from components.edge.smoke_test_rules import STAGE

#: How often a server checks for shutdown(), which waits for it: serve_forever's default, 0.5 s, cost each
#: test that served a request half a second.
POLL_SECONDS = 0.01

HEADER = ("x-deploy-test", "smoke-7f3a")
REVISION = "arn:aws:ecs:us-east-1:123456789012:service-revision/web/web-svc/2"
#: What ECS sends at POST_TEST_TRAFFIC_SHIFT as the ECS guide lists it (Lifecycle payloads: the common
#: fields), at the top level.
GUIDE_EVENT = {
    "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/web/web-svc",
    "targetServiceRevisionArn": REVISION,
    "testTrafficWeights": {REVISION: 100},
    "productionTrafficWeights": {"arn:aws:ecs:us-east-1:123456789012:service-revision/web/web-svc/1": 100},
}
#: The same as AWS's sample hooks read it (aws-samples/sample-amazon-ecs-blue-green-deployment-patterns,
#: ecs-bluegreen-lifecycle-hooks/src/admissionFunction/app.py: ``event["executionDetails"][...]``).
SAMPLE_EVENT = {
    "executionId": "e-1",
    "lifecycleStage": STAGE,
    "resourceArn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/web/web-svc/d-1",
    "executionDetails": GUIDE_EVENT,
}


class _Revision(BaseHTTPRequestHandler):
    """Answers ``/health`` with the status the server was given; 404 without the test header (the request
    would not have matched the test rule); 200 at ``/elsewhere``, where its redirects point."""

    status = 200

    def do_GET(self) -> None:
        status = self.status if self.headers.get(HEADER[0]) == HEADER[1] else 404
        if self.path == "/elsewhere":  # where a redirect leads: some other route, which answers
            status = 200
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _served(handler_class: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server of ``handler_class`` in a thread of its own, while the block runs: its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def revision(status: int) -> Iterator[str]:
    with _served(type("Revision", (_Revision,), {"status": status})) as url:
        yield url


@contextmanager
def hanging() -> Iterator[str]:
    """A revision that accepts connections and never answers (a deadlocked event loop)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


def context(milliseconds_left: int) -> object:
    """Lambda's context, as far as the function reads it."""
    return type("Context", (), {"get_remaining_time_in_millis": lambda self: milliseconds_left})()


@contextmanager
def serving(answer: Callable[[socket.socket], None]) -> Iterator[tuple[str, list[int]]]:
    """A bare TCP server handing each connection to ``answer`` (then closing it), and how many it took."""
    listener = socket.create_server(("127.0.0.1", 0))
    taken: list[int] = []

    def serve() -> None:
        while True:
            try:
                connection = listener.accept()[0]
            except OSError:
                return
            taken.append(1)
            with connection:
                answer(connection)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/health", taken
    finally:
        listener.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def set_environment(monkeypatch: pytest.MonkeyPatch, url: str, timeout: float = 5) -> None:
    for name, value in {"URL": url, "HEADER_NAME": HEADER[0], "HEADER_VALUE": HEADER[1],
                        "TIMEOUT_SECONDS": str(timeout)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)


@contextmanager
def answering(*statuses: int) -> Iterator[tuple[str, list[int]]]:
    """A revision answering each request with the next of ``statuses`` (the last one thereafter), and the
    statuses it gave."""
    given: list[int] = []

    class Answers(_Revision):
        def do_GET(self) -> None:
            self.status = statuses[min(len(given), len(statuses) - 1)]
            given.append(self.status)
            super().do_GET()

    with _served(Answers) as url:
        yield f"{url}/health", given


def close_unanswered(connection: socket.socket) -> None:
    """Read the request and close: a target's keep-alive race, as the client sees it."""
    connection.recv(4096)


def trickle(connection: socket.socket) -> None:
    """A 200 sent a byte at a time, each within the socket timeout: no socket operation ever times out."""
    connection.recv(4096)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
        time.sleep(0.05)
        try:
            connection.sendall(bytes([byte]))
        except OSError:
            return
