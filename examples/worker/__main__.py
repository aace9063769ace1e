"""An SQS queue and a worker on FARGATE_SPOT in the platform stack's cluster, scaled on backlog per task.

The anchor is CDK's ``QueueProcessingFargateService``: a queue with a dead-letter queue, a service with
no load balancer (no ``route``), and step scaling on the queue's visible messages (as CDK's), beside a
CPU target as CDK keeps one. The app (``app/worker.js``) deletes a message only when its work is done
and, on SIGTERM, finishes or releases the message in hand: a Spot interruption loses none.
"""

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
from graviton_node_components import (
    AppImage,
    AppImageArgs,
    Autoscaling,
    ConfigError,
    ExistingCluster,
    FargateService,
    FargateServiceArgs,
    ImageSpec,
    ServiceSpec,
    build_strategy,
)

config = pulumi.Config()
project, stack = pulumi.get_project(), pulumi.get_stack().lower()
min_count, max_count = config.get_int("minCount", 1), config.get_int("maxCount", 10)
backlog_per_task = config.get_int("backlogPerTask", 10)
# The longest a message's work may take: SQS hides a received message this long before another task
# may receive it (SetQueueAttributes VisibilityTimeout, 0-43200 s).
WORK_SECONDS = 300

# The queue scales the worker out from backlogPerTask waiting messages: with no task running, fewer would
# wait forever; a threshold under one message is always reached, which would scale the worker to
# maxCount. Both fail here, before anything is registered (as do the spec's and the scaling's own
# checks below).
for key, value, why in (
    ("minCount", min_count, "fewer than backlogPerTask messages wait for a running task"),
    ("backlogPerTask", backlog_per_task, "the messages each task may have waiting"),
):
    if value < 1:
        raise ConfigError(key, value, f"an integer of at least 1: {why}")

# Queue names are unique per account and region (1-80 letters, digits, - and _): stack and project keep
# copies apart, and the stack's name comes first, as the deployer policy's StackQueues scopes them
# (docs/iam.md). The app resolves the URL from the name (the task environment takes plain values).
name = f"{stack}-{project}-jobs"
try:
    autoscaling = Autoscaling(min_count=min_count, max_count=max_count, cpu_target_percent=50)
except ConfigError as error:
    # The package names its fields; this program's reader set config keys.
    keys = {"Autoscaling.min_count": "minCount", "Autoscaling.max_count": "maxCount"}
    raise ConfigError(keys.get(error.key, error.key), error.value, error.allowed) from None
spec = ServiceSpec(
    cpu=256,
    memory=512,
    desired_count=min_count,
    # All on Spot: a stop costs a message nothing (the app finishes or releases it).
    strategy=build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True),
    # Spot's two-minute notice, all of it the app's: no load balancer to drain (no route).
    stop_timeout_seconds=120,
    environment={"QUEUE_NAME": name},
    autoscaling=autoscaling,
)
FargateService.check_name(f"{stack}-worker", "stack", stack)

platform = pulumi.StackReference(config.require("platformStack"))
dead_letters = aws.sqs.Queue(
    f"{stack}-jobs-dlq", name=f"{name}-dlq", message_retention_seconds=14 * 24 * 3600, sqs_managed_sse_enabled=True
)
queue = aws.sqs.Queue(
    f"{stack}-jobs",
    name=name,
    visibility_timeout_seconds=WORK_SECONDS,
    sqs_managed_sse_enabled=True,
    # A message whose work fails five times goes aside instead of blocking the queue.
    redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
)

image = AppImage(
    f"{stack}-worker", AppImageArgs(spec=ImageSpec(context=Path(__file__).resolve().parent, dockerfile="Dockerfile"))
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


# Backlog per task without counting tasks: ECS publishes no running-task count unless the cluster runs
# Container Insights (``ECS/ContainerInsights`` ``RunningTaskCount``; the dev platform's is disabled, and
# AWS/ECS has only CPU and memory), so a policy dividing by it would sit without data. As CDK's
# ``QueueProcessingFargateService`` does, step scaling reads the queue alone: AWS/SQS
# ``ApproximateNumberOfMessagesVisible`` (sent every minute) raises an alarm, the alarm runs a step policy.
# One task more while at least ``backlogPerTask`` messages wait, five more from five times that; one
# task fewer once the queue has been empty for five minutes (the CPU target of the service's own
# autoscaling stays beside them). Bounded by ``minCount`` and ``maxCount`` on the service's target.
scalable_target = service.scalable_target
assert scalable_target is not None, "ServiceSpec.autoscaling is set: the service has a scalable target"
target: aws.appautoscaling.Target = scalable_target
Step = aws.appautoscaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArgsDict


def _step(change: int, lower: float | None, upper: float | None) -> Step:
    """``change`` tasks while the metric is between ``lower`` and ``upper`` above the alarm's threshold
    (Application Auto Scaling ``StepAdjustment``: None is unbounded)."""
    step: Step = {"scaling_adjustment": change}
    if lower is not None:
        step["metric_interval_lower_bound"] = str(lower)
    if upper is not None:
        step["metric_interval_upper_bound"] = str(upper)
    return step


def _backlog_scaling(role: str, steps: list[Step], operator: str, threshold: int, minutes: int) -> None:
    policy = aws.appautoscaling.Policy(
        f"{stack}-worker-backlog-{role}",
        policy_type="StepScaling",
        service_namespace=target.service_namespace,
        scalable_dimension=target.scalable_dimension,
        resource_id=target.resource_id,
        step_scaling_policy_configuration={
            "adjustment_type": "ChangeInCapacity",
            "metric_aggregation_type": "Maximum",
            "cooldown": 60,
            "step_adjustments": steps,
        },
        opts=pulumi.ResourceOptions(depends_on=[target]),
    )
    aws.cloudwatch.MetricAlarm(
        f"{stack}-worker-backlog-{role}",
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": queue.name},
        statistic="Maximum",
        period=60,
        evaluation_periods=minutes,
        comparison_operator=operator,
        threshold=threshold,
        alarm_actions=[policy.arn],
    )


_backlog_scaling(
    "out",
    [_step(1, 0, 4 * backlog_per_task), _step(5, 4 * backlog_per_task, None)],
    "GreaterThanOrEqualToThreshold",
    backlog_per_task,
    1,
)
_backlog_scaling("in", [_step(-1, None, 0)], "LessThanOrEqualToThreshold", 0, 5)

pulumi.export("queue_url", queue.url)
pulumi.export("dead_letter_queue_url", dead_letters.url)
pulumi.export("service_name", service.service_name)
