"""What only a routed service has lives in its ``RouteSpec``: a worker is held to none of it, and the
drain is checked against the app's stop timeout where the route and the service meet."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.route_spec import RouteSpec
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.errors import ConfigError
from components.service.app_contract import EXIT_MARGIN_SECONDS, MIN_FINISH_SECONDS, drain_delay_seconds
from components.service.fargate_service_args import FargateServiceArgs
from components.service.service_spec import ServiceSpec
from settings import load_settings

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64
CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/c"


def routed(spec: ServiceSpec, route: RouteSpec) -> FargateServiceArgs:
    return FargateServiceArgs(
        spec=spec, image_ref=IMAGE, cluster=CLUSTER, vpc_id="v", subnet_ids=["s"], assign_public_ip=False,
        route=Route(spec=route, listener_arn="l", load_balancer_security_group_id="sg"),
    )  # fmt: skip


def worker(spec: ServiceSpec) -> FargateServiceArgs:
    return FargateServiceArgs(
        spec=spec, image_ref=IMAGE, cluster=CLUSTER, vpc_id="v", subnet_ids=["s"], assign_public_ip=False
    )


def test_a_worker_may_stop_in_thirty_seconds_and_keeps_all_but_the_exit_margin_to_finish() -> None:
    spec = ServiceSpec(stop_timeout_seconds=30)
    assert worker(spec).route is None
    assert spec.container_environment()["SHUTDOWN_TIMEOUT_MS"] == str((30 - EXIT_MARGIN_SECONDS) * 1000)


def test_a_routed_service_whose_drain_does_not_fit_its_stop_timeout_is_refused_naming_both_fields() -> None:
    for build in (
        lambda: routed(ServiceSpec(stop_timeout_seconds=30), RouteSpec(listener_rule_priority=LAST_PRIORITY)),
        lambda: ServiceRouteArgs(
            route=Route(spec=RouteSpec(listener_rule_priority=LAST_PRIORITY), listener_arn="l",
                        load_balancer_security_group_id="sg"),
            service=ServiceSpec(stop_timeout_seconds=30), vpc_id="v", task_security_group_id="sg-t",
        ),
    ):  # fmt: skip
        with pytest.raises(ConfigError) as error:
            build()
        assert (error.value.key, error.value.value) == ("ServiceSpec.stop_timeout_seconds", 30)
        assert "RouteSpec.deregistration_delay_seconds" in error.value.allowed


def test_the_program_names_the_config_keys_of_both() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"stopTimeoutSeconds": "30"})
    assert (error.value.key, error.value.value) == ("stopTimeoutSeconds", 30)
    assert "deregistrationDelaySeconds" in error.value.allowed


@given(stop=st.integers(2, 120), draining=st.integers(0, 90))
def test_a_route_fits_exactly_when_its_drain_the_finish_and_the_exit_margin_fit_in_the_stop_timeout(
    stop: int, draining: int
) -> None:
    try:
        spec = ServiceSpec(stop_timeout_seconds=stop)
    except ConfigError as error:
        # Not even a worker (the spec's own environment is one): 5 s to finish and 5 s to exit.
        assert stop < MIN_FINISH_SECONDS + EXIT_MARGIN_SECONDS and error.key == "ServiceSpec.stop_timeout_seconds"
        return
    fits = stop >= drain_delay_seconds(draining) + MIN_FINISH_SECONDS + EXIT_MARGIN_SECONDS
    try:
        routed(spec, RouteSpec(listener_rule_priority=LAST_PRIORITY, deregistration_delay_seconds=draining))
    except ConfigError as error:
        assert not fits and error.key == "ServiceSpec.stop_timeout_seconds"
    else:
        assert fits
    assert worker(spec).spec == spec


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"listener_rule_priority": 0}, "RouteSpec.listener_rule_priority"),
        ({"listener_rule_priority": LAST_PRIORITY + 1}, "RouteSpec.listener_rule_priority"),
        ({"listener_rule_priority": 100}, "RouteSpec.listener_rule_priority"),  # /* anywhere but last
        ({"listener_rule_priority": 100, "path_patterns": ("/a", "/b", "/c", "/d")}, "RouteSpec.path_patterns"),
        ({"listener_rule_priority": LAST_PRIORITY, "deregistration_delay_seconds": 91},
         "RouteSpec.deregistration_delay_seconds"),
        ({"listener_rule_priority": LAST_PRIORITY, "health_check_grace_period_seconds": -1},
         "RouteSpec.health_check_grace_period_seconds"),
    ],
)  # fmt: skip
def test_a_route_the_alb_or_ecs_would_refuse_is_refused_naming_its_field(fields: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        RouteSpec(**fields)
    assert error.value.key == key


def test_the_service_spec_holds_nothing_only_a_route_has() -> None:
    route_only = {"path_patterns", "listener_rule_priority", "deregistration_delay_seconds",
                  "health_check_grace_period_seconds"}  # fmt: skip
    assert route_only.isdisjoint(ServiceSpec.__dataclass_fields__)
    assert route_only <= set(RouteSpec.__dataclass_fields__)
