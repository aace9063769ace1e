"""The rules, as pure functions of a resource's properties (engine names, camelCase) and config.

Each returns the violations it finds, every message saying how to fix it. ``policies.py`` wraps them
as pulumi_policy policies; tests call them directly and through those wrappers.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Props = Mapping[str, Any]
Config = Mapping[str, Any]
DEFAULT_LOAD_BALANCER_PORTS = [80, 443]
#: A CIDR broader than this many prefix bits counts as open to the world (0.0.0.0/1 is, 10.0.0.0/8 is not).
DEFAULT_WORLD_PREFIX = {"minIpv4PrefixLength": 8, "minIpv6PrefixLength": 32}
#: Config of the rules about world-open ingress: the listener ports, and how broad a CIDR counts as the world.
WORLD_OPEN_CONFIG: Mapping[str, Any] = {
    "loadBalancerPorts": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_LOAD_BALANCER_PORTS},
    "minIpv4PrefixLength": {"type": "integer", "minimum": 0, "maximum": 32, "default": 8},
    "minIpv6PrefixLength": {"type": "integer", "minimum": 0, "maximum": 128, "default": 32},
}
#: Actions the Service Authorization Reference lists with no resource type: the only ones allowed on "*".
NO_RESOURCE_LEVEL = frozenset(
    {
        "ecr:GetAuthorizationToken",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "sts:GetCallerIdentity",
        "logs:DescribeLogGroups",
    }
)
#: Actions whose only usable resource form is "*" but which a condition key ties to one resource: allowed
#: on "*" only with that key equal to an ARN (``ListTasks`` takes no task or service ARN; the ECS guide
#: scopes it with ``ecs:cluster``).
CONDITION_SCOPED: Mapping[str, str] = {"ecs:ListTasks": "ecs:cluster"}
#: Environment variable names that hold credentials: they belong in a container's "secrets".
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """A named check of some resource types, with its config schema (JSON Schema properties)."""

    name: str
    description: str
    resource_types: tuple[str, ...]
    check: Callable[[str, Props, Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        """The schema defaults overlaid with a stack's settings, as the engine applies them."""
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


