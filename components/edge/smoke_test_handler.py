"""The smoke test's Lambda function: one request to the new revision through the test listener rule.

ECS invokes it at ``POST_TEST_TRAFFIC_SHIFT`` (``smoke_test_rules``) with the deployment's state
(``serviceArn``, ``targetServiceRevisionArn``, ``testTrafficWeights``, ``productionTrafficWeights``: ECS
guide, "Lifecycle hooks for Amazon ECS service deployments", Lifecycle payloads), which it only logs. It
requests ``URL`` with the ``HEADER_NAME: HEADER_VALUE`` header that the test rule matches, and returns
``{"hookStatus": "SUCCEEDED"}`` for a 2xx status within ``TIMEOUT_SECONDS``, ``{"hookStatus": "FAILED"}``
for anything else: another status (a redirect is not followed: it would test some other route), a refused
or reset connection, a TLS error, or no status in time. ECS then rolls the deployment back before any
production traffic has reached the new revision. An answer that says nothing of the revision's code (a
refused or reset connection, a 502, 503 or 504) is asked again, ``ATTEMPTS`` in all, while the invocation has
the time: one lost packet would otherwise lose the deployment. A timeout is not asked again.

It runs alone in the Lambda runtime: standard library only.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

SUCCEEDED, FAILED = "SUCCEEDED", "FAILED"
#: Requests at most, the pause between them (seconds), and the statuses worth asking again: the load
#: balancer's own "bad gateway", "service unavailable" and "gateway timeout", which a target's keep-alive race
#: or its registration still settling gives (ELB guide, "Troubleshoot your Application Load Balancers").
ATTEMPTS, PAUSE_SECONDS, TRANSIENT = 3, 2.0, frozenset({502, 503, 504})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer of its own: raise it as an ``HTTPError`` instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def probe(url: str, header: tuple[str, str], timeout: float) -> tuple[bool, str, bool]:
    """Request ``url`` once with ``header``: whether the answer was a 2xx within ``timeout`` seconds (for
    connecting and for each read of the status line and headers), what happened, and whether the answer is
    worth asking again (``TRANSIENT``, a refused or reset connection)."""
    request = urllib.request.Request(url, headers={header[0]: header[1]}, method="GET")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except http.client.HTTPException as error:  # a malformed status line or headers: an answer, and a bad one
        return False, f"bad answer: {type(error).__name__}", False
    except (urllib.error.URLError, OSError) as error:  # refused, reset, TLS, DNS, and socket timeouts
        reason = getattr(error, "reason", error)
        return False, f"no answer: {reason}", isinstance(reason, (ConnectionRefusedError, ConnectionResetError))
    return 200 <= status < 300, f"status {status}", status in TRANSIENT


def smoke(url: str, header: tuple[str, str], timeout: float, seconds_left: float) -> tuple[bool, str]:
    """``probe`` asked again on a ``TRANSIENT`` answer, ``ATTEMPTS`` in all, while another request (its
    worst case, the pause and a ``timeout`` to connect and another to the status line, fits in
    ``seconds_left``: the last answer, with how many requests it took."""
    deadline, attempt = time.monotonic() + seconds_left, 1
    while True:
        passed, what, again = probe(url, header, timeout)
        if passed or not again or attempt == ATTEMPTS or time.monotonic() + PAUSE_SECONDS + 2 * timeout > deadline:
            return passed, f"{what} (request {attempt} of at most {ATTEMPTS})"
        time.sleep(PAUSE_SECONDS)
        attempt += 1


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    """ECS's lifecycle hook: SUCCEEDED only when the new revision answers the test route with a 2xx."""
    url = os.environ["URL"]
    header = (os.environ["HEADER_NAME"], os.environ["HEADER_VALUE"])
    # The invocation's own time left (Lambda's context), less a second to report; without one, one request.
    remaining = getattr(context, "get_remaining_time_in_millis", lambda: 0)() / 1000 - 1
    passed, what = smoke(url, header, float(os.environ["TIMEOUT_SECONDS"]), remaining)
    status = SUCCEEDED if passed else FAILED
    revision = event.get("targetServiceRevisionArn", "")
    print(json.dumps({"revision": revision, "url": url, "result": what, "hookStatus": status}, sort_keys=True))
    return {"hookStatus": status}
