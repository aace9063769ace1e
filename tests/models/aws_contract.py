"""The AWS input contract: for every resource type the program registers, the rule AWS applies to each
input the program sets, with its source (see ``aws_api`` for the kinds of rule).

How each Pulumi input reaches the API is the Terraform provider's doing (hashicorp/terraform-provider-aws,
bridged by pulumi-aws 7): ``internal/service/<svc>/<resource>.go`` builds the request in its Create and
Update functions; the rows name the API member it fills. IDs and ARNs that AWS issued for another
resource and the program passes back unchanged are ``ISSUED``: the test checks that each is one the
(mock) provider handed out, not a value the program made up.

Names the program leaves to Pulumi are filled in by pulumi-aws's auto-naming: ``<resource name>-`` and 7
random hex characters (``SetAutonaming(255, "-")`` for every ``name`` input, and explicit entries for
the few named otherwise), lower-cased for S3 buckets. ``namePrefix`` gets 26 characters from the
provider (``id.PrefixedUniqueId``).
"""

from __future__ import annotations

import functools
import ipaddress
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import pulumi_awsx as awsx
import pulumi_docker_build as docker_build

from tests.models.aws_api import (
    Api,
    Both,
    Check,
    Contract,
    Each,
    Issued,
    Json,
    Quote,
    Rule,
    Sent,
    Text,
    Unsent,
    Url,
    Whole,
    pairs,
    shape_at,
    shape_problems,
)
from tests.models.aws_prose import stated_range, stated_values
from tests.models.go_cidr import go_accepts_ipv4_cidr
from tests.models.metric_alarm_fields import METRIC_ALARM_FIELDS

AUTONAME_SUFFIX = "-0a1b2c3"
"""What pulumi-aws appends: a hyphen and 7 random hex characters."""
PREFIXED_UNIQUE_ID = "20261129123456789000000001"
"""terraform-plugin-sdk's ``id.PrefixedUniqueId``: an 18-digit timestamp and an 8-hex-digit counter."""

ISSUED = Issued()
TF_LB = "internal/service/elbv2"


# ---- character sets AWS states in prose (each sentence is checked against botocore's documentation)

EC2_TEXT = r"a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*"
# The provider puts a rule's description in IpRanges[] with cidrIpv4 and in UserIdGroupPairs[] with
# referencedSecurityGroupId (vpc/security_group_ingress_rule.go, expandIPPermission); the second has no
# "&", so every rule description is held to both.
RULE_DESCRIPTION = Both(
    (
        Text(
            EC2_TEXT,
            255,
            Quote(
                "ec2", "IpRange.Description", "Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
            ),
        ),
        Text(
            r"a-zA-Z0-9 ._\-:/()#,@\[\]+=;{}!$*",
            255,
            Quote(
                "ec2",
                "UserIdGroupPair.Description",
                "Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*",
            ),
        ),
    )
)
GROUP_DESCRIPTION = Text(
    EC2_TEXT,
    255,
    Quote(
        "ec2", "CreateSecurityGroup:Description", "Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
    ),
)
GROUP_NAME = Text(
    EC2_TEXT,
    255,
    Quote("ec2", "CreateSecurityGroup:GroupName", "Up to 255 characters in length. Can't start with sg-"),
    extra=((lambda name: not name.lower().startswith("sg-"), "starts with sg-"),),
)
_ELB_NAME_CLAUSES = (
    (lambda name: not name.startswith("-") and not name.endswith("-"), "begins or ends with a hyphen"),
)
TARGET_GROUP_NAME = Text(
    "a-zA-Z0-9-",
    32,
    Quote(
        "elbv2",
        "CreateTargetGroup:Name",
        "can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen",
    ),
    extra=_ELB_NAME_CLAUSES,
)
LOAD_BALANCER_NAME = Text(
    "a-zA-Z0-9-",
    32,
    Quote(
        "elbv2", "CreateLoadBalancer:Name", 'must not begin or end with a hyphen, and must not begin with "internal-"'
    ),
    extra=(*_ELB_NAME_CLAUSES, (lambda name: not name.lower().startswith("internal-"), "begins with internal-")),
)
ECS_NAME = "a-zA-Z0-9_-"
_ECS_SAYS = "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
CLUSTER_NAME = Text(ECS_NAME, 255, Quote("ecs", "CreateCluster:clusterName", _ECS_SAYS))
SERVICE_NAME = Text(ECS_NAME, 255, Quote("ecs", "CreateService:serviceName", _ECS_SAYS))
FAMILY = Text(ECS_NAME, 255, Quote("ecs", "RegisterTaskDefinition:family", _ECS_SAYS))
TOPIC_NAME = Text(
    "a-zA-Z0-9_-",
    256,
    Quote(
        "sns",
        "CreateTopic:Name",
        "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long",
    ),
)
DASHBOARD_NAME = Text(
    "a-zA-Z0-9_-",
    255,
    Quote(
        "cloudwatch",
        "PutDashboard:DashboardName",
        'The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_"',
    ),
)
FUNCTION_NAME = Both(
    (
        Api("lambda", "CreateFunction:FunctionName"),
        Text(
            "a-zA-Z0-9_-",
            64,
            Quote(
                "lambda",
                "CreateFunction:FunctionName",
                "If you specify only the function name, it is limited to 64 characters in length.",
            ),
        ),
    )
)


def _parameter_name(name: Any) -> list[str]:
    if not isinstance(name, str):
        return [f"{name!r} is not a string"]
    problems = []
    if not re.fullmatch(r"[a-zA-Z0-9_.\-/]+", name):
        problems.append(f"{name!r}: only a-zA-Z0-9_.- and / for hierarchies")
    if re.match(r"/?(aws|ssm)", name, re.IGNORECASE):
        problems.append(f"{name!r}: prefixed with aws or ssm")
    if name.count("/") > 15:
        problems.append(f"{name!r}: more than 15 levels")
    if "/" in name and not name.startswith("/"):
        problems.append(f"{name!r}: a hierarchical name starts with /")
    # "The maximum length for a parameter name that you specify is 1011 characters. This count of 1011
    # characters includes the characters in the ARN that precede the name you specify." (PutParameter:Name)
    arn_prefix = len("arn:aws:ssm:ap-southeast-5:123456789012:parameter")
    if len(name) + arn_prefix > 1011:
        problems.append(f"{name!r}: with the ARN before it, longer than 1011 characters")
    return problems


PARAMETER_NAME = Both(
    (
        Api("ssm", "PutParameter:Name"),
        Check(
            _parameter_name,
            Quote(
                "ssm",
                "PutParameter:Name",
                "Parameter names can include only the following symbols and letters: a-zA-Z0-9_.-",
            ),
        ),
    )
)


def _bucket_name(name: Any) -> list[str]:
    if not isinstance(name, str):
        return [f"{name!r} is not a string"]
    problems = []
    if not 3 <= len(name) <= 63 or not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        problems.append(f"{name!r}: 3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end")
    if ".." in name or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        problems.append(f"{name!r}: adjacent dots or an IP address")
    if name.startswith(("xn--", "sthree-", "amzn-s3-demo-")) or name.endswith(
        ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
    ):
        problems.append(f"{name!r}: a reserved prefix or suffix")
    return problems


BUCKET_NAME = Check(
    _bucket_name,
    Url(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        "Bucket names must be between 3 (min) and 63 (max) characters long",
    ),
)


# ---- documents: IAM's grammar and size limits

_IAM_LIMITS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


def _policy(*, principal: bool, resource: bool) -> Callable[[Any], list[str]]:
    """IAM's policy grammar: version, statements with an effect, actions, and a principal only where
    the policy is attached to a resource or is a trust policy."""

    def test(document: Any) -> list[str]:
        if not isinstance(document, dict) or document.get("Version") != "2012-10-17":
            return ['not a policy with "Version": "2012-10-17"']
        statements = document.get("Statement")
        statements = statements if isinstance(statements, list) else [statements]
        problems = [] if statements else ["a policy needs at least one statement"]
        sids = [s.get("Sid") for s in statements if isinstance(s, dict) and "Sid" in s]
        if len(sids) != len(set(sids)):
            problems.append(f"duplicate Sid in {sids}")
        for statement in statements:
            if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
                problems.append(f"{statement!r}: Effect must be Allow or Deny")
                continue
            if ("Action" in statement) == ("NotAction" in statement):
                problems.append(f"{statement!r}: exactly one of Action and NotAction")
            if principal != ("Principal" in statement or "NotPrincipal" in statement):
                problems.append(f"{statement!r}: a Principal {'is required' if principal else 'is not allowed'} here")
            if resource and ("Resource" in statement) == ("NotResource" in statement):
                problems.append(f"{statement!r}: exactly one of Resource and NotResource")
            if not resource and ("Resource" in statement or "NotResource" in statement):
                problems.append(f"{statement!r}: a trust policy names no Resource")
            if "Sid" in statement and not re.fullmatch(r"[A-Za-z0-9]*", str(statement["Sid"])):
                problems.append(f"{statement!r}: a Sid of letters and digits only")
        return problems

    return test


def iam_size(document: str) -> int:
    """IAM counts a policy's characters without white space."""
    return len(re.sub(r"\s", "", document))


def _sized(limit: int, says: str) -> Check:
    return Check(
        lambda text: (
            [] if iam_size(text) <= limit else [f"{iam_size(text)} characters without white space, over {limit}"]
        ),
        Url(_IAM_LIMITS, says),
    )


