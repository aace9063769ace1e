"""Names Pulumi makes from a resource's name: the name, ``-`` and 7 random characters (``AUTONAME_SUFFIX``;
pulumi-aws provider/resources.go ``tfbridge.AutoName``, 255 characters at most unless a resource says less:
``setAutonaming``), which AWS then holds to the resource type's own name rule. A name past the auto-name's
maximum fails at preview ("plus 7 random chars is longer than maximum length"); one past AWS's, or with a
character AWS refuses, fails when it is created, after the image push.

``RULES``: per resource type the program auto-names, the longest name with the suffix either the provider or
AWS takes (the smaller), and the characters AWS takes in it, each with its source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .edge.alb_rules import AUTONAME_SUFFIX, MAX_ELB_NAME
from .errors import ConfigError


@dataclass(frozen=True)
class NameRule:
    """How long, in what characters, an auto-named resource's name may be."""

    most: int
    """The longest name, Pulumi's suffix included."""
    pattern: str
    """A regular expression of the names AWS takes."""
    what: str
    """The name, as an error says it (``an IAM role name``)."""


#: The type tokens the components' child-name lists share (``service_names``, ``monitoring_names``, ...).
ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
ALARM, RULE, TARGET = (
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
)
_IAM = r"[A-Za-z0-9_+=,.@-]+"  # botocore iam roleNameType, policyNameType: [\w+=,.@-]+ (Java's \w is ASCII)
_EVENTS = r"[.\-_A-Za-z0-9]+"  # botocore events RuleName, TargetId
_LAMBDA = r"[a-zA-Z0-9_-]+"  # botocore lambda FunctionName ([a-zA-Z0-9-_]+), StatementId
_ECS = r"[A-Za-z0-9_-]+"  # botocore ecs CreateService:serviceName: letters, numbers, underscores, hyphens
#: botocore ecr CreateRepository:repositoryName, its optional groups made non-capturing.
_ECR_PART = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_ECR = rf"{_ECR_PART}(?:/{_ECR_PART})*"
_SG = r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+"  # botocore ec2 CreateSecurityGroup:GroupName (VPC)
RULES: dict[str, NameRule] = {
    # pulumi-aws AutoName("name", 64); botocore iam CreateRole:RoleName max 64.
    "aws:iam/role:Role": NameRule(64, _IAM, "an IAM role name"),
    # Auto-named to 255; botocore iam PutRolePolicy:PolicyName max 128.
    "aws:iam/rolePolicy:RolePolicy": NameRule(128, _IAM, "an IAM role policy name"),
    # pulumi-aws AutoName("name", 64) for function_name; botocore lambda CreateFunction:FunctionName "If you
    # specify only the function name, it is limited to 64 characters in length".
    "aws:lambda/function:Function": NameRule(64, _LAMBDA, "a Lambda function name"),
    # pulumi-aws AutoName("statementId", 100); botocore lambda AddPermission:StatementId max 100.
    "aws:lambda/permission:Permission": NameRule(100, _LAMBDA, "a Lambda permission's statement ID"),
    # pulumi-aws AutoName("name", 64); botocore events PutRule:Name max 64.
    "aws:cloudwatch/eventRule:EventRule": NameRule(64, _EVENTS, "an EventBridge rule name"),
    # pulumi-aws AutoName("targetId", 255); botocore events PutTargets:Targets[].Id max 64.
    "aws:cloudwatch/eventTarget:EventTarget": NameRule(64, _EVENTS, "an EventBridge target ID"),
    # botocore logs CreateLogGroup:logGroupName max 512, [\.\-_/#A-Za-z0-9]+; auto-named to 255.
    "aws:cloudwatch/logGroup:LogGroup": NameRule(255, r"[.\-_/#A-Za-z0-9]+", "a log group name"),
    # botocore logs PutMetricFilter:filterName max 512, [^:*]*; auto-named to 255.
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": NameRule(255, r"[^:*]+", "a metric filter name"),
    # botocore cloudwatch PutMetricAlarm:AlarmName max 255.
    "aws:cloudwatch/metricAlarm:MetricAlarm": NameRule(255, r"(?s).+", "an alarm name"),
    # botocore application-autoscaling PutScalingPolicy:PolicyName max 256, printable; auto-named to 255.
    "aws:appautoscaling/policy:Policy": NameRule(255, r"[\x20-\x7e]+", "a scaling policy name"),
    # botocore application-autoscaling PutScheduledAction:ScheduledActionName max 256: no : / | or controls, no
    # leading space.
    "aws:appautoscaling/scheduledAction:ScheduledAction": NameRule(
        255, r"(?! )[^:/|\x00-\x1f\x7f-\x9f]+", "a scheduled action name"
    ),
    # botocore sns CreateTopic:Name "between 1 and 256 characters long", ASCII letters, numbers, _ and -.
    "aws:sns/topic:Topic": NameRule(255, r"[A-Za-z0-9_-]+", "an SNS topic name"),
    # botocore ecs CreateService:serviceName "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
    # hyphens".
    "aws:ecs/service:Service": NameRule(255, _ECS, "an ECS service name"),
    # botocore ecs CreateCluster:clusterName "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
    # hyphens are allowed"; auto-named to 255.
    "aws:ecs/cluster:Cluster": NameRule(255, _ECS, "an ECS cluster name"),
    # Auto-named to 255, not lower-cased (pulumi-aws provider/resources.go: aws_ecr_repository has no AutoName of
    # its own, so setAutonaming's); botocore ecr CreateRepository:repositoryName max 256, lower case.
    "aws:ecr/repository:Repository": NameRule(255, _ECR, "an ECR repository name"),
    # botocore ec2 CreateSecurityGroup:GroupName "Up to 255 characters in length" (and "Can't start with sg-":
    # naming.security_group_names).
    "aws:ec2/securityGroup:SecurityGroup": NameRule(255, _SG, "a security group name"),
    # pulumi-aws AutoName("name", 32) for both; ELB: at most 32 letters, digits and hyphens, not beginning with a
    # hyphen, a load balancer's not with "internal-" (botocore elbv2 CreateLoadBalancer:Name, CreateTargetGroup:Name).
    # ``alb_rules.autonamed_elb_names`` checks them first, with its own words.
    "aws:lb/loadBalancer:LoadBalancer": NameRule(
        MAX_ELB_NAME, r"(?!(?i:internal-))[A-Za-z0-9][A-Za-z0-9-]*", "a load balancer name"
    ),
    "aws:lb/targetGroup:TargetGroup": NameRule(MAX_ELB_NAME, r"[A-Za-z0-9][A-Za-z0-9-]*", "a target group name"),
}


