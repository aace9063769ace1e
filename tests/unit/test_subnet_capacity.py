"""A new VPC too small for a deployment's peak is refused before anything is registered: each Fargate task
takes one address of its subnet, and the program's count is held to a model of awsx's layout and of AWS's
rules (``tests/models/subnet_capacity.py``)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from components.edge.route_spec import RouteSpec
from components.errors import ConfigError
from components.network.network_spec import NAT_STRATEGIES, NetworkSpec
from components.network.subnet_capacity import check_task_addresses
from components.service.autoscaling_rules import Autoscaling
from components.service.deployment_strategy import DeploymentStrategy
from components.service.service_spec import ServiceSpec
from tests.models.aws_api import service as botocore_service
from tests.models.ecs_rolling import rolling_deploy
from tests.models.subnet_capacity import RESERVED, deployment_peak, task_capacity


def test_botocore_still_says_aws_keeps_five_addresses_of_each_subnet() -> None:
    service, operation, says = RESERVED
    documentation = str(botocore_service(service).operation_model(operation).documentation)
    assert says in " ".join(documentation.split())


@given(count=st.integers(1, 60), max_percent=st.integers(100, 400))
def test_the_models_peak_is_never_below_what_the_rolling_scheduler_runs(count: int, max_percent: int) -> None:
    rollout = rolling_deploy(count, min_healthy_percent=100, max_percent=max_percent)
    assert rollout.peak <= deployment_peak(count, max_percent, shifting=False)


def _network(prefix: int, azs: int, nat: str) -> NetworkSpec | None:
    try:
        return NetworkSpec(mode="new", vpc_cidr=f"10.0.0.0/{prefix}", availability_zones=azs, nat_strategy=nat)
    except ConfigError:
        return None  # a VPC refused on its own (subnets under /28)


def _service(desired: int, max_count: int | None, max_percent: int, shifting: bool) -> ServiceSpec | None:
    deployment = DeploymentStrategy(kind="blueGreen") if shifting else DeploymentStrategy()
    scaling = Autoscaling(min_count=0, max_count=max_count) if max_count is not None else None
    try:
        return ServiceSpec(
            desired_count=desired,
            # A shifting strategy takes the default batch limits only (check_rolling_percents).
            min_healthy_percent=100 if shifting or max_percent > 100 else 0,
            max_percent=200 if shifting else max_percent,
            autoscaling=scaling,
            route=RouteSpec(listener_rule_priority=50000, deployment=deployment),
        )
    except ConfigError:
        return None  # a service refused on its own


@given(
    prefix=st.integers(16, 24),
    azs=st.integers(2, 6),
    nat=st.sampled_from(NAT_STRATEGIES),
    desired=st.integers(0, 5000),
    max_count=st.none() | st.integers(1, 5000),
    max_percent=st.sampled_from([100, 150, 200, 300]),
    shifting=st.booleans(),
)
def test_a_new_vpc_is_refused_exactly_when_its_task_subnets_cannot_hold_the_deployments_peak(
    prefix: int, azs: int, nat: str, desired: int, max_count: int | None, max_percent: int, shifting: bool
) -> None:
    network, spec = _network(prefix, azs, nat), _service(desired, max_count, max_percent, shifting)
    assume(network is not None and spec is not None)
    assert network is not None and spec is not None
    peak = deployment_peak(max(desired, max_count or 0), spec.max_percent, shifting=shifting)
    fits = peak <= task_capacity(network.vpc_cidr, azs, nat)
    try:
        check_task_addresses(network, spec)
    except ConfigError as error:
        assert not fits
        assert error.key == "NetworkSpec.vpc_cidr"
        named = ("NetworkSpec.availability_zones", "NetworkSpec.nat_strategy", "ServiceSpec.desired_count")
        assert all(field in error.allowed for field in named)
        assert ("Autoscaling.max_count" in error.allowed) == (max_count is not None)
        assert ("ServiceSpec.max_percent" in error.allowed) != shifting
        return
    assert fits


def test_the_reviewers_case_names_the_peak_the_subnets_and_a_vpc_that_holds_it() -> None:
    network = NetworkSpec(mode="new", vpc_cidr="10.0.0.0/24", availability_zones=2, nat_strategy="Single")
    with pytest.raises(ConfigError) as error:
        check_task_addresses(network, ServiceSpec(desired_count=100))
    assert "peak of 200 tasks" in error.value.allowed
    assert "2 /26 private subnets, 118 addresses" in error.value.allowed
    assert "/23 or larger" in error.value.allowed


def test_without_nat_the_tasks_leave_the_load_balancer_its_eight_addresses_in_each_public_subnet() -> None:
    network = NetworkSpec(mode="new", vpc_cidr="10.0.0.0/24", availability_zones=2, nat_strategy="None")
    check_task_addresses(network, ServiceSpec(desired_count=19))  # 2 x (32 - 5 - 8) = 38 = 2 x 19
    with pytest.raises(ConfigError, match="where the load balancer keeps 8 free"):
        check_task_addresses(network, ServiceSpec(desired_count=20))


@pytest.mark.parametrize("mode", ["default", "existing"])
def test_a_vpc_the_stack_does_not_create_is_not_judged(mode: str) -> None:
    existing = {"vpc_id": "vpc-1", "public_subnet_ids": ("subnet-1", "subnet-2")} if mode == "existing" else {}
    check_task_addresses(NetworkSpec(mode=mode, **existing), ServiceSpec(desired_count=5000))
