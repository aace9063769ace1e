"""An SQS queue and a worker on FARGATE_SPOT in the platform stack's cluster, scaled on backlog per task.

The anchor is CDK's ``QueueProcessingFargateService``: a queue with a dead-letter queue and a service with
no load balancer (no ``route``); unlike CDK's steps on the queue alone, target tracking keeps the visible
messages per running task near ``backlogPerTask``, the tasks counted by the package's ``TaskCounter``.
The app (``app/worker.js``) deletes a message only when its work is done and, on SIGTERM, finishes or
releases the message in hand: a Spot interruption loses none. While the work runs it keeps the message
hidden past the queue's visibility timeout, which it is told (``VISIBILITY_TIMEOUT_SECONDS``).
"""

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_aws as aws
from graviton_node_components import (
    METRIC_NAMESPACE,
    RUNNING_METRIC,
    AppImage,
    AppImageArgs,
    Autoscaling,
    ConfigError,
    ExistingCluster,
    FargateService,
    FargateServiceArgs,
    ImageSpec,
    Mistakes,
    ServiceSpec,
    TaskCounter,
    TaskCounterArgs,
    boolean,
    build_strategy,
    check_autonaming,
    integer,
    names_apart,
    stack_reference_names,
)

config = pulumi.Config()
project, stack = pulumi.get_project(), pulumi.get_stack().lower()
# SQS hides a received message this long before another task may receive it (SetQueueAttributes
# VisibilityTimeout, 0-43200 s). The app extends it every half of it while the work runs (up to the 12 hours
# SQS allows from a receive), so this is how soon a message comes back from a task that died mid-work; the
# app is told it, so that the queue and its heartbeat never disagree.
VISIBILITY_SECONDS = 300


# With no task running the backlog counts as one task's (below), so fewer than backlogPerTask messages
# would wait forever: at least one task runs. A target under one message per task is no backlog at all
# (0 would ask for endless tasks). Both fail here, before anything is registered (as do the spec's and
# the scaling's own checks below).
def at_least_one(key: str, value: int, why: str) -> None:
    if value < 1:
        raise ConfigError(key, value, f"an integer of at least 1: {why}")


# Queue names are unique per account and region (botocore sqs CreateQueue:QueueName: "up to 80
# characters", letters, digits, - and _): stack and project keep copies apart, and the stack's name comes
# first, as the deployer policy's StackQueues scopes them (docs/iam.md). A project name may hold a period,
# which becomes a hyphen. The app resolves the URL from the name (the task environment takes plain values).
name = f"{stack}-{re.sub(r'[^A-Za-z0-9_-]', '-', project)}-jobs"
MAX_QUEUE_NAME = 80
# Every mistake at once, in this program's keys (the package names its fields): each part is built on its
# own, a part in error standing in as a default so that the parts after it are still judged. The backlog
# policy below is this program's own: no CPU target.
mistakes = Mistakes({"Autoscaling.min_count": "minCount", "Autoscaling.max_count": "maxCount"})
min_count = mistakes.part(lambda: integer("minCount", config.get("minCount"), 1), lambda: 1)
max_count = mistakes.part(lambda: integer("maxCount", config.get("maxCount"), 10), lambda: 10)
backlog_per_task = mistakes.part(lambda: integer("backlogPerTask", config.get("backlogPerTask"), 10), lambda: 10)
# Off by default, as the platform's: the images ECR holds are not deleted unless asked for. A destroy needs it on
# (and applied by an up first): ECR refuses to delete a repository holding images (RepositoryNotEmptyException),
# and the pushed builds are retained on delete, so the repository is never empty (README, "Destroy").
force_delete = mistakes.part(lambda: boolean("forceDelete", config.get("forceDelete"), False), lambda: False)
# The package checks the names Pulumi makes by default, and the deployer documents allow the stack's <stack>-*
# names: another pulumi:autonaming (a pattern, verbatim, disabled) is refused, in Pulumi's key.
mistakes.part(lambda: check_autonaming(pulumi.Config("pulumi").get("autonaming")), lambda: None)
mistakes.part(
    lambda: at_least_one("minCount", min_count, "fewer than backlogPerTask messages wait for a running task"),
    lambda: None,
)
mistakes.part(
    lambda: at_least_one("backlogPerTask", backlog_per_task, "the visible messages per running task the scaling keeps"),
    lambda: None,
)
autoscaling = mistakes.part(
    lambda: Autoscaling(min_count=min_count, max_count=max_count, cpu_target_percent=None, own_policies=True),
    lambda: None,
)
spec = mistakes.part(
    lambda: ServiceSpec(
        cpu=256,
        memory=512,
        desired_count=min_count,
        # All on Spot: a stop costs a message nothing (the app finishes or releases it).
        strategy=build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True),
        # Spot's two-minute notice, all of it the app's: no load balancer to drain (no route).
        stop_timeout_seconds=120,
        environment={"QUEUE_NAME": name, "VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS)},
        autoscaling=autoscaling,
    ),
    ServiceSpec,
)
# What the spec needs of this stack (a sidecar's image it may pull), before anything is registered.
mistakes.part(lambda: FargateService.check_spec(spec, stack), lambda: None)


