"""The smoke test's Lambda function: one request to the new revision through the test listener rule.

ECS invokes it at ``POST_TEST_TRAFFIC_SHIFT`` (``smoke_test_rules``) with the deployment's state, which it
only logs. The ECS guide ("Lifecycle hooks for Amazon ECS service deployments", Lifecycle payloads) lists
``serviceArn``, ``targetServiceRevisionArn``, ``testTrafficWeights`` and ``productionTrafficWeights``
without saying where they sit; AWS's sample hooks (aws-samples/sample-amazon-ecs-blue-green-deployment-
patterns, ``ecs-bluegreen-lifecycle-hooks/src/*/app.py``) read them under ``executionDetails``, beside
``lifecycleStage`` and ``resourceArn``. Both shapes are read. It requests ``URL`` with the
``HEADER_NAME: HEADER_VALUE`` header that the test rule matches, and returns ``{"hookStatus": "SUCCEEDED"}``
for a 2xx status within ``TIMEOUT_SECONDS``, ``{"hookStatus": "FAILED"}`` for anything else: another status
(a redirect is not followed: it would test some other route), a refused or reset connection, a TLS error,
or no status in time. ECS then rolls the deployment back before any production traffic has reached the
new revision. An answer that says nothing of the revision's code (a refused or reset connection, a 502, 503
or 504) is asked again, ``ATTEMPTS`` in all, while the invocation has the time: one lost packet would
otherwise lose the deployment. A timeout is not asked again.

It runs alone in the Lambda runtime: standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from typing import Any

SUCCEEDED, FAILED = "SUCCEEDED", "FAILED"
#: Requests at most, the pause between them (seconds), and the statuses worth asking again: the load
#: balancer's own "bad gateway", "service unavailable" and "gateway timeout", which a target's keep-alive race
#: or its registration still settling gives (ELB guide, "Troubleshoot your Application Load Balancers").
ATTEMPTS, PAUSE_SECONDS, TRANSIENT = 3, 2.0, frozenset({502, 503, 504})
Answer = tuple[bool, str, bool]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer of its own: raise it as an ``HTTPError`` instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _timed_out(timeout: float) -> Answer:
    """No status within ``timeout`` seconds: not asked again (the revision may be hung, not starting)."""
    return False, f"no answer: timed out after {timeout:g} s", False


def _request(url: str, header: tuple[str, str], timeout: float) -> Answer:
    """One request, ``timeout`` seconds for each socket operation: ``probe``'s answer."""
    request = urllib.request.Request(url, headers={header[0]: header[1]}, method="GET")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    # Before HTTPException: http.client.RemoteDisconnected (closed before any status line) is both a
    # ConnectionResetError and a BadStatusLine, and a reset connection is asked again.
    except (urllib.error.URLError, OSError) as error:  # refused, reset, TLS, DNS, and socket timeouts
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):  # one operation took it all: the same answer as ``probe``'s own wait
            return _timed_out(timeout)
        return False, f"no answer: {reason}", isinstance(reason, (ConnectionRefusedError, ConnectionResetError))
    except http.client.HTTPException as error:  # a malformed status line or headers: an answer, and a bad one
        return False, f"bad answer: {type(error).__name__}", False
    return 200 <= status < 300, f"status {status}", status in TRANSIENT


def probe(url: str, header: tuple[str, str], timeout: float) -> Answer:
    """Request ``url`` once with ``header``: whether the answer was a 2xx within ``timeout`` seconds in all,
    what happened, and whether the answer is worth asking again (``TRANSIENT``, a refused or reset
    connection)."""
    # A socket's timeout bounds each operation, not the request: DNS, each address it returns (one per
    # zone for an internet-facing ALB), each read of a TLS handshake or of a trickled status line may each
    # take it. The request runs in a thread waited for ``timeout`` in all; one left running is frozen with
    # the invocation and its answer dropped.
    answers: list[Answer] = []
    worker = threading.Thread(target=lambda: answers.append(_request(url, header, timeout)), daemon=True)
    worker.start()
    worker.join(timeout)
    return answers[0] if answers else _timed_out(timeout)


def smoke(url: str, header: tuple[str, str], timeout: float, seconds_left: float) -> tuple[bool, str]:
    """``probe`` asked again on a ``TRANSIENT`` answer, ``ATTEMPTS`` in all, while another request (the pause
    and ``timeout``) fits in ``seconds_left``; the first is cut to ``seconds_left``: the last answer, with
    how many requests it took."""
    deadline, attempt = time.monotonic() + seconds_left, 1
    while True:
        passed, what, again = probe(url, header, min(timeout, max(deadline - time.monotonic(), 0.0)))
        if passed or not again or attempt == ATTEMPTS or time.monotonic() + PAUSE_SECONDS + timeout > deadline:
            return passed, f"{what} (request {attempt} of at most {ATTEMPTS})"
        time.sleep(PAUSE_SECONDS)
        attempt += 1


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    """ECS's lifecycle hook: SUCCEEDED only when the new revision answers the test route with a 2xx."""
    url = os.environ["URL"]
    header = (os.environ["HEADER_NAME"], os.environ["HEADER_VALUE"])
    timeout = float(os.environ["TIMEOUT_SECONDS"])
    # The invocation's own time left (Lambda's context), less a second to report; without one, one request.
    remaining = getattr(context, "get_remaining_time_in_millis", lambda: timeout * 1000 + 1000)() / 1000 - 1
    passed, what = smoke(url, header, timeout, remaining)
    status = SUCCEEDED if passed else FAILED
    details = event.get("executionDetails") or event  # the sample's shape, or the guide's flat one
    logged = {"stage": event.get("lifecycleStage", ""), "deployment": event.get("resourceArn", "")}
    logged |= {"revision": details.get("targetServiceRevisionArn", ""), "url": url, "result": what}
    print(json.dumps({**logged, "hookStatus": status}, sort_keys=True))
    return {"hookStatus": status}