def check_autonames(key: str, value: str, children: Iterable[tuple[str, str]]) -> None:
    """Raise ``ConfigError`` (as ``key``: ``value``) when a child named after ``value`` (``children``: its
    resource type and name) would get an auto-name AWS or the provider refuses: the tightest one is named,
    with how long ``value`` may be."""
    for type_token, name in sorted(children, key=lambda child: RULES[child[0]].most - len(child[1])):
        rule = RULES[type_token]
        if len(name) + AUTONAME_SUFFIX > rule.most:
            room = rule.most - AUTONAME_SUFFIX - (len(name) - len(value))
            raise ConfigError(
                key,
                value,
                f"at most {room} characters: '{name}' plus Pulumi's {AUTONAME_SUFFIX}-character suffix must fit the "
                f"{rule.most} characters of {rule.what}",
            )
        # The pattern holds for the name AWS gets, Pulumi's suffix included: '0-' ends '0--0a1b2c3', which ECR takes.
        if not re.fullmatch(rule.pattern, f"{name}-{'0' * (AUTONAME_SUFFIX - 1)}"):
            raise ConfigError(key, value, f"characters {rule.what} takes ('{name}' is one): {rule.pattern}")


#: ``pulumi:autonaming``'s key, whose only mode the checks above (and ``edge.alb_rules``, and the deployer
#: documents' ``STACK-*`` prefixes) hold for: Pulumi's default.
AUTONAMING_KEY = "pulumi:autonaming"
#: Why each other mode breaks them (pulumi/pulumi pkg/cmd/pulumi/autonaming/config.go: ``mode`` is
#: ``default``, ``verbatim`` or ``disabled``; or a ``pattern``, with ``enforce``, instead of a mode).
_BREAKS = {
    "pattern": "a pattern makes names these checks never see (ECR repositories leave the deployer documents' "
    "STACK-* prefixes, prod's target groups pass ELB's 32 characters)",
    "verbatim": "verbatim drops the random suffix, so a replacement's new resource takes the old one's name",
    "disabled": "disabled makes every resource the program leaves Pulumi to name fail",
    "other": "Pulumi itself refuses any other mode or shape",
}


def _not_default(naming: object) -> str:
    """Which of ``_BREAKS`` a naming config (the root's, a provider's or a resource type's) sets ("" for
    Pulumi's default: no mode, or ``default``, and no pattern), its nested providers' and resources' too."""
    if not isinstance(naming, dict):
        return "other"
    if "pattern" in naming or "enforce" in naming:
        return "pattern"
    if naming.get("mode", "default") != "default":
        return naming["mode"] if naming["mode"] in ("verbatim", "disabled") else "other"
    nested = [naming.get("providers", {}), naming.get("resources", {})]
    if not all(isinstance(by_name, dict) for by_name in nested):
        return "other"
    return next((found for by_name in nested for found in map(_not_default, by_name.values()) if found), "")


def check_autonaming(value: str | None) -> None:
    """Raise ``ConfigError`` when ``pulumi:autonaming`` (its JSON, None when unset) asks Pulumi for names
    other than its default ``<name>-<7 random characters>``."""
    if value is None:
        return
    try:
        naming = json.loads(value)
    except ValueError:
        naming = None
    if found := _not_default(naming):
        raise ConfigError(
            AUTONAMING_KEY,
            value,
            f'unset, or {{"mode": "default"}}: the program checks and scopes the names Pulumi makes by default '
            f"(<name>-<{AUTONAME_SUFFIX - 1} random characters>), and {_BREAKS[found]}",
        )
