"""An ARM64 Fargate task definition with its log group, its two roles and their policies, and the
container's secrets (awsx's ``FargateTaskDefinition``): what one task of a service is."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..autonames import check_autonames
from ..edge.service_route_args import Route
from ..errors import collect
from ..iam_policies import (
    check_role_path,
    ecr_repository_arn,
    exec_command_policy,
    execution_policy,
    stack_tag,
    task_trust,
)
from ..naming import account_unique, secrets_alias, task_names, type_token, unprefixed
from ..resource_arns import kms_key_arn
from ..secrets_key import check_deployer_role_arn, secrets_key_policy
from ..validation import policy_arn
from .app_contract import DEFAULT_IDLE_TIMEOUT
from .container_definition import container_definitions
from .secrets import parameter_role, resource_arn
from .service_access import check_secret_values
from .service_names import task_children
from .service_spec import ServiceSpec
from .writable_paths import task_volumes


@dataclass(frozen=True, kw_only=True)
class FargateTaskArgs:
    """What runs in the task, with which secrets, under which roles; its spec validated itself (``ServiceSpec``)."""

    spec: ServiceSpec
    """Sizes, container settings, ECS Exec. Required."""
    image_ref: pulumi.Input[str]
    """Digest-pinned image reference (``repo:tag@sha256:...``). Required."""
    role_path: str
    """IAM path of both roles. Required."""
    permissions_boundary_arn: pulumi.Input[str]
    """Permissions boundary of both roles. Required."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by name (``ServiceAccess.secret_value_names``), stored as SecureString parameters of this
    task. Default none."""
    exec_log_group_arn: pulumi.Input[str] | None = None
    """The cluster's ECS Exec session log group, for the task role (with ECS Exec). Default None."""
    exec_kms_key_arn: str = ""
    """The key ECS Exec sessions are encrypted with. Default empty."""
    route: Route | None = None
    """With ``ServiceSpec.route``: the load balancer that routes to the task, whose idle timeout (judged by
    its ``LoadBalancerSpec``) the app's HTTP timeouts outlast. Default None: the ALB's default, 60 s."""

    def __post_init__(self) -> None:
        # What a FargateService checks in its own args and spec, for a task built alone.
        boundary = self.permissions_boundary_arn
        collect(
            lambda: check_role_path("FargateTaskArgs.role_path", self.role_path),
            lambda: (
                policy_arn("FargateTaskArgs.permissions_boundary_arn", boundary) if isinstance(boundary, str) else None
            ),
            lambda: check_secret_values("FargateTaskArgs.secret_values", self.secret_values, self.spec.access),
            self._check_deployer,
            lambda: kms_key_arn("FargateTaskArgs.exec_kms_key_arn", self.exec_kms_key_arn),
        )

    def _check_deployer(self) -> None:
        """The deploying role the secrets key names lies outside the project's path of ``role_path``."""
        if self.secret_values:
            check_deployer_role_arn(
                "ServiceAccess.deployer_role_arn", self.spec.access.deployer_role_arn, self.role_path
            )


