"""When a deployment's smoke test may run, and what it may do: the rules behind ``SmokeTest``.

ECS runs a deployment lifecycle hook (``DeploymentConfiguration.lifecycleHooks``) at the stages it is
given. The smoke test runs at ``POST_TEST_TRAFFIC_SHIFT``: "The test traffic shift is complete. The green
service revision handles 100% of the test traffic" (botocore ``ecs/2014-11-13``,
``DeploymentLifecycleHook.lifecycleStages``), and production traffic has not moved yet (that is
``PRE_PRODUCTION_TRAFFIC_SHIFT``/``PRODUCTION_TRAFFIC_SHIFT``, later). ECS re-runs hooks on a rollback
only at ``TEST_TRAFFIC_SHIFT`` and ``PRODUCTION_TRAFFIC_SHIFT`` (ECS guide, "Lifecycle hooks for Amazon
ECS service deployments"), so the smoke test never runs against a revision being rolled back to.

The function returns ``{"hookStatus": ...}``: ``SUCCEEDED`` continues, ``FAILED`` rolls back, and a
missing status or a failed invocation rolls back too (ECS guide, "Lambda hooks for Amazon ECS service
deployments"). ECS assumes ``hook_role`` to invoke it ("Permissions required for Lambda functions in
Amazon ECS blue/green deployments": trust ``ecs.amazonaws.com``, ``lambda:InvokeFunction``).

Reachability (docs/decisions.md, "The smoke test"): the function runs outside the VPC and calls the
load balancer's public URL with the test header. A function attached to the VPC would not help: an
internet-facing ALB's DNS name resolves to its public addresses, so a call from inside the VPC leaves
through a NAT gateway (or fails in a subnet without one: Lambda gives a VPC function no public IP) and
arrives from the NAT gateway's Elastic IP, never from a security group the ALB could admit (that /32
could be admitted instead of ``0.0.0.0/0``; this project does not build that variant). Outside a VPC, Lambda
calls from AWS's shared public ranges, which no fixed CIDR covers: the listener must admit
``0.0.0.0/0``. No pulumi import: ``settings.py`` checks a stack's config with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ..errors import ConfigError, raise_any
from ..iam_policies import LOG_WRITE, log_streams
from ..service.deployment_strategy import DeploymentStrategy
from .alb_rules import pattern_matches

#: botocore ``DeploymentLifecycleHookStage``: after the test rule has moved to the new revision, before
#: any production traffic does.
STAGE = "POST_TEST_TRAFFIC_SHIFT"
#: Where Lambda's outbound calls come from outside a VPC: no narrower CIDR holds them.
ANY_ADDRESS = "0.0.0.0/0"
#: Seconds the function waits for the response's status line before it fails the revision.
REQUEST_TIMEOUT_SECONDS = 10
#: The function's own timeout (Lambda ``Timeout``, 1-900 s): the request's with room to report. A function
#: that times out fails its invocation, and ECS rolls the deployment back.
FUNCTION_TIMEOUT_SECONDS = 30
INVOKE = "lambda:InvokeFunction"
#: RFC 3986 ``path-abempty`` characters, starting with ``/``, optionally a query.
_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?")


def check_smoke_test(
    *,
    enabled: bool,
    path: str,
    strategy: DeploymentStrategy | None,
    test_header: bool,
    allowed_cidrs: Sequence[str],
    request_path: str = "",
    path_patterns: Sequence[str] = (),
) -> None:
    """Refuse a smoke test ECS would not run, or one that could not reach the new revision. ``strategy`` is
    None when it is in error itself: there is nothing to hold the smoke test to. ``request_path`` is the
    path the function requests (``path``, else the health check path); ``path_patterns`` the route's
    (empty when they are in error themselves: nothing to hold the path to)."""
    errors: list[ConfigError] = []
    if path and not _PATH.fullmatch(path):
        errors.append(ConfigError("SmokeTestArgs.path", path, "empty (the health check path), or a URL path "
            "starting with / (RFC 3986 characters, an optional ?query)"))  # fmt: skip
    elif enabled and path_patterns and not any(pattern_matches(p, request_path) for p in path_patterns):
        # The test rule carries the route's path patterns beside the header, and an ALB rule's conditions
        # all must match (ELB guide, "Listener rules": conditions): a path none matches misses the test rule
        # and gets the listener's default action or another service, so every deploy would roll back, or pass
        # against the wrong service.
        errors.append(ConfigError("SmokeTestArgs.path", request_path, "a path that one of RouteSpec.path_patterns "
            f"{list(path_patterns)} matches (* any characters, ? one; the query string is not matched; empty "
            "SmokeTestArgs.path requests HealthCheck.path): the test rule only takes the requests the "
            "production rule's path patterns take"))  # fmt: skip
    missing: list[str] = []
    if strategy is not None and not strategy.shifts_traffic:
        missing.append(f"a canary, linear or blueGreen DeploymentStrategy.kind, not {strategy.kind} (the hook "
            f"runs at {STAGE}, when the new revision has all of the test traffic: ECS DeploymentLifecycleHookStage; "
            "only those strategies have a test listener rule, ECS AdvancedConfiguration.testListenerRule)")  # fmt: skip
    elif strategy is not None and not test_header:
        missing.append("a RouteSpec.test_header (with no test listener rule, ECS AdvancedConfiguration."
            "testListenerRule, the request would reach the old revision, which serves all production traffic "
            "until the test passes)")  # fmt: skip
    if ANY_ADDRESS not in allowed_cidrs:
        missing.append(f"{ANY_ADDRESS} in LoadBalancerSpec.allowed_cidrs (the function calls the load balancer "
            "from outside the VPC, from Lambda's shared public addresses, which no narrower CIDR covers: "
            "docs/decisions.md, The smoke test)")  # fmt: skip
    if enabled and missing:
        errors.append(ConfigError("SmokeTest", True, "false, unless the stack has " + "; and ".join(missing)))
    raise_any(errors)


def smoke_url(base_url: str, path: str) -> str:
    """The URL the function requests: the listener's URL (``LoadBalancer.url``) and the path."""
    return base_url.rstrip("/") + path


def function_policy(*, log_group_arn: str) -> str:
    """The function's own role: write its log group, nothing else (it calls no AWS API)."""
    statement = {"Sid": "Logs", "Effect": "Allow", "Action": list(LOG_WRITE), "Resource": log_streams(log_group_arn)}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def hook_policy(*, function_arn: str) -> str:
    """The role ECS assumes for the hook: invoke this function only (the ECS guide's example allows
    ``function:*``). ECS invokes ``hookTargetArn`` as given, the unqualified function ARN."""
    statement = {"Sid": "InvokeTheSmokeTest", "Effect": "Allow", "Action": [INVOKE], "Resource": function_arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)
