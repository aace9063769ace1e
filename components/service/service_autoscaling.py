"""Application Auto Scaling of an ECS service: a scalable target, target-tracking policies, schedules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..iam_policies import stack_tag
from ..naming import type_token
from .autoscaling_rules import Autoscaling
from .request_metric import request_count_queries

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"


@dataclass(frozen=True, kw_only=True)
class ServiceAutoscalingArgs:
    """What to scale and how."""

    scaling: Autoscaling
    """Task range, targets, cooldowns and schedules (validated). Required."""
    cluster_name: pulumi.Input[str]
    """The service's cluster. Required."""
    service_name: pulumi.Input[str]
    """The service. Required."""
    alb_resource_label: pulumi.Input[str] | None = None
    """``<load balancer ARN suffix>/<target group ARN suffix>``, needed by the requests-per-target policy.
    Default None (then ``requests_per_target`` must be None)."""
    alb_target_groups: Sequence[pulumi.Input[str]] = ()
    """The ARN suffixes of the route's target groups: with two (a traffic-shifting route), requests per
    target are the requests of both over the healthy targets of both (``request_metric``), since the
    traffic may be on either and both revisions run during a shift. Default ()."""
    alb_load_balancer: pulumi.Input[str] | None = None
    """The load balancer's ARN suffix, a dimension of the metrics read from two target groups. Default None
    (then ``alb_target_groups`` has at most one)."""


class ServiceAutoscaling(pulumi.ComponentResource):
    """Scales ``desiredCount`` between the min and max; ECS places added tasks by its strategy."""

    resource_id: pulumi.Output[str]
    """``service/<cluster>/<service>``: the scalable target."""
    target: aws.appautoscaling.Target
    """The scalable target: a policy of one's own takes its dimension and depends on it."""
    policies: tuple[aws.appautoscaling.Policy, ...]
    """The target-tracking policies (CPU, memory, requests per target: those set)."""
    scheduled_actions: tuple[aws.appautoscaling.ScheduledAction, ...]
    """The scheduled actions, in the order of ``Autoscaling.schedules``."""

    def __init__(self, name: str, args: ServiceAutoscalingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("service_autoscaling", "ServiceAutoscaling"), name, None, opts)
        scaling = args.scaling
        # A scheduled action sets the target's min and max at its time, the provider's Read stores them
        # (terraform-provider-aws appautoscaling/target.go, resourceTargetRead) and its Update registers the
        # planned range (resourceTargetUpdate: RegisterScalableTarget). So with schedules, a refreshed
        # deploy or a changed minCount/maxCount would undo the schedule in force: the schedules own the
        # range, and minCount..maxCount is the range the target is created with.
        target = aws.appautoscaling.Target(
            f"{name}-target",
            service_namespace=NAMESPACE,
            scalable_dimension=DIMENSION,
            resource_id=pulumi.Output.format("service/{0}/{1}", args.cluster_name, args.service_name),
            min_capacity=scaling.min_count,
            max_capacity=scaling.max_count,
            # The deployer may change only its own stack's scalable targets, known by this tag
            # (docs/iam-deployer.json, StackScalableTargets).
            tags=stack_tag(pulumi.get_project(), pulumi.get_stack().lower()),
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["minCapacity", "maxCapacity"] if scaling.schedules else None
            ),
        )
        after_target = pulumi.ResourceOptions(parent=self, depends_on=[target])
        self.target = target
        self.policies = self._policies(name, args, target, after_target)
        self.scheduled_actions = self._schedules(name, scaling, target, after_target)
        self.resource_id = target.resource_id
        self.register_outputs(
            {
                "resource_id": self.resource_id,
                "target": self.target,
                "policies": list(self.policies),
                "scheduled_actions": list(self.scheduled_actions),
            }
        )

    @staticmethod
    def _policies(
        name: str, args: ServiceAutoscalingArgs, target: aws.appautoscaling.Target, opts: pulumi.ResourceOptions
    ) -> tuple[aws.appautoscaling.Policy, ...]:
        """A target-tracking policy per target set: CPU, memory, requests per target."""
        scaling = args.scaling
        metrics: list[tuple[str, int | None, str]] = [
            ("cpu", scaling.cpu_target_percent, "ECSServiceAverageCPUUtilization"),
            ("memory", scaling.memory_target_percent, "ECSServiceAverageMemoryUtilization"),
            ("requests", scaling.requests_per_target, "ALBRequestCountPerTarget"),
        ]
        policies: list[aws.appautoscaling.Policy] = []
        for role, value, metric in metrics:
            if value is None:
                continue
            # ALB requests are counted per target group, which the resource label names; after a shifting
            # deployment the traffic may be on the other group, and during one both revisions run, so then
            # both groups' requests and healthy targets are read (request_metric).
            tracking: aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgsDict = {
                "target_value": float(value),
                "scale_in_cooldown": scaling.scale_in_cooldown_seconds,
                "scale_out_cooldown": scaling.scale_out_cooldown_seconds,
            }
            if role == "requests" and len(args.alb_target_groups) > 1:
                queries = request_count_queries(args.alb_load_balancer, args.alb_target_groups)
                tracking["customized_metric_specification"] = {"metrics": queries}
            else:
                tracking["predefined_metric_specification"] = {
                    "predefined_metric_type": metric,
                    "resource_label": args.alb_resource_label if role == "requests" else None,
                }
            policy = aws.appautoscaling.Policy(
                f"{name}-{role}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=tracking,
                opts=opts,
            )
            policies.append(policy)
        return tuple(policies)

    @staticmethod
    def _schedules(
        name: str, scaling: Autoscaling, target: aws.appautoscaling.Target, opts: pulumi.ResourceOptions
    ) -> tuple[aws.appautoscaling.ScheduledAction, ...]:
        """The scheduled actions, each setting the range at its time."""
        return tuple(
            aws.appautoscaling.ScheduledAction(
                f"{name}-schedule-{index}",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                schedule=schedule.expression,
                timezone=schedule.timezone,
                scalable_target_action={"min_capacity": schedule.min_count, "max_capacity": schedule.max_count},
                opts=opts,
            )
            for index, schedule in enumerate(scaling.schedules)
        )
