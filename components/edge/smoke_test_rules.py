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
``0.0.0.0/0``. No pulumi import: ``settings.py`` builds the spec and checks a stack's config with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import validation as check
from ..autonames import ROLE, ROLE_POLICY
from ..errors import ConfigError, collect, raise_any
from ..iam_policies import LOG_WRITE, check_role_path, log_streams
from ..service.deployment_strategy import DeploymentStrategy
from ..service.service_spec import ServiceSpec
from .alb_rules import MAX_HEALTH_CHECK_PATH, pattern_matches

#: botocore ``DeploymentLifecycleHookStage``: after the test rule has moved to the new revision, before
#: any production traffic does.
STAGE = "POST_TEST_TRAFFIC_SHIFT"
#: Where Lambda's outbound calls come from outside a VPC: no narrower CIDR holds them.
ANY_ADDRESS = "0.0.0.0/0"
#: Seconds the function gives one request in all (DNS, connecting, TLS, up to the status line) before it
#: fails the revision.
REQUEST_TIMEOUT_SECONDS = 10
#: The function's own timeout (Lambda ``Timeout``, 1-900 s): a request's with room to ask a quick refusal or
#: 502/503/504 again and to report; the function starts no request that could end past it (Lambda's time
#: left). A function that times out fails its invocation, and ECS rolls the deployment back.
FUNCTION_TIMEOUT_SECONDS = 30
INVOKE = "lambda:InvokeFunction"
# The function's environment, all variables together, is held to Lambda's "4 KB ... in aggregate" (Lambda
# quotas) by the path's limit, the health check path's 1,024 characters: ``function_environment`` of the
# longest path, host name (253, RFC 1035), port and test header (40 and 128 characters: ``parse_test_header``)
# fits it (a test proves it), so no size is checked here.
#: RFC 3986 ``path-abempty`` characters, starting with ``/``, optionally a query.
_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?")


@dataclass(frozen=True, kw_only=True)
class SmokeTestSpec:
    """What the smoke test requests and how its function is kept: validated on construction."""

    path: str
    """The URL path requested through the test rule (e.g. the health check path, ``/health?deep=1``): RFC
    3986 path characters starting with ``/``, an optional query. Required."""
    service: ServiceSpec | None = None
    """The service whose revisions it tests, which judged its own fields: its log retention keeps the
    function's log, unless given below (and judged here). Default None."""
    log_retention_days: int | None = None
    """Retention of the function's log group (a CloudWatch value). Default None: the service's, else 30."""
    role_path: str = ""
    """IAM path of both roles. Empty: ``/<project>/<stack>/``. Default empty."""

    def __post_init__(self) -> None:
        collect(
            self._check_path,
            self._check_log_retention,
            lambda: check_role_path("SmokeTestSpec.role_path", self.role_path) if self.role_path else None,
        )

    def _check_log_retention(self) -> None:
        # Only a retention given here: the service's was judged by its own spec.
        if self.log_retention_days is not None:
            check.log_retention("SmokeTestSpec.log_retention_days", self.log_retention_days)

    @property
    def function_log_retention_days(self) -> int:
        """Retention of the function's log group."""
        if self.log_retention_days is not None:
            return self.log_retention_days
        return self.service.log_retention_days if self.service is not None else check.DEFAULT_LOG_RETENTION_DAYS

    def _check_path(self) -> None:
        if not _PATH.fullmatch(self.path) or len(self.path) > MAX_HEALTH_CHECK_PATH:
            raise ConfigError("SmokeTestSpec.path", self.path, "a URL path starting with / (RFC 3986 characters, "
                f"an optional ?query) of at most {MAX_HEALTH_CHECK_PATH} characters (the function is handed it in "
                "variables Lambda holds to 4 KB in all)")  # fmt: skip


def check_smoke_test(
    *,
    enabled: bool,
    strategy: DeploymentStrategy | None,
    test_header: bool,
    allowed_cidrs: Sequence[str],
    request_path: str = "",
    path_patterns: Sequence[str] = (),
) -> None:
    """Refuse a smoke test ECS would not run, or one that could not reach the new revision: the rules joining
    it to the route and to the load balancer, which meet only in a program (the path's own form is
    ``SmokeTestSpec``'s). ``strategy`` is None when it is in error itself: there is nothing to hold the smoke
    test to. ``request_path`` is the path the function requests; ``path_patterns`` the route's (empty when
    they are in error themselves: nothing to hold the path to)."""
    errors: list[ConfigError] = []
    if enabled and path_patterns and not any(pattern_matches(p, request_path) for p in path_patterns):
        # The test rule carries the route's path patterns beside the header, and an ALB rule's conditions
        # all must match (ELB guide, "Listener rules": conditions): a path none matches misses the test rule
        # and gets the listener's default action or another service, so every deploy would roll back, or pass
        # against the wrong service.
        errors.append(ConfigError("SmokeTestSpec.path", request_path, "a path that one of RouteSpec.path_patterns "
            f"{list(path_patterns)} matches (* any characters, ? one; the query string is not matched): the test "
            "rule only takes the requests the production rule's path patterns take"))  # fmt: skip
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
            "from outside the VPC, from Lambda's shared public addresses, which no narrower CIDR covers)")  # fmt: skip
    if enabled and missing:
        errors.append(ConfigError("SmokeTest", True, "false, unless the stack has " + "; and ".join(missing)))
    raise_any(errors)


def smoke_url(base_url: str, path: str) -> str:
    """The URL the function requests: the listener's URL (``LoadBalancer.url``) and the path."""
    return base_url.rstrip("/") + path


def function_environment(url: str, test_header: tuple[str, str]) -> dict[str, str]:
    """The function's environment variables: the URL it requests, with the test header."""
    return {
        "URL": url,
        "HEADER_NAME": test_header[0],
        "HEADER_VALUE": test_header[1],
        "TIMEOUT_SECONDS": str(REQUEST_TIMEOUT_SECONDS),
    }


def environment_bytes(variables: dict[str, str]) -> int:
    """The size Lambda's 4 KB environment quota bounds, read strictly: the variables' JSON in UTF-8."""
    return len(json.dumps(variables, separators=(",", ":"), ensure_ascii=False).encode())


def function_policy(*, log_group_arn: str) -> str:
    """The function's own role: write its log group, nothing else (it calls no AWS API)."""
    statement = {"Sid": "Logs", "Effect": "Allow", "Action": list(LOG_WRITE), "Resource": log_streams(log_group_arn)}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def hook_policy(*, function_arn: str) -> str:
    """The role ECS assumes for the hook: invoke this function only (the ECS guide's example allows
    ``function:*``). ECS invokes ``hookTargetArn`` as given, the unqualified function ARN."""
    statement = {"Sid": "InvokeTheSmokeTest", "Effect": "Allow", "Action": [INVOKE], "Resource": function_arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def smoke_test_children(name: str) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child of a ``SmokeTest`` called ``name``: the function, its log
    group, role and policy, and the role ECS invokes it with and its policy (``SmokeTest.check_name``)."""
    return [
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"),
        (ROLE, f"{name}-role"),
        (ROLE_POLICY, f"{name}-policy"),
        ("aws:lambda/function:Function", f"{name}-function"),
        (ROLE, f"{name}-hook-role"),
        (ROLE_POLICY, f"{name}-hook-policy"),
    ]
