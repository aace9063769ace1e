"""The smoke test's Lambda function: one request to the new revision through the test listener rule.

ECS invokes it at ``POST_TEST_TRAFFIC_SHIFT`` (``smoke_test_rules``) with the deployment's state
(``serviceArn``, ``targetServiceRevisionArn``, ``testTrafficWeights``, ``productionTrafficWeights``: ECS
guide, "Lifecycle hooks for Amazon ECS service deployments", Lifecycle payloads), which it only logs. It
requests ``URL`` with the ``HEADER_NAME: HEADER_VALUE`` header that the test rule matches, and returns
``{"hookStatus": "SUCCEEDED"}`` for a 2xx status within ``TIMEOUT_SECONDS``, ``{"hookStatus": "FAILED"}``
for anything else: another status (a redirect is not followed: it would test some other route), a refused
or reset connection, a TLS error, or no status in time. ECS then rolls the deployment back before any
production traffic has reached the new revision.

It runs alone in the Lambda runtime: standard library only.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

SUCCEEDED, FAILED = "SUCCEEDED", "FAILED"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer of its own: raise it as an ``HTTPError`` instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def probe(url: str, header: tuple[str, str], timeout: float) -> tuple[bool, str]:
    """Request ``url`` once with ``header``: whether the answer was a 2xx within ``timeout`` seconds (for
    connecting and for each read of the status line and headers), and what happened."""
    request = urllib.request.Request(url, headers={header[0]: header[1]}, method="GET")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:  # refused, reset, TLS, DNS, and socket timeouts
        return False, f"no answer: {getattr(error, 'reason', error)}"
    return 200 <= status < 300, f"status {status}"


def handler(event: dict[str, Any], context: object) -> dict[str, str]:
    """ECS's lifecycle hook: SUCCEEDED only when the new revision answers the test route with a 2xx."""
    url = os.environ["URL"]
    header = (os.environ["HEADER_NAME"], os.environ["HEADER_VALUE"])
    passed, what = probe(url, header, float(os.environ["TIMEOUT_SECONDS"]))
    status = SUCCEEDED if passed else FAILED
    revision = event.get("targetServiceRevisionArn", "")
    print(json.dumps({"revision": revision, "url": url, "result": what, "hookStatus": status}, sort_keys=True))
    return {"hookStatus": status}
