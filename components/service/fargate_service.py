"""An ARM64 Fargate service on FARGATE_SPOT with an on-demand base, in a ``Cluster`` (or an existing one),
optionally reached through a load balancer (``route``: a ``ServiceRoute``). Built from ``pulumi_aws``
resources rather than awsx so that every child is visible to tests under mocks and to policy packs (awsx
components are remote: mocks see none of their children)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..edge.service_route import ServiceRoute
from ..edge.service_route_args import ServiceRouteArgs
from ..iam_policies import default_boundary_arn, role_path, stack_tag
from ..naming import type_token
from ..observability.alarm_topic import AlarmTopic
from ..observability.service_alarms import ServiceAlarms, ServiceAlarmsArgs
from ..observability.service_monitoring import ServiceMonitoring, ServiceMonitoringArgs
from .capacity_strategy import FARGATE
from .cluster import Cluster, strategy_inputs
from .container_definition import CONTAINER_NAME
from .deploy_time import deploy_time
from .deployment_strategy import DeploymentStrategy, deployment_configuration
from .fargate_service_args import FargateServiceArgs
from .fargate_task import FargateTask, FargateTaskArgs
from .secrets import check_project_stores
from .service_autoscaling import ServiceAutoscaling, ServiceAutoscalingArgs
from .service_names import check_children
from .service_spec import ServiceSpec
from .sidecar import check_pullable_under_default_boundary


class FargateService(pulumi.ComponentResource):
    """The task (``FargateTask``), its security group, the route (``ServiceRoute``), the service, and its
    alarms, monitoring and scaling."""

    cluster_arn: pulumi.Output[str]
    """ARN of the cluster the service runs in."""
    cluster_name: pulumi.Output[str]
    """Name of that cluster."""
    service_name: pulumi.Output[str]
    """Name of the ECS service."""
    task_definition_arn: pulumi.Output[str]
    """ARN of the current task definition revision."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the container."""
    security_group_id: pulumi.Output[str]
    """The tasks' security group."""
    task_role_name: pulumi.Output[str]
    """The role the app runs as: attach what the app may do to it (e.g. read a queue)."""
    target_group_arn: pulumi.Output[str] | None
    """The route's target group, or None without a route."""
    environment: pulumi.Output[dict[str, str]]
    """The container environment: user variables plus the Node/glibc tuning and the app contract (known once
    the route's idle timeout is)."""
    dashboard_url: pulumi.Output[str] | None
    """The service's CloudWatch dashboard (with ``alarms``), else None; empty in a partition with no
    published console host (``ServiceMonitoring.dashboard_url``)."""
    alarm_topic_arn: pulumi.Output[str] | None
    """The SNS topic the alarms send to (with ``alarms`` and its ``emails``), else None: whoever deploys lists
    its subscriptions (``tools/deploy.sh``), as one not confirmed in 48 hours lapses unseen (``AlarmTopic``)."""
    route: ServiceRoute | None
    """The route it is reached through (target group, listener rule, its alarms, widgets and scaling
    label), or None without one."""
    scalable_target: aws.appautoscaling.Target | None
    """The service's Application Auto Scaling target (with ``autoscaling``), else None: a policy of your
    own (e.g. on a queue's backlog) takes its ``resource_id``, ``scalable_dimension`` and
    ``service_namespace``, and depends on it."""

    #: Raise ``ConfigError`` when AWS or the provider would refuse the name of a child a ``FargateService`` called
    #: ``name`` registers, route or not (``check_children``).
    check_name = staticmethod(check_children)

    @staticmethod
    def check_spec(spec: ServiceSpec, stack: str) -> None:
        """Raise ``ConfigError`` for a sidecar image the default boundary keeps ``stack`` from pulling (call first)."""
        if not spec.access.permissions_boundary_arn:
            check_pullable_under_default_boundary(spec.sidecars, stack)

    def __init__(self, name: str, args: FargateServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        access, route_spec = args.spec.access, args.spec.route
        shifting = route_spec is not None and route_spec.deployment.shifts_traffic
        self.check_name(name, routed=args.route is not None, shifting=shifting, monitored=args.alarms is not None)
        self.check_spec(args.spec, pulumi.get_stack().lower())
        check_project_stores(pulumi.get_project(), "FargateServiceArgs.secret_values", args.secret_values)
        super().__init__(type_token("fargate_service", "FargateService"), name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        self._role_path = access.role_path or role_path(pulumi.get_project(), pulumi.get_stack().lower())
        self._boundary = self._boundary_arn()
        cluster = args.cluster if isinstance(args.cluster, Cluster) else None
        if cluster is not None:
            self.cluster_arn, self.cluster_name = cluster.arn, cluster.name
        else:
            self.cluster_arn = pulumi.Output.from_input(args.cluster.arn)
            self.cluster_name = self.cluster_arn.apply(lambda arn: arn.rsplit("/", 1)[-1])
        task = self._task(cluster)
        task_sg = self._security_group()
        emails = args.alarms.emails if args.alarms else ()
        topic = AlarmTopic(f"{name}-alarms", emails, self._child) if emails else None
        route = self._route(task_sg, topic)
        service = self._service(task, task_sg, route, cluster)
        monitoring = self._monitoring(service, route, topic)
        scaling = self._autoscaling(service, route)
        self.service_name = service.name
        self.task_definition_arn = task.task_definition_arn
        self.log_group_name = task.log_group_name
        self.task_role_name = task.task_role_name
        self.security_group_id = task_sg.id
        self.target_group_arn = route.target_group_arn if route else None
        self.environment = task.environment
        self.dashboard_url = monitoring[1].dashboard_url if monitoring else None
        self.alarm_topic_arn = topic.arn if topic else None
        self.route = route
        self.scalable_target = scaling.target if scaling else None
        self.register_outputs({
            "cluster_arn": self.cluster_arn, "cluster_name": self.cluster_name, "service_name": self.service_name,
            "task_definition_arn": self.task_definition_arn, "log_group_name": self.log_group_name,
            "security_group_id": self.security_group_id, "task_role_name": self.task_role_name,
            "target_group_arn": self.target_group_arn, "environment": self.environment,
            "dashboard_url": self.dashboard_url, "alarm_topic_arn": self.alarm_topic_arn, "route": self.route,
            "scalable_target": self.scalable_target,
        })  # fmt: skip

    def _boundary_arn(self) -> pulumi.Input[str]:
        if self._args.spec.access.permissions_boundary_arn:
            return self._args.spec.access.permissions_boundary_arn
        invoke = pulumi.InvokeOutputOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke).partition
        account = aws.get_caller_identity_output(opts=invoke).account_id
        project, stack = pulumi.get_project(), pulumi.get_stack().lower()
        return pulumi.Output.all(partition, account).apply(lambda v: default_boundary_arn(v[0], v[1], project, stack))

    def _task(self, cluster: Cluster | None) -> FargateTask:
        """The first child, after any warning on its name; ECS Exec's key is ``ExistingCluster``'s."""
        args = self._args
        if warning := args.unprefixed(self._name, pulumi.get_stack(), pulumi.get_project()):
            pulumi.log.warn(warning, self)
        return FargateTask(
            self._name,
            FargateTaskArgs(
                spec=args.spec, image_ref=args.image_ref, role_path=self._role_path,
                permissions_boundary_arn=self._boundary, secret_values=args.secret_values,
                exec_log_group_arn=cluster.exec_log_group_arn if cluster else None,
                exec_kms_key_arn=args.cluster.exec_kms_key_arn, route=args.route,
            ),
            self._child,
        )  # fmt: skip

    def _security_group(self) -> aws.ec2.SecurityGroup:
        """The tasks reach out on ``egress_ports`` only; what may reach them is the route's to add."""
        name, args = self._name, self._args
        # The deployer may change only security groups and rules tagged with its stack (docs/iam.md).
        tags = stack_tag(pulumi.get_project(), pulumi.get_stack().lower())
        task_sg = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id, tags=tags, opts=self._child,
            # EC2 cannot change a group's description: a new one replaces the group. One text for every
            # service, 0.4.0's, so that adding or removing a route never does (what enters is the route's rules).
            description="Tasks: container port from the load balancer only",
        )  # fmt: skip
        for egress in args.spec.access.egress_ports:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-sg-egress-{egress}",
                security_group_id=task_sg.id,
                ip_protocol="tcp",
                from_port=egress,
                to_port=egress,
                cidr_ipv4="0.0.0.0/0",
                description="TCP 443 out: ECR, CloudWatch Logs, AWS APIs" if egress == 443 else f"TCP {egress} out",
                tags=tags,
                opts=self._child,
            )
        return task_sg

    def _route(self, task_sg: aws.ec2.SecurityGroup, topic: AlarmTopic | None) -> ServiceRoute | None:
        args = self._args
        if args.route is None:
            return None
        return ServiceRoute(
            self._name,
            ServiceRouteArgs(
                route=args.route, service=args.spec, vpc_id=args.vpc_id, task_security_group_id=task_sg.id,
                alarms=args.alarms, topic_arn=topic.arn if topic else None,
                permissions_boundary_arn=self._boundary,
            ),
            self._child,
        )  # fmt: skip

    def _service(
        self, task: FargateTask, task_sg: aws.ec2.SecurityGroup, route: ServiceRoute | None, cluster: Cluster | None
    ) -> aws.ecs.Service:
        """The service: strategy without launch type, circuit breaker and deployment alarms, steady waits."""
        args, spec = self._args, self._args.spec
        deployment_alarms: aws.ecs.ServiceAlarmsArgsDict | None = None
        if route is not None and args.alarms is not None:
            # A deployment that serves errors rolls back even when its tasks pass their health checks.
            deployment_alarms = {"alarm_names": route.deployment_alarm_names, "enable": True, "rollback": True}
        balancers: list[aws.ecs.ServiceLoadBalancerArgsDict] = []
        if route is not None:
            balancer: aws.ecs.ServiceLoadBalancerArgsDict = {
                "target_group_arn": route.target_group_arn,
                "container_name": CONTAINER_NAME,
                "container_port": spec.container_port,
            }
            if route.advanced_configuration is not None:
                balancer["advanced_configuration"] = route.advanced_configuration
            balancers.append(balancer)
        # The service waits for the cluster's capacity providers, the execution policy and the listener rule.
        waits_for: list[pulumi.Resource] = [r for r in (cluster, task, route) if r is not None]
        # With autoscaling, the running count is the scaler's: an update must not reset it to desired_count
        # (which then only sets the count the service is created with). The wait: ``deploy_time``.
        deployment = spec.route.deployment if spec.route is not None else DeploymentStrategy()
        timeouts = pulumi.CustomTimeouts(**deploy_time(spec, alarms=deployment_alarms is not None).timeouts())
        opts = pulumi.ResourceOptions(parent=self, depends_on=waits_for, custom_timeouts=timeouts,
                                      ignore_changes=["desiredCount"] if spec.autoscaling else None)  # fmt: skip
        return aws.ecs.Service(
            f"{self._name}-svc",
            cluster=self.cluster_arn,
            task_definition=task.task_definition_arn,
            desired_count=spec.desired_count,
            # No launch_type: it conflicts with a capacity-provider strategy.
            capacity_provider_strategies=strategy_inputs(spec.strategy),
            platform_version=spec.platform_version,
            network_configuration={
                "subnets": args.subnet_ids,
                "security_groups": [task_sg.id],
                "assign_public_ip": args.assign_public_ip,
            },
            load_balancers=balancers or None,
            # Only with a load balancer: a worker's tasks have their container health check's startPeriod.
            health_check_grace_period_seconds=spec.route.health_check_grace_period_seconds if spec.route else None,
            # The circuit breaker "can only be used for services using the rolling update (ECS) deployment
            # type" (ECS DeploymentCircuitBreaker); the other strategies roll back on the alarms.
            deployment_circuit_breaker=None if deployment.shifts_traffic else {"enable": True, "rollback": True},
            deployment_configuration=deployment_configuration(deployment, args.lifecycle_hooks),
            alarms=deployment_alarms,
            deployment_minimum_healthy_percent=spec.min_healthy_percent,
            deployment_maximum_percent=spec.max_percent,
            # A changed strategy only takes effect with a new deployment.
            force_new_deployment=True,
            wait_for_steady_state=True,
            enable_execute_command=spec.enable_execute_command,
            enable_ecs_managed_tags=True,
            tags=stack_tag(pulumi.get_project(), pulumi.get_stack().lower()),  # and its tasks: docs/iam.md
            propagate_tags="SERVICE",
            opts=opts,
        )

    def _monitoring(
        self, service: aws.ecs.Service, route: ServiceRoute | None, topic: AlarmTopic | None
    ) -> tuple[ServiceAlarms, ServiceMonitoring] | None:
        """The service's own alarms (``ServiceAlarms``), and its Spot interruptions and dashboard with the
        route's widgets (``ServiceMonitoring``)."""
        args, spec = self._args, self._args.spec
        if args.alarms is None:
            return None
        topic_arn = topic.arn if topic else None
        alarms = ServiceAlarms(
            f"{self._name}-alarms",
            ServiceAlarmsArgs(
                alarms=args.alarms,
                cluster_name=self.cluster_name,
                service_name=service.name,
                topic_arn=topic_arn,
                app_memory_mib=spec.app_memory_mib,
                task_memory_mib=spec.memory,
            ),
            self._child,
        )
        monitoring = ServiceMonitoring(
            f"{self._name}-monitoring",
            ServiceMonitoringArgs(
                alarms=args.alarms, cluster_arn=self.cluster_arn, cluster_name=self.cluster_name,
                service_name=service.name, route_widgets=route.widgets if route else None,
                capacity_providers=tuple(item.capacity_provider for item in spec.strategy), task_memory_mib=spec.memory,
                on_demand_base=sum(item.base for item in spec.strategy if item.capacity_provider == FARGATE),
                topic_arn=topic_arn, log_retention_days=spec.log_retention_days, role_path=self._role_path,
                permissions_boundary_arn=self._boundary, app_memory_mib=spec.app_memory_mib,
            ),
            self._child,
        )  # fmt: skip
        return alarms, monitoring

    def _autoscaling(self, service: aws.ecs.Service, route: ServiceRoute | None) -> ServiceAutoscaling | None:
        """Application Auto Scaling between the min and max (``ServiceAutoscaling``), requests on the route's."""
        if (scaling := self._args.spec.autoscaling) is None:
            return None
        balancer = self._args.route.load_balancer_arn_suffix if self._args.route else None
        return ServiceAutoscaling(
            f"{self._name}-scaling",
            ServiceAutoscalingArgs(
                scaling=scaling, cluster_name=self.cluster_name, service_name=service.name,
                alb_resource_label=route.resource_label if route else None, alb_load_balancer=balancer,
                alb_target_groups=route.target_group_arn_suffixes if route else (),
            ),
            self._child,
        )  # fmt: skip