class FargateTask(pulumi.ComponentResource):
    """Log group, execution role and policy, task role (and its ECS Exec policy), secrets, task definition."""

    task_definition_arn: pulumi.Output[str]
    """ARN of the current task definition revision."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the container."""
    task_role_name: pulumi.Output[str]
    """The role the app runs as: attach what the app may do to it (e.g. read a queue)."""
    environment: pulumi.Output[dict[str, str]]
    """The app container's environment, as its task definition holds it (known once the load balancer's
    idle timeout is)."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when AWS or the provider would
        refuse the name of a child a ``FargateTask`` called ``name`` registers (``task_children``)."""
        check_autonames(key, value or name, task_children(name))

    def __init__(self, name: str, args: FargateTaskArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("fargate_task", "FargateTask"), name, None, opts)
        taken = task_names(pulumi.get_project(), name, secrets=bool(args.secret_values))
        if warning := unprefixed("FargateTask", name, pulumi.get_stack(), opts, taken):
            pulumi.log.warn(warning, self)
        # Up to 0.4.0 these were the children of the service this task now belongs to (a task of no parent
        # is new: nothing to alias).
        parent = opts.parent if opts is not None else None
        self._child = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=parent)] if parent else None)
        self._name, self._args = name, args
        for sidecar in args.spec.sidecars_stopped_first():
            # A warning, not an error: a sidecar the app does not use while it drains may stop with it.
            pulumi.log.warn(
                f"{name}: sidecar {sidecar!r} gets SIGTERM with the app and is killed after its own stop timeout, "
                "while the app may still drain and finish: if the app uses it to the end (a collector, a log "
                f"router), make the app wait for it (ServiceSpec.app_depends_on (({sidecar!r}, 'START'),)) so ECS "
                "stops it after the app",
                resource=self,
            )
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self._partition = aws.get_partition_output(opts=invoke).partition
        self._region = aws.get_region_output(opts=invoke).region
        self._account = aws.get_caller_identity_output(opts=invoke).account_id
        # The idle timeout may be another stack's output: the HTTP timeouts are computed once it is known.
        self._idle = pulumi.Output.from_input(args.route.idle_timeout_seconds if args.route else DEFAULT_IDLE_TIMEOUT)
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=args.spec.log_retention_days, opts=self._child)
        exec_role = self._role("exec-role", self._account.apply(task_trust))
        secrets, parameter_key = self._secrets(exec_role)
        self._execution_policy(exec_role, logs, secrets, parameter_key)
        task_role = self._role(
            "task-role",
            pulumi.Output.all(self._partition, self._region, self._account).apply(
                lambda v: task_trust(v[2], source_arn=f"arn:{v[0]}:ecs:{v[1]}:{v[2]}:*")
            ),
        )
        if args.spec.enable_execute_command:
            self._exec_command_policy(task_role)
        task = self._task_definition(logs, exec_role, task_role, secrets)
        self.task_definition_arn = task.arn
        self.log_group_name = logs.name
        self.task_role_name = task_role.name
        self.environment = self._idle.apply(args.spec.container_environment)
        self.register_outputs(
            {
                "task_definition_arn": self.task_definition_arn,
                "log_group_name": self.log_group_name,
                "task_role_name": self.task_role_name,
                "environment": self.environment,
            }
        )

    def _role(self, role: str, trust: pulumi.Input[str]) -> aws.iam.Role:
        return aws.iam.Role(
            f"{self._name}-{role}",
            assume_role_policy=trust,
            path=self._args.role_path,
            permissions_boundary=self._args.permissions_boundary_arn,
            opts=self._child,
        )

    def _secrets(self, exec_role: aws.iam.Role) -> tuple[pulumi.Output[dict[str, str]], pulumi.Output[str] | None]:
        """Every container secret by name; values from config become SecureString parameters first,
        encrypted with the task's own key (``_parameter_key``), returned too."""
        key = self._parameter_key(exec_role) if self._args.secret_values else None
        stored = {
            secret: aws.ssm.Parameter(
                f"{self._name}-{parameter_role(secret)}",
                # Parameter names are unique per account and region: the project and stack keep copies
                # apart, and the stack's own path (``/PROJECT/STACK/``) is all its roles' boundary reaches.
                name=f"/{pulumi.get_project()}/{pulumi.get_stack().lower()}/{self._name}/{secret}",
                type="SecureString",
                value=pulumi.Output.secret(value),  # errors.KEPT_SECRET: secret in the state too
                key_id=key,
                opts=self._child,
            ).arn
            for secret, value in sorted(self._args.secret_values.items())
        }
        references: dict[str, pulumi.Input[str]] = {**self._args.spec.access.secrets, **stored}
        secrets = pulumi.Output.all(**references).apply(dict) if references else pulumi.Output.from_input({})
        return secrets, key

    def _parameter_key(self, exec_role: aws.iam.Role) -> pulumi.Output[str]:
        """A customer-managed key for the task's parameters, instead of the account's ``aws/ssm`` key
        that every principal with ``ssm:GetParameter`` may decrypt with: of the project's roles only the
        execution role may, through SSM, and the deploying role names itself in (``secrets_key_policy``).
        Tagged with the stack: its deployer may use and manage no other stack's keys."""
        name, project, role_path = self._name, pulumi.get_project(), self._args.role_path
        deployer = self._args.spec.access.deployer_role_arn
        key = aws.kms.Key(
            f"{name}-secrets-key",
            description=f"SecureString parameters of {project} {name}",
            enable_key_rotation=True,
            policy=pulumi.Output.all(self._partition, self._account, self._region, exec_role.arn).apply(
                lambda v: secrets_key_policy(
                    partition=v[0],
                    account_id=v[1],
                    region=v[2],
                    execution_role_arn=v[3],
                    role_path=role_path,
                    deployer_role_arn=deployer,
                )
            ),
            tags=stack_tag(project, pulumi.get_stack().lower()),
            opts=self._child,
        )
        aws.kms.Alias(
            f"{name}-secrets-key-alias",
            name=secrets_alias(project, name),
            target_key_id=key.key_id,
            opts=self._child,
        )
        return key.arn

    def _execution_policy(
        self,
        exec_role: aws.iam.Role,
        logs: aws.cloudwatch.LogGroup,
        secrets: pulumi.Output[dict[str, str]],
        parameter_key: pulumi.Output[str] | None,
    ) -> aws.iam.RolePolicy:
        """Pull the images (the app's and each sidecar's in ECR), write the log, read exactly the task's
        secrets (``execution_policy``)."""
        kms_key_arns = self._args.spec.access.secret_kms_key_arns
        sidecar_images = tuple(sidecar.image for sidecar in self._args.spec.sidecars)
        return aws.iam.RolePolicy(
            f"{self._name}-exec-policy",
            role=exec_role.id,
            policy=pulumi.Output.all(
                self._args.image_ref, self._partition, logs.arn, secrets, parameter_key or "", self._region
            ).apply(
                lambda v: execution_policy(
                    repository_arn=ecr_repository_arn(v[0], v[1]),
                    more_repository_arns=tuple(
                        arn for arn in (ecr_repository_arn(image, v[1]) for image in sidecar_images) if arn
                    ),
                    log_group_arn=v[2],
                    secret_arns=tuple(sorted({arn for arn in map(resource_arn, v[3].values()) if arn})),
                    kms_key_arns=kms_key_arns,
                    parameter_key_arn=v[4],
                    region=v[5],
                )
            ),
            opts=self._child,
        )

    def _exec_command_policy(self, task_role: aws.iam.Role) -> aws.iam.RolePolicy:
        """ECS Exec: the SSM channels, the session log and its key (``exec_command_policy``)."""
        key = self._args.exec_kms_key_arn
        return aws.iam.RolePolicy(
            f"{self._name}-exec-command",
            role=task_role.id,
            policy=pulumi.Output.from_input(self._args.exec_log_group_arn).apply(
                lambda log_group: exec_command_policy(log_group_arn=log_group, kms_key_arn=key)
            ),
            opts=self._child,
        )

    def _task_definition(
        self,
        logs: aws.cloudwatch.LogGroup,
        exec_role: aws.iam.Role,
        task_role: aws.iam.Role,
        secrets: pulumi.Output[dict[str, str]],
    ) -> aws.ecs.TaskDefinition:
        """The ARM64 Fargate task and its container definition (``container_definition``)."""
        spec = self._args.spec
        return aws.ecs.TaskDefinition(
            f"{self._name}-task",
            family=account_unique(pulumi.get_project(), pulumi.get_stack(), self._name),
            cpu=str(spec.cpu),
            memory=str(spec.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform={"cpu_architecture": "ARM64", "operating_system_family": "LINUX"},
            # Bind mounts on the task's ephemeral storage: the only writable places beside a read-only root.
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v["name"]) for v in task_volumes(spec.writable_paths)]
            or None,
            execution_role_arn=exec_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=pulumi.Output.all(
                self._args.image_ref, logs.name, self._region, secrets, self._idle
            ).apply(
                lambda v: json.dumps(
                    container_definitions(
                        spec,
                        image=v[0],
                        log_group=v[1],
                        region=v[2],
                        secrets=v[3],
                        idle_timeout_seconds=v[4],
                    )
                )
            ),
            opts=self._child,
        )
