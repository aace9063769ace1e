"""When ECS may run the smoke test and whether it can reach the new revision; the two roles it needs."""

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.smoke_test_rules import (
    ANY_ADDRESS,
    INVOKE,
    STAGE,
    SmokeTestSpec,
    check_smoke_test,
    environment_bytes,
    function_environment,
    function_policy,
    hook_policy,
    smoke_url,
)
from components.errors import CombinedConfigError, ConfigError
from components.service.deployment_strategy import DeploymentStrategy
from components.service.service_spec import ServiceSpec
from tests.models.aws_api import shape_at
from tests.models.iam import Request, role_allows

CANARY = DeploymentStrategy(kind="canary", canary_percent=Decimal(10))
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:prod-app-smoke-function-0a1b2c3"
OTHER_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:prod-app-task-count-function-0a1b2c3"
LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:prod-app-smoke-logs-0a1b2c3"


def check(**overrides: object) -> None:
    given_ = {"enabled": True, "strategy": CANARY, "test_header": True, "allowed_cidrs": [ANY_ADDRESS]}
    check_smoke_test(**given_ | overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_a_traffic_shifting_deployment_with_a_test_rule_open_to_everyone_may_have_a_smoke_test(kind: str) -> None:
    check(strategy=DeploymentStrategy(kind=kind))


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"strategy": DeploymentStrategy()}, "testListenerRule"),  # rolling: no test rule at all
        ({"test_header": False}, "RouteSpec.test_header"),  # the request would reach the old revision
        ({"allowed_cidrs": ["203.0.113.0/24"]}, "LoadBalancerSpec.allowed_cidrs"),  # Lambda's addresses are not in it
    ],
)
def test_a_smoke_test_that_ecs_would_not_run_or_could_not_reach_the_new_revision_is_refused(
    overrides: dict[str, object], says: str
) -> None:
    with pytest.raises(ConfigError) as error:
        check(**overrides)
    assert (error.value.key, error.value.value) == ("SmokeTest", True)
    assert says in error.value.allowed


def test_every_reason_is_given_at_once() -> None:
    with pytest.raises(CombinedConfigError) as error:
        check(test_header=False, allowed_cidrs=["10.0.0.0/8"], request_path="/health", path_patterns=["/api/*"])
    path, smoke = error.value.errors
    assert (path.key, smoke.key) == ("SmokeTestSpec.path", "SmokeTest")
    assert "RouteSpec.test_header" in smoke.allowed and "LoadBalancerSpec.allowed_cidrs" in smoke.allowed


def test_without_a_smoke_test_nothing_else_is_asked_of_the_stack() -> None:
    check(enabled=False, strategy=DeploymentStrategy(), test_header=False, allowed_cidrs=[])


def test_a_strategy_in_error_is_no_second_reason_to_refuse() -> None:
    check(strategy=None, test_header=False)


@given(st.sampled_from(["health", " /health", "/he alth", "/health#x", "/\u00e9"]))
def test_a_path_that_is_not_a_url_path_is_refused_when_the_spec_is_built(path: str) -> None:
    with pytest.raises(ConfigError) as error:
        SmokeTestSpec(path=path)
    assert error.value.key == "SmokeTestSpec.path"


def test_every_field_of_a_smoke_test_s_spec_is_held_to_its_rule_at_once() -> None:
    """The review's reproduction: a path with no slash, a retention CloudWatch refuses, no IAM path."""
    with pytest.raises(CombinedConfigError) as error:
        SmokeTestSpec(path="no slash", log_retention_days=4, role_path="nope")
    assert [e.key for e in error.value.errors] == [
        "SmokeTestSpec.path",
        "SmokeTestSpec.log_retention_days",
        "SmokeTestSpec.role_path",
    ]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~/", max_size=40))
def test_every_plain_path_is_requested_below_the_listeners_url(rest: str) -> None:
    SmokeTestSpec(path=f"/{rest}")
    assert smoke_url("https://app.example.com/", f"/{rest}") == f"https://app.example.com/{rest}"


def test_the_hook_runs_at_an_ecs_stage_after_the_test_shift_and_before_production_traffic() -> None:
    stages = shape_at("ecs", "DeploymentLifecycleHook.lifecycleStages[]").enum
    assert STAGE in stages
    assert stages.index("POST_TEST_TRAFFIC_SHIFT") < stages.index("PRODUCTION_TRAFFIC_SHIFT")


# ---- the roles: ECS may invoke this function only; the function may write its logs only


def test_the_hook_role_lets_ecs_invoke_the_smoke_test_and_no_other_function() -> None:
    policy = hook_policy(function_arn=FUNCTION)
    assert role_allows([policy], Request(INVOKE, FUNCTION))
    assert not role_allows([policy], Request(INVOKE, OTHER_FUNCTION))
    assert not role_allows([policy], Request("lambda:UpdateFunctionCode", FUNCTION))