IDENTITY_POLICY = Check(
    _policy(principal=False, resource=True),
    Url(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
        "principal_block is only for resource-based and trust policies",
    ),
)
TRUST_POLICY = Check(
    _policy(principal=True, resource=False),
    Url(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        "You must use the Principal element in resource-based policies",
    ),
)
RESOURCE_POLICY = Check(_policy(principal=True, resource=True), TRUST_POLICY.cited)
#: Inline policies of one role share 10,240 characters; the test adds them up per role.
INLINE_ROLE_POLICIES_LIMIT = 10_240
INLINE_ROLE_POLICIES_SAYS = "Role policy size cannot exceed 10,240 characters"
#: Amazon VPC User Guide, "Amazon VPC quotas", Security groups: "Inbound or outbound rules per security group",
#: default 60 (adjustable), for IPv4 and IPv6 rules separately; a rule naming a CIDR or a group counts one.
#: The test counts a run's rules per group, direction and IP version (``security_group_rules_over``).
SECURITY_GROUP_RULES_PER_DIRECTION = 60
SECURITY_GROUP_RULE_TYPES = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "inbound",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "outbound",
}


def security_group_rules_over(resources: Iterable[Any], quota: int = SECURITY_GROUP_RULES_PER_DIRECTION) -> list[str]:
    """Each security group, direction and IP version holding more than ``quota`` of ``resources``' rules
    (registered resources with ``type`` and ``inputs``)."""
    counts = Counter(
        (r.inputs["securityGroupId"], SECURITY_GROUP_RULE_TYPES[r.type], "IPv6" if r.inputs.get("cidrIpv6") else "IPv4")
        for r in resources
        if r.type in SECURITY_GROUP_RULE_TYPES
    )
    return [
        f"{group}: {n} {direction} {ip} rules, over {quota}"
        for (group, direction, ip), n in counts.items()
        if n > quota
    ]


# ---- other documented rules


def _one_of(values: tuple[str, ...]) -> Callable[[Any], list[str]]:
    return lambda value: [] if value in values else [f"{value!r} is not one of {values}"]


def _range(low: float, high: float) -> Callable[[Any], list[str]]:
    return lambda value: [] if low <= float(value) <= high else [f"{value!r} outside {low}-{high}"]


def _tenths(low: float, high: float) -> Callable[[Any], list[str]]:
    """A multiple of 0.1 from ``low`` to ``high`` (compared in tenths, so 2.5 is not lost to binary floats)."""

    def test(value: Any) -> list[str]:
        tenths = round(float(value) * 10)
        ok = abs(float(value) * 10 - tenths) < 1e-9 and round(low * 10) <= tenths <= round(high * 10)
        return [] if ok else [f"{value!r} is not a multiple of 0.1 from {low} to {high}"]

    return test


#: The provider types the ECS minutes as nullable ints held in strings and sends them as integers
#: (internal/service/ecs/service.go: expandBakeTimeInMinutes, expandCanaryConfiguration,
#: expandLinearConfiguration).
ECS_MINUTES = "internal/service/ecs/service.go: nullable.TypeNullableInt, sent as an integer"
MINUTES_SAY = "Valid values are 0 to 1440 minutes (24 hours)."


def _header_name(name: Any) -> list[str]:
    token = re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,40}", str(name))
    return [] if token else [f"{name!r}: not 1-40 RFC 7230 token characters"]


def _ipv4_cidr(value: Any) -> list[str]:
    return (
        [] if go_accepts_ipv4_cidr(str(value)) else [f"{value!r}: not an IPv4 network as Go's net.ParseCIDR reads it"]
    )


def _vpc_cidr(value: Any) -> list[str]:
    problems = _ipv4_cidr(value)
    return problems or ([] if 16 <= ipaddress.IPv4Network(value).prefixlen <= 28 else [f"{value!r}: not /16 to /28"])


def _image_ref(ref: Any) -> list[str]:
    """``<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>[@sha256:<digest>]`` with ECR's
    repository name and tag rules and the OCI reference grammar."""
    match = re.fullmatch(
        r"(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+):([^@]+)(@sha256:[0-9a-f]{64})?", str(ref)
    )
    if not match:
        return [f"{ref!r}: not <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>[@sha256:<digest>]"]
    repository, tag = match.group(3), match.group(4)
    problems = shape_problems(shape_at("ecr", "CreateRepository:repositoryName"), repository, "repository")
    problems += shape_problems(shape_at("ecr", "PutImage:imageTag"), tag, "tag")
    if not re.fullmatch(r"[\w][\w.-]{0,127}", tag):
        problems.append(f"{tag!r}: an OCI tag is [a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}")
    return problems


IMAGE_REF = Check(
    _image_ref,
    Url(
        "https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests",
        "[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}",
    ),
)
PLATFORM = Check(
    _one_of(tuple(p.value for p in docker_build.Platform)),
    Url("pulumi_docker_build.Platform", "the platforms docker-build accepts"),
)
ECR_REGISTRY = Check(
    lambda host: (
        []
        if re.fullmatch(r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com", str(host))
        else [f"{host!r}: not an ECR registry"]
    ),
    Url(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html",
        "https://aws_account_id.dkr.ecr.region.amazonaws.com",
    ),
)
BUILD_LOCAL = Unsent("read by BuildKit on the deploying machine; no AWS API takes it", kind=(str, bool, dict, list))


_AT = r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)"
_RATE = r"rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)"
_CRON = r"cron\(\S+ \S+ \S+ \S+ \S+ \S+\)"


def _schedule(*forms: str) -> Callable[[Any], list[str]]:
    def test(expression: Any) -> list[str]:
        ok = any(re.fullmatch(form, str(expression)) for form in forms)
        return [] if ok else [f"{expression!r}: not one of the forms {forms}"]

    return test


# EventBridge rules take rate() and cron() only; at() is Scheduler's and Application Auto Scaling's.
EVENTS_SCHEDULE = Check(
    _schedule(_RATE, _CRON),
    Url(
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html",
        "rate(value unit) ... If the value is equal to 1, then the unit must be singular",
    ),
)
SCALING_SCHEDULE = Check(
    _schedule(_AT, _RATE, _CRON),
    Quote(
        "application-autoscaling",
        "PutScheduledAction:Schedule",
        "The cron format consists of six fields separated by white spaces",
    ),
)


def _archive_size(archive: Any) -> list[str]:
    """The provider zips the archive's files and uploads them as ``Code.ZipFile``: their size bounds it."""
    assets = getattr(archive, "assets", None)
    if not isinstance(assets, dict):
        return [f"{archive!r} is not an archive of files"]
    size = sum(len(Path(asset.path).read_bytes()) for asset in assets.values() if hasattr(asset, "path"))
    size += sum(len(asset.text.encode()) for asset in assets.values() if hasattr(asset, "text"))
    return [] if size <= 50 * 1024 * 1024 else [f"{size} bytes, over the 50 MB direct-upload limit"]


#: Dashboard Body Structure and Syntax: each widget's type and grid position ("x ... Valid Values: 0-23",
#: "width ... 1-24", "height ... 1-1000", "y ... 0 or higher"); a metric widget's properties need
#: its metrics (each [namespace, name, dimension name, value, ..., {options}] or an expression) and region.
_WIDGET_TYPES = ("metric", "text", "log", "alarm", "explorer")
_GRID = {"x": (0, 23), "y": (0, float("inf")), "width": (1, 24), "height": (1, 1000)}


def _widget(widget: Any) -> list[str]:
    if not isinstance(widget, dict) or widget.get("type") not in _WIDGET_TYPES:
        return [f"widget {widget!r}: a type of {_WIDGET_TYPES}"]
    problems = [
        f"widget {key} {widget[key]!r}: outside {low}-{high}"
        for key, (low, high) in _GRID.items()
        if key in widget and not (isinstance(widget[key], int) and low <= widget[key] <= high)
    ]
    if widget.get("x", 0) + widget.get("width", 6) > 24:
        problems.append(f"widget at x {widget.get('x')} with width {widget.get('width')}: past the 24 columns")
    properties = widget.get("properties")
    if not isinstance(properties, dict):
        return [*problems, "a widget needs its properties"]
    if widget["type"] == "metric":
        if not properties.get("region"):
            problems.append("a metric widget needs its region")
        for metric in properties.get("metrics", []):
            names = [m for m in metric if not isinstance(m, dict)]
            if not all(isinstance(m, str) for m in names) or len(names) < 2 or len(names) % 2:
                problems.append(f"metric {metric!r}: [namespace, name, dimension, value, ...] with an optional {{}}")
    return problems


def _dashboard(body: Any) -> list[str]:
    widgets = body.get("widgets") if isinstance(body, dict) else None
    if not isinstance(widgets, list):
        return ["a dashboard body must have a widgets array"]
    problems = [] if len(widgets) <= 500 else [f"{len(widgets)} widgets, more than 500"]
    return problems + [problem for widget in widgets for problem in _widget(widget)]


#: "Defined runtime environment variables": Lambda refuses a function that sets one of these itself.
_LAMBDA_RESERVED = re.compile(
    r"_HANDLER|_X_AMZN_TRACE_ID|AWS_DEFAULT_REGION|AWS_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_.*|AWS_ACCESS_KEY.*"
    r"|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR"
)


