"""What only a routed service has lives in its ``RouteSpec``: a worker is held to none of it, and the
drain is checked against the app's stop timeout by the spec that holds both (``ServiceSpec.route``)."""

import json
import re
from decimal import Decimal

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.edge.route_spec import RouteSpec
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.errors import ConfigError
from components.service.app_contract import (
    EXIT_MARGIN_SECONDS,
    KEEP_ALIVE_MARGIN_MS,
    MIN_FINISH_SECONDS,
    drain_delay_seconds,
)
from components.service.cluster_spec import ExistingCluster
from components.service.deployment_strategy import DeploymentStrategy
from components.service.fargate_service_args import FargateServiceArgs
from components.service.service_spec import ServiceSpec
from settings import load_settings
from tests.models.aws_api import documentation
from tools.offline import RecordingMocks, run_mocked

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64
CLUSTER = ExistingCluster(arn="arn:aws:ecs:us-east-1:123456789012:cluster/c")
CATCH_ALL = RouteSpec(listener_rule_priority=LAST_PRIORITY)
LOAD_BALANCER = Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=60)


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
def test_a_load_balancer_s_idle_timeout_is_held_to_the_albs_range_where_the_load_balancer_is_built(
    seconds: int,
) -> None:
    low, high = _alb_idle_range()
    if low <= seconds <= high:
        assert LoadBalancerSpec(idle_timeout_seconds=seconds)
        return
    with pytest.raises(ConfigError) as error:
        LoadBalancerSpec(idle_timeout_seconds=seconds)
    assert (error.value.key, error.value.value) == ("LoadBalancerSpec.idle_timeout_seconds", seconds)


def test_a_route_takes_the_idle_timeout_as_an_input_and_judges_it_no_more() -> None:
    """The load balancer's spec judged it where the load balancer was built, an Output from another stack
    included."""
    assert Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=0)
    assert Route(
        listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=pulumi.Output.from_input(0)
    )


def test_a_route_names_its_load_balancers_idle_timeout_there_is_no_default_to_drift_from() -> None:
    with pytest.raises(TypeError, match="idle_timeout_seconds"):
        Route(listener_arn="l", load_balancer_security_group_id="sg")  # type: ignore[call-arg]


def test_the_app_s_timeouts_are_computed_from_the_route_s_idle_timeout_once_it_is_known() -> None:
    from components.service.fargate_service import FargateService

    mocks = RecordingMocks()

    def program() -> None:
        idle = pulumi.Output.from_input(300)
        route = Route(listener_arn="l", load_balancer_security_group_id="sg", idle_timeout_seconds=idle)
        service = FargateService("svc", args(ServiceSpec(route=CATCH_ALL), route))
        service.environment.apply(lambda env: seen.update(env))

    seen: dict[str, str] = {}
    run_mocked(program, {"aws:region": "us-east-1"}, mocks=mocks)
    task = json.loads(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])[0]
    env = {item["name"]: item["value"] for item in task["environment"]}
    # The keep-alive outlasts any idle timeout the ALB allows, the route's 300 s included.
    assert env["KEEP_ALIVE_TIMEOUT_MS"] == seen["KEEP_ALIVE_TIMEOUT_MS"] == str(4_000_000 + KEEP_ALIVE_MARGIN_MS)


def test_a_route_built_alone_refuses_alarms_it_could_not_dimension() -> None:
    from components.observability.alarm_rules import Alarms

    routed = ServiceSpec(route=CATCH_ALL)
    with pytest.raises(ConfigError) as error:
        ServiceRouteArgs(
            route=LOAD_BALANCER, service=routed, vpc_id="v", task_security_group_id="sg-t", alarms=Alarms()
        )
    assert error.value.key == "ServiceRouteArgs.alarms"
    with_suffix = Route(
        listener_arn="l",
        load_balancer_security_group_id="sg",
        load_balancer_arn_suffix="app/a/1",
        idle_timeout_seconds=60,
    )
    ServiceRouteArgs(route=with_suffix, service=routed, vpc_id="v", task_security_group_id="sg-t", alarms=Alarms())


def test_a_route_s_deployment_role_takes_the_path_its_service_s_access_judged() -> None:
    """One home for the role path: ``ServiceAccess``; the route's args hold no path of their own to judge."""
    from components.edge.service_route import ServiceRoute
    from components.service.service_access import ServiceAccess

    assert "role_path" not in ServiceRouteArgs.__dataclass_fields__
    mocks = RecordingMocks()
    canary = DeploymentStrategy(kind="canary", canary_percent=Decimal(10), canary_bake_minutes=10, bake_minutes=10)
    shifting = RouteSpec(listener_rule_priority=LAST_PRIORITY, deployment=canary)  # ECS assumes the role to shift
    routed = ServiceSpec(route=shifting, access=ServiceAccess(role_path="/team/"))
    route_args = ServiceRouteArgs(route=LOAD_BALANCER, service=routed, vpc_id="v", task_security_group_id="sg-t")

    def program() -> None:
        ServiceRoute("r", route_args)

    run_mocked(program, {"aws:region": "us-east-1"}, mocks=mocks)
    assert mocks.find("aws:iam/role:Role", "r-deploy-role").inputs["path"] == "/team/"


def test_the_alarms_need_of_a_dimension_is_one_rule_for_a_service_and_a_route() -> None:
    from components.edge import service_route_args
    from components.service import fargate_service_args

    assert fargate_service_args.check_alarm_dimension is service_route_args.check_alarm_dimension