def test_the_function_may_write_its_own_log_streams_and_call_nothing_else() -> None:
    policy = function_policy(log_group_arn=LOGS)
    assert role_allows([policy], Request("logs:PutLogEvents", f"{LOGS}:log-stream:2026/11/30/abc"))
    assert not role_allows([policy], Request("logs:PutLogEvents", f"{LOGS}-other:log-stream:x"))
    granted = {a for s in json.loads(policy)["Statement"] for a in s["Action"]}
    assert granted == {"logs:CreateLogStream", "logs:PutLogEvents"}


def test_a_smoke_path_that_none_of_the_routes_path_patterns_match_is_refused() -> None:
    """The review's reproduction: /health beside pathPatterns ["/api/*"] misses the test rule."""
    with pytest.raises(ConfigError) as error:
        check(request_path="/health", path_patterns=["/api/*"])
    assert (error.value.key, error.value.value) == ("SmokeTestSpec.path", "/health")
    assert "RouteSpec.path_patterns" in error.value.allowed and "['/api/*']" in error.value.allowed


@pytest.mark.parametrize(
    ("request_path", "patterns"),
    [("/api/health", ["/api/*"]), ("/health?deep=1", ["/health"]), ("/v2/x", ["/v?/*"]), ("/", ["/*"])],
)
def test_a_smoke_path_one_pattern_matches_is_accepted(request_path: str, patterns: list[str]) -> None:
    check(request_path=request_path, path_patterns=patterns)


def test_without_a_smoke_test_the_path_is_not_held_to_the_patterns() -> None:
    check(enabled=False, request_path="/health", path_patterns=["/api/*"])


_PATH_CHARS = st.sampled_from(list("/ab?*-._"))


@given(st.text(_PATH_CHARS, min_size=1, max_size=8), st.text(_PATH_CHARS, min_size=1, max_size=10))
def test_the_pure_matcher_agrees_with_the_alb_model(pattern: str, path: str) -> None:
    """The check's matcher is the ALB's path matching as tests/models/alb.py models it (ELB guide, "Path
    conditions")."""
    from components.edge.alb_rules import pattern_matches
    from tests.models import alb

    assert pattern_matches(pattern, "/" + path) == alb.pattern_matches(pattern, "/" + path)


def test_a_smoke_test_for_a_service_keeps_its_log_as_long_as_the_service_without_judging_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from components.edge import smoke_test_rules

    service = ServiceSpec(log_retention_days=365)
    judged: list[str] = []
    monkeypatch.setattr(smoke_test_rules.check, "log_retention", lambda key, value: judged.append(key))
    spec = SmokeTestSpec(path="/health", service=service)
    assert (spec.function_log_retention_days, judged) == (365, [])
    assert SmokeTestSpec(path="/health").function_log_retention_days == ServiceSpec().log_retention_days


#: The longest URL the function may be given: https, a host name of DNS's 253 characters, a port.
LONGEST_BASE = "https://" + ".".join(["a" * 63] * 3 + ["a" * 61]) + ":65535"
#: "Function environment variables: 4 KB, for all environment variables associated with the function, in
#: aggregate" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), read as 4,000
#: bytes, the stricter of a kilobyte's two readings.
LAMBDA_ENVIRONMENT_BYTES = 4 * 1000
#: The longest health check path ELB takes (the smoke test's path is held to it).
HEALTH_CHECK_PATH_MAX = shape_at("elbv2", "CreateTargetGroup:HealthCheckPath").metadata["max"]


@given(
    st.text(st.sampled_from("/aZ09-._~!$&'()*+,;=:@%?"), max_size=40),
    st.integers(0, LAMBDA_ENVIRONMENT_BYTES),
)
def test_every_path_the_spec_takes_fits_the_functions_environment_with_the_longest_url_and_header(
    text: str, padding: int
) -> None:
    path = "/" + "a" * padding + text
    try:
        SmokeTestSpec(path=path)
    except ConfigError:
        return  # refused: it never reaches the function
    variables = function_environment(smoke_url(LONGEST_BASE, path), ("h" * 40, "v" * 128))
    assert environment_bytes(variables) <= LAMBDA_ENVIRONMENT_BYTES


def test_a_path_longer_than_the_health_check_path_may_be_is_refused_naming_elb_s_limit() -> None:
    """The edge itself is tested with every bounded setting (``test_stated_bounds``)."""
    with pytest.raises(ConfigError) as error:
        SmokeTestSpec(path="/" + "a" * HEALTH_CHECK_PATH_MAX)
    assert error.value.key == "SmokeTestSpec.path" and f"at most {HEALTH_CHECK_PATH_MAX}" in error.value.allowed
