"""The smoke test's function against real sockets: a local HTTP server that passes, fails, redirects or
hangs, as the new revision behind the test listener rule might; and, at its stage in the model of an ECS
deployment (``tests/models/ecs_deployment.py``), what it lets production traffic reach. Asking again and
its deadlines: ``test_smoke_test_retries.py``."""

import json
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from components.edge import smoke_test_handler
from components.edge.smoke_test_handler import FAILED, SUCCEEDED, handler, probe
from components.edge.smoke_test_rules import STAGE
from components.service.deployment_strategy import DeploymentStrategy
from tests.models.ecs_deployment import deploy
from tests.smoke_revisions import (
    GUIDE_EVENT,
    HEADER,
    REVISION,
    SAMPLE_EVENT,
    closed_port,
    hanging,
    revision,
    set_environment,
)
from tests.source import top_level_imports


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
        passed, what, again = probe(f"{url}/health", HEADER, timeout=0.1)
        elapsed = time.monotonic() - started
    assert not passed and not again  # a timeout is not asked again
    assert "timed out" in what
    assert 0.08 < elapsed < 5


def test_a_refused_connection_fails() -> None:
    passed, what, again = probe(f"http://127.0.0.1:{closed_port()}/health", HEADER, timeout=5)
    assert not passed and again  # a refused connection is asked again
    assert what.startswith("no answer")


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


def smoke_hook(
    url: str, monkeypatch: pytest.MonkeyPatch, timeout: str = "0.5"
) -> dict[str, Callable[[], Mapping[str, Any]]]:
    """The stack's hook (``SmokeTest.lifecycle_hook``'s stage) calling this function against ``url``."""
    for name, value in {"URL": f"{url}/health", "HEADER_NAME": HEADER[0], "HEADER_VALUE": HEADER[1],
                        "TIMEOUT_SECONDS": timeout}.items():  # fmt: skip
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
    with hanging() as url:  # waited out: a tenth of a second
        hooks = smoke_hook(url, monkeypatch, timeout="0.1")
        outcome = deploy(DeploymentStrategy(kind="canary"), bad_after_minutes=None, hooks=hooks)
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
