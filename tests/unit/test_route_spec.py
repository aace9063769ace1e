"""What only a routed service has lives in its ``RouteSpec``: a worker is held to none of it, and the
drain is checked against the app's stop timeout by the spec that holds both (``ServiceSpec.route``)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.route_spec import RouteSpec
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.errors import ConfigError
from components.service.app_contract import EXIT_MARGIN_SECONDS, MIN_FINISH_SECONDS, drain_delay_seconds
from components.service.cluster_spec import ExistingCluster
from components.service.fargate_service_args import FargateServiceArgs
from components.service.service_spec import ServiceSpec
from settings import load_settings
from tests.models.aws_api import documentation
from tools.offline import RecordingMocks, run_mocked

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64
CLUSTER = ExistingCluster(arn="arn:aws:ecs:us-east-1:123456789012:cluster/c")
CATCH_ALL = RouteSpec(listener_rule_priority=LAST_PRIORITY)
LOAD_BALANCER = Route(listener_arn="l", load_balancer_security_group_id="sg")


def args(spec: ServiceSpec, route: Route | None = None) -> FargateServiceArgs:
    return FargateServiceArgs(
        spec=spec, image_ref=IMAGE, cluster=CLUSTER, vpc_id="v", subnet_ids=["s"], assign_public_ip=False, route=route
    )


def test_a_worker_may_stop_in_thirty_seconds_and_keeps_all_but_the_exit_margin_to_finish() -> None:
    spec = ServiceSpec(stop_timeout_seconds=30)
    assert args(spec).route is None
    assert spec.container_environment()["SHUTDOWN_TIMEOUT_MS"] == str((30 - EXIT_MARGIN_SECONDS) * 1000)


def test_a_routed_service_whose_drain_does_not_fit_its_stop_timeout_is_refused_naming_both_fields() -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(
            stop_timeout_seconds=60, route=RouteSpec(listener_rule_priority=50000, deregistration_delay_seconds=60)
        )
    assert (error.value.key, error.value.value) == ("ServiceSpec.stop_timeout_seconds", 60)
    assert "RouteSpec.deregistration_delay_seconds" in error.value.allowed


def test_a_stop_timeout_no_deregistration_delay_fits_in_is_its_own_mistake_reported_beside_the_delay_s() -> None:
    """5 s cannot hold the health check's drain (45 s) whatever the delay: both keys are reported at once."""
    with pytest.raises(ConfigError) as error:
        load_settings({"stopTimeoutSeconds": "5", "deregistrationDelaySeconds": "100"})
    assert [(e.key, e.value) for e in error.value.errors] == [
        ("deregistrationDelaySeconds", 100),
        ("stopTimeoutSeconds", 5),
    ]


def test_the_args_take_a_load_balancer_exactly_when_the_spec_has_a_route() -> None:
    routed = ServiceSpec(route=CATCH_ALL)
    args(routed, LOAD_BALANCER)
    args(ServiceSpec())
    for spec, route in ((routed, None), (ServiceSpec(), LOAD_BALANCER)):
        with pytest.raises(ConfigError) as error:
            args(spec, route)
        assert error.value.key == "FargateServiceArgs.route"
    with pytest.raises(ConfigError) as error:
        ServiceRouteArgs(route=LOAD_BALANCER, service=ServiceSpec(), vpc_id="v", task_security_group_id="sg-t")
    assert error.value.key == "ServiceRouteArgs.service"


def test_a_routed_service_needs_a_health_check_the_target_group_can_request() -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(health_check=None, route=CATCH_ALL)
    assert [e.key for e in error.value.errors] == ["ServiceSpec.health_check"]
    ServiceSpec(health_check=None)


def test_the_program_names_the_config_keys_of_both() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"stopTimeoutSeconds": "60", "deregistrationDelaySeconds": "60"})
    assert (error.value.key, error.value.value) == ("stopTimeoutSeconds", 60)
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
        ServiceSpec(
            stop_timeout_seconds=stop,
            route=RouteSpec(listener_rule_priority=LAST_PRIORITY, deregistration_delay_seconds=draining),
        )
    except ConfigError as error:
        assert not fits and error.key == "ServiceSpec.stop_timeout_seconds"
    else:
        assert fits
    assert args(spec).spec == spec


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
                  "health_check_grace_period_seconds", "deployment", "test_header"}  # fmt: skip
    assert route_only.isdisjoint(ServiceSpec.__dataclass_fields__)
    assert route_only <= set(RouteSpec.__dataclass_fields__)


def _alb_idle_range() -> tuple[int, int]:
    """The ALB's idle timeout range, as botocore documents the ``idle_timeout.timeout_seconds`` attribute."""
    text = documentation("elbv2", "LoadBalancerAttribute.Key")
    found = re.search(r"idle_timeout\.timeout_seconds - .*?The valid range is (\d+)-(\d+) seconds", text)
    assert found, "botocore documents the idle timeout's range"
    return int(found[1]), int(found[2])


@given(seconds=st.integers(-10, 5000))
def test_a_load_balancer_s_idle_timeout_is_held_to_the_albs_range_when_its_route_is_built(seconds: int) -> None:
    low, high = _alb_idle_range()
    if low <= seconds <= high:
        assert Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=seconds)
        return
    with pytest.raises(ConfigError) as error:
        Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=seconds)
    assert (error.value.key, error.value.value) == ("Route.idle_timeout_seconds", seconds)


def test_a_bad_idle_timeout_is_refused_before_a_service_registers_anything() -> None:
    from components.service.fargate_service import FargateService

    mocks = RecordingMocks()

    def program() -> None:
        route = Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=0)
        FargateService("svc", args(ServiceSpec(route=CATCH_ALL), route))

    with pytest.raises(ConfigError, match=r"Route\.idle_timeout_seconds"):
        run_mocked(program, {"aws:region": "us-east-1"}, mocks=mocks)
    assert mocks.resources == []


def test_a_route_built_alone_refuses_alarms_it_could_not_dimension_and_a_role_path_iam_refuses() -> None:
    from components.observability.alarm_rules import Alarms

    routed = ServiceSpec(route=CATCH_ALL)
    with pytest.raises(ConfigError) as error:
        ServiceRouteArgs(route=LOAD_BALANCER, service=routed, vpc_id="v", task_security_group_id="sg-t",
                         alarms=Alarms(), role_path="nope")  # fmt: skip
    assert [e.key for e in error.value.errors] == ["ServiceRouteArgs.alarms", "ServiceRouteArgs.role_path"]
    with_suffix = Route(listener_arn="l", load_balancer_security_group_id="sg", load_balancer_arn_suffix="app/a/1")
    ServiceRouteArgs(route=with_suffix, service=routed, vpc_id="v", task_security_group_id="sg-t", alarms=Alarms(),
                     role_path="/team/")  # fmt: skip
