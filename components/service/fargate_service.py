"""An ARM64 Fargate service on FARGATE_SPOT with an on-demand base, behind a load-balancer listener.

Built from ``pulumi_aws`` resources rather than awsx so that every child is visible to tests under
mocks and to policy packs (awsx components are remote: mocks see none of their children).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import validation as check
from ..edge.alb_rules import autonamed_elb_names
from ..errors import ConfigError
from ..iam_policies import (
    default_boundary_arn,
    ecr_repository_arn,
    exec_command_policy,
    execution_policy,
    is_role_path,
    role_path,
    secrets_key_policy,
    stack_tag,
    task_trust,
)
from ..naming import account_unique, type_token
from ..observability.alarm_rules import Alarms
from ..observability.service_alarms import ServiceAlarms, ServiceAlarmsArgs
from ..observability.service_monitoring import ServiceMonitoring, ServiceMonitoringArgs
from .app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTH_TIMEOUT_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from .autoscaling_rules import Autoscaling
from .capacity_strategy import FARGATE, FARGATE_SPOT, StrategyItem
from .container_definition import CONTAINER_NAME, container_definition
from .secrets import check_names, check_reference, resource_arn, secret_name
from .service_autoscaling import ServiceAutoscaling, ServiceAutoscalingArgs
from .service_spec import ServiceSpec

CONTAINER_INSIGHTS = ("enhanced", "enabled", "disabled")


@dataclass(frozen=True, kw_only=True)
class FargateServiceArgs:
    """The service's settings and where it plugs in."""

    spec: ServiceSpec
    """Sizing, strategy, deployment and runtime settings (validated). Required."""
    image_ref: pulumi.Input[str]
    """Digest-pinned image reference (``repo:tag@sha256:...``). Required."""
    vpc_id: pulumi.Input[str]
    """VPC of the tasks and the target group. Required."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Subnets the tasks run in. Required."""
    assign_public_ip: pulumi.Input[bool]
    """Give tasks a public IP (needed in public subnets to reach ECR; ingress stays ALB-only). Required."""
    listener_arn: pulumi.Input[str]
    """Load-balancer listener the service adds its rule to. Required."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The load balancer's security group: the only source the tasks admit. Required."""
    cluster_arn: pulumi.Input[str] | None = None
    """Existing cluster (FARGATE and FARGATE_SPOT already associated), e.g. from a StackReference;
    ``None`` creates one. Default None."""
    container_insights: str = "enhanced"
    """Container Insights of a created cluster: ``enhanced``, ``enabled`` or ``disabled``. Default enhanced."""
    autoscaling: Autoscaling | None = None
    """Scale the service between a minimum and a maximum (``desired_count`` must lie between); ``pulumi up``
    then never resets the running count. Default None: a fixed ``desired_count``."""
    alarms: Alarms | None = None
    """CloudWatch alarms (and an SNS topic for their addresses); the 5xx and unhealthy-target alarms roll
    back a deployment. Needs ``load_balancer_arn_suffix``. Default None."""
    load_balancer_arn_suffix: pulumi.Input[str] | None = None
    """The load balancer's ARN suffix (``app/<name>/<id>``): its metrics' dimension, for the
    requests-per-target policy. Default None."""
    exec_kms_key_arn: str = ""
    """With ECS Exec on a created cluster: the KMS key that encrypts the sessions and their log. Empty
    logs sessions unencrypted by a key of yours. Default empty."""
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Container secrets by name: an SSM parameter ARN or a Secrets Manager ARN (optionally with a JSON
    key), resolved by ECS at task start; the execution role may read exactly these. Default none."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by name, stored as SSM SecureString parameters of this service and injected like
    ``secrets``; pass secret Outputs (``pulumi.Config().require_secret``). Default none."""
    secret_kms_key_arns: tuple[str, ...] = ()
    """Customer-managed KMS keys the referenced secrets are encrypted with. Default none."""
    egress_ports: tuple[int, ...] = (443,)
    """TCP ports the tasks may reach anywhere. ECR, CloudWatch Logs and most APIs need 443 only (the VPC's
    DNS resolver is not filtered by security groups). Default ``(443,)``."""
    role_path: str = ""
    """IAM path of the service's roles (and its task counter's). Empty: ``/<project>/<stack>/``, the path
    ``docs/iam-deployer.json`` lets a stack's deployer create roles under. Default empty."""
    permissions_boundary_arn: str = ""
    """Managed policy every role of the service carries as its permissions boundary. Empty: the deploying
    account's ``<project>-boundary-<stack>`` (``docs/iam-boundary.json``, created once per stack). Default
    empty."""

    def __post_init__(self) -> None:
        check.ports("taskEgressPorts", self.egress_ports)
        for name in self.secret_values:
            secret_name("secretValues", name)
        for name, value_from in self.secrets.items():
            check_reference(name, value_from)
        both = sorted(self.secrets.keys() & self.secret_values.keys())
        if both:
            raise ConfigError("secretValues", both[0], "a name not also in secrets")
        environment = self.spec.container_environment()
        check_names(environment, [*self.secrets, *self.secret_values])
        for key in self.secret_kms_key_arns:
            check.kms_key_arn("secretsKmsKeyArns", key, optional=False)
        if self.autoscaling is not None:
            self.autoscaling.check_desired(self.spec.desired_count)
            if self.autoscaling.requests_per_target is not None and self.load_balancer_arn_suffix is None:
                raise ConfigError(
                    "requestsPerTarget", self.autoscaling.requests_per_target, "unset, or a load_balancer_arn_suffix"
                )
        if self.alarms is not None and self.load_balancer_arn_suffix is None:
            raise ConfigError("alarms", True, "alarms together with a load_balancer_arn_suffix (their dimension)")
        check.one_of("containerInsights", self.container_insights, CONTAINER_INSIGHTS)
        if self.role_path and not is_role_path(self.role_path):
            raise ConfigError("role_path", self.role_path, "an IAM path: / or /segments/, 512 characters at most")
        check.policy_arn("permissionsBoundaryArn", self.permissions_boundary_arn)
        check.kms_key_arn("execKmsKeyArn", self.exec_kms_key_arn)
        if isinstance(self.cluster_arn, str) and not check.cluster_arn(self.cluster_arn):
            raise ConfigError("clusterArn", self.cluster_arn, "an ECS cluster ARN, or None to create a cluster")


