"""A service's way in through a load balancer: its target group (the app's health check), the listener
rule that forwards to it, the security-group rule pair that lets the load balancer reach the tasks'
port and nothing else, and the alarms on the target group (CDK's ``ApplicationLoadBalancedFargateService``
wiring, as one optional argument of ``FargateService``).

The target-side alarms live here because the service must name its deployment alarms (5xx, unhealthy
targets) when it is created: the route is complete before the service exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..iam_policies import stack_tag
from ..naming import type_token
from ..observability.alarm_rules import Alarms, alarm_definitions
from ..observability.service_alarms import metric_alarm
from ..service.app_contract import (
    DEFAULT_IDLE_TIMEOUT,
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTH_TIMEOUT_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from ..service.service_spec import ServiceSpec
from .alb_rules import autonamed_elb_names

#: Up to 0.4.0 the route's alarms were children of the service's ``ServiceAlarms``: aliases keep their state.
SERVICE_ALARMS_TYPE = type_token("service_alarms", "ServiceAlarms")


@dataclass(frozen=True, kw_only=True)
class Route:
    """The load balancer a service is reached through (``LoadBalancer``'s outputs, or another stack's)."""

    listener_arn: pulumi.Input[str]
    """The listener the service adds its rule to. Required."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The load balancer's security group: the only source the tasks admit. Required."""
    load_balancer_arn_suffix: pulumi.Input[str] | None = None
    """``app/<name>/<id>``: the load balancer's metric dimension, for the route's alarms, the dashboard
    and the requests-per-target policy. Default None."""
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT
    """The load balancer's idle timeout (``LoadBalancerSpec.idle_timeout_seconds``, or another stack's
    ``idle_timeout_seconds`` output): the app keeps its connections open longer. Default 60."""


@dataclass(frozen=True, kw_only=True)
class ServiceRouteArgs:
    """The route, what it forwards to, and its alarms."""

    route: Route
    """The load balancer. Required."""
    spec: ServiceSpec
    """The service's port, health check, draining, path patterns and rule priority. Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks and the target group. Required."""
    task_security_group_id: pulumi.Input[str]
    """The tasks' security group, which admits the load balancer. Required."""
    alarms: Alarms | None = None
    """Thresholds of the target-side alarms (needs ``route.load_balancer_arn_suffix``). Default None."""
    topic_arn: pulumi.Input[str] | None = None
    """The SNS topic the alarms go to. Default None."""


class ServiceRoute(pulumi.ComponentResource):
    """Target group, listener rule, security-group rule pair and target-side alarms."""

    target_group_arn: pulumi.Output[str]
    """The target group's ARN."""
    target_group_arn_suffix: pulumi.Output[str]
    """``targetgroup/<name>/<id>``: its metric dimension."""
    deployment_alarm_names: pulumi.Output[list[str]]
    """The alarms that roll back an ECS deployment (target 5xx, unhealthy targets); empty without alarms."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when ELB would refuse the
        name of the target group a ``ServiceRoute`` called ``name`` creates."""
        autonamed_elb_names(key, value or name, [f"{name}-tg"])

    def __init__(self, name: str, args: ServiceRouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("service_route", "ServiceRoute"), name, None, opts)
        # Up to 0.4.0 these were the children of the service this route now belongs to.
        parent = opts.parent if opts is not None else None
        child = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=parent)])
        target_group = self._target_group(name, args, child)
        self._security_group_rules(name, args, child)
        self.target_group_arn = target_group.arn
        self.target_group_arn_suffix = target_group.arn_suffix
        self.deployment_alarm_names = self._alarms(name, args, parent)
        self.register_outputs(
            {
                "target_group_arn": self.target_group_arn,
                "target_group_arn_suffix": self.target_group_arn_suffix,
                "deployment_alarm_names": self.deployment_alarm_names,
            }
        )

    @staticmethod
    def _target_group(name: str, args: ServiceRouteArgs, child: pulumi.ResourceOptions) -> aws.lb.TargetGroup:
        """The target group (its health check is the app's) and the listener rule that forwards to it."""
        spec = args.spec
        target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            port=spec.container_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=spec.deregistration_delay_seconds,
            health_check={
                "path": spec.health_check.path,
                "matcher": "200",
                "interval": TARGET_HEALTH_INTERVAL_SECONDS,
                "timeout": TARGET_HEALTH_TIMEOUT_SECONDS,
                "healthy_threshold": TARGET_HEALTHY_THRESHOLD,
                "unhealthy_threshold": TARGET_UNHEALTHY_THRESHOLD,
            },
            opts=child,
        )
        aws.lb.ListenerRule(
            f"{name}-rule",
            listener_arn=args.route.listener_arn,
            priority=spec.listener_rule_priority,
            actions=[{"type": "forward", "target_group_arn": target_group.arn}],
            conditions=[{"path_pattern": {"values": list(spec.path_patterns)}}],
            opts=child,
        )
        return target_group

    @staticmethod
    def _security_group_rules(name: str, args: ServiceRouteArgs, child: pulumi.ResourceOptions) -> None:
        """The tasks admit the load balancer on the app port; the load balancer reaches out to them only."""
        port, balancer = args.spec.container_port, args.route.load_balancer_security_group_id
        # The deployer may change only security groups and rules tagged with its stack (docs/iam.md).
        tags = stack_tag(pulumi.get_project(), pulumi.get_stack().lower())
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-sg-from-alb",
            security_group_id=args.task_security_group_id,
            referenced_security_group_id=balancer,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description="App port from the load balancer",
            tags=tags,
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-egress",
            security_group_id=balancer,
            referenced_security_group_id=args.task_security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            # EC2 refuses rule descriptions outside a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* (an apostrophe
            # failed every deploy); tests/models/aws_contract.py holds every input to AWS's rules.
            description="Load balancer to the task app port",
            tags=tags,
            opts=child,
        )

    def _alarms(self, name: str, args: ServiceRouteArgs, parent: pulumi.Resource | None) -> pulumi.Output[list[str]]:
        """The target-side alarms; the names of those that roll back deployments."""
        suffix = args.route.load_balancer_arn_suffix
        if args.alarms is None or suffix is None:
            return pulumi.Output.from_input([])
        # Named as the 0.4.0 ``ServiceAlarms`` named them, under which they were created.
        alarms_name = f"{name}-alarms"
        moved = pulumi.Alias(parent=pulumi.create_urn(alarms_name, SERVICE_ALARMS_TYPE, parent))
        child = pulumi.ResourceOptions(parent=self, aliases=[moved])
        dimensions = {"LoadBalancer": suffix, "TargetGroup": self.target_group_arn_suffix}
        on_target = [d for d in alarm_definitions(args.alarms) if d.watches == "target"]
        alarms = [metric_alarm(f"{alarms_name}-{d.role}", d, dimensions, args.topic_arn, child) for d in on_target]
        rolling_back = [alarm.name for alarm, d in zip(alarms, on_target, strict=True) if d.rolls_back_deployments]
        return pulumi.Output.all(*rolling_back)
