"""Every public args class judges its own plain values, before its component registers anything: a
component built alone (a ``FargateTask``, a ``TaskCounter`` of another project's service) gets the
rules its parent would otherwise have applied. Outputs (another component's, a stack reference's) are
AWS's to judge at deploy time."""

from collections.abc import Callable
from typing import Any

import pytest

from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.service_route import ServiceRoute
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.edge.smoke_test import SmokeTest, SmokeTestArgs
from components.edge.smoke_test_rules import SmokeTestSpec
from components.errors import ConfigError
from components.observability.task_counter import TaskCounter, TaskCounterArgs
from components.service.fargate_task import FargateTask, FargateTaskArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from tests.components.builders import CANARY, CLUSTER_ARN, IMAGE, ROUTED
from tools.offline import RecordingMocks, run_mocked


def task_counter(**bad: Any) -> TaskCounter:
    args: dict[str, Any] = {
        "cluster_arn": CLUSTER_ARN,
        "cluster_name": "dev-app",
        "service_name": "s",
        "namespace": "N",
    }
    args |= bad
    return TaskCounter("dev-count", TaskCounterArgs(**args))


def fargate_task(**bad: Any) -> FargateTask:
    args = {"spec": ServiceSpec(), "image_ref": IMAGE, "role_path": "/shop/dev/", "permissions_boundary_arn": ""}
    return FargateTask("dev-task", FargateTaskArgs(**args | bad))


def load_balancer(**bad: Any) -> LoadBalancer:
    return LoadBalancer(
        "dev-web", LoadBalancerArgs(**{"vpc_id": "vpc-1", "subnet_ids": ["subnet-1", "subnet-2"]} | bad)
    )


def service_route(**bad: Any) -> ServiceRoute:
    route = Route(listener_arn="l", load_balancer_security_group_id="sg-alb", idle_timeout_seconds=60)
    args = {"route": route, "service": ROUTED, "vpc_id": "vpc-1", "task_security_group_id": "sg-1"}
    return ServiceRoute("dev-route", ServiceRouteArgs(**args | bad))


def smoke_test(**bad: Any) -> SmokeTest:
    args = {"url": "https://app.example.com", "route": CANARY, "spec": SmokeTestSpec(path="/health")}
    return SmokeTest("dev-smoke", SmokeTestArgs(**args | bad))


#: (component built with one bad value, the field its error names)
BAD: dict[str, tuple[Callable[[], Any], str]] = {
    # CloudWatch Logs PutRetentionPolicy takes 1, 3, 5, 7, 14, 30, ... (the provider's IntInSlice).
    "retention of 10 days": (lambda: task_counter(log_retention_days=10), "TaskCounterArgs.log_retention_days"),
    "role path without slashes": (lambda: task_counter(role_path="nope"), "TaskCounterArgs.role_path"),
    "empty namespace": (lambda: task_counter(namespace=""), "TaskCounterArgs.namespace"),
    "cluster name for an ARN": (lambda: task_counter(cluster_arn="dev-app"), "TaskCounterArgs.cluster_arn"),
    "counter boundary no ARN": (
        lambda: task_counter(permissions_boundary_arn="boundary"),
        "TaskCounterArgs.permissions_boundary_arn",
    ),
    "task role path without slashes": (lambda: fargate_task(role_path="nope"), "FargateTaskArgs.role_path"),
    "task boundary no ARN": (
        lambda: fargate_task(permissions_boundary_arn="boundary"),
        "FargateTaskArgs.permissions_boundary_arn",
    ),
    "a secret value the spec does not name": (
        lambda: fargate_task(secret_values={"API_TOKEN": "x"}),
        "FargateTaskArgs.secret_values",
    ),
    # The secrets key denies decryption to every role under /shop/ but the execution role.
    "a deploying role under the project's path": (
        lambda: fargate_task(
            spec=ServiceSpec(
                access=ServiceAccess(
                    secret_value_names=("API_TOKEN",),
                    deployer_role_arn="arn:aws:iam::123456789012:role/shop/deployer",
                )
            ),
            secret_values={"API_TOKEN": "x"},
        ),
        "ServiceAccess.deployer_role_arn",
    ),
    "exec key no ARN": (lambda: fargate_task(exec_kms_key_arn="alias/exec"), "FargateTaskArgs.exec_kms_key_arn"),
    "one subnet for an ALB": (lambda: load_balancer(subnet_ids=["subnet-1"]), "LoadBalancerArgs.subnet_ids"),
    "route boundary no ARN": (
        lambda: service_route(permissions_boundary_arn="boundary"),
        "ServiceRouteArgs.permissions_boundary_arn",
    ),
    "smoke test boundary no ARN": (
        lambda: smoke_test(permissions_boundary_arn="boundary"),
        "SmokeTestArgs.permissions_boundary_arn",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_component_given_a_bad_value_in_its_args_refuses_it_by_field_and_registers_nothing(case: str) -> None:
    build, field = BAD[case]
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_mocked(build, mocks=mocks)
    assert error.value.key == field
    assert mocks.resources == []


def test_a_task_counter_names_every_bad_value_of_its_args_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        TaskCounterArgs(
            cluster_arn=CLUSTER_ARN, cluster_name="c", service_name="s", namespace=":N", log_retention_days=10,
            role_path="nope", permissions_boundary_arn="boundary",
        )  # fmt: skip
    assert [e.key for e in error.value.errors] == [
        "TaskCounterArgs.namespace",
        "TaskCounterArgs.log_retention_days",
        "TaskCounterArgs.role_path",
        "TaskCounterArgs.permissions_boundary_arn",
    ]


@pytest.mark.parametrize("build", [task_counter, fargate_task, load_balancer, service_route, smoke_test])
def test_each_components_args_accept_the_values_the_program_gives_them(build: Callable[[], Any]) -> None:
    assert run_mocked(build).mocks.resources