def queue_names_fit() -> None:
    if len(longest := f"{name}-dlq") > MAX_QUEUE_NAME:
        raise ConfigError(
            "stack",
            stack,
            f"a stack and project whose dead-letter queue's name, {longest!r} ({len(longest)} characters), fits "
            f"the {MAX_QUEUE_NAME} SQS allows",
        )


mistakes.part(queue_names_fit, lambda: None)
mistakes.raise_any()
assert autoscaling is not None, "a scaling in error stood in as None, and raise_any raised it"
FargateService.check_name(f"{stack}-worker", "stack", stack, routed=False)  # no target group: its 32 do not bind
TaskCounter.check_name(f"{stack}-worker-task-count", "stack", stack)

# The deployer documents keep a joining stack apart from the platform by name (docs/iam.md): a
# stack named as the platform still deploys, told once per preview what its deployer may reach.
platform_project, platform_stack = stack_reference_names(config.require("platformStack"), pulumi.get_project())
if overlap := names_apart(stack, platform_stack, pulumi.get_project(), platform_project):
    pulumi.log.warn(f"platformStack: {overlap}")
platform = pulumi.StackReference(config.require("platformStack"))
dead_letters = aws.sqs.Queue(
    f"{stack}-jobs-dlq", name=f"{name}-dlq", message_retention_seconds=14 * 24 * 3600, sqs_managed_sse_enabled=True
)
queue = aws.sqs.Queue(
    f"{stack}-jobs",
    name=name,
    visibility_timeout_seconds=VISIBILITY_SECONDS,
    sqs_managed_sse_enabled=True,
    # A message received more than five times goes aside instead of blocking the queue. SQS counts receives,
    # not failures (SetQueueAttributes RedrivePolicy): a failed work's release, a release at a stop and an
    # expired visibility each count.
    redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
)

# The app's folder is the build context, not this project's: the image tag hashes every file of the context
# (build_tag.context_digest), so an edit to this program, its README or stack files, or its .venv, would
# otherwise build, push and roll out a new image of the same app.
APP = Path(__file__).resolve().parent / "app"
image = AppImage(
    f"{stack}-worker", AppImageArgs(spec=ImageSpec(context=APP, dockerfile="Dockerfile", force_delete=force_delete))
)
service = FargateService(
    f"{stack}-worker",
    FargateServiceArgs(
        spec=spec,
        image_ref=image.image_ref,
        cluster=ExistingCluster(arn=platform.require_output("cluster_arn")),
        vpc_id=platform.require_output("vpc_id"),
        subnet_ids=platform.require_output("task_subnet_ids"),
        assign_public_ip=platform.require_output("assign_public_ip"),
    ),
)
aws.iam.RolePolicy(
    f"{stack}-worker-queue",
    role=service.task_role_name,
    # Receive, delete and release, on this queue only (SQS actions: Service Authorization Reference).
    policy=queue.arn.apply(
        lambda arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "sqs:GetQueueUrl",
                            "sqs:ReceiveMessage",
                            "sqs:DeleteMessage",
                            "sqs:ChangeMessageVisibility",
                        ],
                        "Resource": arn,
                    }
                ],
            }
        )
    ),
)


