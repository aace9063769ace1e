"""A FargateService with test defaults, each public component built under a name, and the metrics a built stack
publishes, for the tests."""

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pulumi

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.edge.route_spec import RouteSpec
from components.edge.service_route import ServiceRoute
from components.edge.service_route_args import Route, ServiceRouteArgs
from components.edge.smoke_test import SmokeTest, SmokeTestArgs
from components.edge.smoke_test_rules import SmokeTestSpec
from components.image.app_image import AppImage, AppImageArgs
from components.image.image_spec import ImageSpec
from components.network.network import Network, NetworkSpec
from components.observability.alarm_rules import Alarms
from components.observability.task_counter import TaskCounter, TaskCounterArgs
from components.observability.task_counter_handler import count, emf_documents
from components.service.autoscaling_rules import Autoscaling
from components.service.cluster import Cluster
from components.service.cluster_spec import ClusterSpec, ExistingCluster
from components.service.deployment_strategy import DeploymentStrategy
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.service.fargate_task import FargateTask, FargateTaskArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from tests.models.cloudwatch import MetricId, emf_metrics, filter_metric, spot_interruption
from tests.models.ecs_api import Ecs, Task
from tools.offline import RecordingMocks

LB_SUFFIX = "app/web-alb/50dc6c495c0c9188"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64


LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"
CATCH_ALL = RouteSpec(listener_rule_priority=LAST_PRIORITY)
#: A test header as `openssl rand -hex 16` makes its value: strong enough for a test rule (``check_test_header``).
TEST_HEADER = ("x-deploy-test", "7f3a9c1e5b2d48f6a0c3e9d17b5f2a84")
CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/dev-app"
#: A service on a path of its own, and a route that shifts traffic by canary (two target groups, a test rule).
ROUTED = ServiceSpec(route=RouteSpec(path_patterns=("/orders",), listener_rule_priority=300))
CANARY = RouteSpec(
    listener_rule_priority=50000,
    deployment=DeploymentStrategy(kind="canary", canary_percent=Decimal(10)),
    test_header=TEST_HEADER,
)


#: The spec's fields a test may give ``service`` as keywords, as 0.4.0's args took them.
ROUTE_FIELDS = ("deployment", "test_header")
ACCESS_FIELDS = (
    "egress_ports", "secrets", "secret_kms_key_arns", "role_path", "permissions_boundary_arn", "deployer_role_arn"
)  # fmt: skip
#: The role that deploys the stacks of these tests, which a secrets key names (``components.secrets_key``).
DEPLOYER_ROLE = "arn:aws:iam::123456789012:role/graviton-node-deploy-dev"


def service(
    spec: ServiceSpec | None = None,
    *,
    cluster_arn: pulumi.Input[str] | None = None,
    container_insights: str = "enhanced",
    exec_kms_key_arn: str = "",
    load_balancer_arn_suffix: str | None = None,
    idle_timeout_seconds: int = 60,
    route_spec: RouteSpec | None = None,
    exec_key: str = "",
    route: Literal["default"] | None = "default",
    alarm_on_load_balancer: bool = True,
    autoscaling: Autoscaling | None = None,
    name: str = "svc",
    **overrides: Any,
) -> FargateService:
    """A service behind a listener (its catch-all, unless ``route_spec`` or the spec's own route says
    otherwise; ``route=None``: a worker), in a ``Cluster`` of the same name (as the program builds them)
    unless ``cluster_arn`` names an existing one (whose ECS Exec key is ``exec_key``). The route's
    ``deployment`` and ``test_header``, the access fields (``ACCESS_FIELDS``) and ``autoscaling`` are put in
    the spec; ``secret_values`` name theirs in it too."""
    spec = spec or ServiceSpec()
    route_fields = {name: overrides.pop(name) for name in ROUTE_FIELDS if name in overrides}
    access = {name: overrides.pop(name) for name in ACCESS_FIELDS if name in overrides}
    secret_values = overrides.pop("secret_values", {})
    if secret_values:
        access.setdefault("deployer_role_arn", DEPLOYER_ROLE)
    routed = None
    if route is not None:
        routed = dataclasses.replace(route_spec or spec.route or CATCH_ALL, **route_fields)
    spec = dataclasses.replace(
        spec,
        route=routed,
        autoscaling=autoscaling or spec.autoscaling,
        access=dataclasses.replace(spec.access, **access, secret_value_names=tuple(secret_values)),
    )
    cluster: Cluster | ExistingCluster
    if cluster_arn is None:
        cluster = Cluster(
            name,
            ClusterSpec(
                container_insights=container_insights, default_strategy=spec.strategy,
                exec_logging=spec.enable_execute_command, exec_kms_key_arn=exec_kms_key_arn,
                log_retention_days=spec.log_retention_days,
            ),
        )  # fmt: skip
    else:
        cluster = ExistingCluster(arn=cluster_arn, exec_kms_key_arn=exec_key)
    load_balancer = Route(listener_arn=LISTENER, load_balancer_security_group_id="sg-alb",
                          load_balancer_arn_suffix=load_balancer_arn_suffix,
                          idle_timeout_seconds=idle_timeout_seconds,
                          alarm_on_load_balancer=alarm_on_load_balancer)  # fmt: skip
    args = {
        "spec": spec,
        "image_ref": IMAGE,
        "cluster": cluster,
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1", "subnet-2"],
        "assign_public_ip": True,
        "route": load_balancer if routed is not None else None,
        "secret_values": secret_values,
    } | overrides
    return FargateService(name, FargateServiceArgs(**args))


