"""The app's timeouts and shutdown timing follow the ALB's and ECS's settings."""

import ast
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service import app_contract
from components.service.app_contract import (
    EXIT_MARGIN_SECONDS,
    MIN_FINISH_SECONDS,
    OWNED_NAMES,
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_UNHEALTHY_THRESHOLD,
    app_environment,
    drain_delay_seconds,
    http_timeouts_ms,
    reject_owned,
    shutdown_budget_seconds,
)
from components.service.service_spec import ServiceSpec
from tests.source import parse


@given(idle=st.integers(1, 4000))
def test_keep_alive_outlasts_the_alb_idle_timeout_and_headers_outlast_keep_alive(idle: int) -> None:
    timeouts = http_timeouts_ms(idle)
    assert idle * 1000 < timeouts["keep_alive"] < timeouts["headers"] <= timeouts["request"]


def test_node_keeps_its_default_request_timeout_while_it_is_long_enough() -> None:
    assert http_timeouts_ms(60)["request"] == 300_000
    assert http_timeouts_ms(4000)["request"] == http_timeouts_ms(4000)["headers"]


@given(dereg=st.integers(0, 90))
def test_the_drain_lasts_until_the_alb_has_stopped_sending_either_way(dereg: int) -> None:
    drain = drain_delay_seconds(dereg)
    assert drain >= dereg
    assert drain >= TARGET_HEALTH_INTERVAL_SECONDS * TARGET_UNHEALTHY_THRESHOLD


@given(stop=st.integers(2, 120), dereg=st.integers(0, 90))
def test_drain_and_finish_always_end_before_ecs_sends_sigkill(stop: int, dereg: int) -> None:
    try:
        budget = shutdown_budget_seconds(stop_timeout_seconds=stop, deregistration_delay_seconds=dereg)
    except ConfigError as error:
        assert error.key == "ServiceSpec.stop_timeout_seconds"
        return
    assert budget > 0
    assert drain_delay_seconds(dereg) + budget + EXIT_MARGIN_SECONDS == stop


@given(stop=st.integers(2, 120))
def test_a_worker_gets_at_least_the_least_finish_time_before_its_exit_margin_or_is_refused(stop: int) -> None:
    """No route: no drain, but a stop timeout of 2-9 s would leave SHUTDOWN_TIMEOUT_MS zero or negative."""
    try:
        env = ServiceSpec(stop_timeout_seconds=stop).container_environment()
    except ConfigError as error:
        assert (error.key, error.value) == ("ServiceSpec.stop_timeout_seconds", stop)
        assert error.allowed.startswith(f"at least {EXIT_MARGIN_SECONDS + MIN_FINISH_SECONDS} without a route")
        return
    finish = int(env["SHUTDOWN_TIMEOUT_MS"])
    assert finish >= MIN_FINISH_SECONDS * 1000 and finish + EXIT_MARGIN_SECONDS * 1000 == stop * 1000


def test_a_stop_timeout_too_short_for_the_drain_names_the_key_and_the_least_value() -> None:
    with pytest.raises(ConfigError) as error:
        shutdown_budget_seconds(stop_timeout_seconds=30, deregistration_delay_seconds=30)
    assert (error.value.key, error.value.value) == ("ServiceSpec.stop_timeout_seconds", 30)
    assert error.value.allowed.startswith("at least 55")


def test_the_environment_carries_every_owned_name() -> None:
    env = app_environment(
        port=8080,
        health_check_path="/ready",
        idle_timeout_seconds=60,
        stop_timeout_seconds=120,
        deregistration_delay_seconds=30,
    )
    assert set(env) == OWNED_NAMES
    assert env["PORT"] == "8080" and env["HEALTH_CHECK_PATH"] == "/ready"
    assert (env["DRAIN_DELAY_MS"], env["SHUTDOWN_TIMEOUT_MS"]) == ("45000", "70000")


@pytest.mark.parametrize("name", sorted(OWNED_NAMES))
def test_a_user_value_for_an_owned_name_is_refused(name: str) -> None:
    with pytest.raises(ConfigError) as error:
        reject_owned({name: "1"})
    assert (error.value.key, error.value.value) == ("ServiceSpec.environment", f"{name}=1")


@pytest.mark.parametrize("function", [app_contract.http_timeouts_ms, app_contract.app_environment])
def test_the_environment_is_computed_from_specs_that_have_judged_it_and_raises_no_config_error(function) -> None:
    """The idle timeout's range is ``Route``'s rule, a routed health check ``ServiceSpec``'s: written once."""
    raised = [node for node in ast.walk(parse(inspect.getsource(function))) if isinstance(node, ast.Raise)]
    assert raised == []
