"""A component named without its stack is warned about, naming what breaks: the deployer documents scope
every resource by the stack's name prefix, and a service's task family, KMS alias and dashboard (names AWS
keeps unique per account) would be the same in every stack that names it alike. Warned, not refused: a
stack already deployed under such a name keeps it, as a new name would replace its resources."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.edge.service_route import ServiceRoute
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.edge.smoke_test import SmokeTest, SmokeTestArgs
from components.edge.smoke_test_rules import SmokeTestSpec
from components.image.app_image import AppImage, AppImageArgs
from components.image.image_spec import ImageSpec
from components.naming import unprefixed
from components.network.network import Network, NetworkSpec
from components.observability.alarm_rules import Alarms
from components.observability.task_counter import TaskCounter, TaskCounterArgs
from components.service.cluster import Cluster
from components.service.cluster_spec import ClusterSpec, ExistingCluster
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.service.fargate_task import FargateTask, FargateTaskArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from tests.components.builders import CANARY, CLUSTER_ARN, IMAGE, ROUTED
from tools.offline import run_mocked

DOCKER = Path(__file__).resolve().parents[2] / "docker"
ROUTE = Route(
    listener_arn="l",
    load_balancer_security_group_id="sg-alb",
    idle_timeout_seconds=60,
    load_balancer_arn_suffix="app/dev-web-alb/50dc6c495c0c9188",
)


def fargate_service(name: str) -> FargateService:
    """Routed, with alarms (so a dashboard and a task counter) and a stored secret value (so a KMS alias)."""
    spec = ServiceSpec(route=ROUTED.route, access=ServiceAccess(secret_value_names=("API_TOKEN",)))
    return FargateService(
        name,
        FargateServiceArgs(
            spec=spec, image_ref=IMAGE, cluster=ExistingCluster(arn=CLUSTER_ARN), vpc_id="vpc-1",
            subnet_ids=["subnet-1"], assign_public_ip=True, route=ROUTE, secret_values={"API_TOKEN": "x"},
            alarms=Alarms(),
        ),
    )  # fmt: skip


#: Each public component, built under a name.
COMPONENTS: dict[str, Callable[[str], Any]] = {
    "AppImage": lambda name: AppImage(name, AppImageArgs(spec=ImageSpec(context=DOCKER))),
    "Network": lambda name: Network(name, NetworkSpec()),
    "LoadBalancer": lambda name: LoadBalancer(
        name, LoadBalancerArgs(vpc_id="vpc-1", subnet_ids=["subnet-1", "subnet-2"], spec=LoadBalancerSpec())
    ),
    "Cluster": lambda name: Cluster(name, ClusterSpec()),
    "FargateService": fargate_service,
    "FargateTask": lambda name: FargateTask(
        name, FargateTaskArgs(spec=ServiceSpec(), image_ref=IMAGE, role_path="/", permissions_boundary_arn="")
    ),
    "ServiceRoute": lambda name: ServiceRoute(
        name, ServiceRouteArgs(route=ROUTE, service=ROUTED, vpc_id="vpc-1", task_security_group_id="sg-1")
    ),
    "SmokeTest": lambda name: SmokeTest(
        name,
        SmokeTestArgs(url="https://app.example.com", route=CANARY, spec=SmokeTestSpec(path="/health")),
    ),
    "TaskCounter": lambda name: TaskCounter(
        name, TaskCounterArgs(cluster_arn=CLUSTER_ARN, cluster_name="dev-app", service_name="s", namespace="N")
    ),
}


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_a_component_named_without_the_stack_is_warned_once_naming_the_prefix_the_deployer_documents_want(
    component: str,
) -> None:
    warnings = run_mocked(lambda: COMPONENTS[component]("orders"), stack="dev").mocks.warnings
    assert len(warnings) == 1, warnings  # once: the package's own children take their names from it
    assert warnings[0].startswith(f"{component} 'orders' in stack 'dev': a name not starting with 'dev-'")


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_a_component_named_after_its_stack_is_not_warned(component: str) -> None:
    assert run_mocked(lambda: COMPONENTS[component]("dev-orders"), stack="Dev").mocks.warnings == []


def test_a_service_named_without_the_stack_is_told_which_account_wide_names_another_stack_would_share() -> None:
    (warning,) = run_mocked(lambda: COMPONENTS["FargateService"]("orders"), stack="dev", project="shop").mocks.warnings
    assert warning.endswith(
        "; and another stack's FargateService 'orders' takes the same task family 'shop-orders' (its revisions "
        "join the first stack's), KMS alias 'alias/shop/orders/secrets' (CreateAlias: AlreadyExistsException), "
        "dashboard 'shop-orders-monitoring-<region>' (PutDashboard replaces it)"
    )


@given(stack=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True), rest=st.text(max_size=20))
def test_any_name_that_starts_with_the_stack_and_a_hyphen_keeps_the_convention(stack: str, rest: str) -> None:
    assert unprefixed("Cluster", f"{stack}-{rest}", stack.upper(), None) == ""
    assert unprefixed("Cluster", f"{stack}{rest}", stack, None) != "" or rest.startswith("-")
