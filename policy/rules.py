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

# The engine runs the pack with policy/ on the path (policies.py: ``from rules import``); the program's tests
# import this module as ``policy.rules``. Its readers come the same way it did.
if __package__:
    from .go_json import go_containers
    from .ingress import INGRESS_TYPES, SECURITY_GROUPS, group_id, ingress_rules
    from .unknowns import Index, StackResource, Unknown, decided, guarded, known, read, references, shown
else:
    from go_json import go_containers
    from ingress import INGRESS_TYPES, SECURITY_GROUPS, group_id, ingress_rules
    from unknowns import Index, StackResource, Unknown, decided, guarded, known, read, references, shown

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
        # The reads of ECS's deployment role (Service Authorization Reference, Elastic Load Balancing V2).
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
    }
)
#: Actions whose only usable resource form is "*" but which a condition key ties to one resource: allowed
#: on "*" only with that key equal to an ARN (``ListTasks`` takes no task or service ARN; the ECS guide
#: scopes it with ``ecs:cluster``).
CONDITION_SCOPED: Mapping[str, str] = {"ecs:ListTasks": "ecs:cluster"}
#: Environment variable names that hold credentials: they belong in a container's "secrets".
SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL", re.IGNORECASE)
#: The names Security Hub's ECS.8 itself looks for: it runs AWS Config's ``ecs-no-environment-secrets``
#: with ``secretKeys`` AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA (Security Hub User
#: Guide, "Security Hub controls for Amazon ECS", ECS.8). ``ECS_ENGINE_AUTH_DATA`` holds private-registry
#: credentials, and no word of ``SECRET_NAME`` is in it.
ECS8_SECRET_KEYS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"})


