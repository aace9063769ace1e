"""A service's way in through a load balancer: its target group (the app's health check), the listener rule that
forwards to it, the security-group rule pair that lets the load balancer reach the tasks' port and nothing else, and
the alarms on the target group (CDK's ``ApplicationLoadBalancedFargateService`` wiring, as one optional argument of
``FargateService``). The target-side alarms live here because the service must name its deployment alarms (5xx,
unhealthy targets) when it is created, before the service exists; so does the load balancer's 5xx one (its owner's).

With a canary, linear or blue/green deployment strategy the route holds what ECS moves traffic with: a
second (alternate) target group, the production rule forwarding to both (ECS sets the weights), an
optional test rule (a header match on the same listener, so reachable from its allowed CIDRs only), the
role ECS assumes to change them (``deployment_role``), and the alarms of both target groups: the new
revision runs in whichever group the last deployment left idle, and its alarms roll the deployment back.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..iam_policies import role_path, stack_tag
from ..naming import type_token, unprefixed
from ..observability.alarm_rules import alarm_definitions
from ..observability.dashboard import route_widgets
from ..observability.unhealthy_window import start_spread_seconds
from ..service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTH_TIMEOUT_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from .alb_rules import ECS_WEIGHTS, autonamed_elb_names
from .deployment_role import infrastructure_policy, infrastructure_trust
from .service_route_args import ServiceRouteArgs

#: Up to 0.4.0 the route's alarms were children of the service's ``ServiceAlarms``: aliases keep their state.
SERVICE_ALARMS_TYPE = type_token("service_alarms", "ServiceAlarms")


class ServiceRoute(pulumi.ComponentResource):
    """Target group(s), listener rule(s), security-group rule pair, target-side alarms and, for a
    traffic-shifting deployment strategy, the role ECS moves traffic with."""

    target_group_arn: pulumi.Output[str]
    """The target group's ARN (production when the route is created)."""
    target_group_arn_suffix: pulumi.Output[str]
    """``targetgroup/<name>/<id>``: its metric dimension."""
    target_group_arn_suffixes: tuple[pulumi.Output[str], ...]
    """The suffixes of every target group: the production one, then the alternate of a shifting strategy."""
    deployment_alarm_names: pulumi.Output[list[str]]
    """The alarms that roll back an ECS deployment (target 5xx, unhealthy targets, of both target groups
    with a traffic-shifting strategy); empty without alarms."""
    advanced_configuration: aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgsDict | None
    """``loadBalancers[].advancedConfiguration`` of the service (alternate target group, production and
    test rules, the role ECS assumes); None with a rolling strategy."""
    resource_label: pulumi.Output[str] | None
    """``<load balancer>/<target group>`` ARN suffixes: the ``ALBRequestCountPerTarget`` policy's resource
    label; None without ``route.load_balancer_arn_suffix``."""
    widgets: pulumi.Output[list[dict[str, object]]] | None
    """The route's dashboard widgets (requests, target 5xx, response time against its alarm); None
    without ``alarms`` or ``route.load_balancer_arn_suffix``."""
    security_group_rules: tuple[aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule]
    """The tasks' ingress from the load balancer and the load balancer's egress to them."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "", *, shifting: bool = False) -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when ELB would refuse the
        name of a target group a ``ServiceRoute`` called ``name`` creates (two when ``shifting``)."""
        autonamed_elb_names(key, value or name, [f"{name}-tg", *([f"{name}-tg-alt"] if shifting else [])])

    def __init__(self, name: str, args: ServiceRouteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name, shifting=args.spec.deployment.shifts_traffic)
        super().__init__(type_token("service_route", "ServiceRoute"), name, None, opts)
        if warning := unprefixed("ServiceRoute", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        # Up to 0.4.0 these were the children of the service this route now belongs to (a route of no
        # parent is new: nothing to alias).
        parent = opts.parent if opts is not None else None
        child = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=parent)] if parent else None)
        self._name, self._args = name, args
        priority = args.spec.listener_rule_priority
        target_group = self._target_group(f"{name}-tg", child)
        alternate = self._target_group(f"{name}-tg-alt", pulumi.ResourceOptions(parent=self)) if (
            args.spec.deployment.shifts_traffic) else None  # fmt: skip
        production = self._rule(f"{name}-rule", priority, target_group, alternate, child)
        test = None
        if alternate is not None and args.spec.test_header is not None:
            test = self._rule(f"{name}-test-rule", args.spec.test_rule_priority, target_group, alternate,
                              pulumi.ResourceOptions(parent=self), header=args.spec.test_header)  # fmt: skip
        self.security_group_rules = self._security_group_rules(name, args, child)
        self.target_group_arn = target_group.arn
        self.target_group_arn_suffix = target_group.arn_suffix
        self.advanced_configuration = (
            self._deployment_role(target_group, alternate, production, test) if alternate is not None else None
        )
        suffixes = [target_group.arn_suffix, *([alternate.arn_suffix] if alternate is not None else [])]
        self.target_group_arn_suffixes = tuple(suffixes)
        self.deployment_alarm_names = self._alarms(name, args, parent, suffixes)
        balancer = args.route.load_balancer_arn_suffix
        self.resource_label = (
            None if balancer is None else pulumi.Output.format("{0}/{1}", balancer, target_group.arn_suffix)
        )
        self.widgets = self._widgets(suffixes)
        self.register_outputs(
            {
                "target_group_arn": self.target_group_arn,
                "target_group_arn_suffix": self.target_group_arn_suffix,
                "deployment_alarm_names": self.deployment_alarm_names,
                "advanced_configuration": self.advanced_configuration,
                "resource_label": self.resource_label,
                "widgets": self.widgets,
            }
        )

    def _widgets(self, suffixes: list[pulumi.Output[str]]) -> pulumi.Output[list[dict[str, object]]] | None:
        """The dashboard widgets of the route's target groups (``route_widgets``)."""
        alarms, balancer = self._args.alarms, self._args.route.load_balancer_arn_suffix
        if alarms is None or balancer is None:
            return None
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        return pulumi.Output.all(region, balancer, pulumi.Output.all(*suffixes)).apply(
            lambda v: route_widgets(v[0], v[1], v[2], alarms)
        )

    def _target_group(self, name: str, opts: pulumi.ResourceOptions) -> aws.lb.TargetGroup:
        """A target group of the tasks (its health check is the app's)."""
        service = self._args.service
        # The group's port only defaults a target's: ECS registers each task with its container port
        # (``loadBalancers[].containerPort``), and the health check, given no port, uses each target's
        # ("traffic-port"; ELB CreateTargetGroup ``Port``, ``HealthCheckPort``). A port is ForceNew
        # (elbv2/target_group.go): following a new containerPort would replace the groups, which the rules
        # ECS owns keep forwarding to (ResourceInUse on the old ones' delete), or a rolling rule moves to
        # before any task is registered in it (503s). So a stack keeps the port it was created with.
        ignored = pulumi.ResourceOptions(ignore_changes=["port"])
        return aws.lb.TargetGroup(
            name,
            port=service.container_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=self._args.vpc_id,
            deregistration_delay=self._args.spec.deregistration_delay_seconds,
            health_check={
                "path": self._args.health_check_path,
                "matcher": "200",
                "interval": TARGET_HEALTH_INTERVAL_SECONDS,
                "timeout": TARGET_HEALTH_TIMEOUT_SECONDS,
                "healthy_threshold": TARGET_HEALTHY_THRESHOLD,
                "unhealthy_threshold": TARGET_UNHEALTHY_THRESHOLD,
            },
            opts=pulumi.ResourceOptions.merge(opts, ignored),
        )

    def _rule(
        self,
        name: str,
        priority: int,
        target_group: aws.lb.TargetGroup,
        alternate: aws.lb.TargetGroup | None,
        opts: pulumi.ResourceOptions,
        *,
        header: tuple[str, str] | None = None,
    ) -> aws.lb.ListenerRule:
        """A rule forwarding the service's paths (and, for the test rule, its header) to the target group;
        with an alternate group, to both, weighted 100/0: ECS moves the weights during a deployment, and
        the program leaves them to it (a later update that set them back would send all traffic to a
        revision ECS has scaled to zero)."""
        conditions: list[aws.lb.ListenerRuleConditionArgsDict] = [
            {"path_pattern": {"values": list(self._args.spec.path_patterns)}}
        ]
        if header is not None:
            conditions.append({"http_header": {"http_header_name": header[0], "values": [header[1]]}})
        action: aws.lb.ListenerRuleActionArgsDict = {"type": "forward", "target_group_arn": target_group.arn}
        if alternate is not None:
            # ELB TargetGroupTuple.Weight: 0 to 999.
            action = {"type": "forward", "forward": {"target_groups": [
                {"arn": target_group.arn, "weight": 100}, {"arn": alternate.arn, "weight": 0}]}}  # fmt: skip
            # ECS's weights, once set: the target groups of the forward action, each whole (the provider keeps
            # them as a set, whose element changes with its weight). Not all of "actions": the engine would
            # then keep a rolling rule's old single-group action when the stack moves to a shifting strategy,
            # whereas the engine leaves a path whose parent the old inputs lack (a rolling rule has no
            # "forward") to the program, and the provider ignores it only where the state holds it
            # (tests/models/pulumi_ignore_changes.py).
            ignore = [f"{ECS_WEIGHTS}[{index}]" for index in range(2)]
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(ignore_changes=ignore))
        return aws.lb.ListenerRule(
            name,
            listener_arn=self._args.route.listener_arn,
            priority=priority,
            actions=[action],
            # The header's value gates the test revision (errors.KEPT_SECRET). Secret as a whole input: the engine
            # marks an output secret only where its whole input was (pulumi/pulumi step_executor.go), and the
            # provider echoes conditions back.
            conditions=pulumi.Output.secret(conditions) if header is not None else conditions,
            # A rule's ARN starts with its load balancer's name, the platform's for a service joining another
            # stack's: the boundary lets the role ECS moves traffic with modify the rules tagged with the stack.
            tags=stack_tag(pulumi.get_project(), pulumi.get_stack().lower()),
            opts=opts,
        )

    def _deployment_role(
        self,
        target_group: aws.lb.TargetGroup,
        alternate: aws.lb.TargetGroup,
        production: aws.lb.ListenerRule,
        test: aws.lb.ListenerRule | None,
    ) -> aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgsDict:
        """The role ECS assumes to register tasks and move the rules' weights (``deployment_role``), and
        the service's ``advancedConfiguration`` that names it."""
        args, child = self._args, pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke).partition
        region = aws.get_region_output(opts=invoke).region
        account = aws.get_caller_identity_output(opts=invoke).account_id
        role = aws.iam.Role(
            f"{self._name}-deploy-role",
            assume_role_policy=pulumi.Output.all(partition, region, account).apply(
                lambda v: infrastructure_trust(partition=v[0], region=v[1], account_id=v[2])
            ),
            path=args.service.access.role_path or role_path(pulumi.get_project(), pulumi.get_stack().lower()),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        rules = [production.arn, *([test.arn] if test is not None else [])]
        policy = aws.iam.RolePolicy(
            f"{self._name}-deploy-policy",
            role=role.id,
            policy=pulumi.Output.all(
                pulumi.Output.all(target_group.arn, alternate.arn), pulumi.Output.all(*rules)
            ).apply(lambda v: infrastructure_policy(target_group_arns=v[0], rule_arns=v[1])),
            opts=child,
        )
        configuration: aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgsDict = {
            "alternate_target_group_arn": alternate.arn,
            "production_listener_rule": production.arn,
            # The role's policy must exist before ECS first assumes it (at the service's creation).
            "role_arn": pulumi.Output.all(role.arn, policy.id).apply(lambda v: v[0]),
        }
        if test is not None:
            configuration["test_listener_rule"] = test.arn
        return configuration

    @staticmethod
    def _security_group_rules(
        name: str, args: ServiceRouteArgs, child: pulumi.ResourceOptions
    ) -> tuple[aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule]:
        """The tasks admit the load balancer on the app port; the load balancer reaches out to them only."""
        port, balancer = args.service.container_port, args.route.load_balancer_security_group_id
        # The deployer may change only security groups and rules tagged with its stack (docs/iam.md).
        tags = stack_tag(pulumi.get_project(), pulumi.get_stack().lower())
        ingress = aws.vpc.SecurityGroupIngressRule(
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
        egress = aws.vpc.SecurityGroupEgressRule(
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
        return ingress, egress

    def _alarms(
        self, name: str, args: ServiceRouteArgs, parent: pulumi.Resource | None, suffixes: list[pulumi.Output[str]]
    ) -> pulumi.Output[list[str]]:
        """The target-side alarms of each group, the load balancer's 5xx; the names of those that roll back."""
        suffix = args.route.load_balancer_arn_suffix
        if args.alarms is None or suffix is None:
            return pulumi.Output.from_input([])
        # Named as the 0.4.0 ``ServiceAlarms`` named them, under which they were created.
        alarms_name = f"{name}-alarms"
        moved = pulumi.Alias(parent=pulumi.create_urn(alarms_name, SERVICE_ALARMS_TYPE, parent))
        definitions = alarm_definitions(args.alarms, grace_period_seconds=args.spec.health_check_grace_period_seconds,
                                        spread_seconds=start_spread_seconds(args.service))  # fmt: skip
        on_target = [d for d in definitions if d.watches == "target"]
        # The load balancer's own (one dimension): once per load balancer, by its owner's route.
        for d in (d for d in definitions if d.watches == "load_balancer" and args.route.alarm_on_load_balancer):
            inputs = d.alarm_inputs({"LoadBalancer": suffix}, args.topic_arn)
            aws.cloudwatch.MetricAlarm(f"{alarms_name}-{d.role}", **inputs, opts=pulumi.ResourceOptions(parent=self))
        rolling_back: list[pulumi.Output[str]] = []
        for index, group in enumerate(suffixes):
            # The alternate group's alarms are new: no alias, and "-alt" in their names.
            child = pulumi.ResourceOptions(parent=self, aliases=[moved] if index == 0 else None)
            prefix = alarms_name if index == 0 else f"{alarms_name}-alt"
            dimensions = {"LoadBalancer": suffix, "TargetGroup": group}
            inputs = [(f"{prefix}-{d.role}", d.alarm_inputs(dimensions, args.topic_arn)) for d in on_target]
            alarms = [aws.cloudwatch.MetricAlarm(alarm, **alarm_inputs, opts=child) for alarm, alarm_inputs in inputs]
            rolling_back += [a.name for a, d in zip(alarms, on_target, strict=True) if d.rolls_back_deployments]
        return pulumi.Output.all(*rolling_back)
