"""A FargateService with test defaults, and the metrics a built stack publishes, for the tests."""

import json
from typing import Any

import pulumi

from components.edge.alb_rules import LAST_PRIORITY
from components.edge.route_spec import RouteSpec
from components.edge.service_route_args import Route
from components.observability.task_counter_handler import count, emf_documents
from components.service.cluster import Cluster
from components.service.cluster_spec import ClusterSpec
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.service.service_spec import ServiceSpec
from tests.models.cloudwatch import MetricId, emf_metrics, filter_metric, spot_interruption
from tests.models.ecs_api import Ecs, Task
from tools.offline import RecordingMocks

LB_SUFFIX = "app/web-alb/50dc6c495c0c9188"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64


LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"
CATCH_ALL = RouteSpec(listener_rule_priority=LAST_PRIORITY)


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
    **overrides: Any,
) -> FargateService:
    """A service behind a listener (its catch-all, unless ``route_spec`` says otherwise), in a ``Cluster``
    of the same name (as the program builds them) unless ``cluster_arn`` names an existing one (whose ECS
    Exec key is ``exec_key``)."""
    spec = spec or ServiceSpec()
    cluster = cluster_arn
    if cluster is None:
        cluster = Cluster(
            "svc",
            ClusterSpec(
                container_insights=container_insights, default_strategy=spec.strategy,
                exec_logging=spec.enable_execute_command, exec_kms_key_arn=exec_kms_key_arn,
                log_retention_days=spec.log_retention_days,
            ),
        )  # fmt: skip
    route = Route(spec=route_spec or CATCH_ALL, listener_arn=LISTENER, load_balancer_security_group_id="sg-alb",
                  load_balancer_arn_suffix=load_balancer_arn_suffix,
                  idle_timeout_seconds=idle_timeout_seconds)  # fmt: skip
    args = {
        "spec": spec,
        "image_ref": IMAGE,
        "cluster": cluster,
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1", "subnet-2"],
        "assign_public_ip": True,
        "route": route,
        "exec_kms_key_arn": exec_key,
    } | overrides
    return FargateService("svc", FargateServiceArgs(**args))


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