def is_secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a credential."""
    return bool(SECRET_NAME.search(name)) or name.upper() in ECS8_SECRET_KEYS


#: ECS Exec is break-glass access: a stack that turns it on says so in its policy config, on both rules
#: it touches (the service's exec flag, and the writable root the exec agent needs), docs/policy.md.
ECS_EXEC_CONFIG: Mapping[str, Any] = {
    "allowExecuteCommand": {
        "type": "boolean",
        "default": False,
        "description": "The stack turns ECS Exec on on purpose: accept it and the writable root it needs.",
    }
}


@dataclass(frozen=True)
class Rule:
    """A named check of some resource types, with its config schema (JSON Schema properties) and the
    controls it stands for (Security Hub control IDs, cdk-nag rule IDs; none for this project's own)."""

    name: str
    description: str
    resource_types: tuple[str, ...]
    check: Callable[[str, Props, Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        """The schema defaults overlaid with a stack's settings, as the engine applies them."""
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


def _task_definition_arm64_fargate(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    platform = props.get("runtimePlatform") or {}
    if platform.get("cpuArchitecture") != "ARM64" or platform.get("operatingSystemFamily") != "LINUX":
        found.append(
            # dict(): the engine's wrapper of a mapping would show as an object, not its keys.
            f"runtimePlatform is {dict(platform) or 'unset'}; set runtime_platform="
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
    # Tasks beyond the base go to the providers by weight, none to one of weight 0 (ECS Developer Guide,
    # "Capacity provider strategies"; API Reference, CapacityProviderStrategyItem.weight).
    spot = [item for item in strategy if item.get("capacityProvider") == "FARGATE_SPOT"]
    if not spot:
        found.append(
            "The strategy has no FARGATE_SPOT; add it with a weight > 0 to run the tasks beyond the base on Spot."
        )
    elif not any(int(item.get("weight") or 0) > 0 for item in spot):
        found.append("FARGATE_SPOT has weight 0, so no task beyond the base runs on Spot; give it a weight > 0.")
    minimum = int(config.get("minOnDemandBase", 0))
    base = sum(int(item.get("base") or 0) for item in strategy if item.get("capacityProvider") == "FARGATE")
    if base < minimum:
        found.append(
            f"FARGATE base is {base} but this stack needs at least {minimum} on-demand tasks (ECS never falls "
            f"back from Spot); set fargateBase to {minimum} or more."
        )
    return found


#: The strategies that shift traffic between two target groups: they roll back on the deployment alarms.
#: botocore ``ecs`` ``DeploymentCircuitBreaker`` documents the breaker for "the rolling update (ECS)
#: deployment type" only; the ECS guide's "deployment failure detection" names blue/green too. The pack
#: takes the reading both agree on, as the components do (docs/decisions.md).
SHIFTING_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")


def _rolls_back_on_alarms(service: Props) -> bool:
    """Whether an ECS service's deployment alarms are on, roll back, and name alarms."""
    alarms = service.get("alarms") or {}
    return bool(alarms.get("enable") and alarms.get("rollback") and alarms.get("alarmNames"))


def _deployments_roll_back(_: str, props: Props, __: Config) -> list[str]:
    """Every deployment of an ECS-controlled service can roll back (``DeploymentAlarms``: with the ``ECS``
    controller only; CodeDeploy and external controllers are not checked here)."""
    if ((props.get("deploymentController") or {}).get("type") or "ECS") != "ECS":
        return []
    if _rolls_back_on_alarms(props):
        return []
    strategy = (props.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"
    if strategy in SHIFTING_STRATEGIES:
        return [
            f"A {strategy} deployment rolls back only on its deployment alarms (the circuit breaker is documented "
            'for rolling deployments); set alarms={"enable": True, "rollback": True, "alarm_names": [...]}.'
        ]
    breaker = props.get("deploymentCircuitBreaker") or {}
    if breaker.get("enable") and breaker.get("rollback"):
        return []
    return [
        "A rolling deployment with neither the circuit breaker nor deployment alarms, each with rollback, never "
        'rolls back; set deployment_circuit_breaker={"enable": True, "rollback": True} or alarms.'
    ]


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


#: Each load-balancer resource under both of the SDK's names: ``aws.alb`` registers its own type tokens
#: (pulumi_aws ``alb/load_balancer.py``, ``alb/listener.py``), not the ``aws.lb`` ones.
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")


def _no_world_open_ingress(resource_type: str, props: Props, config: Config) -> list[str]:
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    found: list[str] = []
    for rule in ingress_rules(resource_type, props):
        opened = [c for c in rule.cidrs if is_world(c, config)]
        single_tcp = rule.protocol in ("tcp", "6") and rule.ports[0] == rule.ports[1]
        if opened and not (single_tcp and rule.ports[0] in allowed):
            found += [
                f"Ingress from {cidr} on {rule.protocol} ports {rule.ports[0]}-{rule.ports[1]}; only load-balancer "
                f"listener ports {list(allowed)} may be open to the world. Admit a security group or specific "
                "CIDRs instead."
                for cidr in opened
            ]
    return found


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
    if props.get("imageTagMutability") == "IMMUTABLE_WITH_EXCLUSION":
        # A filter of wildcards alone ("*") matches every tag: mutable in all but name.
        found += [
            f"Exclusion filter {item.get('filter')!r} matches every tag, so every tag can be overwritten; exclude "
            "the tags that must move by their prefix (e.g. 'cache-*')."
            for item in props.get("imageTagMutabilityExclusionFilters") or []
            if not has_literal(str(item.get("filter") or ""))
        ]
    return found


def _is_root(user: Any) -> bool:
    # No user means the image's USER, which may well be root: require it explicitly. Any spelling of
    # uid 0 is root ("0", "0000", " 0"), and so is a group of root for a named root user.
    uid = "" if user is None else str(user).split(":")[0].strip()
    # ASCII digits only, as Docker reads a uid: an Arabic-Indic zero is a name (and int() raises on a superscript).
    return uid in ("", "root") or (re.fullmatch(r"[0-9]+", uid) is not None and int(uid) == 0)


def _containers_graceful_non_root(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    for container in _containers(props) or []:
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
    """The container definitions as the provider reads them: keys in any case, the last of a field wins
    (``go_json``); None while unknown during a preview (checked again once known)."""
    return go_containers(props.get("containerDefinitions"))


def _containers_hardened(_: str, props: Props, config: Config) -> list[str]:
    """ECS.4 (privileged), ECS.5 (read-only root), ECS.8 and AwsSolutions-ECS2 (secrets in the
    environment), AwsSolutions-ECS7 (container logging). A stack that allows ECS Exec accepts a writable
    root: the exec agent AWS bind-mounts into the container writes there, and a read-only root is not
    supported (ECS developer guide, "ECS Exec considerations"; aws/containers-roadmap#1359)."""
    found: list[str] = []
    for container in _containers(props) or []:
        name = container.get("name", "?")
        if container.get("privileged"):
            found.append(f"Container {name!r} is privileged; remove privileged (Fargate refuses it anyway).")
        if not container.get("readonlyRootFilesystem") and not config.get("allowExecuteCommand"):
            found.append(
                f"Container {name!r} has a writable root; set readonlyRootFilesystem (ECS Exec is what turns it off)."
            )
        for variable in container.get("environment") or []:
            if is_secret_name(str(variable.get("name", ""))):
                found.append(
                    f"Container {name!r} passes {variable['name']} as plain environment; pass it in 'secrets' from "
                    "SSM Parameter Store or Secrets Manager."
                )
        if not (container.get("logConfiguration") or {}).get("logDriver"):
            found.append(f"Container {name!r} has no logConfiguration; send its logs to CloudWatch (awslogs).")
    return found


def _service_exposure(_: str, props: Props, config: Config) -> list[str]:
    """ECS.2 (no public IP) and no ECS Exec unless the stack allows it."""
    found: list[str] = []
    if (props.get("networkConfiguration") or {}).get("assignPublicIp"):
        found.append("Tasks get public IPs; run them in private subnets (taskSubnetIds, or vpc: new with NAT).")
    if props.get("enableExecuteCommand") and not config.get("allowExecuteCommand"):
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


#: ELB security policies by the oldest TLS version they accept, as their names say: ``TLS13-1-<n>``,
#: ``FS-1-<n>`` and ``TLS-1-<n>`` accept TLS 1.<n> and later; the others (``2016-08``, the default when
#: none is given, ``2015-05``, ``FS-2018-06``) accept TLS 1.0 (ALB and NLB guides, "Security policies").
_TLS_FLOOR = re.compile(r"ELBSecurityPolicy-(?:TLS13|FS|TLS)-1-(?P<minor>[0-9])-.+")


def accepts_only_tls12_or_later(policy: str) -> bool:
    """Whether an ELB security policy refuses TLS 1.0 and 1.1 (Security Hub ELB.17's recommended ones do)."""
    match = _TLS_FLOOR.fullmatch(policy)
    return match is not None and int(match["minor"]) >= 2


def _https_only(_: str, props: Props, __: Config) -> list[str]:
    """ELB.1: an HTTP listener only redirects to HTTPS; ELB.17: HTTPS and TLS listeners allow TLS 1.2 and
    later only. The provider takes ``protocol`` in any case and, when it is left out on an Application Load
    Balancer, creates an HTTP listener (terraform-provider-aws ``internal/service/elbv2/listener.go``:
    ``enum.ValidateIgnoreCase``, "Keep previous default of HTTP for Application Load Balancers")."""
    protocol = listener_protocol(props)
    if protocol in ("HTTPS", "TLS"):
        policy = str(props.get("sslPolicy") or "")
        if not accepts_only_tls12_or_later(policy):
            return [f"sslPolicy {policy or 'unset'!r} allows TLS before 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06."]
        return []
    if protocol != "HTTP" or redirects_to_https(props.get("defaultActions")):
        return []
    return ["The HTTP listener serves traffic; redirect it to HTTPS (a domain and certificate)."]


def listener_protocol(props: Props) -> str:
    """A listener's protocol as the provider takes it: in any case, HTTP when left out (``_https_only``)."""
    return str(props.get("protocol") or "HTTP").upper()


def redirects_to_https(actions: Any) -> bool:
    """Whether a listener's (or a listener rule's) actions only redirect to HTTPS: none serves content."""
    redirects = [
        str(action.get("type", "")).lower() == "redirect" and (action.get("redirect") or {}).get("protocol") == "HTTPS"
        for action in actions or []
    ]
    return bool(redirects) and all(redirects)


# Policy documents, read as IAM reads them: a JSON string or an object; ``Statement`` a list or one
# statement; ``Action``, ``Resource``, ``Principal`` values a string or a list; wildcards ``*`` (any run of
# characters) and ``?`` (one), matched segment by segment in ARNs (IAM User Guide, "IAM JSON policy
# elements": Statement, Action, NotAction, Resource, NotResource, Principal, Condition).

_WILDCARDS = "*?"


def policy_document(value: Any) -> Mapping[str, Any] | None:
    """A policy document from a JSON string or an object; None when it is neither (or unknown in a preview)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, Mapping) else None


def statements(value: Any) -> list[Mapping[str, Any]]:
    """A document's statements: ``Statement`` is a list of statements or a single one."""
    found = (policy_document(value) or {}).get("Statement") or []
    return [s for s in ([found] if isinstance(found, Mapping) else found) if isinstance(s, Mapping)]


def listed(value: Any) -> list[str]:
    """A policy element that is one string or a list of them, as a list. The engine hands a rule each list
    as a ``Sequence`` proxy, not a ``list`` (pulumi_policy ``proxy.py``, ``unknown_checking_proxy``)."""
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, Sequence) and not isinstance(value, bytes) else []


def _allows(statement: Mapping[str, Any]) -> bool:
    # A Deny only narrows what others allow: never a finding here.
    return statement.get("Effect") == "Allow"


def has_literal(text: str, separators: str = "") -> bool:
    """Whether ``text`` has a character other than wildcards (and ``separators``): it names something."""
    return any(c not in _WILDCARDS + separators for c in text)


def has_wildcard(text: str) -> bool:
    """Whether ``text`` holds a ``*`` or ``?``: as a condition or ARN value, a pattern, not one name."""
    return any(c in _WILDCARDS for c in text)


def _pattern(wildcarded: str) -> re.Pattern[str]:
    # IAM's ARN matching: ``*`` runs within one colon-separated segment, except at a segment's end.
    def token(i: int, c: str) -> str:
        if c == "*":
            return ".*" if wildcarded[i + 1 : i + 2] in ("", ":") else "[^:]*"
        return "[^:]" if c == "?" else re.escape(c)

    return re.compile("".join(token(i, c) for i, c in enumerate(wildcarded)), re.S)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a ``Resource`` entry covers ``arn`` (case-sensitive, segment by segment)."""
    return _pattern(pattern).fullmatch(arn) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether an ``Action`` entry covers ``action`` (case-insensitive)."""
    return _pattern(pattern.lower()).fullmatch(action.lower()) is not None


#: Services whose ARNs name the resource with no resource type before it: S3 ``bucket[/key]``, SNS topics,
#: SQS queues, API Gateway ``api-id/stage/...``.
_UNTYPED_ARNS = frozenset({"s3", "sns", "sqs", "execute-api"})
_RESOURCE_TYPE = re.compile(r"[A-Za-z0-9-]+[/:]")


def every_resource(pattern: str) -> bool:
    """Whether a ``Resource`` entry covers every resource of a type, of a service or of any account:
    ``*``, ``arn:aws:iam::*:role/*``, ``arn:aws:s3:::*``, ``...:log-group:*``, ``...:role*``. A name, or the
    start of one, narrows it (``...:log-group:/app:*``, ``arn:aws:s3:::bucket/*``)."""
    if not has_literal(pattern, ":/"):
        return True
    parts = pattern.split(":", 5)
    if parts[0] != "arn":
        return False  # a service's own resource form, not an ARN
    if len(parts) < 6:
        return parts[-1].endswith("*")  # a segment's closing * runs on over the segments left out
    service, account, resource = parts[2], parts[4], parts[5]
    if any(c in service + account for c in _WILDCARDS):
        return True  # any service's resources, or any account's
    if service in _UNTYPED_ARNS:
        return not has_literal(resource.split("/", 1)[0])
    typed = _RESOURCE_TYPE.match(resource)
    if typed is None:
        return any(c in resource for c in _WILDCARDS)  # "role*": the type itself is left open
    return not has_literal(resource[typed.end() :], ":/")


#: The operators that compare a key with a value: ``ArnEquals``, ``ArnLike`` and ``StringLike`` read ``*``
#: and ``?`` in it as wildcards (IAM User Guide, "IAM JSON policy elements: Condition operators", ARN and
#: string condition operators); ``StringEquals`` does not, but no ARN of a resource holds either.
_COMPARING = ("ArnEquals", "ArnLike", "StringEquals", "StringLike")


def scoped_by_condition(action: str, statement: Mapping[str, Any]) -> bool:
    """Whether ``statement`` ties ``action`` to one resource with its ``CONDITION_SCOPED`` key: an ARN with
    no wildcard (``*`` nor ``?``); condition keys are case-insensitive."""
    key = CONDITION_SCOPED.get(action)
    conditions = statement.get("Condition") or {}
    values = [
        value
        for operator in (_COMPARING if key else ())
        for name, value in (conditions.get(operator) or {}).items()
        if str(name).lower() == str(key).lower()
    ]
    return any(isinstance(v, str) and v.startswith("arn:") and not has_wildcard(v) for v in values)


#: Condition operators that admit only requests whose key has one of the values: not the negated ones,
#: not ``...IfExists`` (true when the key is absent), not ``ForAllValues:`` (true for no values at all).
_POSITIVE = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"})


def condition_values(statement: Mapping[str, Any], key: str) -> list[str]:
    """The values a positive condition of ``statement`` demands of ``key`` (keys are case-insensitive)."""
    found: list[str] = []
    for operator, tests in (statement.get("Condition") or {}).items():
        if str(operator).removeprefix("ForAnyValue:") not in _POSITIVE or not isinstance(tests, Mapping):
            continue
        found += [v for k, values in tests.items() if str(k).lower() == key.lower() for v in listed(values)]
    return found


#: Keys that tie a grant to known callers: an account, an organization, a source resource, a network
#: endpoint (IAM User Guide, "AWS global condition context keys"; KMS Developer Guide, "kms:CallerAccount").
_CALLER_KEYS = (
    "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:SourceVpce", "aws:SourceVpc", "kms:CallerAccount",
)  # fmt: skip


#: Keys whose value is one identifier: an account ID, an organization ID, a VPC or endpoint ID. A wildcard
#: anywhere in it (``*1``, ``o-*``) admits others' accounts, organizations or networks (IAM User Guide,
#: "AWS global condition context keys": aws:SourceAccount, aws:PrincipalAccount, aws:PrincipalOrgID,
#: aws:SourceOrgID, aws:SourceVpc, aws:SourceVpce; SNS's AWS:SourceOwner; KMS Developer Guide, kms:CallerAccount).
_IDENTIFIER_KEYS = frozenset(
    key.lower() for key in (
        "aws:SourceAccount", "aws:SourceOwner", "aws:PrincipalAccount", "kms:CallerAccount",
        "aws:SourceOrgID", "aws:PrincipalOrgID", "aws:SourceVpc", "aws:SourceVpce",
    )
)  # fmt: skip
#: Keys whose value is an ARN: it names callers only through a literal account, ``arn:PARTITION:SERVICE:
#: REGION:ACCOUNT:...`` (IAM User Guide, "ARN format"), with no wildcard in or before that segment.
_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})
_ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: Keys whose value is an organization path, ``o-ID/r-ID/ou-ID/...``: the organization must be literal.
_ORG_PATH_KEYS = frozenset({"aws:sourceorgpaths", "aws:principalorgpaths"})


def names_callers(key: str, value: str) -> bool:
    """Whether ``value`` of the condition key ``key`` names the callers rather than a pattern of anyone's."""
    key = key.lower()
    if key in _ARN_KEYS:
        parts = value.split(":", 5)
        return len(parts) == 6 and not has_wildcard(":".join(parts[:4])) and bool(_ACCOUNT_ID.fullmatch(parts[4]))
    if key in _IDENTIFIER_KEYS:
        return bool(value) and not has_wildcard(value)
    if key in _ORG_PATH_KEYS:
        organization = value.split("/", 1)[0]
        return bool(organization) and not has_wildcard(organization)
    return has_literal(value, ":/")


def names_its_callers(statement: Mapping[str, Any], keys: Sequence[str] = _CALLER_KEYS) -> bool:
    """Whether a positive condition of ``statement`` on one of ``keys`` names its callers in every value."""
    return any(
        (values := condition_values(statement, key)) and all(names_callers(key, v) for v in values) for key in keys
    )


_ANY_ACCOUNT = re.compile(r"arn:[^:]*:iam::[^:]*[*?][^:]*:.*")


def is_public(principal: Any) -> bool:
    """Whether a ``Principal`` admits anyone: ``*``, ``{"AWS": "*"}``, or an ARN of any account."""
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    return any(v == "*" or _ANY_ACCOUNT.fullmatch(v) for kind, values in principal.items() for v in listed(values))


#: Actions the Service Authorization Reference lists with no resource type, in lower case (IAM compares
#: actions case-insensitively).
_NO_RESOURCE_LEVEL = frozenset(action.lower() for action in NO_RESOURCE_LEVEL)
_AWS_MANAGED = re.compile(r"arn:aws[a-z-]*:iam::aws:policy/.+")


def _aws_managed(arns: Sequence[str]) -> list[str]:
    return [
        f"{arn} is an AWS-managed policy; grant the few actions needed in an inline policy."
        for arn in arns
        if _AWS_MANAGED.fullmatch(arn)
    ]


def identity_policy_findings(document: Any) -> list[str]:
    """What an identity policy grants beyond least privilege: every action but some (``NotAction``), every
    resource but some (``NotResource``), an action on every resource when it could name one, wildcard
    actions. A Deny is exempt: it only narrows."""
    found: list[str] = []
    for statement in filter(_allows, statements(document)):
        if "NotAction" in statement:
            found.append(
                f"NotAction {listed(statement['NotAction'])} with Allow grants every other action of every "
                "service; list the actions needed in Action."
            )
        if "NotResource" in statement:
            found.append(
                f"NotResource {listed(statement['NotResource'])} with Allow grants on every other resource; name "
                "the resources (ARNs) in Resource."
            )
        actions = listed(statement.get("Action"))
        wide_resources = [r for r in listed(statement.get("Resource")) if every_resource(r)]
        wide = sorted(
            a for a in actions if a.lower() not in _NO_RESOURCE_LEVEL and not scoped_by_condition(a, statement)
        ) if wide_resources else []  # fmt: skip
        if wide:
            found.append(
                f"{', '.join(wide)} on every resource ({', '.join(wide_resources)}); name the resources (ARNs) "
                "they act on."
            )
        starred = sorted(a for a in actions if any(c in a for c in _WILDCARDS))
        if starred:
            found.append(f"Wildcard actions {', '.join(starred)}; list the actions needed.")
    return found


#: Where each resource type holds an identity policy (a role's inline ones: ``inlinePolicies[].policy``).
IDENTITY_POLICIES: Mapping[str, str] = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
}
_ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    # The exclusive forms attach the whole list ``policyArns`` (and detach every other).
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
)
ROLE = "aws:iam/role:Role"


def _iam_least_privilege(resource_type: str, props: Props, __: Config) -> list[str]:
    """IAM.1, IAM.21, KMS.1, KMS.2, AwsSolutions-IAM4/IAM5: no AWS-managed policies, and no policy, inline
    or not, that grants every action, every resource or wildcard actions."""
    if resource_type in _ATTACHMENTS:
        return _aws_managed([*listed(props.get("policyArn")), *listed(props.get("policyArns"))])
    if resource_type == ROLE:
        inline = [p.get("policy") for p in props.get("inlinePolicies") or [] if isinstance(p, Mapping)]
        return [*_aws_managed(listed(props.get("managedPolicyArns"))),
                *(m for document in inline for m in identity_policy_findings(document))]  # fmt: skip
    return identity_policy_findings(props.get(IDENTITY_POLICIES[resource_type]))


#: A web identity provider's ARN; its host (and path) prefixes the condition keys of its tokens' claims.
_OIDC_PROVIDER = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/(?P<host>.+)")
GITHUB_OIDC = "token.actions.githubusercontent.com"
#: A GitHub ``sub`` names its repository: ``repo:OWNER/REPO:`` then the environment, ref or pull request
#: (GitHub Docs, "OpenID Connect reference", subject claims; a custom template keeps ``repo`` first).
_GITHUB_REPOSITORY = re.compile(r"(?:^|:)repo:[^/:*?]+/[^/:*?]+:")


#: What follows ``repo:OWNER/REPO:`` before a wildcard: the context, ``pull_request`` or a claim with (the
#: start of) its value, ``environment:prod``, ``ref:refs/heads/``; a wildcard straight after the repository
#: or a claim's name admits every branch, pull request and environment (docs/ci.md, the binding).
_GITHUB_CONTEXT = re.compile(r"pull_request|[^:]+:[^:]")


def _pins_subject(host: str, subject: str) -> bool:
    """Whether a ``sub`` value admits one repository's tokens only, in a named context (GitHub), or names a
    subject (others)."""
    if host != GITHUB_OIDC:
        return has_literal(subject, ":/")
    wildcard = min((subject.index(c) for c in _WILDCARDS if c in subject), default=None)
    if wildcard is None:
        return _GITHUB_REPOSITORY.search(f"{subject}:") is not None
    fixed = subject[:wildcard]
    repository = _GITHUB_REPOSITORY.search(fixed)
    return repository is not None and _GITHUB_CONTEXT.match(fixed, repository.end()) is not None


#: An identity pool ID: ``<region>:<uuid>`` (Cognito API Reference, ``IdentityPoolId`` pattern
#: ``[\w-]+:[0-9a-f-]+``), here with no wildcard, so one pool of one region.
_COGNITO_POOL = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _web_identity_findings(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    providers = listed(principal.get("Federated")) if isinstance(principal, Mapping) else []
    found: list[str] = []
    for provider in providers:
        if provider == "cognito-identity.amazonaws.com":
            # Cognito's tokens name the identity pool in their aud (Cognito Developer Guide, "IAM roles").
            pools = condition_values(statement, "cognito-identity.amazonaws.com:aud")
            if not pools or not all(_COGNITO_POOL.fullmatch(a) for a in pools):
                found.append(
                    "The trust of cognito-identity.amazonaws.com names no identity pool "
                    "(cognito-identity.amazonaws.com:aud): any pool's identities may assume the role; add "
                    "StringEquals on it."
                )
            continue
        match = _OIDC_PROVIDER.fullmatch(provider)
        if match is None:
            continue
        host = match["host"]
        audiences = condition_values(statement, f"{host}:aud")
        if not audiences or not all(has_literal(a) for a in audiences):
            found.append(
                f"The trust of {host} names no audience ({host}:aud): a token minted for any other use is taken; "
                "add StringEquals on it (sts.amazonaws.com for GitHub)."
            )
        subjects = condition_values(statement, f"{host}:sub")
        loose = [s for s in subjects if not _pins_subject(host, s)]
        if not subjects or loose:
            found.append(
                f"The trust of {host} admits any subject ({host}:sub {loose or 'missing'}): every repository's "
                "workflows could assume the role; pin the sub to repo:OWNER/REPO: and its environment or ref."
            )
    return found


def _trust_scoped(_: str, props: Props, __: Config) -> list[str]:
    """A role's trust admits named principals: no ``*`` (nor an ARN of any account) without a condition
    naming the callers, no ``NotPrincipal``, and web identity tokens only of one audience and repository."""
    found: list[str] = []
    for statement in filter(_allows, statements(props.get("assumeRolePolicy"))):
        if "NotPrincipal" in statement:
            found.append(
                "The trust uses NotPrincipal with Allow: everyone else may assume the role; name the principals."
            )
        elif is_public(statement.get("Principal")) and not names_its_callers(statement):
            found.append(
                "The trust admits every AWS principal ('*') with no condition naming the callers; name the "
                "account, role or service that assumes it."
            )
        found += _web_identity_findings(statement)
    return found


#: Where each resource type holds its resource policy: every pulumi_aws type whose input is an IAM JSON
#: policy naming principals (``tests/policy/test_public_access_types.py`` finds them in the SDK and holds
#: this map, with the ACL and permission types below, to them).
RESOURCE_POLICIES: Mapping[str, str] = {
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:ecr/registryPolicy:RegistryPolicy": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": "accessPolicy",
    "aws:kms/key:Key": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:kms/replicaKey:ReplicaKey": "policy",
    "aws:kms/externalKey:ExternalKey": "policy",
    "aws:kms/replicaExternalKey:ReplicaExternalKey": "policy",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:acmpca/policy:Policy": "policy",
    "aws:amp/resourcePolicy:ResourcePolicy": "policyDocument",
    "aws:apigateway/domainName:DomainName": "policy",
    "aws:apigateway/restApi:RestApi": "policy",
    "aws:apigateway/restApiPolicy:RestApiPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": "policy",
    "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": "accessPolicy",
    "aws:codeartifact/domainPermissions:DomainPermissions": "policyDocument",
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": "policyDocument",
    "aws:codebuild/resourcePolicy:ResourcePolicy": "policy",
    "aws:dsql/clusterPolicy:ClusterPolicy": "policy",
    "aws:dynamodb/resourcePolicy:ResourcePolicy": "policy",
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
    "aws:elasticsearch/domain:Domain": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:glacier/vault:Vault": "accessPolicy",
    "aws:glacier/vaultLock:VaultLock": "policy",
    "aws:glue/resourcePolicy:ResourcePolicy": "policy",
    "aws:kinesis/resourcePolicy:ResourcePolicy": "policy",
    "aws:lambda/resourcePolicy:ResourcePolicy": "policy",
    "aws:mediastore/containerPolicy:ContainerPolicy": "policy",
    "aws:msk/clusterPolicy:ClusterPolicy": "policy",
    "aws:networkfirewall/resourcePolicy:ResourcePolicy": "policy",
    "aws:oam/sinkPolicy:SinkPolicy": "policy",
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:opensearchingest/resourcePolicy:ResourcePolicy": "policy",
    "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": "policy",
    "aws:redshift/resourcePolicy:ResourcePolicy": "policy",
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": "policy",
    "aws:s3/accessPoint:AccessPoint": "policy",
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": "policy",
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": "policy",
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": "policy",
    "aws:s3control/accessPointPolicy:AccessPointPolicy": "policy",
    "aws:s3control/bucketPolicy:BucketPolicy": "policy",
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": "policy",
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": "resourcePolicy",
    "aws:s3tables/tablePolicy:TablePolicy": "resourcePolicy",
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": "resourcePolicy",
    "aws:schemas/registryPolicy:RegistryPolicy": "policy",
    "aws:ses/identityPolicy:IdentityPolicy": "policy",
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": "policy",
    "aws:vpclattice/authPolicy:AuthPolicy": "policy",
    "aws:vpclattice/resourcePolicy:ResourcePolicy": "policy",
    "aws:xray/resourcePolicy:ResourcePolicy": "policyDocument",
}
#: Types whose ``acl`` input takes a canned ACL (and a bucket's ``grants``, a bucket ACL's
#: ``accessControlPolicy``, explicit grants).
S3_ACLS = (
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/bucketAcl:BucketAcl",
    "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/objectCopy:ObjectCopy",
)  # fmt: skip
#: The canned ACLs that grant to everyone (``AllUsers``) or to any AWS account (``AuthenticatedUsers``),
#: which S3 counts as public (S3 User Guide, "Canned ACL" and "The meaning of \"public\"").
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = frozenset({
    "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
})  # fmt: skip
#: Types that add one statement to a resource's policy from a ``principal`` input, with how each may limit
#: a ``*`` principal to an organization: an EventBridge bus permission's ``condition`` on
#: ``aws:PrincipalOrgID`` (EventBridge API Reference, ``PutPermission``), a Lambda layer's
#: ``organizationId`` (Lambda API Reference, ``AddLayerVersionPermission``).
PERMISSIONS = (
    "aws:cloudwatch/eventPermission:EventPermission",
    "aws:lambda/layerVersionPermission:LayerVersionPermission",
    "aws:signer/signingProfilePermission:SigningProfilePermission",
)


def _public_statements(document: Any) -> list[str]:
    found: list[str] = []
    for statement in filter(_allows, statements(document)):
        actions = ", ".join(listed(statement.get("Action")) or listed(statement.get("NotAction")))
        if "NotPrincipal" in statement:
            found.append(f"NotPrincipal with Allow grants {actions} to everyone else; name the principals.")
        elif is_public(statement.get("Principal")) and not names_its_callers(statement):
            found.append(
                f"{actions} granted to every principal ('*') with no condition naming the callers; name the "
                "principal, or add aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID."
            )
    return found


def _public_acl(props: Props) -> list[str]:
    found: list[str] = []
    if str(props.get("acl") or "") in PUBLIC_CANNED_ACLS:
        found.append(f"The canned ACL {props['acl']!r} grants to every user or every AWS account; use 'private' "
                     "(or none: ACLs off with BucketOwnershipControls BucketOwnerEnforced).")  # fmt: skip
    grants = [*(props.get("grants") or []), *((props.get("accessControlPolicy") or {}).get("grants") or [])]
    uris = [str(g.get("uri") or (g.get("grantee") or {}).get("uri") or "") for g in grants]
    found += [f"An ACL grant to {uri}; grant to named accounts, or turn ACLs off." for uri in uris
              if uri in _PUBLIC_GRANTEES]  # fmt: skip
    return found


def _public_permission(props: Props) -> list[str]:
    principal = str(props.get("principal") or "")
    if principal != "*" and not _ANY_ACCOUNT.fullmatch(principal):
        return []
    condition = props.get("condition") or {}
    organization = props.get("organizationId") or (
        condition.get("value") if str(condition.get("key", "")).lower() == "aws:principalorgid"
        and condition.get("type") == "StringEquals" else None
    )  # fmt: skip
    if organization and names_callers("aws:PrincipalOrgID", str(organization)):
        return []
    return [f"A permission for principal {principal!r} admits every AWS account; name the account, or limit it to "
            "your organization."]  # fmt: skip


def _resource_policy_not_public(resource_type: str, props: Props, __: Config) -> list[str]:
    """S3.2/S3.3, SNS.4, SQS.3, KMS.5 (and what IAM Access Analyzer calls public for ECR, Secrets Manager,
    Logs, EventBridge, and the other types of ``RESOURCE_POLICIES``): no Allow to every principal unless a
    condition names the callers (their account, organization or source resource), no ``NotPrincipal``
    with Allow; no public ACL (S3.2/S3.3 count ACLs too); no permission for ``*`` beyond an organization."""
    found: list[str] = []
    if resource_type in RESOURCE_POLICIES:
        found += _public_statements(props.get(RESOURCE_POLICIES[resource_type]))
    if resource_type in S3_ACLS:
        found += _public_acl(props)
    if resource_type in PERMISSIONS:
        found += _public_permission(props)
    return found


def _services(principal: Any) -> list[str]:
    return listed(principal.get("Service")) if isinstance(principal, Mapping) else []


def _log_policy_scoped(_: str, props: Props, __: Config) -> list[str]:
    """An account holds 10 account-wide CloudWatch Logs resource policies per region, shared by every
    stack and tool: a policy per service would fail the eleventh. Attach each to its log group. And each
    service it admits comes with the source it writes for (``aws:SourceArn`` or ``aws:SourceAccount``,
    which log resource policies take: CloudWatch Logs API Reference, ``PutResourcePolicy``); without one,
    any rule of any account that targets the group writes to it (EventBridge User Guide, "Cross-service
    confused deputy prevention"). Creating a stream writes nothing, and EventBridge's ``CreateLogStream``
    carries no source ARN, so a condition there would stop every delivery ("The conditional ARN for the Rule
    only applies to logs:PutLogEvents": aws-samples/serverless-patterns#618): a statement of that action
    alone needs none."""
    found: list[str] = []
    # Only whether it is set: a log group's ARN a preview does not know yet is set all the same.
    if not isinstance(scope := read(props, "resourceArn"), Unknown) and not scope:
        found.append(
            "Account-wide log resource policy (one of the region's 10); attach it to its log group (resourceArn)."
        )
    for statement in filter(_allows, statements(props.get("policyDocument"))):
        services = _services(statement.get("Principal"))
        streams_only = [a.lower() for a in listed(statement.get("Action"))] == ["logs:createlogstream"]
        if services and not streams_only and not names_its_callers(statement, ("aws:SourceArn", "aws:SourceAccount")):
            found.append(
                f"{', '.join(services)} may write with no aws:SourceArn or aws:SourceAccount condition; name the "
                "rule (or resource) it writes for."
            )
    return found


LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"


def _lambda_not_public(resource_type: str, props: Props, __: Config) -> list[str]:
    """Lambda.1: a function's resource policy grants no one at large; a service principal comes with the
    ARN of the one resource that may invoke (the confused-deputy guard), and S3, whose bucket ARNs name no
    account, with the account too (Lambda API Reference, ``AddPermission``: ``SourceAccount``); no function
    URL without authentication."""
    if resource_type == FUNCTION_URL:
        if str(props.get("authorizationType", "")).upper() == "NONE":
            return ["The function URL takes requests with no authentication; set authorization_type AWS_IAM."]
        return []
    principal = str(props.get("principal", ""))
    if principal == "*" or _ANY_ACCOUNT.fullmatch(principal):
        return [
            f"Lambda permission for principal {principal!r}; name the service or account that invokes the function."
        ]
    if principal.endswith(".amazonaws.com") and not props.get("sourceArn"):
        return [f"Lambda permission for {principal} without sourceArn; name the rule or resource that invokes it."]
    source_arn, source_account = str(props.get("sourceArn") or ""), str(props.get("sourceAccount") or "")
    if source_arn and not names_callers("aws:SourceArn", source_arn) and not _ACCOUNT_ID.fullmatch(source_account):
        return [f"Lambda permission with sourceArn {source_arn!r}, a pattern any account's resources match; name "
                "the one resource with its account (or set sourceAccount)."]  # fmt: skip
    if principal == "s3.amazonaws.com" and not props.get("sourceAccount"):
        return ["Lambda permission for s3.amazonaws.com without sourceAccount: a bucket of that name in another "
                "account may invoke; set sourceAccount."]  # fmt: skip
    return []


#: What gives an IAM user a long-lived credential, and what it is.
USER_CREDENTIALS: Mapping[str, str] = {
    "aws:iam/accessKey:AccessKey": "An access key is a long-lived credential (kept in the stack's state)",
    "aws:iam/userLoginProfile:UserLoginProfile": "A login profile gives an IAM user a console password",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "A service-specific credential is a "
    "long-lived password (CodeCommit, Keyspaces, Bedrock)",
    "aws:iam/signingCertificate:SigningCertificate": "A signing certificate is a long-lived credential of a user",
    "aws:iam/sshKey:SshKey": "An SSH public key is a long-lived credential of a user (CodeCommit)",
}
#: What gives an IAM user permissions, by the input that names them (None: the resource itself does):
#: policies inline or attached, and groups, whose policies their members get (IAM User Guide, "IAM user
#: groups").
USER_POLICIES: Mapping[str, str | None] = {
    "aws:iam/userPolicy:UserPolicy": None,
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": None,
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": "policyNames",
    "aws:iam/policyAttachment:PolicyAttachment": "users",
}
USER_GROUPS: Mapping[str, str] = {
    "aws:iam/userGroupMembership:UserGroupMembership": "groups",
    "aws:iam/groupMembership:GroupMembership": "users",
}


def _no_iam_users(resource_type: str, props: Props, __: Config) -> list[str]:
    """IAM.2: no policies on IAM users (nor groups that carry them); and no long-lived credentials of users
    (access keys, which also land in the stack's state, console passwords, service-specific credentials,
    signing certificates, SSH keys): this project's identities are roles (OIDC from CI). An exclusive list
    left empty detaches everything: no finding."""
    if resource_type in USER_CREDENTIALS:
        return [f"{USER_CREDENTIALS[resource_type]}; use a role (OIDC from CI)."]
    if resource_type in USER_GROUPS:
        if not listed(props.get(USER_GROUPS[resource_type])):
            return []
        return ["An IAM user in a group gets the group's policies; give the permissions to a role the user assumes."]
    key = USER_POLICIES[resource_type]
    if key is not None and not listed(props.get(key)):
        return []
    return ["A policy attached to an IAM user; attach it to a role the user assumes."]


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
        "ecs-deployments-roll-back",
        "ECS deployments can roll back: rolling on the circuit breaker or alarms, a shifting one on alarms.",
        ("aws:ecs/service:Service",),
        _deployments_roll_back,
    ),
    Rule(
        "no-world-open-ingress",
        "No ingress from 0.0.0.0/0 or ::/0 except load-balancer listener ports.",
        INGRESS_TYPES,  # every shape of ingress rule, the VPC's default group's among them (ingress.py)
        _no_world_open_ingress,
        WORLD_OPEN_CONFIG,
        anchors=("EC2.18", "EC2.19", "AwsSolutions-EC23"),
    ),
    Rule(
        "log-group-retention",
        "CloudWatch log groups have a retention.",
        ("aws:cloudwatch/logGroup:LogGroup",),
        _log_group_retention,
        anchors=("CloudWatch.16",),
    ),
    Rule(
        "ecr-immutable-scanned",
        "ECR repositories have immutable tags (exclusions only for named tags) and scan on push.",
        ("aws:ecr/repository:Repository",),
        _ecr_immutable_and_scanned,
        anchors=("ECR.1", "ECR.2"),
    ),
    Rule(
        "containers-graceful-non-root",
        "Containers stop within 120 s of SIGTERM and run as a non-root user.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _containers_graceful_non_root,
        anchors=("ECS.20",),
    ),
    Rule(
        "ecs-containers-hardened",
        "Containers are not privileged, have a read-only root, keep credentials out of the environment and log.",
        ("aws:ecs/taskDefinition:TaskDefinition",),
        _containers_hardened,
        ECS_EXEC_CONFIG,
        anchors=("ECS.4", "ECS.5", "ECS.8", "AwsSolutions-ECS2", "AwsSolutions-ECS7"),
    ),
    Rule(
        "ecs-service-not-exposed",
        "Tasks get no public IP and no ECS Exec.",
        ("aws:ecs/service:Service",),
        _service_exposure,
        ECS_EXEC_CONFIG,
        anchors=("ECS.2",),
    ),
    Rule(
        "ecs-container-insights",
        "Clusters have Container Insights on.",
        ("aws:ecs/cluster:Cluster",),
        _cluster_insights,
        anchors=("ECS.12", "AwsSolutions-ECS4"),
    ),
    Rule(
        "elb-hardened",
        "Load balancers drop invalid header fields and mitigate HTTP desync.",
        LOAD_BALANCERS,
        _load_balancer_hardened,
        anchors=("ELB.4", "ELB.12"),
    ),
    Rule(
        "elb-access-logs",
        "Load balancers write access logs.",
        LOAD_BALANCERS,
        _access_logs,
        anchors=("ELB.5", "AwsSolutions-ELB2"),
    ),
    Rule(
        "elb-deletion-protection",
        "Load balancers have deletion protection.",
        LOAD_BALANCERS,
        _deletion_protection,
        anchors=("ELB.6",),
    ),
    Rule(
        "elb-https-only",
        "HTTP listeners (also those with no protocol) only redirect to HTTPS; HTTPS and TLS listeners use a "
        "policy of TLS 1.2 and later.",
        LISTENERS,
        _https_only,
        anchors=("ELB.1", "ELB.17"),
    ),
    Rule(
        "log-resource-policy-scoped",
        "CloudWatch Logs resource policies are attached to their log group, not account-wide, and name the "
        "source each service writes for.",
        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy",),
        _log_policy_scoped,
    ),
    Rule(
        "lambda-not-public",
        "Lambda permissions name who invokes: no '*' principal, a service principal with its source; no "
        "unauthenticated function URL.",
        (LAMBDA_PERMISSION, FUNCTION_URL),
        _lambda_not_public,
        anchors=("Lambda.1",),
    ),
    Rule(
        "iam-least-privilege",
        "No AWS-managed policies; no policy (inline, managed, attached to a role, user or group) grants "
        "NotAction, NotResource, an action on every resource when it could name one, or wildcard actions.",
        (*IDENTITY_POLICIES, *_ATTACHMENTS, ROLE),
        _iam_least_privilege,
        anchors=("IAM.1", "IAM.21", "KMS.1", "KMS.2", "AwsSolutions-IAM4", "AwsSolutions-IAM5"),
    ),
    Rule(
        "iam-trust-scoped",
        "Role trust admits named principals only: no '*' without a condition naming the callers, no "
        "NotPrincipal, web identity tokens of one audience and one repository.",
        (ROLE,),
        _trust_scoped,
    ),
    Rule(
        "resource-policy-not-public",
        "Resource policies (bucket, repository, topic, queue, secret, log, key, event-bus and every other kind) "
        "grant nothing to every principal without a condition naming the callers; no public S3 ACL; no "
        "permission for '*' beyond an organization.",
        tuple(dict.fromkeys([*RESOURCE_POLICIES, *S3_ACLS, *PERMISSIONS])),
        _resource_policy_not_public,
        anchors=("S3.2", "S3.3", "SNS.4", "SQS.3", "KMS.5"),
    ),
    Rule(
        "iam-no-users",
        "No policies or groups on IAM users and no long-lived user credentials (access keys, passwords, service "
        "credentials, certificates, SSH keys): identities are roles.",
        (*USER_POLICIES, *USER_GROUPS, *USER_CREDENTIALS),
        _no_iam_users,
        anchors=("IAM.2",),
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
    check: Callable[[Sequence[StackResource], Config], list[str]]
    config_properties: Mapping[str, Any] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()

    def config(self, overrides: Config | None = None) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.config_properties.items()} | dict(overrides or {})


def _ecr_lifecycle(resources: Sequence[StackResource], _: Config) -> list[str]:
    """ECR.3: every repository has a lifecycle policy."""
    governed = {props.get("repository") for t, props, *_ in resources if t == "aws:ecr/lifecyclePolicy:LifecyclePolicy"}
    return [
        f"ECR repository {props.get('name')!r} has no lifecycle policy; add one so old images expire."
        for t, props, *_ in resources
        if t == "aws:ecr/repository:Repository" and props.get("name") not in governed
    ]


def _world_ports_on_load_balancers_only(resources: Sequence[StackResource], config: Config) -> list[str]:
    """A listener port may be open to the world only on a security group a load balancer uses: every
    shape of ingress rule (``ingress.py``), IPv4 and IPv6 alike. A group is named by its ID, or in a
    preview, where a new group's ID is unknown, by the URN of the group the reference came from
    (``unknowns.references``); a reference that came from no group of the stack waits for ``up``."""
    allowed = list(config.get("loadBalancerPorts", DEFAULT_LOAD_BALANCER_PORTS))
    groups = Index.of(resources, SECURITY_GROUPS, group_id)
    used: set[str] = set()
    waiting: list[Unknown] = []
    for resource in resources:
        if resource.type in LOAD_BALANCERS:
            named, unknown = references(groups, resource, "securityGroups")
            used, waiting = used | named, waiting + unknown
    found: list[str] = []
    undecided: list[Unknown] = []
    for resource in resources:
        rules, unknown = guarded(lambda r=resource: ingress_rules(r.type, r.props))
        undecided += unknown
        for rule in rules:
            opened = [c for c in rule.cidrs if is_world(c, config)]
            if not (opened and rule.ports[0] == rule.ports[1] and rule.ports[0] in allowed):
                continue
            on, unknown = _ingress_group(groups, resource, rule.group)
            if on & used:
                continue
            if unknown or waiting:
                undecided += unknown or waiting
                continue
            found.append(
                f"Port {rule.ports[0]} is open to {opened[0]} on {rule.group or _shown(on)}, which no load "
                "balancer uses; only a load balancer's own security group may take traffic from the world."
            )
    return decided(found, undecided)


def _shown(named: set[str]) -> str:
    return ", ".join(sorted(map(shown, named)))


def _ingress_group(groups: Index, resource: StackResource, group: str | None) -> tuple[set[str], list[Unknown]]:
    """The group an ingress rule admits into: a group's inline rules its own, a rule resource's the one
    its ``securityGroupId`` names."""
    if resource.type in SECURITY_GROUPS:
        return {resource.urn or str(group)}, []
    return references(groups, resource, "securityGroupId")


def _services_autoscale(resources: Sequence[StackResource], config: Config) -> list[str]:
    """Where the stack requires it, every ECS service has a scalable target on its desired count."""
    if not config.get("required", False):
        return []
    scaled = {
        str(props.get("resourceId", "")).rsplit("/", 1)[-1]
        for t, props, *_ in resources
        if t == "aws:appautoscaling/target:Target" and props.get("scalableDimension") == "ecs:service:DesiredCount"
    }
    return [
        f"ECS service {props.get('name')!r} does not autoscale; set autoscaling with minCount and maxCount."
        for t, props, *_ in resources
        if t == "aws:ecs/service:Service" and props.get("name") not in scaled
    ]


def _services_alarmed(resources: Sequence[StackResource], config: Config) -> list[str]:
    """Where the stack requires it, every service rolls back a deployment on alarms, and its memory is
    watched (the guide's ask)."""
    if not config.get("required", False):
        return []
    watched = {
        (props.get("dimensions") or {}).get("ServiceName")
        for t, props, *_ in resources
        if t == "aws:cloudwatch/metricAlarm:MetricAlarm" and props.get("metricName") == "MemoryUtilization"
    }
    found: list[str] = []
    for resource_type, props, *_ in resources:
        if resource_type != "aws:ecs/service:Service":
            continue
        if not _rolls_back_on_alarms(props):
            found.append(f"ECS service {props.get('name')!r} has no deployment alarms with rollback; set alarms.")
        if props.get("name") not in watched:
            found.append(f"ECS service {props.get('name')!r} has no memory alarm; set alarms.")
    return found


_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")


def _only_insecure_transport(condition: Any) -> bool:
    """Whether a Deny's condition is ``aws:SecureTransport`` false and nothing else. IAM ANDs the operators
    of a block and the keys of an operator (IAM User Guide, "Creating a condition with multiple keys or
    values"): any other test narrows the deny to the requests that also pass it (``aws:SourceVpce``: only
    those through one endpoint), and leaves every other plain-HTTP request to the bucket's allows."""
    if not isinstance(condition, Mapping) or list(condition) != ["Bool"]:
        return False
    tests = condition["Bool"]
    if not isinstance(tests, Mapping) or [str(k).lower() for k in tests] != ["aws:securetransport"]:
        return False
    return "false" in (str(v).lower() for values in tests.values() for v in listed(values))


#: The actions a TLS deny must name: every S3 action (``s3:*``) or every action (``*``). A narrower pattern
#: (``s3:*Object``, ``s3:Get*``) leaves the bucket's other actions, ``s3:ListBucket`` among them, on plain HTTP.
_EVERY_S3_ACTION = frozenset({"s3:*", "*"})


def _refuses_plain_http(statement: Mapping[str, Any], bucket_arn: str) -> bool:
    """A Deny to everyone of every S3 action on the bucket and its objects whenever the request is not TLS."""
    resources = listed(statement.get("Resource"))
    return (
        statement.get("Effect") == "Deny"
        and is_public(statement.get("Principal"))
        and any(a.lower() in _EVERY_S3_ACTION for a in listed(statement.get("Action")))
        and _only_insecure_transport(statement.get("Condition"))
        and all(any(arn_matches(r, arn) for r in resources) for arn in (bucket_arn, f"{bucket_arn}/any-object"))
    )


def _bucket_names(props: Props) -> set[str]:
    """What a bucket policy's ``bucket`` may hold for this bucket: its name (``bucket``, also its ID, and
    the tail of ``arn:aws:s3:::NAME``), and ``id`` where a caller gives it; those known in a preview."""
    arn = str(known(props, "arn") or "")
    names = {known(props, "bucket"), known(props, "id"), arn.split(":::", 1)[1] if ":::" in arn else None}
    return {str(n) for n in names if n}


_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def _s3_tls_only(resources: Sequence[StackResource], _: Config) -> list[str]:
    """S3.5, AwsSolutions-S10: every bucket's policy denies requests that do not use TLS. A bucket policy
    governs its own bucket only (S3 User Guide, "Bucket policies"), whatever its Resource says: each bucket
    is held to its inline policy and the BucketPolicy naming it, by name or, in a preview where the name
    is unknown, by the bucket's URN (``unknowns.references``). Each bucket is decided on its own: one whose
    ARN or policy a preview does not know yet waits for ``up``, the others do not."""
    buckets = Index.of(resources, _BUCKETS, lambda props: known(props, "bucket"))
    governing = [(references(buckets, p, "bucket"), p) for p in resources if p.type == _BUCKET_POLICY]
    unjoined = [u for (_, unknown), _ in governing for u in unknown]  # may govern any bucket
    found: list[str] = []
    undecided: list[Unknown] = []
    for resource in (r for r in resources if r.type in _BUCKETS):
        names = _bucket_names(resource.props) | {resource.urn}
        policies = [p for (named, _), p in governing if named & names]
        refused, unknown = guarded(lambda r=resource, ps=policies: [_refuses_plain_http_on(r.props, ps)])
        undecided += unknown or (unjoined if refused == [False] else [])
        if refused == [False] and not unjoined:
            found.append(
                f"S3 bucket {resource.props.get('arn')} takes plain-HTTP requests; add a bucket policy that denies "
                "s3:* when aws:SecureTransport is false, on the bucket and its objects."
            )
    return decided(found, undecided)


def _refuses_plain_http_on(bucket: Props, policies: Sequence[StackResource]) -> bool:
    documents = [bucket.get("policy"), *(policy.props.get("policy") for policy in policies)]
    return any(_refuses_plain_http(s, str(bucket.get("arn"))) for d in documents for s in statements(d))


def _listener_rules_https_only(resources: Sequence[StackResource], _: Config) -> list[str]:
    """ELB.1 for what a listener's rules serve: a rule answers the requests it matches on its listener's
    port and protocol, before the default action (ELB User Guide for ALBs, "Listener rules"), so a
    forwarding rule on an HTTP listener that redirects by default still serves plain HTTP. Joined by the
    rule's ``listenerArn`` to the listener's ``arn``, or in a preview, where a new listener's ARN is
    unknown, by the URN of the listener it came from: a rule on a listener of another stack is not seen."""
    listeners = Index.of(resources, LISTENERS, lambda props: known(props, "arn"))
    http: set[str] = set()
    undecided: list[Unknown] = []
    for resource in (r for r in resources if r.type in LISTENERS):
        protocols, unknown = guarded(lambda r=resource: [listener_protocol(r.props)])
        undecided += unknown
        if protocols == ["HTTP"] and (name := resource.urn or known(resource.props, "arn")):
            http.add(listeners.identity(name))
    found: list[str] = []
    for resource in (r for r in resources if r.type in LISTENER_RULES):
        on, unknown = references(listeners, resource, "listenerArn")
        serves, waiting = guarded(lambda r=resource: [not redirects_to_https(r.props.get("actions"))])
        if on & http:
            undecided += waiting
        undecided += unknown
        if on & http and serves == [True]:
            listener = known(resource.props, "listenerArn") or _shown(on & http)
            found.append(
                f"Listener rule {known(resource.props, 'arn') or shown(resource.urn) or '(new)'} on the HTTP listener "
                f"{listener} serves plain HTTP; put it on the HTTPS listener, or make it redirect to HTTPS."
            )
    return decided(found, undecided)


STACK_RULES: tuple[StackRule, ...] = (
    StackRule("ecr-lifecycle", "Every ECR repository has a lifecycle policy.", _ecr_lifecycle, anchors=("ECR.3",)),
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
        anchors=("EC2.18",),
    ),
    StackRule(
        "elb-https-only-listener-rules",
        "Rules on an HTTP listener only redirect to HTTPS, as its default action must (elb-https-only).",
        _listener_rules_https_only,
        anchors=("ELB.1",),
    ),
    StackRule(
        "s3-tls-only",
        "Every S3 bucket's policy denies requests that do not use TLS.",
        _s3_tls_only,
        anchors=("S3.5", "AwsSolutions-S10"),
    ),
)


def stack_violations(
    resources: Sequence[StackResource | tuple[str, Props]], config_by_rule: Mapping[str, Config] | None = None
) -> list[str]:
    """Every violation of every stack rule, each prefixed by its rule's name; ``resources`` as
    ``StackResource``s or ``(type, props)`` pairs (no URNs: joined by IDs and ARNs alone). A rule that
    could not decide every resource in a preview raises ``UndecidedError`` (``unknowns.py``)."""
    stack = [r if isinstance(r, StackResource) else StackResource(r[0], r[1]) for r in resources]
    found: list[str] = []
    for rule in STACK_RULES:
        config = rule.config((config_by_rule or {}).get(rule.name))
        found += [f"{rule.name}: {message}" for message in rule.check(stack, config)]
    return found