# Backlog per task (CDK's QueueProcessingFargateService scales on the queue alone, by steps; AWS's guide
# divides by the tasks: Application Auto Scaling User Guide, "Create a target tracking scaling policy for
# Application Auto Scaling using metric math", "Example: Amazon SQS queue backlog per task"). Target
# tracking sets the count in proportion to the metric (visible messages / running tasks, kept near
# backlogPerTask), so it settles at ceil(visible / backlogPerTask) tasks within minCount..maxCount: a deep
# queue gets its tasks at once, a steady one no more than it needs, and they go as it drains. No CPU
# target beside it: the work waits on I/O, and a second policy would veto scale-in (Application Auto
# Scaling scales in only when every target-tracking policy agrees).
# ECS counts a service's running tasks only with Container Insights (ECS/ContainerInsights
# RunningTaskCount; the dev platform's is off), so the package's TaskCounter counts them once a minute:
# RunningTasks per capacity provider of the strategy, a provider with no task reported as 0.
scalable_target = service.scalable_target
assert scalable_target is not None, "ServiceSpec.autoscaling is set: the service has a scalable target"
target: aws.appautoscaling.Target = scalable_target
TaskCounter(
    f"{stack}-worker-task-count",
    TaskCounterArgs(
        cluster_arn=service.cluster_arn,
        cluster_name=service.cluster_name,
        service_name=service.service_name,
        namespace=METRIC_NAMESPACE,
    ),
)
Query = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgsDict


def _metric(query_id: str, namespace: str, metric: str, dimensions: Mapping[str, pulumi.Input[str]]) -> Query:
    """One metric the expression reads (``TargetTrackingMetricDataQuery``; only the expression returns data),
    averaged over each minute."""
    return {
        "id": query_id,
        "metric_stat": {
            "metric": {
                "namespace": namespace,
                "metric_name": metric,
                "dimensions": [{"name": key, "value": value} for key, value in dimensions.items()],
            },
            "stat": "Average",
        },
        "return_data": False,
    }


service_dimensions = {"ClusterName": service.cluster_name, "ServiceName": service.service_name}
running_ids = [f"running{index}" for index in range(len(spec.strategy))]
running = [
    _metric(
        query_id, METRIC_NAMESPACE, RUNNING_METRIC, service_dimensions | {"CapacityProvider": item.capacity_provider}
    )
    for query_id, item in zip(running_ids, spec.strategy, strict=True)
]
backlog: list[Query] = [
    _metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue.name}),
    *running,
    {"id": "tasks", "expression": f"SUM([{', '.join(running_ids)}])", "return_data": False},
    # No task running (all starting, or all stopped by Spot): the backlog counts as one task's.
    {
        "id": "backlog",
        "expression": "IF(tasks >= 1, visible / tasks, visible)",
        "label": "Visible messages per running task",
        "return_data": True,
    },
]
aws.appautoscaling.Policy(
    f"{stack}-worker-backlog",
    policy_type="TargetTrackingScaling",
    service_namespace=target.service_namespace,
    scalable_dimension=target.scalable_dimension,
    resource_id=target.resource_id,
    target_tracking_scaling_policy_configuration={
        "target_value": float(backlog_per_task),
        "customized_metric_specification": {"metrics": backlog},
        "scale_in_cooldown": autoscaling.scale_in_cooldown_seconds,
        "scale_out_cooldown": autoscaling.scale_out_cooldown_seconds,
    },
    opts=pulumi.ResourceOptions(depends_on=[target]),
)

pulumi.export("queue_url", queue.url)
pulumi.export("dead_letter_queue_url", dead_letters.url)
pulumi.export("service_name", service.service_name)
# What tools/rollout_check.sh --cwd reads: a failed deploy leaves the state recording a revision ECS does not run.
pulumi.export("task_definition_arn", service.task_definition_arn)
pulumi.export("cluster_arn", service.cluster_arn)