def _lambda_environment(variables: Any) -> list[str]:
    size = sum(len(k) + len(v) for k, v in dict(variables).items())
    problems = [] if size <= 4096 else [f"environment variables take {size} bytes, over 4 KB"]
    return problems + [f"{key}: reserved by Lambda" for key in variables if _LAMBDA_RESERVED.fullmatch(key)]


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a recorded value (inputs, outputs, an invoke's answer), however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def _event_pattern(pattern: Any) -> list[str]:
    if not isinstance(pattern, dict):
        return ["an event pattern is a JSON object"]

    def leaves(node: Any, where: str) -> list[str]:
        if isinstance(node, dict):
            return [p for key, value in node.items() for p in leaves(value, f"{where}.{key}")]
        return [] if isinstance(node, list) and node else [f"{where}: a pattern's values are non-empty arrays"]

    return leaves(pattern, "pattern")


# ---- SQS (the worker example): CreateQueue takes its settings as Attributes, documented in prose.

QUEUE_NAME = Text(
    "a-zA-Z0-9_-",
    80,
    Quote(
        "sqs",
        "CreateQueue:QueueName",
        "A queue name can have up to 80 characters. Valid values: alphanumeric characters, hyphens ( - ), and "
        "underscores ( _ ).",
    ),
)


def _queue_attribute(says: str, low: int, high: int) -> Check:
    """An integer attribute of CreateQueue in ``low``-``high``, as its Attributes documentation says."""
    return Check(_range(low, high), Quote("sqs", "CreateQueue:Attributes", says))


def _boolean(value: Any) -> list[str]:
    return [] if isinstance(value, bool) else [f"{value!r} is not true or false"]


def _redrive_policy(policy: Any) -> list[str]:
    """RedrivePolicy: a dead-letter queue's ARN and how many receives a message gets before it goes there."""
    problems = [] if set(policy) == {"deadLetterTargetArn", "maxReceiveCount"} else [f"keys {sorted(policy)}"]
    if not str(policy.get("deadLetterTargetArn", "")).startswith("arn:aws:sqs:"):
        problems.append(f"deadLetterTargetArn {policy.get('deadLetterTargetArn')!r} is no queue ARN")
    if not isinstance(policy.get("maxReceiveCount"), int) or policy["maxReceiveCount"] < 1:
        problems.append(f"maxReceiveCount {policy.get('maxReceiveCount')!r} is no count of deliveries")
    return problems


def _subscription_endpoint(endpoint: Any) -> list[str]:
    return [] if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(endpoint)) else [f"{endpoint!r}: not an e-mail address"]


def _resource_label(label: Any) -> list[str]:
    ok = re.fullmatch(r"app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+", str(label))
    return [] if ok else [f"{label!r}: not app/<alb>/<id>/targetgroup/<tg>/<id>"]


ECR_CACHE_FLAG = Check(
    lambda on: [] if on is True else ["ECR stores a BuildKit cache only as an image manifest with OCI media types"],
    Url(
        "https://aws.amazon.com/blogs/containers/announcing-remote-cache-support-in-amazon-ecr-for-buildkit-clients/",
        "image-manifest=true,oci-mediatypes=true",
    ),
)


def _service_resource_id(resource_id: Any) -> list[str]:
    return (
        []
        if re.fullmatch(r"service/[^/]+/[^/]+", str(resource_id))
        else [f"{resource_id!r}: not service/<cluster>/<service>"]
    )


SERVICE_RESOURCE_ID = Check(
    _service_resource_id,
    Quote("application-autoscaling", "RegisterScalableTarget:ResourceId", "Example: service/my-cluster/my-service ."),
)


def _tls_policy(name: Any) -> list[str]:
    # Not AWS's rule but this project's (AWS accepts other predefined policies): the TLS 1.3 family
    # that allows TLS 1.2 at the oldest, as the policy pack demands.
    return (
        []
        if re.fullmatch(r"ELBSecurityPolicy-TLS13-1-[23](-(Res|Ext1|Ext2|FIPS))?-20\d\d-\d\d", str(name))
        else [f"{name!r}: not a TLS 1.2+ predefined policy"]
    )


def _path_pattern(value: Any) -> list[str]:
    ok = isinstance(value, str) and len(value) <= 128 and re.fullmatch(r"""[A-Za-z0-9_\-.$/~"'@:+&*?]+""", value)
    return [] if ok else [f"{value!r}: at most 128 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"]


def _rule_conditions(conditions: Any) -> list[str]:
    """A listener rule's conditions together: at most 5 values and 5 wildcards (``*``, ``?``) in all."""
    values = [v for c in conditions or [] for config in c.values() if isinstance(config, dict)
              for v in config.get("values") or []]  # fmt: skip
    wildcards = sum(str(v).count("*") + str(v).count("?") for v in values)
    problems = [f"{len(values)} condition values, over 5"] if len(values) > 5 else []
    return problems + ([f"{wildcards} wildcards, over 5"] if wildcards > 5 else [])


RULE_CONDITIONS = Check(
    _rule_conditions,
    Url(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html",
        "Condition values per rule: 5; Condition wildcards per rule: 5 (not adjustable)",
    ),
)


LIFECYCLE_POLICY = Check(
    lambda doc: [] if isinstance(doc, dict) and doc.get("rules") else ["a lifecycle policy has rules"],
    Url("https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html", "lifecycle policy parameters"),
)


def _container_limits(definitions: Any) -> list[str]:
    """ECS's prose limits on a container definition for Fargate (botocore ``ContainerDefinition`` and
    ``HealthCheck`` documentation, quoted in ``CONTAINER_LIMITS``)."""
    problems = []
    for container in definitions if isinstance(definitions, list) else []:
        if "stopTimeout" in container and not 2 <= container["stopTimeout"] <= 120:
            problems.append(f"stopTimeout {container['stopTimeout']}: Fargate takes 2-120 seconds")
        check = container.get("healthCheck", {})
        for key in ("interval", "timeout", "retries", "startPeriod"):
            low, high = _health_check_range(key)
            if key in check and not low <= check[key] <= high:
                problems.append(f"healthCheck.{key} {check[key]}: outside {low}-{high}")
        for mapping in container.get("portMappings", []):
            if "name" in mapping and not re.fullmatch(r"[a-z0-9_][a-z0-9_-]{0,63}", mapping["name"]):
                problems.append(f"port mapping name {mapping['name']!r}: lower-case letters, digits, _ and -")
    return problems


@functools.cache
def _health_check_range(key: str) -> tuple[Decimal, Decimal]:
    """The range ECS states for ``HealthCheck.<key>`` (quoted in ``CONTAINER_LIMITS``)."""
    return stated_range("ecs", f"HealthCheck.{key}")


@functools.cache
def _retention_days() -> tuple[int, ...]:
    """The retentions CloudWatch Logs offers, as its documentation lists them (quoted beside the check)."""
    return stated_values("logs", "PutRetentionPolicy:retentionInDays")


#: The first port a non-root process may bind: Linux's ``net.ipv4.ip_unprivileged_port_start`` default
#: (Documentation/networking/ip-sysctl.rst); below it a process needs CAP_NET_BIND_SERVICE.
UNPRIVILEGED_PORT_START = 1024


def _is_root(user: Any) -> bool:
    """Whether ``user`` (``uid[:gid]`` or a name) is root; no user at all is the image's, unknown here."""
    uid = str(user).split(":")[0]
    return uid == "root" or (re.fullmatch(r"[0-9]+", uid) is not None and int(uid) == 0)


def _privileged_ports(definitions: Any) -> list[str]:
    """A container that runs as a non-root user maps no port below 1024: on Fargate its process could not
    bind it. A non-root process has no capabilities, and Fargate lets a task add none but SYS_PTRACE
    (``PRIVILEGED_PORTS``), so none to bind a low port; the open aws/containers-roadmap#1721 ("[ECS]
    [request]: allow containers running as non-root to bind to privileged ports": "The ECS container
    runtime does not allow a process running as a non-root user to bind to privileged ports (<1024)").
    Only a ``net.ipv4.ip_unprivileged_port_start`` system control would lower the limit, for every container
    of an awsvpc task (botocore ecs ``SystemControl``: "if you set systemControls for any container, it
    applies to all containers in the task")."""
    containers = definitions if isinstance(definitions, list) else []
    controls = {c.get("namespace"): c.get("value") for d in containers for c in d.get("systemControls", [])}
    start = int(controls.get("net.ipv4.ip_unprivileged_port_start", UNPRIVILEGED_PORT_START))
    problems = []
    for container in containers:
        if "user" not in container or _is_root(container["user"]):
            continue
        for mapping in container.get("portMappings", []):
            if mapping.get("containerPort", start) < start:
                problems.append(
                    f"container {container.get('name')!r} runs as {container['user']!r}, not root, and maps port "
                    f"{mapping['containerPort']}: a non-root process cannot bind a port below {start}"
                )
    return problems


#: runc's libcontainer/rootfs_linux.go ``checkProcMount``: the only entries inside /proc a container may have
#: a mount on, files LXCFS emulates (``validProcMounts``).
RUNC_VALID_PROC_MOUNTS = frozenset({
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
    "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
})  # fmt: skip


def _proc_mounts(definitions: Any) -> list[str]:
    """What runc refuses of a container's mount points (``checkProcMount``): on /proc itself only a procfs,
    which no ECS volume is ('"%q cannot be mounted because it is not of type proc"'), and inside /proc
    nothing but ``RUNC_VALID_PROC_MOUNTS`` ('"%q cannot be mounted because it is inside /proc"'). The
    task stops before its containers start."""
    problems = []
    for container in definitions if isinstance(definitions, list) else []:
        for mount in container.get("mountPoints", []):
            path = PurePosixPath(posixpath.normpath(str(mount.get("containerPath", ""))))
            if path == PurePosixPath("/proc"):
                problems.append(f"{str(path)!r} cannot be mounted because it is not of type proc")
            elif path.is_relative_to("/proc") and str(path) not in RUNC_VALID_PROC_MOUNTS:
                problems.append(f"{str(path)!r} cannot be mounted because it is inside /proc")
    return problems