def _strategy_inputs(strategy: tuple[StrategyItem, ...]) -> list[aws.ecs.ServiceCapacityProviderStrategyArgsDict]:
    # Only one item may carry a base; leaving base out where it is 0 keeps the API request minimal.
    items: list[aws.ecs.ServiceCapacityProviderStrategyArgsDict] = []
    for item in strategy:
        entry: aws.ecs.ServiceCapacityProviderStrategyArgsDict = {
            "capacity_provider": item.capacity_provider,
            "weight": item.weight,
        }
        if item.base:
            entry["base"] = item.base
        items.append(entry)
    return items


class FargateService(pulumi.ComponentResource):
    """Cluster (or an existing one), roles, logs, task definition, target group, rule and service."""

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
    target_group_arn: pulumi.Output[str]
    """The service's target group."""
    environment: dict[str, str]
    """The container environment: user variables plus the Node/glibc tuning."""
    dashboard_url: pulumi.Output[str] | None
    """The service's CloudWatch dashboard (with ``alarms``), else None."""

    def __init__(self, name: str, args: FargateServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        autonamed_elb_names("name", name, [f"{name}-tg"])
        super().__init__(type_token("fargate_service", "FargateService"), name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._partition = aws.get_partition_output(opts=invoke).partition
        self._region = aws.get_region_output(opts=invoke).region
        self._account = aws.get_caller_identity_output(opts=invoke).account_id
        self._role_path = args.role_path or role_path(pulumi.get_project(), pulumi.get_stack().lower())
        self._boundary: pulumi.Input[str] = args.permissions_boundary_arn or pulumi.Output.all(
            self._partition, self._account
        ).apply(lambda v: default_boundary_arn(v[0], v[1], pulumi.get_project(), pulumi.get_stack().lower()))
        self.environment = args.spec.container_environment()
        # The service waits for these: the capacity providers, its execution policy, its listener rule.
        self._service_depends: list[pulumi.Resource] = []

        self._cluster()
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=args.spec.log_retention_days, opts=self._child)
        exec_role = aws.iam.Role(
            f"{name}-exec-role",
            assume_role_policy=self._account.apply(task_trust),
            path=self._role_path,
            permissions_boundary=self._boundary,
            opts=self._child,
        )
        secrets, parameter_key = self._secrets(exec_role)
        task = self._task_definition(logs, exec_role, secrets, parameter_key)
        task_sg = self._security_group()
        target_group = self._target_group_and_rule()
        alarms = self._alarms(target_group)
        service = self._service(task, task_sg, target_group, alarms)
        self.dashboard_url = self._monitoring(service, target_group, alarms)
        self._autoscaling(service, target_group)

        self.service_name = service.name
        self.task_definition_arn = task.arn
        self.log_group_name = logs.name
        self.security_group_id = task_sg.id
        self.target_group_arn = target_group.arn
        self.register_outputs(
            {
                "cluster_arn": self.cluster_arn,
                "cluster_name": self.cluster_name,
                "service_name": self.service_name,
                "task_definition_arn": self.task_definition_arn,
                "log_group_name": self.log_group_name,
                "security_group_id": self.security_group_id,
                "target_group_arn": self.target_group_arn,
                "environment": self.environment,
                "dashboard_url": self.dashboard_url,
            }
        )

    def _cluster(self) -> None:
        """The given cluster, or a new one with FARGATE and FARGATE_SPOT (and ECS Exec logging)."""
        name, args = self._name, self._args
        self._exec_log_arn: pulumi.Input[str] | None = None
        if args.cluster_arn is not None:
            self.cluster_arn = pulumi.Output.from_input(args.cluster_arn)
            self.cluster_name = self.cluster_arn.apply(lambda arn: arn.rsplit("/", 1)[-1])
            return
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[{"name": "containerInsights", "value": args.container_insights}],
            configuration=self._exec_logging() if args.spec.enable_execute_command else None,
            opts=self._child,
        )
        # The service must wait for this association, or its create races it and fails.
        self._service_depends.append(
            aws.ecs.ClusterCapacityProviders(
                f"{name}-capacity-providers",
                cluster_name=cluster.name,
                capacity_providers=[FARGATE, FARGATE_SPOT],
                default_capacity_provider_strategies=_strategy_inputs(args.spec.strategy),
                opts=self._child,
            )
        )
        self.cluster_arn = cluster.arn
        self.cluster_name = cluster.name

    def _exec_logging(self) -> aws.ecs.ClusterConfigurationArgsDict:
        """ECS Exec sessions logged to a log group of their own, encrypted with the given key."""
        key = self._args.exec_kms_key_arn
        sessions = aws.cloudwatch.LogGroup(
            f"{self._name}-exec-logs",
            retention_in_days=self._args.spec.log_retention_days,
            kms_key_id=key or None,
            opts=self._child,
        )
        self._exec_log_arn = sessions.arn
        return {
            "execute_command_configuration": {
                "logging": "OVERRIDE",
                "kms_key_id": key or None,
                "log_configuration": {
                    "cloud_watch_log_group_name": sessions.name,
                    "cloud_watch_encryption_enabled": bool(key),
                },
            }
        }

    def _secrets(self, exec_role: aws.iam.Role) -> tuple[pulumi.Output[dict[str, str]], pulumi.Output[str] | None]:
        """Every container secret by name; values from config become SecureString parameters first,
        encrypted with the service's own key (``_parameter_key``), returned too."""
        key = self._parameter_key(exec_role) if self._args.secret_values else None
        stored = {
            secret: aws.ssm.Parameter(
                f"{self._name}-secret-{secret.lower().replace('_', '-')}",
                # Parameter names are unique per account and region: the project and stack keep copies
                # apart, and the stack's own path (``/PROJECT/STACK/``) is all its roles' boundary reaches.
                name=f"/{pulumi.get_project()}/{pulumi.get_stack().lower()}/{self._name}/{secret}",
                type="SecureString",
                value=pulumi.Output.secret(value),
                key_id=key,
                opts=self._child,
            ).arn
            for secret, value in sorted(self._args.secret_values.items())
        }
        references: dict[str, pulumi.Input[str]] = {**self._args.secrets, **stored}
        secrets = pulumi.Output.all(**references).apply(dict) if references else pulumi.Output.from_input({})
        return secrets, key

    def _parameter_key(self, exec_role: aws.iam.Role) -> pulumi.Output[str]:
        """A customer-managed key for the service's parameters, instead of the account's ``aws/ssm`` key
        that every principal with ``ssm:GetParameter`` may decrypt with: of the project's roles only the
        execution role may, through SSM (``secrets_key_policy``). Tagged with the stack: its deployer may
        use and manage no other stack's keys."""
        name, project = self._name, pulumi.get_project()
        key = aws.kms.Key(
            f"{name}-secrets-key",
            description=f"SecureString parameters of {project} {name}",
            enable_key_rotation=True,
            policy=pulumi.Output.all(self._partition, self._account, self._region, exec_role.arn).apply(
                lambda v: secrets_key_policy(
                    partition=v[0], account_id=v[1], region=v[2], execution_role_arn=v[3], role_path=self._role_path
                )
            ),
            tags=stack_tag(project, pulumi.get_stack().lower()),
            opts=self._child,
        )
        aws.kms.Alias(
            f"{name}-secrets-key-alias",
            # Alias names take letters, digits, / _ - (botocore kms CreateAlias:AliasName).
            name=re.sub(r"[^a-zA-Z0-9/_-]", "-", f"alias/{project}/{name}/secrets"),
            target_key_id=key.key_id,
            opts=self._child,
        )
        return key.arn

    def _task_definition(
        self,
        logs: aws.cloudwatch.LogGroup,
        exec_role: aws.iam.Role,
        secrets: pulumi.Output[dict[str, str]],
        parameter_key: pulumi.Output[str] | None,
    ) -> aws.ecs.TaskDefinition:
        """The ARM64 Fargate task, its two roles' policies, and the container definition (``container_definition``)."""
        name, args, spec = self._name, self._args, self._args.spec
        image = pulumi.Output.from_input(args.image_ref)
        self._service_depends.append(
            aws.iam.RolePolicy(
                f"{name}-exec-policy",
                role=exec_role.id,
                policy=pulumi.Output.all(
                    image, self._partition, logs.arn, secrets, parameter_key or "", self._region
                ).apply(
                    lambda v: execution_policy(
                        repository_arn=ecr_repository_arn(v[0], v[1]),
                        log_group_arn=v[2],
                        secret_arns=tuple(sorted({arn for arn in map(resource_arn, v[3].values()) if arn})),
                        kms_key_arns=args.secret_kms_key_arns,
                        parameter_key_arn=v[4],
                        region=v[5],
                    )
                ),
                opts=self._child,
            )
        )
        task_role = aws.iam.Role(
            f"{name}-task-role",
            assume_role_policy=pulumi.Output.all(self._partition, self._region, self._account).apply(
                lambda v: task_trust(v[2], source_arn=f"arn:{v[0]}:ecs:{v[1]}:{v[2]}:*")
            ),
            path=self._role_path,
            permissions_boundary=self._boundary,
            opts=self._child,
        )
        if spec.enable_execute_command:
            aws.iam.RolePolicy(
                f"{name}-exec-command",
                role=task_role.id,
                policy=pulumi.Output.from_input(self._exec_log_arn).apply(
                    lambda log_group: exec_command_policy(log_group_arn=log_group, kms_key_arn=args.exec_kms_key_arn)
                ),
                opts=self._child,
            )
        return aws.ecs.TaskDefinition(
            f"{name}-task",
            family=account_unique(pulumi.get_project(), name),
            cpu=str(spec.cpu),
            memory=str(spec.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform={"cpu_architecture": "ARM64", "operating_system_family": "LINUX"},
            execution_role_arn=exec_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=pulumi.Output.all(image, logs.name, self._region, secrets).apply(
                lambda v: json.dumps(
                    [container_definition(spec, image=v[0], log_group=v[1], region=v[2], secrets=v[3])]
                )
            ),
            opts=self._child,
        )

    def _security_group(self) -> aws.ec2.SecurityGroup:
        """Tasks admit the load balancer on the app port only and reach out on ``egress_ports`` only."""
        name, args, port = self._name, self._args, self._args.spec.container_port
        # The deployer may change only security groups and rules tagged with its stack (docs/iam.md).
        tags = stack_tag(pulumi.get_project(), pulumi.get_stack().lower())
        task_sg = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=args.vpc_id, description="Tasks: container port from the load balancer only",
            tags=tags, opts=self._child,
        )  # fmt: skip
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-sg-from-alb",
            security_group_id=task_sg.id,
            referenced_security_group_id=args.load_balancer_security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description="App port from the load balancer",
            tags=tags,
            opts=self._child,
        )
        for egress in args.egress_ports:
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
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-egress",
            security_group_id=args.load_balancer_security_group_id,
            referenced_security_group_id=task_sg.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            # EC2 refuses rule descriptions outside a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* (an apostrophe
            # failed every deploy); tests/models/aws_contract.py holds every input to AWS's rules.
            description="Load balancer to the task app port",
            tags=tags,
            opts=self._child,
        )
        return task_sg

    def _target_group_and_rule(self) -> aws.lb.TargetGroup:
        """The target group (its health check is the app's) and the listener rule that forwards to it."""
        name, args, spec = self._name, self._args, self._args.spec
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
            opts=self._child,
        )
        self._service_depends.append(
            aws.lb.ListenerRule(
                f"{name}-rule",
                listener_arn=args.listener_arn,
                priority=spec.listener_rule_priority,
                actions=[{"type": "forward", "target_group_arn": target_group.arn}],
                conditions=[{"path_pattern": {"values": list(spec.path_patterns)}}],
                opts=self._child,
            )
        )
        return target_group

    def _alarms(self, target_group: aws.lb.TargetGroup) -> ServiceAlarms | None:
        """The alarms that must exist before the service names them (``ServiceAlarms``)."""
        args = self._args
        if args.alarms is None or args.load_balancer_arn_suffix is None:
            return None
        return ServiceAlarms(
            f"{self._name}-alarms",
            ServiceAlarmsArgs(
                alarms=args.alarms,
                load_balancer_arn_suffix=args.load_balancer_arn_suffix,
                target_group_arn_suffix=target_group.arn_suffix,
            ),
            opts=self._child,
        )

    def _service(
        self,
        task: aws.ecs.TaskDefinition,
        task_sg: aws.ec2.SecurityGroup,
        target_group: aws.lb.TargetGroup,
        alarms: ServiceAlarms | None,
    ) -> aws.ecs.Service:
        """The service: strategy without launch type, circuit breaker and deployment alarms, steady waits."""
        args, spec = self._args, self._args.spec
        deployment_alarms: aws.ecs.ServiceAlarmsArgsDict | None = None
        if alarms is not None:
            # A deployment that serves errors rolls back even when its tasks pass their health checks.
            deployment_alarms = {"alarm_names": alarms.deployment_alarm_names, "enable": True, "rollback": True}
        return aws.ecs.Service(
            f"{self._name}-svc",
            cluster=self.cluster_arn,
            task_definition=task.arn,
            desired_count=spec.desired_count,
            # No launch_type: it conflicts with a capacity-provider strategy.
            capacity_provider_strategies=_strategy_inputs(spec.strategy),
            platform_version=spec.platform_version,
            network_configuration={
                "subnets": args.subnet_ids,
                "security_groups": [task_sg.id],
                "assign_public_ip": args.assign_public_ip,
            },
            load_balancers=[
                {
                    "target_group_arn": target_group.arn,
                    "container_name": CONTAINER_NAME,
                    "container_port": spec.container_port,
                }
            ],
            health_check_grace_period_seconds=spec.health_check_grace_period_seconds,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            alarms=deployment_alarms,
            deployment_minimum_healthy_percent=spec.min_healthy_percent,
            deployment_maximum_percent=spec.max_percent,
            # A changed strategy only takes effect with a new deployment.
            force_new_deployment=True,
            wait_for_steady_state=True,
            enable_execute_command=spec.enable_execute_command,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            # With autoscaling, the running count is the scaler's: an update must not reset it to
            # desired_count (which then only sets the count the service is created with).
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=self._service_depends,
                ignore_changes=["desiredCount"] if args.autoscaling else None,
            ),
        )

    def _monitoring(
        self, service: aws.ecs.Service, target_group: aws.lb.TargetGroup, alarms: ServiceAlarms | None
    ) -> pulumi.Output[str] | None:
        """The service's own alarms, Spot interruptions and the dashboard; its URL."""
        args, spec = self._args, self._args.spec
        if alarms is None or args.alarms is None or args.load_balancer_arn_suffix is None:
            return None
        alarms.watch(self.cluster_name, service.name)
        monitoring = ServiceMonitoring(
            f"{self._name}-monitoring",
            ServiceMonitoringArgs(
                alarms=args.alarms,
                cluster_arn=self.cluster_arn,
                cluster_name=self.cluster_name,
                service_name=service.name,
                load_balancer_arn_suffix=args.load_balancer_arn_suffix,
                target_group_arn_suffix=target_group.arn_suffix,
                capacity_providers=tuple(item.capacity_provider for item in spec.strategy),
                on_demand_base=sum(item.base for item in spec.strategy if item.capacity_provider == FARGATE),
                topic_arn=alarms.topic_arn,
                log_retention_days=spec.log_retention_days,
                role_path=self._role_path,
                permissions_boundary_arn=self._boundary,
            ),
            opts=self._child,
        )
        return monitoring.dashboard_url

    def _autoscaling(self, service: aws.ecs.Service, target_group: aws.lb.TargetGroup) -> None:
        """Application Auto Scaling between the min and max (``ServiceAutoscaling``)."""
        args = self._args
        if args.autoscaling is None:
            return
        label = None
        if args.load_balancer_arn_suffix is not None:
            label = pulumi.Output.format("{0}/{1}", args.load_balancer_arn_suffix, target_group.arn_suffix)
        ServiceAutoscaling(
            f"{self._name}-scaling",
            ServiceAutoscalingArgs(
                scaling=args.autoscaling, cluster_name=self.cluster_name, service_name=service.name,
                alb_resource_label=label,
            ),
            opts=self._child,
        )  # fmt: skip
