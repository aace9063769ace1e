"""A deployment's smoke test: a small arm64 Lambda function (``smoke_test_handler``) that ECS invokes once
the test listener rule sends the new revision all test traffic, before any production traffic moves, and
the role ECS invokes it with. A ``FargateService`` takes ``lifecycle_hook`` in its ``lifecycle_hooks``;
``smoke_test_rules`` holds when it may run and why the function runs outside the VPC.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from ..autonames import check_autonames
from ..errors import ConfigError, collect
from ..iam_policies import default_boundary_arn, lambda_trust, role_path
from ..naming import type_token, unprefixed
from ..validation import policy_arn
from . import smoke_test_handler
from .deployment_role import infrastructure_trust
from .route_spec import RouteSpec
from .smoke_test_rules import (
    FUNCTION_TIMEOUT_SECONDS,
    STAGE,
    SmokeTestSpec,
    function_environment,
    function_policy,
    hook_policy,
    smoke_test_children,
    smoke_url,
)

#: The newest Python runtime the provider accepts, as the task counter's (cdk-nag AwsSolutions-L1 asks for the
#: latest): ``task_counter.RUNTIME`` says why not python3.15.
RUNTIME = "python3.14"
SOURCE = Path(smoke_test_handler.__file__)


@dataclass(frozen=True, kw_only=True)
class SmokeTestArgs:
    """What to request (a validated spec), through which route's test rule, and the roles' boundary."""

    url: pulumi.Input[str]
    """The URL of the listener the test rule is on (``LoadBalancer.url``). Required."""
    route: RouteSpec
    """The route whose test listener rule the request goes through: a traffic-shifting deployment with a
    ``test_header``, the header the function sends. Required."""
    spec: SmokeTestSpec
    """The path requested, the function's log retention and the roles' path. Required."""
    permissions_boundary_arn: pulumi.Input[str] = ""
    """Permissions boundary of both roles. Empty: the stack's ``<project>-boundary-<stack>`` in the
    deploying account. Default empty."""

    def __post_init__(self) -> None:
        boundary = self.permissions_boundary_arn
        collect(
            self._check_route,
            lambda: (
                policy_arn("SmokeTestArgs.permissions_boundary_arn", boundary) if isinstance(boundary, str) else None
            ),
        )

    def _check_route(self) -> None:
        # What joins the spec to the route; each part validated itself (RouteSpec checks its header).
        if self.route.test_header is None or not self.route.deployment.shifts_traffic:
            allowed = f"a RouteSpec with a canary, linear or blueGreen deployment and a test_header (runs at {STAGE})"
            raise ConfigError("SmokeTestArgs.route", self.route.deployment.kind, allowed)

    @property
    def test_header(self) -> tuple[str, str]:
        """The header the test rule matches (``RouteSpec.test_header``, which ``__post_init__`` requires)."""
        assert self.route.test_header is not None, "__post_init__ refuses a route without a test header"
        return self.route.test_header


class SmokeTest(pulumi.ComponentResource):
    """The smoke-test function, its log group and role, and the role ECS invokes it with."""

    function_name: pulumi.Output[str]
    """The smoke-test function."""
    lifecycle_hook: aws.ecs.ServiceDeploymentConfigurationLifecycleHookArgsDict
    """The service's ``deploymentConfiguration.lifecycleHooks[]`` entry that runs it."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when AWS or the provider would
        refuse the name of a child a ``SmokeTest`` called ``name`` registers (``smoke_test_children``)."""
        check_autonames(key, value or name, smoke_test_children(name))

    def __init__(self, name: str, args: SmokeTestArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("smoke_test", "SmokeTest"), name, None, opts)
        if warning := unprefixed("SmokeTest", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        project, stack = pulumi.get_project(), pulumi.get_stack().lower()
        partition = aws.get_partition_output(opts=invoke).partition
        account = aws.get_caller_identity_output(opts=invoke).account_id
        region = aws.get_region_output(opts=invoke).region
        boundary = args.permissions_boundary_arn or pulumi.Output.all(partition, account).apply(
            lambda v: default_boundary_arn(v[0], v[1], project, stack)
        )
        self._name, self._args = name, args
        self._path, self._boundary = args.spec.role_path or role_path(project, stack), boundary
        function = self._function()
        hook_role = aws.iam.Role(
            f"{name}-hook-role",
            # ECS, for this account's resources in this region where it says whose they are (deployment_role).
            assume_role_policy=pulumi.Output.all(partition, region, account).apply(
                lambda v: infrastructure_trust(partition=v[0], region=v[1], account_id=v[2])
            ),
            path=self._path,
            permissions_boundary=boundary,
            opts=pulumi.ResourceOptions(parent=self),
        )
        hook_role_policy = aws.iam.RolePolicy(
            f"{name}-hook-policy",
            role=hook_role.id,
            policy=function.arn.apply(lambda arn: hook_policy(function_arn=arn)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.function_name = function.name
        self.lifecycle_hook = {
            "hook_target_arn": function.arn,
            # The role's policy must exist before ECS first assumes it (at the first deployment).
            "role_arn": pulumi.Output.all(hook_role.arn, hook_role_policy.id).apply(lambda v: v[0]),
            "lifecycle_stages": [STAGE],
        }
        self.register_outputs({"function_name": self.function_name, "lifecycle_hook": self.lifecycle_hook})

    def _function(self) -> aws.lambda_.Function:
        """The function, its log group, and its own role (its log group only)."""
        name, args, child = self._name, self._args, pulumi.ResourceOptions(parent=self)
        retention = args.spec.function_log_retention_days
        logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=retention, opts=child)
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=lambda_trust(),
            path=self._path,
            permissions_boundary=self._boundary,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=logs.arn.apply(lambda arn: function_policy(log_group_arn=arn)),
            opts=child,
        )
        return aws.lambda_.Function(
            f"{name}-function",
            role=role.arn,
            runtime=RUNTIME,
            architectures=["arm64"],
            handler=f"{SOURCE.stem}.handler",
            # The text, not the path: the code's hash is its content wherever the project is checked out.
            code=pulumi.AssetArchive({SOURCE.name: pulumi.StringAsset(SOURCE.read_text())}),
            memory_size=128,
            timeout=FUNCTION_TIMEOUT_SECONDS,
            # No vpc_config: it calls the load balancer's public address (smoke_test_rules, Reachability).
            # Secret as a whole input (as the test rule's conditions): it holds the test header's value
            # (errors.KEPT_SECRET).
            environment=pulumi.Output.secret(args.url).apply(
                lambda url: aws.lambda_.FunctionEnvironmentArgs(
                    variables=function_environment(smoke_url(url, args.spec.path), args.test_header)
                )
            ),
            logging_config={"log_format": "Text", "log_group": logs.name},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