RUNC_PROC_MOUNTS = Url(
    "https://github.com/opencontainers/runc/blob/main/libcontainer/rootfs_linux.go",
    'checkProcMount: "%q cannot be mounted because it is inside /proc"',
)


PRIVILEGED_PORTS = Quote(
    "ecs", "KernelCapabilities.add", "Tasks launched on Fargate only support adding the SYS_PTRACE kernel capability."
)


#: Where ECS states the limits ``_container_limits`` applies; a test finds each sentence in botocore.
CONTAINER_LIMITS = (
    Quote("ecs", "ContainerDefinition.stopTimeout", "The valid values for Fargate are 2-120 seconds."),
    Quote("ecs", "HealthCheck.interval", "You may specify between 5 and 300 seconds."),
    Quote("ecs", "HealthCheck.timeout", "You may specify between 2 and 60 seconds."),
    Quote("ecs", "HealthCheck.retries", "You may specify between 1 and 10 retries."),
    Quote("ecs", "HealthCheck.startPeriod", "You can specify between 0 and 300 seconds."),
)


# ---- the table


def _api(service: str, operation: str) -> Callable[[str], Api]:
    return lambda member: Api(service, f"{operation}:{member}")


ecr = _api("ecr", "CreateRepository")
ecs_service = _api("ecs", "CreateService")
ecs_task = _api("ecs", "RegisterTaskDefinition")
ecs_cluster = _api("ecs", "CreateCluster")
target_group = _api("elbv2", "CreateTargetGroup")
listener = _api("elbv2", "CreateListener")
alarm = _api("cloudwatch", "PutMetricAlarm")
scaling_target = _api("application-autoscaling", "RegisterScalableTarget")
scaling_policy = _api("application-autoscaling", "PutScalingPolicy")
schedule = _api("application-autoscaling", "PutScheduledAction")
record = _api("route53", "ChangeResourceRecordSets")
lambda_fn = _api("lambda", "CreateFunction")
RECORD_SET = "ChangeBatch.Changes[].ResourceRecordSet"
AWSVPC = "networkConfiguration.awsvpcConfiguration"
TRACKING = "targetTrackingScalingPolicyConfiguration"
TRACKING_API = "TargetTrackingScalingPolicyConfiguration"


def lb_attribute(key: str, *rules: Rule, of: str = "LoadBalancerAttribute") -> Sent:
    """A load balancer (or, ``of="TargetGroupAttribute"``, target group) setting the provider sends as an
    attribute ``key`` (``Key``/``Value`` strings) with ModifyLoadBalancerAttributes / ModifyTargetGroupAttributes."""
    value = Api("elbv2", f"{of}.Value")
    return Sent(
        lambda v: ("true" if v else "false") if isinstance(v, bool) else str(int(v)) if isinstance(v, float) else v,
        f"{TF_LB}/load_balancer.go, target_group.go: {key} attribute",
        (value, *rules),
    )


def _as_number(rule: Rule) -> Sent:
    return Sent(float, "attribute value as a number", (rule,))


ECS_SECURITY_GROUPS = Check(
    lambda groups: [] if len(groups) <= 5 else ["more than 5 security groups"],
    Quote("ecs", "AwsVpcConfiguration.securityGroups", "There's a limit of 5 security groups that can be specified."),
)
ECS_SUBNETS = Check(
    lambda subnets: [] if len(subnets) <= 16 else ["more than 16 subnets"],
    Quote("ecs", "AwsVpcConfiguration.subnets", "There's a limit of 16 subnets that can be specified."),
)


def _ec2_tag_key(tag: Any) -> list[str]:
    key = tag["Key"]
    return [f"{key!r}: over 127 characters or starts with aws:"] if len(key) > 127 or key.startswith("aws:") else []


def _ec2_tag_value(tag: Any) -> list[str]:
    return [f"{tag['Value']!r}: over 256 characters"] if len(tag["Value"]) > 256 else []


def _ec2_tags(create: str) -> Sent:
    """ec2/tags.go getTagSpecificationsIn: the resource's tags go in its ``create`` request as
    TagSpecification{ResourceType, Tags: []Tag{Key, Value}} (tag on create)."""
    return Sent(
        pairs(("Key", "Value")),
        "ec2/tags.go getTagSpecificationsIn: TagSpecification{Tags: []Tag{Key, Value}}",
        (
            Api("ec2", f"{create}:TagSpecifications[].Tags"),
            Each(
                Check(
                    _ec2_tag_key,
                    Quote("ec2", "Tag.Key", "accept a maximum of 127 Unicode characters. May not begin with"),
                )
            ),
            Each(Check(_ec2_tag_value, Quote("ec2", "Tag.Value", "accept a maximum of 256 Unicode characters"))),
        ),
    )


EC2_TAGS = _ec2_tags("CreateSecurityGroup")


EGRESS_OR_INGRESS: Mapping[str, Rule] = {
    "tags": EC2_TAGS,
    "description": RULE_DESCRIPTION,
    "cidrIpv4": Both(
        (Api("ec2", "IpRange.CidrIp"), Check(_ipv4_cidr, Quote("ec2", "IpRange.CidrIp", "The IPv4 address range")))
    ),
    "fromPort": Both(
        (
            Api("ec2", "IpPermission.FromPort"),
            Check(
                _range(0, 65535),
                Quote(
                    "ec2", "IpPermission.FromPort", "If the protocol is TCP or UDP, this is the start of the port range"
                ),
            ),
        )
    ),
    "toPort": Both(
        (
            Api("ec2", "IpPermission.ToPort"),
            Check(
                _range(0, 65535),
                Quote("ec2", "IpPermission.ToPort", "If the protocol is TCP or UDP, this is the end of the port range"),
            ),
        )
    ),
    "ipProtocol": Both(
        (
            Api("ec2", "IpPermission.IpProtocol"),
            Check(
                lambda p: (
                    []
                    if p in ("tcp", "udp", "icmp", "icmpv6", "-1") or str(p).isdigit()
                    else [f"{p!r}: not a protocol"]
                ),
                Quote("ec2", "IpPermission.IpProtocol", "The IP protocol name ( tcp , udp , icmp , icmpv6 ) or number"),
            ),
        )
    ),
    "referencedSecurityGroupId": ISSUED,
    "securityGroupId": ISSUED,
}

LOG_GROUP_NAME = Api("logs", "CreateLogGroup:logGroupName")
DIMENSIONS = Sent(
    pairs(("Name", "Value")),
    "internal/service/cloudwatch/metric_alarm.go: expandMetricAlarmDimensions",
    (alarm("Dimensions"),),
)
METRIC_QUERY = "Metrics[]"

