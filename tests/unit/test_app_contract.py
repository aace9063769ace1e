"""The app's timeouts and shutdown timing follow the ALB's and ECS's settings."""

import ast
import inspect
import re

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
from tests.models.aws_api import documentation
from tests.source import parse


def _alb_idle_range() -> range:
    """botocore elbv2 ``LoadBalancerAttribute.Key``: "idle_timeout.timeout_seconds - The idle timeout value,
    in seconds. The valid range is 1-4000 seconds"."""
    text = documentation("elbv2", "LoadBalancerAttribute.Key")
    found = re.search(r"idle_timeout\.timeout_seconds - .*?The valid range is (\d+)-(\d+) seconds", text)
    assert found is not None
    return range(int(found[1]), int(found[2]) + 1)


def test_the_old_tasks_keep_alive_outlasts_the_new_idle_timeout_whatever_the_change() -> None:
    """The ALB attribute changes in place while the old tasks still run (they roll after it): for every
    (old, new) pair of idle timeouts the ALB allows, the keep-alive of a task made for the old one exceeds
    the new one (ELB guide, "Connection idle timeout": the app's keep-alive above the load balancer's)."""
    idle = _alb_idle_range()
    shortest_keep_alive = min(http_timeouts_ms(old)["keep_alive"] for old in idle)
    assert all(shortest_keep_alive > new * 1000 for new in idle)  # so every (old, new) pair holds


@given(old=st.integers(1, 4000), new=st.integers(1, 4000))
def test_any_idle_timeout_change_leaves_the_app_s_timeouts_as_they_were(old: int, new: int) -> None:
    assert http_timeouts_ms(old) == http_timeouts_ms(new)


def test_headers_and_request_timeouts_are_node_s_defaults_in_the_order_node_requires() -> None:
    # Node refuses headersTimeout above requestTimeout (docker/app/test/alb.test.js), and applies neither to
    # an idle keep-alive connection (the same test file, on the image's Node).
    timeouts = http_timeouts_ms(60)
    assert (timeouts["headers"], timeouts["request"]) == (60_000, 300_000)
    assert timeouts["headers"] <= timeouts["request"]


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