def published_metrics(mocks: RecordingMocks) -> set[MetricId]:
    """Our metrics as a deployed stack publishes them: the task counter's handler run with its recorded
    environment and the service's strategy, and the Spot filter applied to an interrupted task's event."""
    env = mocks.one("aws:lambda/function:Function").inputs["environment"]["variables"]
    strategy = mocks.one("aws:ecs/service:Service").inputs["capacityProviderStrategies"]
    described = {"desiredCount": 1, "capacityProviderStrategy": strategy}
    api = Ecs(env["CLUSTER"], {env["SERVICE"]: described}, [Task("t1", env["SERVICE"], provider="FARGATE")])
    desired, running = count(api, env["CLUSTER"], env["SERVICE"])
    documents = emf_documents(env["NAMESPACE"], env["CLUSTER"], env["SERVICE"], desired, running, 1)
    metrics = {metric for d in documents for metric, _ in emf_metrics(json.dumps(d))}
    (rule,) = [json.loads(r.inputs["eventPattern"])["detail"] for r in mocks.resources
               if r.type == "aws:cloudwatch/eventRule:EventRule" and r.name.endswith("-spot-rule")]  # fmt: skip
    stopped = spot_interruption(rule["clusterArn"][0], rule["group"][0], "task/1")[-1]
    spot = filter_metric(mocks.one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs, stopped)
    assert spot is not None, "the filter counts an interrupted task's STOPPED event"
    return metrics | {spot}


DOCKER = Path(__file__).resolve().parents[2] / "docker"
PUBLIC_ROUTE = Route(
    listener_arn="l",
    load_balancer_security_group_id="sg-alb",
    idle_timeout_seconds=60,
    load_balancer_arn_suffix="app/dev-web-alb/50dc6c495c0c9188",
)


def fargate_service(name: str) -> FargateService:
    """Routed, with alarms (so a dashboard and a task counter) and a stored secret value (so a KMS alias)."""
    spec = ServiceSpec(
        route=ROUTED.route, access=ServiceAccess(secret_value_names=("API_TOKEN",), deployer_role_arn=DEPLOYER_ROLE)
    )
    return FargateService(
        name,
        FargateServiceArgs(
            spec=spec, image_ref=IMAGE, cluster=ExistingCluster(arn=CLUSTER_ARN), vpc_id="vpc-1",
            subnet_ids=["subnet-1"], assign_public_ip=True, route=PUBLIC_ROUTE, secret_values={"API_TOKEN": "x"},
            alarms=Alarms(),
        ),
    )  # fmt: skip


#: Each public component, built under a name (with a route, alarms and a stored secret where it takes them).
PUBLIC_COMPONENTS: dict[str, Callable[[str], Any]] = {
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
        name, ServiceRouteArgs(route=PUBLIC_ROUTE, service=ROUTED, vpc_id="vpc-1", task_security_group_id="sg-1")
    ),
    "SmokeTest": lambda name: SmokeTest(
        name,
        SmokeTestArgs(url="https://app.example.com", route=CANARY, spec=SmokeTestSpec(path="/health")),
    ),
    "TaskCounter": lambda name: TaskCounter(
        name, TaskCounterArgs(cluster_arn=CLUSTER_ARN, cluster_name="dev-app", service_name="s", namespace="N")
    ),
}
