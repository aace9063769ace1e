"""The smoke test's function asking again: which answers are worth another request (the load balancer's
502-504, a refused or reset connection), and the deadlines that keep every request, and the last log line,
within the invocation's time."""

import socket
import threading
import time
from types import SimpleNamespace

import pytest

from components.edge import smoke_test_handler
from components.edge.smoke_test_handler import ATTEMPTS, FAILED, PAUSE_SECONDS, SUCCEEDED, handler, probe, smoke
from tests.smoke_revisions import (
    HEADER,
    SAMPLE_EVENT,
    answering,
    close_unanswered,
    closed_port,
    context,
    hanging,
    serving,
    set_environment,
    trickle,
)


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The function's pauses between requests, taken down instead of waited out: its clock moves on by each, so its
    deadlines still count them."""
    taken: list[float] = []
    clock = SimpleNamespace(monotonic=lambda: time.monotonic() + sum(taken), sleep=taken.append)
    monkeypatch.setattr(smoke_test_handler, "time", clock)
    return taken


@pytest.mark.parametrize("transient", [502, 503, 504])
def test_a_transient_answer_is_asked_again_and_a_good_one_then_passes(pauses: list[float], transient: int) -> None:
    with answering(transient, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25) == (True, f"status 200 (request 2 of at most {ATTEMPTS})")
    assert given == [transient, 200]


def test_a_revision_still_unavailable_after_every_attempt_fails(pauses: list[float]) -> None:
    with answering(503) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert given == [503] * ATTEMPTS
    assert pauses == [PAUSE_SECONDS] * (ATTEMPTS - 1)


def test_no_request_is_asked_again_when_the_pause_and_its_timeout_do_not_fit_the_time_left(pauses: list[float]) -> None:
    # The request's own timeout alone would fit; with the pause before it, it would not.
    with answering(503, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=5 + PAUSE_SECONDS / 2)[0] is False
    assert given == [503]
    assert pauses == []


@pytest.mark.parametrize("status", [500, 404, 301])
def test_an_answer_of_the_revision_itself_is_not_asked_again(pauses: list[float], status: int) -> None:
    with answering(status, 200) as (url, given):
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert given == [status]


def test_a_refused_connection_is_asked_again_and_a_timeout_is_not(pauses: list[float]) -> None:
    assert smoke(f"http://127.0.0.1:{closed_port()}/health", HEADER, timeout=5, seconds_left=25)[1].endswith(
        f"(request {ATTEMPTS} of at most {ATTEMPTS})"
    )
    with hanging() as url:
        assert smoke(f"{url}/health", HEADER, timeout=0.1, seconds_left=25)[1].endswith("(request 1 of at most 3)")


def test_the_handler_asks_again_within_the_time_lambda_says_the_invocation_has_left(
    pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    with answering(502, 200) as (url, given):
        set_environment(monkeypatch, url)
        assert handler(SAMPLE_EVENT, context(29_000)) == {"hookStatus": SUCCEEDED}
    assert given == [502, 200]


def test_no_request_is_asked_again_past_the_invocations_time(pauses: list[float]) -> None:
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


def test_a_connection_closed_before_any_answer_is_a_reset_and_asked_again(pauses: list[float]) -> None:
    """http.client.RemoteDisconnected is a ConnectionResetError as well as a BadStatusLine: a reset."""
    with serving(close_unanswered) as (url, taken):
        passed, what, again = probe(url, HEADER, timeout=5)
        assert not passed and again and what.startswith("no answer")
        taken.clear()
        assert smoke(url, HEADER, timeout=5, seconds_left=25)[0] is False
    assert len(taken) == ATTEMPTS


def test_a_request_is_held_to_its_timeout_in_all_not_each_socket_operations() -> None:
    with serving(trickle) as (url, _):
        started = time.monotonic()
        passed, what, again = probe(url, HEADER, timeout=0.25)  # five times the trickle's pause
        elapsed = time.monotonic() - started
    assert (passed, what, again) == (False, "no answer: timed out after 0.25 s", False)
    assert elapsed < 1.0  # the trickled 200 takes about 2 s


def test_a_socket_operation_that_times_out_inside_the_request_says_what_the_wait_for_it_says() -> None:
    """The request's thread and ``probe``'s wait for it share one timeout: whichever notices first, the answer
    is the same (a loaded machine once had the socket's own "timed out" win the race)."""
    with hanging() as url:
        answer = smoke_test_handler._request(f"{url}/health", HEADER, timeout=0.1)
    assert answer == (False, "no answer: timed out after 0.1 s", False)


@pytest.mark.parametrize("scheme", ["http", "https"])  # https: a TLS handshake the server never answers
def test_the_handler_returns_before_the_invocations_time_runs_out_whatever_the_timeout(
    scheme: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with hanging() as url:
        set_environment(monkeypatch, f"{url.replace('http', scheme, 1)}/health", timeout=10)
        started = time.monotonic()
        # 1.1 s left: the second the function keeps to report, and a tenth to wait
        assert handler(SAMPLE_EVENT, context(1_100)) == {"hookStatus": FAILED}
        elapsed = time.monotonic() - started
    assert elapsed < 1.1  # Lambda's time left: the log line is written before the invocation times out
    assert "timed out" in capsys.readouterr().out


# ---- in the deployment: the hook at its stage, against the model of ECS's traffic shift
