"""The smoke test's function against real sockets: a local HTTP server that passes, fails, redirects or
hangs, as the new revision behind the test listener rule might; and, at its stage in the model of an ECS
deployment (``tests/models/ecs_deployment.py``), what it lets production traffic reach."""

import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from components.edge import smoke_test_handler
from components.edge.smoke_test_handler import ATTEMPTS, FAILED, SUCCEEDED, handler, probe, smoke
from components.edge.smoke_test_rules import STAGE
from components.service.deployment_strategy import DeploymentStrategy
from tests.models.ecs_deployment import deploy
from tests.source import top_level_imports

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
def revision(status: int) -> Iterator[str]:
    handler_class = type("Revision", (_Revision,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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


@pytest.mark.parametrize("status", [200, 204])
def test_a_revision_answering_2xx_through_the_test_route_passes(status: int) -> None:
    with revision(status) as url:
        assert probe(f"{url}/health", HEADER, timeout=5) == (True, f"status {status}", False)


@pytest.mark.parametrize("status", [500, 503, 404])
def test_a_revision_answering_an_error_fails(status: int) -> None:
    with revision(status) as url:
        # Only the load balancer's kind of answer (503 here) is worth asking again.
        assert probe(f"{url}/health", HEADER, timeout=5) == (False, f"status {status}", status == 503)


def test_a_redirect_is_not_followed_and_fails() -> None:
    """A 3xx would lead away from the test route (e.g. the HTTP listener's redirect to HTTPS)."""
    with revision(301) as url:
        assert probe(f"{url}/health", HEADER, timeout=5) == (False, "status 301", False)


def test_the_request_carries_the_test_header_the_rule_matches() -> None:
    with revision(200) as url:
        assert probe(f"{url}/health", ("x-other", "1"), timeout=5) == (False, "status 404", False)


def test_a_revision_that_hangs_fails_once_the_timeout_has_passed() -> None:
    with hanging() as url:
        started = time.monotonic()
        passed, what, again = probe(f"{url}/health", HEADER, timeout=0.5)
        elapsed = time.monotonic() - started
    assert not passed and not again  # a timeout is not asked again
    assert "timed out" in what
    assert 0.4 < elapsed < 5


def test_a_refused_connection_fails() -> None:
    passed, what, again = probe(f"http://127.0.0.1:{closed_port()}/health", HEADER, timeout=5)
    assert not passed and again  # a refused connection is asked again
    assert what.startswith("no answer")


def set_environment(monkeypatch: pytest.MonkeyPatch, url: str, timeout: float = 5) -> None:
    for name, value in {"URL": url, "HEADER_NAME": HEADER[0], "HEADER_VALUE": HEADER[1],
                        "TIMEOUT_SECONDS": str(timeout)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(("status", "hook_status"), [(200, SUCCEEDED), (500, FAILED)])
def test_the_handler_returns_the_hook_status_ecs_reads(
    status: int, hook_status: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with revision(status) as url:
        set_environment(monkeypatch, f"{url}/health")
        assert handler(SAMPLE_EVENT, None) == {"hookStatus": hook_status}
    assert HEADER[1] not in capsys.readouterr().out  # the header's value stays out of the logs


@pytest.mark.parametrize("event", [GUIDE_EVENT, SAMPLE_EVENT], ids=["guide-flat", "sample-nested"])
def test_the_handler_logs_the_revision_from_either_payload_shape(
    event: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with revision(200) as url:
        set_environment(monkeypatch, f"{url}/health")
        assert handler(event, None) == {"hookStatus": SUCCEEDED}
    logged = json.loads(capsys.readouterr().out)
    assert logged["revision"] == REVISION
    assert (logged["stage"], logged["deployment"]) == (event.get("lifecycleStage", ""), event.get("resourceArn", ""))


def test_the_function_runs_alone_on_the_standard_library() -> None:
    assert top_level_imports(Path(smoke_test_handler.__file__).read_text()) - {"__future__"} <= sys.stdlib_module_names


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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/health", given
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smoke_test_handler, "PAUSE_SECONDS", 0.0)


@pytest.mark.parametrize("transient", [502, 503, 504])
def test_a_transient_answer_is_asked_again_and_a_good_one_then_passes(no_pause: None, transient: int) -> None:
    with answering(transient, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25) == (True, f"status 200 (request 2 of at most {ATTEMPTS})")
    assert given == [transient, 200]


def test_a_revision_still_unavailable_after_every_attempt_fails(no_pause: None) -> None:
    with answering(503) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert given == [503] * ATTEMPTS


@pytest.mark.parametrize("status", [500, 404, 301])
def test_an_answer_of_the_revision_itself_is_not_asked_again(no_pause: None, status: int) -> None:
    with answering(status, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert given == [status]


def test_a_refused_connection_is_asked_again_and_a_timeout_is_not(no_pause: None) -> None:
    assert smoke(f"http://127.0.0.1:{closed_port()}/health", HEADER, timeout=5, seconds_left=25)[1].endswith(
        f"(request {ATTEMPTS} of at most {ATTEMPTS})"
    )
    with hanging() as url:
        assert smoke(f"{url}/health", HEADER, timeout=0.3, seconds_left=25)[1].endswith("(request 1 of at most 3)")


def test_the_handler_asks_again_within_the_time_lambda_says_the_invocation_has_left(
    no_pause: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with answering(502, 200) as (url, given):
        set_environment(monkeypatch, url)
        assert handler(SAMPLE_EVENT, context(29_000)) == {"hookStatus": SUCCEEDED}
    assert given == [502, 200]


def test_no_request_is_asked_again_past_the_invocations_time(no_pause: None) -> None:
    """A request may take its whole timeout: one that could outlast the function would time the invocation
    out, and ECS rolls back without its log."""
    with answering(503, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=4)[0] is False
    assert given == [503]


def test_a_malformed_status_line_is_a_failed_answer_not_a_failed_invocation() -> None:
    """urllib wraps only the request's errors in URLError; the response's (http.client.BadStatusLine) come
    through as they are, and would fail the invocation without the function's log line."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.sendall(b"FOO\r\n\r\n")
        connection.close()

    threading.Thread(target=answer, daemon=True).start()
    try:
        passed, what, again = probe(f"http://127.0.0.1:{listener.getsockname()[1]}/health", HEADER, timeout=5)
    finally:
        listener.close()
    assert (passed, what, again) == (False, "bad answer: BadStatusLine", False)


def close_unanswered(connection: socket.socket) -> None:
    """Read the request and close: a target's keep-alive race, as the client sees it."""
    connection.recv(4096)


def test_a_connection_closed_before_any_answer_is_a_reset_and_asked_again(no_pause: None) -> None:
    """http.client.RemoteDisconnected is a ConnectionResetError as well as a BadStatusLine: a reset."""
    with serving(close_unanswered) as (url, taken):
        passed, what, again = probe(url, HEADER, timeout=5)
        assert not passed and again and what.startswith("no answer")
        taken.clear()
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert len(taken) == ATTEMPTS


def trickle(connection: socket.socket) -> None:
    """A 200 sent a byte at a time, each within the socket timeout: no socket operation ever times out."""
    connection.recv(4096)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
        time.sleep(0.1)
        try:
            connection.sendall(bytes([byte]))
        except OSError:
            return


def test_a_request_is_held_to_its_timeout_in_all_not_each_socket_operations() -> None:
    with serving(trickle) as (url, _):
        started = time.monotonic()
        passed, what, again = probe(url, HEADER, timeout=0.5)
        elapsed = time.monotonic() - started
    assert (passed, what, again) == (False, "no answer: timed out after 0.5 s", False)
    assert elapsed < 1.5  # the trickled 200 takes about 4 s


@pytest.mark.parametrize("scheme", ["http", "https"])  # https: a TLS handshake the server never answers
def test_the_handler_returns_before_the_invocations_time_runs_out_whatever_the_timeout(
    scheme: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with hanging() as url:
        set_environment(monkeypatch, f"{url.replace('http', scheme, 1)}/health", timeout=10)
        started = time.monotonic()
        assert handler(SAMPLE_EVENT, context(2_500)) == {"hookStatus": FAILED}
        elapsed = time.monotonic() - started
    assert elapsed < 2.5  # Lambda's time left: the log line is written before the invocation times out
    assert "timed out" in capsys.readouterr().out


# ---- in the deployment: the hook at its stage, against the model of ECS's traffic shift


def smoke_hook(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Mapping[str, Any]]]:
    """The stack's hook (``SmokeTest.lifecycle_hook``'s stage) calling this function against ``url``."""
    for name, value in {"URL": f"{url}/health", "HEADER_NAME": HEADER[0], "HEADER_VALUE": HEADER[1],
                        "TIMEOUT_SECONDS": "0.5"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return {STAGE: lambda: handler(SAMPLE_EVENT, None)}


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_a_revision_failing_the_smoke_test_never_receives_production_traffic(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with revision(503) as url:
        outcome = deploy(DeploymentStrategy(kind=kind), bad_after_minutes=None, hooks=smoke_hook(url, monkeypatch))
    assert not outcome.completed
    assert (outcome.exposure, outcome.peak_share) == (0, 0)


def test_a_revision_that_hangs_is_rolled_back_before_production_traffic_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    with hanging() as url:
        outcome = deploy(DeploymentStrategy(kind="canary"), bad_after_minutes=None, hooks=smoke_hook(url, monkeypatch))
    assert (outcome.completed, outcome.exposure) == (False, 0)


def test_a_revision_passing_the_smoke_test_goes_on_to_the_canary_and_completes(monkeypatch: pytest.MonkeyPatch) -> None:
    strategy = DeploymentStrategy(kind="canary")
    with revision(200) as url:
        outcome = deploy(strategy, bad_after_minutes=None, hooks=smoke_hook(url, monkeypatch))
    assert outcome == deploy(strategy, bad_after_minutes=None)
    assert outcome.completed


def test_a_hook_that_answers_no_status_or_keeps_saying_in_progress_rolls_back() -> None:
    strategy = DeploymentStrategy(kind="blueGreen")
    for answer in ({}, {"hookStatus": "IN_PROGRESS", "callBackDelay": 60}):
        outcome = deploy(strategy, bad_after_minutes=None, hooks={STAGE: lambda answer=answer: answer})
        assert (outcome.completed, outcome.exposure) == (False, 0)