def _task_definition_arm64_fargate(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    platform = props.get("runtimePlatform") or {}
    if platform.get("cpuArchitecture") != "ARM64" or platform.get("operatingSystemFamily") != "LINUX":
        found.append(
            f"runtimePlatform is {platform or 'unset'}; set runtime_platform="
            '{"cpu_architecture": "ARM64", "operating_system_family": "LINUX"} and build the image for linux/arm64.'
        )
    if "FARGATE" not in (props.get("requiresCompatibilities") or []):
        found.append('requiresCompatibilities lacks FARGATE; set requires_compatibilities=["FARGATE"].')
    return found


def _service_strategy(_: str, props: Props, config: Config) -> list[str]:
    strategy: Sequence[Mapping[str, Any]] = props.get("capacityProviderStrategies") or []
    if not strategy:
        return ["The service has no capacity-provider strategy; use FARGATE (base) and FARGATE_SPOT (weight)."]
    found: list[str] = []
    if props.get("launchType"):
        found.append(f"launchType {props['launchType']!r} conflicts with the strategy; remove launch_type.")
    providers = {item.get("capacityProvider") for item in strategy}
    if "FARGATE_SPOT" not in providers:
        found.append(
            "The strategy has no FARGATE_SPOT; add it with a weight > 0 to run the tasks beyond the base on Spot."
        )
    minimum = int(config.get("minOnDemandBase", 0))
    base = sum(int(item.get("base") or 0) for item in strategy if item.get("capacityProvider") == "FARGATE")
    if base < minimum:
        found.append(
            f"FARGATE base is {base} but this stack needs at least {minimum} on-demand tasks (ECS never falls "
            f"back from Spot); set fargateBase to {minimum} or more."
        )
    return found


def _ports(props: Props) -> tuple[int, int]:
    return int(props.get("fromPort") or 0), int(props.get("toPort") or 0)


def is_world(cidr: Any, config: Config) -> bool:
    """True for a CIDR broader than the configured prefix lengths (0.0.0.0/0, 0.0.0.0/1, ::/16 ...)."""
    if not cidr:
        return False
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    key = "minIpv4PrefixLength" if network.version == 4 else "minIpv6PrefixLength"
    return network.prefixlen < int(config.get(key, DEFAULT_WORLD_PREFIX[key]))


def _world_open(
    cidr4: Any, cidr6: Any, ports: tuple[int, int], protocol: Any, allowed: Sequence[int], config: Config
) -> list[str]:
    opened = [c for c in (cidr4, cidr6) if is_world(c, config)]
    if not opened:
        return []
    if str(protocol) in ("tcp", "6") and ports[0] == ports[1] and ports[0] in allowed:
        return []
    return [
        f"Ingress from {opened[0]} on {protocol} ports {ports[0]}-{ports[1]}; only load-balancer listener ports "
        f"{list(allowed)} may be open to the world. Admit a security group or specific CIDRs instead."
    ]


def _no_world_open_ingress(resource_type: str, props: Props, config: Config) -> list[str]:
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    if resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return _world_open(
            props.get("cidrIpv4"), props.get("cidrIpv6"), _ports(props), props.get("ipProtocol"), allowed, config
        )
    if resource_type == "aws:ec2/securityGroupRule:SecurityGroupRule":
        return _open_cidr_blocks(props, allowed, config) if props.get("type") == "ingress" else []
    return [m for rule in props.get("ingress") or [] for m in _open_cidr_blocks(rule, allowed, config)]


def _open_cidr_blocks(rule: Props, allowed: Sequence[int], config: Config) -> list[str]:
    # Inline security-group rules and SecurityGroupRule resources share this shape.
    blocks = [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]
    return [
        m for block in blocks for m in _world_open(block, None, _ports(rule), rule.get("protocol"), allowed, config)
    ]


def _log_group_retention(_: str, props: Props, __: Config) -> list[str]:
    if not props.get("retentionInDays"):
        return ["The log group keeps logs forever; set retention_in_days (e.g. 30, or 365 for production)."]
    return []


def _ecr_immutable_and_scanned(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    if props.get("imageTagMutability") not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
        found.append(
            f"imageTagMutability is {props.get('imageTagMutability', 'MUTABLE')!r}; set IMMUTABLE "
            "(or IMMUTABLE_WITH_EXCLUSION for tags that must move, such as a build cache)."
        )
    if not (props.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        found.append('Images are not scanned; set image_scanning_configuration={"scan_on_push": True}.')
    return found


def _is_root(user: Any) -> bool:
    # No user means the image's USER, which may well be root: require it explicitly. Any spelling of
    # uid 0 is root ("0", "0000", " 0"), and so is a group of root for a named root user.
    uid = "" if user is None else str(user).split(":")[0].strip()
    return uid in ("", "root") or (uid.isdigit() and int(uid) == 0)


def _containers_graceful_non_root(_: str, props: Props, __: Config) -> list[str]:
    try:
        containers = json.loads(props.get("containerDefinitions") or "[]")
    except (TypeError, json.JSONDecodeError):
        return []  # unknown during preview: checked again once known
    found: list[str] = []
    for container in containers:
        name = container.get("name", "?")
        timeout = container.get("stopTimeout")
        if timeout is None or not 0 < int(timeout) <= 120:
            found.append(
                f"Container {name!r} stopTimeout is {timeout}; set 1-120 s (Fargate's maximum) so SIGTERM "
                "from a Spot interruption or a deployment leaves time to drain."
            )
        if _is_root(container.get("user")):
            found.append(
                f"Container {name!r} runs as root or as the image's default user; set user to an unprivileged "
                "uid such as '1000:1000'."
            )
    return found


def _containers(props: Props) -> list[Mapping[str, Any]] | None:
    try:
        return json.loads(props.get("containerDefinitions") or "[]")
    except (TypeError, json.JSONDecodeError):
        return None  # unknown during preview: checked again once known


def _containers_hardened(_: str, props: Props, __: Config) -> list[str]:
    """ECS.4 (privileged), ECS.5 (read-only root), ECS.8 and AwsSolutions-ECS2 (secrets in the
    environment), AwsSolutions-ECS7 (container logging)."""
    found: list[str] = []
    for container in _containers(props) or []:
        name = container.get("name", "?")
        if container.get("privileged"):
            found.append(f"Container {name!r} is privileged; remove privileged (Fargate refuses it anyway).")
        if not container.get("readonlyRootFilesystem"):
            found.append(
                f"Container {name!r} has a writable root; set readonlyRootFilesystem (ECS Exec is what turns it off)."
            )
        for variable in container.get("environment") or []:
            if SECRET_NAME.search(str(variable.get("name", ""))):
                found.append(
                    f"Container {name!r} passes {variable['name']} as plain environment; pass it in 'secrets' from "
                    "SSM Parameter Store or Secrets Manager."
                )
        if not (container.get("logConfiguration") or {}).get("logDriver"):
            found.append(f"Container {name!r} has no logConfiguration; send its logs to CloudWatch (awslogs).")
    return found


def _service_exposure(_: str, props: Props, __: Config) -> list[str]:
    """ECS.2 (no public IP) and no ECS Exec where the stack forbids it."""
    found: list[str] = []
    if (props.get("networkConfiguration") or {}).get("assignPublicIp"):
        found.append("Tasks get public IPs; run them in private subnets (taskSubnetIds, or vpc: new with NAT).")
    if props.get("enableExecuteCommand"):
        found.append("ECS Exec is on: anyone allowed ecs:ExecuteCommand gets a shell; set enableExecuteCommand false.")
    return found


def _cluster_insights(_: str, props: Props, __: Config) -> list[str]:
    """ECS.12 and AwsSolutions-ECS4."""
    settings = {s.get("name"): s.get("value") for s in props.get("settings") or []}
    if settings.get("containerInsights") not in ("enabled", "enhanced"):
        return ["Container Insights is off; set containerInsights to enhanced (or enabled)."]
    return []


def _load_balancer_hardened(_: str, props: Props, __: Config) -> list[str]:
    """ELB.4 (drop invalid headers) and ELB.12 (desync mitigation)."""
    found: list[str] = []
    if not props.get("dropInvalidHeaderFields"):
        found.append("Invalid header fields are passed on; set drop_invalid_header_fields=True.")
    if props.get("desyncMitigationMode", "defensive") not in ("defensive", "strictest"):
        found.append(f"desyncMitigationMode is {props['desyncMitigationMode']!r}; set defensive or strictest.")
    return found


def _access_logs(_: str, props: Props, __: Config) -> list[str]:
    """ELB.5 and AwsSolutions-ELB2."""
    if not (props.get("accessLogs") or {}).get("enabled"):
        return ["The load balancer writes no access logs; set accessLogs to true."]
    return []


def _deletion_protection(_: str, props: Props, __: Config) -> list[str]:
    """ELB.6."""
    if not props.get("enableDeletionProtection"):
        return ["The load balancer can be deleted by any update; set deletionProtection to true."]
    return []


#: ELB security policies that allow nothing older than TLS 1.2.
_TLS12_POLICY = re.compile(r"ELBSecurityPolicy-(TLS13-.*|TLS-1-2-.*|FS-1-2-.*)")


def _https_only(_: str, props: Props, __: Config) -> list[str]:
    """ELB.1: an HTTP listener only redirects to HTTPS; HTTPS listeners allow TLS 1.2 and later only."""
    if props.get("protocol") == "HTTPS":
        policy = str(props.get("sslPolicy", ""))
        if not _TLS12_POLICY.fullmatch(policy):
            return [f"sslPolicy {policy or 'unset'!r} allows TLS before 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06."]
        return []
    if props.get("protocol") != "HTTP":
        return []
    actions = props.get("defaultActions") or []
    if all(action.get("type") == "redirect" and (action.get("redirect") or {}).get("protocol") == "HTTPS"
           for action in actions) and actions:  # fmt: skip
        return []
    return ["The HTTP listener serves traffic; redirect it to HTTPS (a domain and certificate)."]


def _statements(document: Any) -> list[Mapping[str, Any]]:
    try:
        parsed = json.loads(document) if isinstance(document, str) else document
    except json.JSONDecodeError:
        return []
    statements = (parsed or {}).get("Statement") or []
    return [statements] if isinstance(statements, dict) else list(statements)


def scoped_by_condition(action: str, statement: Mapping[str, Any]) -> bool:
    """Whether ``statement`` ties ``action`` to one resource with its ``CONDITION_SCOPED`` key."""
    key = CONDITION_SCOPED.get(action)
    conditions = statement.get("Condition") or {}
    values = [(conditions.get(operator) or {}).get(key) for operator in ("ArnEquals", "StringEquals")] if key else []
    return any(isinstance(v, str) and v.startswith("arn:") and "*" not in v for v in values)


def _iam_least_privilege(resource_type: str, props: Props, __: Config) -> list[str]:
    """The IAM wildcard control and AwsSolutions-IAM4/IAM5: no AWS-managed policies, no action on every
    resource when it could name one, no wildcard actions."""
    if resource_type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        arn = str(props.get("policyArn", ""))
        return [f"{arn} is an AWS-managed policy; grant the few actions needed in an inline policy."] if (
            ":iam::aws:policy/" in arn) else []  # fmt: skip
    found: list[str] = []
    for statement in _statements(props.get("policy")):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else list(actions)
        resources = statement.get("Resource") or []
        resources = [resources] if isinstance(resources, str) else list(resources)
        wide = sorted(
            a for a in actions if a not in NO_RESOURCE_LEVEL and not scoped_by_condition(a, statement)
        ) if "*" in resources else []  # fmt: skip
        if wide:
            found.append(f"{', '.join(wide)} on every resource; name the resources (ARNs) they act on.")
        starred = sorted(a for a in actions if "*" in a)
        if starred:
            found.append(f"Wildcard actions {', '.join(starred)}; list the actions needed.")
    return found


def _log_policy_scoped(_: str, props: Props, __: Config) -> list[str]:
    """An account holds 10 account-wide CloudWatch Logs resource policies per region, shared by every
    stack and tool: a policy per service would fail the eleventh. Attach each to its log group."""
    if props.get("resourceArn"):
        return []
    return ["Account-wide log resource policy (one of the region's 10); attach it to its log group (resourceArn)."]


def _lambda_not_public(_: str, props: Props, __: Config) -> list[str]:
    """Lambda.1: a function's resource policy grants no one at large; a service principal comes with the
    ARN of the one resource that may invoke (the confused-deputy guard)."""
    principal = str(props.get("principal", ""))
    if principal == "*":
        return ["Lambda permission for principal '*'; name the service or account that invokes the function."]
    if principal.endswith(".amazonaws.com") and not props.get("sourceArn"):
        return [f"Lambda permission for {principal} without sourceArn; name the rule or resource that invokes it."]
    return []


RULES: tuple[Rule, ...] = (
    Rule(
        "ecs-task-arm64-fargate",
        "ECS task definitions run ARM64/LINUX and are FARGATE-compatible.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _task_definition_arm64_fargate,
    ),
    Rule(
        "ecs-service-spot-strategy",
        "Services use a capacity-provider strategy with FARGATE_SPOT, no launchType, and an on-demand base.",
        ("aws:ecs/service:Service",),
        _service_strategy,
        {"minOnDemandBase": {"type": "integer", "minimum": 0, "default": 0}},
    ),
    Rule(
        "no-world-open-ingress",
        "No ingress from 0.0.0.0/0 or ::/0 except load-balancer listener ports.",
        (
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        ),
        _no_world_open_ingress,
        WORLD_OPEN_CONFIG,
    ),
    Rule(
        "log-group-retention",
        "CloudWatch log groups have a retention.",
        ("aws:cloudwatch/logGroup:LogGroup",),
        _log_group_retention,
    ),
    Rule(
        "ecr-immutable-scanned",
        "ECR repositories have immutable tags and scan on push.",
        ("aws:ecr/repository:Repository",),
        _ecr_immutable_and_scanned,
    ),
    Rule(
        "containers-graceful-non-root",
        "Containers stop within 120 s of SIGTERM and run as a non-root user.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _containers_graceful_non_root,
    ),
    Rule(
        "ecs-containers-hardened",
        "Containers are not privileged, have a read-only root, keep credentials out of the environment and log.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _containers_hardened,
    ),
    Rule(
        "ecs-service-not-exposed",
        "Tasks get no public IP and no ECS Exec.",
        ("aws:ecs/service:Service",),
        _service_exposure,
    ),
    Rule(
        "ecs-container-insights",
        "Clusters have Container Insights on.",
        ("aws:ecs/cluster:Cluster",),
        _cluster_insights,
    ),
    Rule(
        "elb-hardened",
        "Load balancers drop invalid header fields and mitigate HTTP desync.",
        ("aws:lb/loadBalancer:LoadBalancer",),
        _load_balancer_hardened,
    ),
    Rule(
        "elb-access-logs",
        "Load balancers write access logs.",
        ("aws:lb/loadBalancer:LoadBalancer",),
        _access_logs,
    ),
    Rule(
        "elb-deletion-protection",
        "Load balancers have deletion protection.",
        ("aws:lb/loadBalancer:LoadBalancer",),
        _deletion_protection,
    ),
    Rule(
        "elb-https-only",
        "HTTP listeners only redirect to HTTPS; HTTPS listeners use a TLS 1.2+ policy.",
        ("aws:lb/listener:Listener",),
        _https_only,
    ),
    Rule(
        "log-resource-policy-scoped",
        "CloudWatch Logs resource policies are attached to their log group, not account-wide.",
        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy",),
        _log_policy_scoped,
    ),
    Rule(
        "lambda-not-public",
        "Lambda permissions name who invokes: no '*' principal, a service principal with its source ARN.",
        ("aws:lambda/permission:Permission",),
        _lambda_not_public,
    ),
    Rule(
        "iam-least-privilege",
        "No AWS-managed policies, no action on every resource when it could name one, no wildcard actions.",
        (
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/policy:Policy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:s3/bucketPolicy:BucketPolicy",
        ),
        _iam_least_privilege,
    ),
)


def violations(resource_type: str, props: Props, config_by_rule: Mapping[str, Config] | None = None) -> list[str]:
    """Every violation of every rule for one resource, each prefixed by its rule's name."""
    found: list[str] = []
    for rule in RULES:
        if resource_type in rule.resource_types:
            config = rule.config((config_by_rule or {}).get(rule.name))
            found += [f"{rule.name}: {message}" for message in rule.check(resource_type, props, config)]
    return found


@dataclass(frozen=True)
class StackRule:
    """A check across the stack's resources (``(type, props)`` pairs, props including outputs)."""

    name: str
    description: str
    check: Callable[[Sequence[tuple[str, Props]], Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


def _ecr_lifecycle(resources: Sequence[tuple[str, Props]], _: Config) -> list[str]:
    """ECR.3: every repository has a lifecycle policy."""
    governed = {props.get("repository") for t, props in resources if t == "aws:ecr/lifecyclePolicy:LifecyclePolicy"}
    return [
        f"ECR repository {props.get('name')!r} has no lifecycle policy; add one so old images expire."
        for t, props in resources
        if t == "aws:ecr/repository:Repository" and props.get("name") not in governed
    ]


def _world_ports_on_load_balancers_only(resources: Sequence[tuple[str, Props]], config: Config) -> list[str]:
    """A listener port may be open to the world only on a security group a load balancer uses."""
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    lb_groups = {
        g for t, p in resources if t == "aws:lb/loadBalancer:LoadBalancer" for g in p.get("securityGroups") or []
    }
    found: list[str] = []
    for resource_type, props in resources:
        if resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            opened = [c for c in (props.get("cidrIpv4"), props.get("cidrIpv6")) if is_world(c, config)]
            group, port = props.get("securityGroupId"), _ports(props)
        elif resource_type == "aws:ec2/securityGroupRule:SecurityGroupRule" and props.get("type") == "ingress":
            opened = [c for c in props.get("cidrBlocks") or [] if is_world(c, config)]
            group, port = props.get("securityGroupId"), _ports(props)
        else:
            continue
        if opened and port[0] == port[1] and port[0] in allowed and group not in lb_groups:
            found.append(
                f"Port {port[0]} is open to {opened[0]} on {group}, which no load balancer uses; only a load "
                "balancer's own security group may take traffic from the world."
            )
    return found


def _services_autoscale(resources: Sequence[tuple[str, Props]], config: Config) -> list[str]:
    """Where the stack requires it, every ECS service has a scalable target on its desired count."""
    if not config.get("required", False):
        return []
    scaled = {
        str(props.get("resourceId", "")).rsplit("/", 1)[-1]
        for t, props in resources
        if t == "aws:appautoscaling/target:Target" and props.get("scalableDimension") == "ecs:service:DesiredCount"
    }
    return [
        f"ECS service {props.get('name')!r} does not autoscale; set autoscaling with minCount and maxCount."
        for t, props in resources
        if t == "aws:ecs/service:Service" and props.get("name") not in scaled
    ]


def _services_alarmed(resources: Sequence[tuple[str, Props]], config: Config) -> list[str]:
    """Where the stack requires it, every service rolls back a deployment on alarms, and its memory is
    watched (the guide's ask)."""
    if not config.get("required", False):
        return []
    watched = {
        (props.get("dimensions") or {}).get("ServiceName")
        for t, props in resources
        if t == "aws:cloudwatch/metricAlarm:MetricAlarm" and props.get("metricName") == "MemoryUtilization"
    }
    found: list[str] = []
    for resource_type, props in resources:
        if resource_type != "aws:ecs/service:Service":
            continue
        deployment = props.get("alarms") or {}
        if not (deployment.get("enable") and deployment.get("rollback") and deployment.get("alarmNames")):
            found.append(f"ECS service {props.get('name')!r} has no deployment alarms with rollback; set alarms.")
        if props.get("name") not in watched:
            found.append(f"ECS service {props.get('name')!r} has no memory alarm; set alarms.")
    return found


STACK_RULES: tuple[StackRule, ...] = (
    StackRule("ecr-lifecycle", "Every ECR repository has a lifecycle policy.", _ecr_lifecycle),
    StackRule(
        "services-autoscale",
        "ECS services scale between a minimum and a maximum (where the stack requires it).",
        _services_autoscale,
        {"required": {"type": "boolean", "default": False}},
    ),
    StackRule(
        "services-alarmed",
        "ECS services roll back deployments on alarms and have a memory alarm (where the stack requires it).",
        _services_alarmed,
        {"required": {"type": "boolean", "default": False}},
    ),
    StackRule(
        "world-open-only-on-load-balancers",
        "Listener ports open to the world only on a load balancer's own security group.",
        _world_ports_on_load_balancers_only,
        WORLD_OPEN_CONFIG,
    ),
)


def stack_violations(
    resources: Sequence[tuple[str, Props]], config_by_rule: Mapping[str, Config] | None = None
) -> list[str]:
    """Every violation of every stack rule, each prefixed by its rule's name."""
    found: list[str] = []
    for rule in STACK_RULES:
        config = rule.config((config_by_rule or {}).get(rule.name))
        found += [f"{rule.name}: {message}" for message in rule.check(resources, config)]
    return found