RULES: dict[str, Mapping[str, Rule]] = {
    "aws:ecr/repository:Repository": {
        "name": ecr("repositoryName"),
        "forceDelete": Api("ecr", "DeleteRepository:force"),
        "imageScanningConfiguration.scanOnPush": ecr("imageScanningConfiguration.scanOnPush"),
        "imageTagMutability": ecr("imageTagMutability"),
        "imageTagMutabilityExclusionFilters[].filter": ecr("imageTagMutabilityExclusionFilters[].filter"),
        "imageTagMutabilityExclusionFilters[].filterType": ecr("imageTagMutabilityExclusionFilters[].filterType"),
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
        "repository": Api("ecr", "PutLifecyclePolicy:repositoryName"),
        "policy": Both((Api("ecr", "PutLifecyclePolicy:lifecyclePolicyText"), Json(LIFECYCLE_POLICY))),
    },
    "docker-build:index:Image": {
        "tags": Each(IMAGE_REF),
        "cacheFrom[].registry.ref": IMAGE_REF,
        "cacheTo[].registry.ref": IMAGE_REF,
        "cacheTo[].registry.mode": Check(
            _one_of(tuple(m.value for m in docker_build.CacheMode)), Url("pulumi_docker_build.CacheMode", "min or max")
        ),
        "cacheTo[].registry.imageManifest": ECR_CACHE_FLAG,
        "cacheTo[].registry.ociMediaTypes": ECR_CACHE_FLAG,
        "platforms": Each(PLATFORM),
        "registries[].address": ECR_REGISTRY,
        "registries[].username": ISSUED,
        "registries[].password": ISSUED,
        "context.location": BUILD_LOCAL,
        "dockerfile.location": BUILD_LOCAL,
        "exports[].cacheonly": BUILD_LOCAL,
        "buildArgs": BUILD_LOCAL,
        "secrets": BUILD_LOCAL,
        "network": Check(
            _one_of(tuple(m.value for m in docker_build.NetworkMode)),
            Url("pulumi_docker_build.NetworkMode", "default, host or none"),
        ),
        "push": BUILD_LOCAL,
        "buildOnPreview": BUILD_LOCAL,
        "ignoreSecretsInDiffCalculation": BUILD_LOCAL,
        "builder.name": BUILD_LOCAL,
    },
    "docker-build:index:Index": {
        "tag": IMAGE_REF,
        "sources": Each(IMAGE_REF),
        "registry.address": ECR_REGISTRY,
        "registry.username": ISSUED,
        "registry.password": ISSUED,
        "push": BUILD_LOCAL,
    },
    "awsx:ec2:Vpc": {
        "cidrBlock": Check(
            _vpc_cidr,
            Url(
                "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
                "The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16 IP addresses)",
            ),
        ),
        "numberOfAvailabilityZones": Check(
            _range(1, 6),
            Url(
                "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html",
                "every Region has at least three Availability Zones; awsx spreads subnets over this many",
            ),
        ),
        "enableDnsHostnames": Api("ec2", "ModifyVpcAttribute:EnableDnsHostnames.Value"),
        "natGateways.strategy": Check(
            _one_of(tuple(s.value for s in awsx.ec2.NatGatewayStrategy)),
            Url("pulumi_awsx.ec2.NatGatewayStrategy", "None, Single or OnePerAz"),
        ),
        # vpc.ts hands them to the VPC and each child that takes tags, each created with them (CreateVpc,
        # CreateSubnet, ... alike: tests/program/network_requests.py).
        "tags": _ec2_tags("CreateVpc"),
    },
    "aws:s3/bucket:Bucket": {
        "bucket": Both((Api("s3", "CreateBucket:Bucket"), BUCKET_NAME)),
        "forceDestroy": Unsent("the provider empties the bucket itself before DeleteBucket"),
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        "bucket": ISSUED,
        **{
            key: Api("s3", f"PutPublicAccessBlock:PublicAccessBlockConfiguration.{member}")
            for key, member in {
                "blockPublicAcls": "BlockPublicAcls",
                "blockPublicPolicy": "BlockPublicPolicy",
                "ignorePublicAcls": "IgnorePublicAcls",
                "restrictPublicBuckets": "RestrictPublicBuckets",
            }.items()
        },
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        "bucket": ISSUED,
        "rule.objectOwnership": Api("s3", "PutBucketOwnershipControls:OwnershipControls.Rules[].ObjectOwnership"),
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "bucket": ISSUED,
        "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": Both(
            (
                Api(
                    "s3",
                    "PutBucketEncryption:ServerSideEncryptionConfiguration.Rules[].ApplyServerSideEncryptionByDefault.SSEAlgorithm",
                ),
                Check(
                    _one_of(("AES256",)),
                    Url(
                        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
                        "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)",
                    ),
                ),
            )
        ),
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "bucket": ISSUED,
        "rules[].expiration.days": Api(
            "s3", "PutBucketLifecycleConfiguration:LifecycleConfiguration.Rules[].Expiration.Days"
        ),
        "rules[].filter.prefix": Api(
            "s3", "PutBucketLifecycleConfiguration:LifecycleConfiguration.Rules[].Filter.Prefix"
        ),
        "rules[].id": Both(
            (
                Api("s3", "LifecycleRule.ID"),
                Text(
                    r"\x20-\x7e",
                    255,
                    Quote("s3", "LifecycleRule.ID", "The value cannot be longer than 255 characters."),
                ),
            )
        ),
        "rules[].status": Api("s3", "PutBucketLifecycleConfiguration:LifecycleConfiguration.Rules[].Status"),
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        "bucket": ISSUED,
        "policy": Json(
            RESOURCE_POLICY,
            20 * 1024,
            Url(
                "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
                "Bucket policies are limited to 20 KB in size.",
            ),
        ),
    },
    "aws:acm/certificate:Certificate": {
        "domainName": Both(
            (
                Api("acm", "RequestCertificate:DomainName"),
                Check(
                    lambda name: [] if len(str(name)) <= 64 else [f"{name!r}: {len(str(name))} characters, over 64"],
                    Quote(
                        "acm",
                        "RequestCertificate:DomainName",
                        "cannot exceed 64 octets (characters), including periods",
                    ),
                ),
            )
        ),
        "validationMethod": Api("acm", "RequestCertificate:ValidationMethod"),
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        "certificateArn": ISSUED,
        "validationRecordFqdns": Unsent(
            "the provider compares them with DescribeCertificate's records while it waits", kind=list
        ),
    },
    "aws:route53/record:Record": {
        "zoneId": record("HostedZoneId"),
        "name": record(f"{RECORD_SET}.Name"),
        "type": record(f"{RECORD_SET}.Type"),
        "ttl": record(f"{RECORD_SET}.TTL"),
        "records": Sent(
            lambda values: [{"Value": v} for v in values],
            "internal/service/route53/record.go: expandResourceRecords",
            (record(f"{RECORD_SET}.ResourceRecords"),),
        ),
        "aliases[].name": record(f"{RECORD_SET}.AliasTarget.DNSName"),
        "aliases[].zoneId": record(f"{RECORD_SET}.AliasTarget.HostedZoneId"),
        "aliases[].evaluateTargetHealth": record(f"{RECORD_SET}.AliasTarget.EvaluateTargetHealth"),
        "allowOverwrite": Sent(
            lambda overwrite: "UPSERT" if overwrite else "CREATE",
            "internal/service/route53/record.go: resourceRecordCreate",
            (record("ChangeBatch.Changes[].Action"),),
        ),
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        "name": GROUP_NAME,
        "description": GROUP_DESCRIPTION,
        "vpcId": ISSUED,
        "tags": EC2_TAGS,
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": EGRESS_OR_INGRESS,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": EGRESS_OR_INGRESS,
    "aws:lb/loadBalancer:LoadBalancer": {
        "name": LOAD_BALANCER_NAME,
        "loadBalancerType": Api("elbv2", "CreateLoadBalancer:Type"),
        "internal": Sent(
            lambda internal: "internal" if internal else "internet-facing",
            f"{TF_LB}/load_balancer.go: resourceLoadBalancerCreate",
            (Api("elbv2", "CreateLoadBalancer:Scheme"),),
        ),
        "ipAddressType": Api("elbv2", "CreateLoadBalancer:IpAddressType"),
        "subnets": Api("elbv2", "CreateLoadBalancer:Subnets"),
        "securityGroups": Api("elbv2", "CreateLoadBalancer:SecurityGroups"),
        "idleTimeout": lb_attribute(
            "idle_timeout.timeout_seconds",
            _as_number(
                Check(
                    _range(1, 4000), Quote("elbv2", "LoadBalancerAttribute.Key", "The valid range is 1-4000 seconds.")
                )
            ),
        ),
        "dropInvalidHeaderFields": lb_attribute(
            "routing.http.drop_invalid_header_fields.enabled",
            Check(
                _one_of(("true", "false")),
                Quote(
                    "elbv2",
                    "LoadBalancerAttribute.Key",
                    "routing.http.drop_invalid_header_fields.enabled - Indicates whether HTTP headers with invalid header fields are removed by the load balancer ( true ) or routed to targets ( false ).",
                ),
            ),
        ),
        "desyncMitigationMode": lb_attribute(
            "routing.http.desync_mitigation_mode",
            Check(
                _one_of(("monitor", "defensive", "strictest")),
                Quote(
                    "elbv2",
                    "LoadBalancerAttribute.Key",
                    "The possible values are monitor , defensive , and strictest .",
                ),
            ),
        ),
        "enableDeletionProtection": lb_attribute(
            "deletion_protection.enabled",
            Check(
                _one_of(("true", "false")),
                Quote(
                    "elbv2",
                    "LoadBalancerAttribute.Key",
                    "deletion_protection.enabled - Indicates whether deletion protection is enabled. The value is true or false .",
                ),
            ),
        ),
        "accessLogs.enabled": lb_attribute(
            "access_logs.s3.enabled",
            Check(
                _one_of(("true", "false")),
                Quote(
                    "elbv2",
                    "LoadBalancerAttribute.Key",
                    "access_logs.s3.enabled - Indicates whether access logs are enabled. The value is true or false .",
                ),
            ),
        ),
        "accessLogs.bucket": ISSUED,
        "accessLogs.prefix": lb_attribute(
            "access_logs.s3.prefix",
            Check(
                lambda prefix: (
                    []
                    if "AWSLogs" not in prefix and not prefix.startswith("/") and not prefix.endswith("/")
                    else [f"{prefix!r}: no AWSLogs, no leading or trailing slash"]
                ),
                Url(
                    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
                    "The prefix can't include the string AWSLogs",
                ),
            ),
        ),
    },
    "aws:lb/targetGroup:TargetGroup": {
        "name": TARGET_GROUP_NAME,
        "port": target_group("Port"),
        "protocol": target_group("Protocol"),
        "targetType": target_group("TargetType"),
        "vpcId": ISSUED,
        "healthCheck.interval": target_group("HealthCheckIntervalSeconds"),
        "healthCheck.timeout": target_group("HealthCheckTimeoutSeconds"),
        "healthCheck.healthyThreshold": target_group("HealthyThresholdCount"),
        "healthCheck.unhealthyThreshold": target_group("UnhealthyThresholdCount"),
        "healthCheck.path": target_group("HealthCheckPath"),
        "healthCheck.matcher": Both(
            (
                target_group("Matcher.HttpCode"),
                Check(
                    lambda code: (
                        []
                        if all(200 <= int(c) <= 499 for c in re.split(r"[,-]", code))
                        else [f"{code!r}: outside 200-499"]
                    ),
                    Quote(
                        "elbv2",
                        "Matcher.HttpCode",
                        "For Application Load Balancers, you can specify values between 200 and 499",
                    ),
                ),
            )
        ),
        "deregistrationDelay": lb_attribute(
            "deregistration_delay.timeout_seconds",
            _as_number(
                Check(_range(0, 3600), Quote("elbv2", "TargetGroupAttribute.Key", "The range is 0-3600 seconds."))
            ),
            of="TargetGroupAttribute",
        ),
    },
    "aws:lb/listener:Listener": {
        "loadBalancerArn": ISSUED,
        "port": listener("Port"),
        "protocol": listener("Protocol"),
        "sslPolicy": Both(
            (
                listener("SslPolicy"),
                Check(
                    _tls_policy,
                    Url(
                        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
                        "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    ),
                ),
            )
        ),
        "certificateArn": ISSUED,
        "defaultActions[].type": listener("DefaultActions[].Type"),
        "defaultActions[].fixedResponse.contentType": Both(
            (
                listener("DefaultActions[].FixedResponseConfig.ContentType"),
                Check(
                    _one_of(("text/plain", "text/css", "text/html", "application/javascript", "application/json")),
                    Quote(
                        "elbv2",
                        "FixedResponseActionConfig.ContentType",
                        "Valid Values: text/plain | text/css | text/html | application/javascript | application/json",
                    ),
                ),
            )
        ),
        "defaultActions[].fixedResponse.messageBody": listener("DefaultActions[].FixedResponseConfig.MessageBody"),
        "defaultActions[].fixedResponse.statusCode": listener("DefaultActions[].FixedResponseConfig.StatusCode"),
        "defaultActions[].redirect.port": listener("DefaultActions[].RedirectConfig.Port"),
        "defaultActions[].redirect.protocol": listener("DefaultActions[].RedirectConfig.Protocol"),
        "defaultActions[].redirect.statusCode": listener("DefaultActions[].RedirectConfig.StatusCode"),
    },
    "aws:lb/listenerRule:ListenerRule": {
        "listenerArn": ISSUED,
        "priority": Api("elbv2", "CreateRule:Priority"),
        "actions[].type": Api("elbv2", "CreateRule:Actions[].Type"),
        "actions[].targetGroupArn": ISSUED,
        "actions[].forward.targetGroups[].arn": ISSUED,
        "actions[].forward.targetGroups[].weight": Api(
            "elbv2", "CreateRule:Actions[].ForwardConfig.TargetGroups[].Weight"
        ),
        "conditions": Whole(RULE_CONDITIONS),
        "conditions[].httpHeader.httpHeaderName": Both(
            (
                Api("elbv2", "CreateRule:Conditions[].HttpHeaderConfig.HttpHeaderName"),
                Check(
                    _header_name,
                    Quote(
                        "elbv2",
                        "HttpHeaderConditionConfig.HttpHeaderName",
                        "The allowed characters are specified by RFC 7230.",
                    ),
                ),
            )
        ),
        "conditions[].httpHeader.values": Both(
            (
                Api("elbv2", "CreateRule:Conditions[].HttpHeaderConfig.Values"),
                Each(
                    Check(
                        lambda value: [] if len(value) <= 128 else [f"{value!r} longer than 128"],
                        Quote(
                            "elbv2",
                            "HttpHeaderConditionConfig.Values",
                            "The maximum length of each string is 128 characters.",
                        ),
                    )
                ),
            )
        ),
        "conditions[].pathPattern.values": Both(
            (
                Api("elbv2", "CreateRule:Conditions[].PathPatternConfig.Values"),
                Each(
                    Check(
                        _path_pattern,
                        Quote(
                            "elbv2",
                            "PathPatternConditionConfig.Values",
                            "The maximum length of each string is 128 characters.",
                        ),
                    )
                ),
            )
        ),
        # elbv2/listener_rule.go resourceListenerRuleCreate: CreateRuleInput{Tags: getTagsIn}.
        "tags": Sent(
            pairs(("Key", "Value")),
            "elbv2/tags_gen.go getTagsIn: Tag{Key, Value}",
            (Api("elbv2", "CreateRule:Tags"),),
        ),
    },
    "aws:ecs/cluster:Cluster": {
        "name": CLUSTER_NAME,
        "settings[].name": ecs_cluster("settings[].name"),
        "settings[].value": Both(
            (
                ecs_cluster("settings[].value"),
                Check(
                    _one_of(("enhanced", "enabled", "disabled")),
                    Quote(
                        "ecs", "ClusterSetting.value", "The supported values are enhanced , enabled , and disabled ."
                    ),
                ),
            )
        ),
        "configuration.executeCommandConfiguration.kmsKeyId": ecs_cluster(
            "configuration.executeCommandConfiguration.kmsKeyId"
        ),
        "configuration.executeCommandConfiguration.logging": ecs_cluster(
            "configuration.executeCommandConfiguration.logging"
        ),
        "configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName": Both(
            (
                ecs_cluster("configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName"),
                LOG_GROUP_NAME,
            )
        ),
        "configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled": ecs_cluster(
            "configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled"
        ),
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
        "clusterName": Both((Api("ecs", "PutClusterCapacityProviders:cluster"), CLUSTER_NAME)),
        "capacityProviders": Api("ecs", "PutClusterCapacityProviders:capacityProviders"),
        **{
            f"defaultCapacityProviderStrategies[].{member}": Api(
                "ecs", f"PutClusterCapacityProviders:defaultCapacityProviderStrategy[].{member}"
            )
            for member in ("capacityProvider", "base", "weight")
        },
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        "family": Both((ecs_task("family"), FAMILY)),
        "containerDefinitions": Json(
            Both(
                (
                    ecs_task("containerDefinitions"),
                    *(Check(_container_limits, quote) for quote in CONTAINER_LIMITS),
                    Check(_privileged_ports, PRIVILEGED_PORTS),
                    Check(_proc_mounts, RUNC_PROC_MOUNTS),
                )
            ),
            64 * 1024,
            Url(
                "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
                "Task definition max size: 64 KiB",
            ),
        ),
        "cpu": ecs_task("cpu"),
        "memory": ecs_task("memory"),
        "networkMode": ecs_task("networkMode"),
        "requiresCompatibilities": ecs_task("requiresCompatibilities"),
        "runtimePlatform.cpuArchitecture": ecs_task("runtimePlatform.cpuArchitecture"),
        "runtimePlatform.operatingSystemFamily": ecs_task("runtimePlatform.operatingSystemFamily"),
        # A name only: a bind mount on Fargate's ephemeral storage (components/service/writable_paths.py).
        "volumes[].name": ecs_task("volumes[].name"),
        "executionRoleArn": ISSUED,
        "taskRoleArn": ISSUED,
    },
    "aws:ecs/service:Service": {
        "name": SERVICE_NAME,
        "cluster": ISSUED,
        "taskDefinition": ISSUED,
        "desiredCount": ecs_service("desiredCount"),
        "platformVersion": ecs_service("platformVersion"),
        "propagateTags": ecs_service("propagateTags"),
        # ecs/service.go resourceServiceCreate: CreateServiceInput{Tags: getTagsIn} (tag on create; a
        # change of tags alone is TagResource/UntagResource, no UpdateService: resourceServiceUpdate).
        "tags": Sent(pairs(("key", "value")), "ecs/tags_gen.go getTagsIn: Tag{Key, Value}", (ecs_service("tags"),)),
        "enableEcsManagedTags": ecs_service("enableECSManagedTags"),
        "enableExecuteCommand": ecs_service("enableExecuteCommand"),
        "healthCheckGracePeriodSeconds": ecs_service("healthCheckGracePeriodSeconds"),
        "forceNewDeployment": Api("ecs", "UpdateService:forceNewDeployment"),
        "waitForSteadyState": Unsent("the provider polls DescribeServices until the service is steady"),
        "deploymentMaximumPercent": ecs_service("deploymentConfiguration.maximumPercent"),
        "deploymentMinimumHealthyPercent": ecs_service("deploymentConfiguration.minimumHealthyPercent"),
        "deploymentCircuitBreaker.enable": ecs_service("deploymentConfiguration.deploymentCircuitBreaker.enable"),
        "deploymentCircuitBreaker.rollback": ecs_service("deploymentConfiguration.deploymentCircuitBreaker.rollback"),
        "deploymentConfiguration.strategy": ecs_service("deploymentConfiguration.strategy"),
        "deploymentConfiguration.bakeTimeInMinutes": Sent(
            int,
            ECS_MINUTES,
            (
                ecs_service("deploymentConfiguration.bakeTimeInMinutes"),
                Check(
                    _range(0, 1440),
                    Url(
                        "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ecs/service.go",
                        "bake_time_in_minutes: nullable.ValidateTypeStringNullableIntBetween(0, 1440)",
                    ),
                ),
            ),
        ),
        "deploymentConfiguration.canaryConfiguration.canaryPercent": Both(
            (
                ecs_service("deploymentConfiguration.canaryConfiguration.canaryPercent"),
                Check(
                    _tenths(0.1, 100),
                    Quote(
                        "ecs",
                        "CanaryConfiguration.canaryPercent",
                        "Valid values are multiples of 0.1 from 0.1 to 100.0.",
                    ),
                ),
            )
        ),
        "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes": Sent(
            int,
            ECS_MINUTES,
            (
                ecs_service("deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes"),
                Check(_range(0, 1440), Quote("ecs", "CanaryConfiguration.canaryBakeTimeInMinutes", MINUTES_SAY)),
            ),
        ),
        "deploymentConfiguration.linearConfiguration.stepPercent": Both(
            (
                ecs_service("deploymentConfiguration.linearConfiguration.stepPercent"),
                Check(
                    _tenths(3, 100),
                    Quote(
                        "ecs",
                        "LinearConfiguration.stepPercent",
                        "Valid values are multiples of 0.1 from 3.0 to 100.0.",
                    ),
                ),
            )
        ),
        "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes": Sent(
            int,
            ECS_MINUTES,
            (
                ecs_service("deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes"),
                Check(_range(0, 1440), Quote("ecs", "LinearConfiguration.stepBakeTimeInMinutes", MINUTES_SAY)),
            ),
        ),
        # The smoke test's hook (components/edge/smoke_test.py): the function and the role ECS invokes it with.
        "deploymentConfiguration.lifecycleHooks[].hookTargetArn": ISSUED,
        "deploymentConfiguration.lifecycleHooks[].roleArn": ISSUED,
        "deploymentConfiguration.lifecycleHooks[].lifecycleStages[]": ecs_service(
            "deploymentConfiguration.lifecycleHooks[].lifecycleStages[]"
        ),
        **{
            f"loadBalancers[].advancedConfiguration.{member}": ISSUED
            for member in ("alternateTargetGroupArn", "productionListenerRule", "testListenerRule", "roleArn")
        },
        "alarms.alarmNames": ecs_service("deploymentConfiguration.alarms.alarmNames"),
        "alarms.enable": ecs_service("deploymentConfiguration.alarms.enable"),
        "alarms.rollback": ecs_service("deploymentConfiguration.alarms.rollback"),
        **{
            f"capacityProviderStrategies[].{member}": ecs_service(f"capacityProviderStrategy[].{member}")
            for member in ("capacityProvider", "base", "weight")
        },
        "loadBalancers[].containerName": ecs_service("loadBalancers[].containerName"),
        "loadBalancers[].containerPort": ecs_service("loadBalancers[].containerPort"),
        "loadBalancers[].targetGroupArn": ISSUED,
        "networkConfiguration.assignPublicIp": Sent(
            lambda public: "ENABLED" if public else "DISABLED",
            "internal/service/ecs/service.go: expandNetworkConfiguration",
            (ecs_service(f"{AWSVPC}.assignPublicIp"),),
        ),
        "networkConfiguration.securityGroups": Both((ecs_service(f"{AWSVPC}.securityGroups"), ECS_SECURITY_GROUPS)),
        "networkConfiguration.subnets": Both((ecs_service(f"{AWSVPC}.subnets"), ECS_SUBNETS)),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        "name": LOG_GROUP_NAME,
        "namePrefix": Sent(
            lambda prefix: prefix + PREFIXED_UNIQUE_ID,
            "internal/service/logs/group.go: create.Name(name, namePrefix)",
            (LOG_GROUP_NAME,),
        ),
        "retentionInDays": Both(
            (
                Api("logs", "PutRetentionPolicy:retentionInDays"),
                Check(
                    lambda days: (
                        [] if days in _retention_days() else [f"{days!r} is not a retention CloudWatch offers"]
                    ),
                    Quote(
                        "logs",
                        "PutRetentionPolicy:retentionInDays",
                        "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653.",
                    ),
                ),
            )
        ),
        "kmsKeyId": Api("logs", "CreateLogGroup:kmsKeyId"),
    },
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
        "policyDocument": Both((Api("logs", "PutResourcePolicy:policyDocument"), Json(RESOURCE_POLICY))),
        "resourceArn": ISSUED,
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        "name": Api("logs", "PutMetricFilter:filterName"),
        "logGroupName": Api("logs", "PutMetricFilter:logGroupName"),
        "pattern": Api("logs", "PutMetricFilter:filterPattern"),
        "metricTransformation.name": Api("logs", "PutMetricFilter:metricTransformations[].metricName"),
        "metricTransformation.namespace": Api("logs", "PutMetricFilter:metricTransformations[].metricNamespace"),
        "metricTransformation.value": Api("logs", "PutMetricFilter:metricTransformations[].metricValue"),
        "metricTransformation.dimensions": Both(
            (
                Api("logs", "PutMetricFilter:metricTransformations[].dimensions"),
                Check(
                    lambda dims: [] if len(dims) <= 3 else ["more than 3 dimensions"],
                    Quote(
                        "logs",
                        "MetricTransformation.dimensions",
                        "One metric filter can include as many as three dimensions.",
                    ),
                ),
            )
        ),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        # The rules across its inputs first; then each input is held to its own.
        "": Whole(METRIC_ALARM_FIELDS),
        "name": alarm("AlarmName"),
        "alarmDescription": alarm("AlarmDescription"),
        "alarmActions": alarm("AlarmActions"),
        "okActions": alarm("OKActions"),
        "comparisonOperator": alarm("ComparisonOperator"),
        "evaluationPeriods": alarm("EvaluationPeriods"),
        "datapointsToAlarm": alarm("DatapointsToAlarm"),
        "threshold": alarm("Threshold"),
        "treatMissingData": Both(
            (
                alarm("TreatMissingData"),
                Check(
                    _one_of(("breaching", "notBreaching", "ignore", "missing")),
                    Quote(
                        "cloudwatch",
                        "PutMetricAlarm:TreatMissingData",
                        "Valid Values: breaching | notBreaching | ignore | missing",
                    ),
                ),
            )
        ),
        "metricName": alarm("MetricName"),
        "namespace": alarm("Namespace"),
        "period": Both(
            (
                alarm("Period"),
                Check(
                    lambda p: (
                        [] if p in (10, 20, 30) or p % 60 == 0 else [f"{p!r}: not 10, 20, 30 or a multiple of 60"]
                    ),
                    Quote(
                        "cloudwatch", "PutMetricAlarm:Period", "Valid values are 10, 20, 30, and any multiple of 60."
                    ),
                ),
            )
        ),
        "statistic": alarm("Statistic"),
        "extendedStatistic": alarm("ExtendedStatistic"),
        "dimensions": DIMENSIONS,
        "metricQueries[].id": alarm(f"{METRIC_QUERY}.Id"),
        "metricQueries[].expression": alarm(f"{METRIC_QUERY}.Expression"),
        "metricQueries[].label": alarm(f"{METRIC_QUERY}.Label"),
        "metricQueries[].returnData": alarm(f"{METRIC_QUERY}.ReturnData"),
        "metricQueries[].metric.metricName": alarm(f"{METRIC_QUERY}.MetricStat.Metric.MetricName"),
        "metricQueries[].metric.namespace": alarm(f"{METRIC_QUERY}.MetricStat.Metric.Namespace"),
        "metricQueries[].metric.dimensions": Sent(
            pairs(("Name", "Value")),
            "internal/service/cloudwatch/metric_alarm.go: expandMetricAlarmMetrics",
            (alarm(f"{METRIC_QUERY}.MetricStat.Metric.Dimensions"),),
        ),
        "metricQueries[].metric.period": alarm(f"{METRIC_QUERY}.MetricStat.Period"),
        "metricQueries[].metric.stat": alarm(f"{METRIC_QUERY}.MetricStat.Stat"),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        "dashboardName": Both((Api("cloudwatch", "PutDashboard:DashboardName"), DASHBOARD_NAME)),
        "dashboardBody": Both(
            (
                Api("cloudwatch", "PutDashboard:DashboardBody"),
                Json(
                    Check(
                        _dashboard,
                        Url(
                            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html",
                            "It can include an array of between 0 and 500 widget objects",
                        ),
                    )
                ),
            )
        ),
    },
    "aws:cloudwatch/eventRule:EventRule": {
        "name": Api("events", "PutRule:Name"),
        "description": Api("events", "PutRule:Description"),
        "eventPattern": Both(
            (
                Api("events", "PutRule:EventPattern"),
                Json(
                    Check(
                        _event_pattern,
                        Url(
                            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html",
                            "the values in an event pattern are in an array",
                        ),
                    )
                ),
            )
        ),
        "scheduleExpression": Both((Api("events", "PutRule:ScheduleExpression"), EVENTS_SCHEDULE)),
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        "rule": Api("events", "PutTargets:Rule"),
        "arn": Both((Api("events", "PutTargets:Targets[].Arn"), ISSUED)),
    },
    "aws:lambda/function:Function": {
        "name": FUNCTION_NAME,
        "role": ISSUED,
        "runtime": lambda_fn("Runtime"),
        "handler": lambda_fn("Handler"),
        "architectures": lambda_fn("Architectures"),
        "memorySize": lambda_fn("MemorySize"),
        "timeout": Both(
            (
                lambda_fn("Timeout"),
                Check(
                    _range(1, 900),
                    Url(
                        "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
                        "Function timeout: 900 seconds (15 minutes)",
                    ),
                ),
            )
        ),
        "environment.variables": Both(
            (
                lambda_fn("Environment.Variables"),
                Check(
                    _lambda_environment,
                    Url(
                        "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
                        "Function environment variables: 4 KB",
                    ),
                ),
            )
        ),
        "loggingConfig.logFormat": lambda_fn("LoggingConfig.LogFormat"),
        "loggingConfig.logGroup": lambda_fn("LoggingConfig.LogGroup"),
        "code": Check(
            _archive_size,
            Url(
                "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
                "50 MB (zipped, when uploaded through the Lambda API or SDKs)",
            ),
        ),
    },
    "aws:lambda/permission:Permission": {
        "action": Api("lambda", "AddPermission:Action"),
        "function": Both((Api("lambda", "AddPermission:FunctionName"), ISSUED)),
        "principal": Api("lambda", "AddPermission:Principal"),
        "sourceArn": ISSUED,
    },
    "aws:sns/topic:Topic": {"name": TOPIC_NAME},
    "aws:sns/topicPolicy:TopicPolicy": {
        "arn": ISSUED,
        "policy": Json(
            RESOURCE_POLICY,
            30 * 1024,
            Url(
                "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html",
                "maximum policy size of 30 KB",
            ),
        ),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        "topic": ISSUED,
        "protocol": Check(
            _one_of(("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")),
            Quote("sns", "Subscribe:Protocol", "Supported protocols include:"),
        ),
        "endpoint": Check(
            _subscription_endpoint,
            Quote("sns", "Subscribe:Endpoint", "For the email protocol, the endpoint is an email address."),
        ),
    },
    "aws:sqs/queue:Queue": {
        "name": QUEUE_NAME,
        "visibilityTimeoutSeconds": _queue_attribute(
            "Valid values: An integer from 0 to 43,200 (12 hours).", 0, 43_200
        ),
        "messageRetentionSeconds": _queue_attribute(
            "Valid values: An integer from 60 seconds (1 minute) to 1,209,600 seconds (14 days).", 60, 1_209_600
        ),
        "sqsManagedSseEnabled": Check(
            _boolean,
            Quote(
                "sqs",
                "CreateQueue:Attributes",
                "Enables server-side queue encryption using SQS owned encryption keys.",
            ),
        ),
        "redrivePolicy": Json(
            Check(
                _redrive_policy,
                Quote(
                    "sqs",
                    "CreateQueue:Attributes",
                    "The number of times a message is delivered to the source queue before being "
                    "moved to the dead-letter queue.",
                ),
            )
        ),
    },
    "aws:ssm/parameter:Parameter": {
        "name": PARAMETER_NAME,
        "type": Api("ssm", "PutParameter:Type"),
        "keyId": Both((Api("ssm", "PutParameter:KeyId"), ISSUED)),
        "value": Both(
            (
                Api("ssm", "PutParameter:Value"),
                Check(
                    lambda v: [] if len(str(v).encode()) <= 4096 else ["over 4 KB, the standard tier's limit"],
                    Quote("ssm", "PutParameter:Value", "Standard parameters have a value limit of 4 KB."),
                ),
                Check(
                    lambda v: (
                        ["text wrapped in double brackets {{}}"] if re.search(r"\{\{.*\}\}", str(v), re.S) else []
                    ),
                    Quote("ssm", "PutParameter:Value", "You can't include values wrapped in double brackets"),
                ),
            )
        ),
    },
    "aws:iam/role:Role": {
        "name": Api("iam", "CreateRole:RoleName"),
        "path": Api("iam", "CreateRole:Path"),
        # A policy ARN the program builds from the account, or the permissionsBoundaryArn it was given.
        "permissionsBoundary": Api("iam", "CreateRole:PermissionsBoundary"),
        "assumeRolePolicy": Both(
            (
                Api("iam", "CreateRole:AssumeRolePolicyDocument"),
                Json(TRUST_POLICY),
                _sized(2048, "Role trust policy length: 2,048 characters"),
            )
        ),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        "name": Api("iam", "PutRolePolicy:PolicyName"),
        "role": Api("iam", "PutRolePolicy:RoleName"),
        "policy": Both(
            (
                Api("iam", "PutRolePolicy:PolicyDocument"),
                Json(IDENTITY_POLICY),
                _sized(INLINE_ROLE_POLICIES_LIMIT, INLINE_ROLE_POLICIES_SAYS),
            )
        ),
    },
    "aws:appautoscaling/target:Target": {
        "serviceNamespace": scaling_target("ServiceNamespace"),
        "scalableDimension": scaling_target("ScalableDimension"),
        "resourceId": Both((scaling_target("ResourceId"), SERVICE_RESOURCE_ID)),
        "minCapacity": scaling_target("MinCapacity"),
        "maxCapacity": scaling_target("MaxCapacity"),
        "tags": scaling_target("Tags"),
    },
    "aws:appautoscaling/policy:Policy": {
        "name": scaling_policy("PolicyName"),
        "policyType": scaling_policy("PolicyType"),
        "serviceNamespace": scaling_policy("ServiceNamespace"),
        "scalableDimension": scaling_policy("ScalableDimension"),
        "resourceId": Both((scaling_policy("ResourceId"), SERVICE_RESOURCE_ID)),
        f"{TRACKING}.targetValue": scaling_policy(f"{TRACKING_API}.TargetValue"),
        f"{TRACKING}.scaleInCooldown": scaling_policy(f"{TRACKING_API}.ScaleInCooldown"),
        f"{TRACKING}.scaleOutCooldown": scaling_policy(f"{TRACKING_API}.ScaleOutCooldown"),
        f"{TRACKING}.predefinedMetricSpecification.predefinedMetricType": scaling_policy(
            f"{TRACKING_API}.PredefinedMetricSpecification.PredefinedMetricType"
        ),
        # The worker example's backlog per task: target tracking on metric math over the queue and the task
        # counter (policy.go expandTargetTrackingMetricDataQueries sends each query's members as they are).
        **{
            f"{TRACKING}.customizedMetricSpecification.metrics[].{field}": scaling_policy(
                f"{TRACKING_API}.CustomizedMetricSpecification.Metrics[].{api}"
            )
            for field, api in (
                ("expression", "Expression"),
                ("label", "Label"),
                ("returnData", "ReturnData"),
                ("metricStat.metric.namespace", "MetricStat.Metric.Namespace"),
                ("metricStat.metric.metricName", "MetricStat.Metric.MetricName"),
                ("metricStat.metric.dimensions[].name", "MetricStat.Metric.Dimensions[].Name"),
                ("metricStat.metric.dimensions[].value", "MetricStat.Metric.Dimensions[].Value"),
                ("metricStat.stat", "MetricStat.Stat"),
            )
        },
        f"{TRACKING}.customizedMetricSpecification.metrics[].id": Both(
            (
                scaling_policy(f"{TRACKING_API}.CustomizedMetricSpecification.Metrics[].Id"),
                Text(
                    "A-Za-z0-9_",
                    255,
                    Quote(
                        "application-autoscaling",
                        "TargetTrackingMetricDataQuery.Id",
                        "The valid characters are letters, numbers, and underscores. The first character must be a lowercase letter.",
                    ),
                    extra=((lambda v: v[:1].islower(), "the first character is not a lowercase letter"),),
                ),
            )
        ),
        f"{TRACKING}.predefinedMetricSpecification.resourceLabel": Both(
            (
                scaling_policy(f"{TRACKING_API}.PredefinedMetricSpecification.ResourceLabel"),
                Check(
                    _resource_label,
                    Quote(
                        "application-autoscaling",
                        "PredefinedMetricSpecification.ResourceLabel",
                        "The format of the resource label is: app/my-alb/778d41231b141a0f/targetgroup/my-alb-target-group/943f017f100becff .",
                    ),
                ),
            )
        ),
    },
    "aws:appautoscaling/scheduledAction:ScheduledAction": {
        "name": schedule("ScheduledActionName"),
        "serviceNamespace": schedule("ServiceNamespace"),
        "scalableDimension": schedule("ScalableDimension"),
        "resourceId": schedule("ResourceId"),
        "schedule": Both((schedule("Schedule"), SCALING_SCHEDULE)),
        "timezone": schedule("Timezone"),
        "scalableTargetAction.minCapacity": schedule("ScalableTargetAction.MinCapacity"),
        "scalableTargetAction.maxCapacity": schedule("ScalableTargetAction.MaxCapacity"),
    },
    # kms/key.go resourceKeyCreate: CreateKeyInput{Description, Policy, Tags: getTagsIn}; enable_key_rotation
    # becomes EnableKeyRotation{KeyId} (updateKeyRotationEnabled), a request with no member of its own.
    "aws:kms/key:Key": {
        "description": Api("kms", "CreateKey:Description"),
        "policy": Both((Api("kms", "CreateKey:Policy"), Json(RESOURCE_POLICY))),
        "enableKeyRotation": Unsent("the provider calls EnableKeyRotation{KeyId} when true: no member takes it"),
        "tags": Sent(
            pairs(("TagKey", "TagValue")),
            "kms/tags_gen.go getTagsIn: Tag{TagKey, TagValue}",
            (Api("kms", "CreateKey:Tags"),),
        ),
    },
    # kms/alias.go resourceAliasCreate: CreateAliasInput{AliasName, TargetKeyId}.
    "aws:kms/alias:Alias": {
        "name": Api("kms", "CreateAlias:AliasName"),
        "targetKeyId": Both((Api("kms", "CreateAlias:TargetKeyId"), ISSUED)),
    },
    "pulumi:pulumi:StackReference": {
        "name": Unsent("a Pulumi stack reference: read from the Pulumi backend, no AWS API"),
    },
}


def _autoname(prop: str, transform: Callable[[str], str] = str) -> Callable[[str], Mapping[str, Any]]:
    return lambda name: {prop: transform(name + AUTONAME_SUFFIX)}


#: pulumi-aws (provider/resources.go): ``SetAutonaming(255, "-")`` names every resource's ``name`` input
#: the program leaves out; S3 buckets are named in lower case. Only these types are named by Pulumi here.
AUTONAMED: dict[str, Callable[[str], Mapping[str, Any]]] = {
    typ: _autoname("name")
    for typ in (
        "aws:ecr/repository:Repository",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "aws:ecs/cluster:Cluster",
        "aws:ecs/service:Service",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:lambda/function:Function",
        "aws:sns/topic:Topic",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:appautoscaling/policy:Policy",
        "aws:appautoscaling/scheduledAction:ScheduledAction",
        "aws:cloudwatch/logGroup:LogGroup",
    )
} | {"aws:s3/bucket:Bucket": _autoname("bucket", str.lower)}


CONTRACT = Contract(RULES, AUTONAMED)
