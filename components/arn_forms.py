"""Each AWS resource type's own ARN as AWS forms it: the Service Authorization Reference's pattern for its
resource type (or, where the SAR lists none, the form its API answers), filled in from the resource's
inputs. Plain data in and out, no Pulumi import: the test mocks (``mock_answers``) answer with these."""

from __future__ import annotations

import hashlib
import string
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol


def _hex(name: str, length: int) -> str:
    """A stable hexadecimal ID of ``length`` digits for ``name``, as AWS issues its IDs."""
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


#: Each resource type's own ARN as the Service Authorization Reference forms it ("Actions, resources, and
#: condition keys for <service>", table "Resource types defined by <service>"): the service prefix, the
#: resource type and its ARN pattern, verbatim (tests/program/test_arn_shapes.py holds every row to the SAR's
#: JSON that parliament ships). Global services' patterns name no region.
SAR_ARNS: dict[str, tuple[str, str, str]] = {
    "aws:acm/certificate:Certificate": (
        "acm", "certificate", "arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}"),
    "aws:appautoscaling/target:Target": (
        "application-autoscaling", "ScalableTarget",
        "arn:${Partition}:application-autoscaling:${Region}:${Account}:scalable-target/${ResourceId}"),
    "aws:cloudwatch/dashboard:Dashboard": (
        "cloudwatch", "dashboard", "arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}"),
    "aws:cloudwatch/eventRule:EventRule": (
        "events", "rule-on-default-event-bus", "arn:${Partition}:events:${Region}:${Account}:rule/${RuleName}"),
    "aws:cloudwatch/logGroup:LogGroup": (
        "logs", "log-group", "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "cloudwatch", "alarm", "arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}"),
    "aws:ec2/securityGroup:SecurityGroup": (
        "ec2", "security-group", "arn:${Partition}:ec2:${Region}:${Account}:security-group/${SecurityGroupId}"),
    "aws:ecr/repository:Repository": (
        "ecr", "repository", "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"),
    "aws:dynamodb/table:Table": (
        "dynamodb", "table", "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"),
    "aws:ecs/cluster:Cluster": ("ecs", "cluster", "arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}"),
    "aws:ecs/service:Service": (
        "ecs", "service", "arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}"),
    "aws:ecs/taskDefinition:TaskDefinition": (
        "ecs", "task-definition",
        "arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}"),
    "aws:iam/policy:Policy": ("iam", "policy", "arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}"),
    "aws:iam/role:Role": ("iam", "role", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"),
    "aws:kms/alias:Alias": ("kms", "alias", "arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}"),
    "aws:kms/key:Key": ("kms", "key", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
    "aws:lambda/function:Function": (
        "lambda", "function", "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"),
    "aws:lb/listener:Listener": (
        "elasticloadbalancing", "listener/app",
        "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:listener/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}"),
    "aws:lb/listenerRule:ListenerRule": (
        "elasticloadbalancing", "listener-rule/app",
        "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:listener-rule/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}/${ListenerRuleId}"),
    "aws:lb/loadBalancer:LoadBalancer": (
        "elasticloadbalancing", "loadbalancer/app/",
        "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/${LoadBalancerName}/${LoadBalancerId}"),
    "aws:lb/targetGroup:TargetGroup": (
        "elasticloadbalancing", "targetgroup",
        "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:targetgroup/${TargetGroupName}/${TargetGroupId}"),
    "aws:s3/bucket:Bucket": ("s3", "bucket", "arn:${Partition}:s3:::${BucketName}"),
    "aws:secretsmanager/secret:Secret": (
        "secretsmanager", "Secret", "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}"),
    "aws:sns/topic:Topic": ("sns", "topic", "arn:${Partition}:sns:${Region}:${Account}:${TopicName}"),
    "aws:sqs/queue:Queue": ("sqs", "queue", "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}"),
    "aws:ssm/parameter:Parameter": (
        "ssm", "parameter", "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        "ec2", "security-group-rule",
        "arn:${Partition}:ec2:${Region}:${Account}:security-group-rule/${SecurityGroupRuleId}"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "ec2", "security-group-rule",
        "arn:${Partition}:ec2:${Region}:${Account}:security-group-rule/${SecurityGroupRuleId}"),
}  # fmt: skip
#: ARNs the SAR has no resource type for (nothing is authorized on them), in the form their API answers.
OTHER_ARNS: dict[str, str] = {
    # PutScalingPolicy's PolicyARN (botocore's application-autoscaling examples-1.json).
    "aws:appautoscaling/policy:Policy": "arn:${Partition}:autoscaling:${Region}:${Account}:scalingPolicy:"
    "${PolicyId}:resource/${ServiceNamespace}/${ResourceId}:policyName/${PolicyName}",
    # DescribeScheduledActions' ScheduledActionARN: a scaling policy's form, scheduledAction for scalingPolicy.
    "aws:appautoscaling/scheduledAction:ScheduledAction": "arn:${Partition}:autoscaling:${Region}:${Account}:"
    "scheduledAction:${ScheduledActionId}:resource/${ServiceNamespace}/${ResourceId}:"
    "scheduledActionName/${ScheduledActionName}",
    # Subscribe's SubscriptionArn: the topic's ARN and the subscription's ID (aws-cli's examples,
    # sns/list-subscriptions-by-topic.rst).
    "aws:sns/topicSubscription:TopicSubscription": "arn:${Partition}:sns:${Region}:${Account}:${TopicName}:"
    "${SubscriptionId}",
}
#: The output that holds a type's own ARN where it is not ``arn``.
ARN_OUTPUTS = {"aws:cloudwatch/dashboard:Dashboard": "dashboardArn"}
#: The load balancer and target group IDs the mocks give (as in their ``arnSuffix``).
_BALANCER_ID = "50dc6c495c0c9188"
_TARGET_GROUP_ID = "73e2d6bc24d8a067"


#: The field of a type's pattern that holds its name (the ``name`` input, else the resource's own).
_NAMED = {
    "aws:cloudwatch/eventRule:EventRule": "RuleName",
    "aws:cloudwatch/logGroup:LogGroup": "LogGroupName",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "AlarmName",
    "aws:dynamodb/table:Table": "TableName",
    "aws:ecr/repository:Repository": "RepositoryName",
    "aws:ecs/cluster:Cluster": "ClusterName",
    "aws:lambda/function:Function": "FunctionName",
    "aws:sns/topic:Topic": "TopicName",
    "aws:sqs/queue:Queue": "QueueName",
}


def _secret_id(name: str) -> str:
    """A secret's name and the six random characters Secrets Manager appends in its ARN (Secrets Manager
    User Guide, "Secret ARN": ``-`` and six characters, ``[A-Za-z0-9]``)."""
    alphabet = string.ascii_letters + string.digits
    digest = hashlib.sha256(name.encode()).digest()
    return f"{name}-" + "".join(alphabet[b % len(alphabet)] for b in digest[:6])


def _ec2_id(prefix: str) -> Callable[[str], str]:
    """An EC2 ID issued for a name: the prefix and 17 hexadecimal digits (``sg-0123456789abcdef0``)."""
    return lambda name: f"{prefix}-{_hex(name, 17)}"


#: The field of a type's pattern that holds an ID AWS issues, and one issued for a resource's name.
_ISSUED: dict[str, tuple[str, Callable[[str], str]]] = {
    "aws:acm/certificate:Certificate": ("CertificateId", _uuid),
    # Application Auto Scaling's own ID of the target, not the ECS resource ID (the SAR's ResourceId).
    "aws:appautoscaling/target:Target": ("ResourceId", lambda name: _hex(name, 36)),
    "aws:ec2/securityGroup:SecurityGroup": ("SecurityGroupId", _ec2_id("sg")),
    "aws:kms/key:Key": ("KeyId", _uuid),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("SecurityGroupRuleId", _ec2_id("sgr")),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("SecurityGroupRuleId", _ec2_id("sgr")),
}


def _after(arn: Any, marker: str, default: str) -> str:
    """What follows ``marker`` in ``arn`` (a parent's ARN among the inputs), else ``default``."""
    text = str(arn or "")
    return text.split(marker, 1)[1] if marker in text else default


#: The time part of the provider's unique suffix: terraform-plugin-sdk ``helper/id.PrefixedUniqueId`` formats
#: the UTC time as ``20060102150405.0000`` without the dot (18 digits), then an 8-hex-digit counter.
_UNIQUE_ID_TIME = "202601010000000000"


def given_name(name: str, inputs: Mapping[str, Any], field: str = "name") -> str:
    """A resource's name as AWS holds it: its ``field`` input; else its ``<field>Prefix`` and the suffix the
    provider adds (``create.Name(name, namePrefix)``: ``id.PrefixedUniqueId``, 26 characters); else its
    Pulumi resource name ``name``. The mocks leave out the provider's automatic naming, which would append
    ``-`` and 7 random hexadecimal characters to that last one."""
    if inputs.get(field):
        return str(inputs[field])
    if inputs.get(f"{field}Prefix"):
        return f"{inputs[f'{field}Prefix']}{_UNIQUE_ID_TIME}{_hex(name, 8)}"
    return name


def _arn_fields(typ: str, name: str, inputs: Mapping[str, Any]) -> dict[str, str]:
    """The values of the ``${...}`` fields of ``typ``'s ARN pattern other than partition, region and account,
    from the resource's inputs (its AWS name: ``given_name``)."""
    own = given_name(name, inputs)
    if typ in _NAMED:
        return {_NAMED[typ]: own}
    if typ in _ISSUED:
        field, issue = _ISSUED[typ]
        return {field: issue(name)}
    scaled = {"ServiceNamespace": str(inputs.get("serviceNamespace") or "ecs"),
              "ResourceId": str(inputs.get("resourceId") or "")}  # fmt: skip
    match typ:
        case "aws:appautoscaling/policy:Policy":
            return {"PolicyId": _uuid(name), "PolicyName": own, **scaled}
        case "aws:appautoscaling/scheduledAction:ScheduledAction":
            return {"ScheduledActionId": _uuid(name), "ScheduledActionName": own, **scaled}
        case "aws:cloudwatch/dashboard:Dashboard":
            return {"DashboardName": str(inputs.get("dashboardName") or name)}
        case "aws:ecs/service:Service":
            # Without a cluster, a service runs on the account's cluster named default (CreateService's cluster).
            return {"ClusterName": str(inputs.get("cluster") or "default").rsplit("/", 1)[-1], "ServiceName": own}
        case "aws:ecs/taskDefinition:TaskDefinition":
            return {"TaskDefinitionFamilyName": str(inputs.get("family") or name), "TaskDefinitionRevisionNumber": "1"}
        case "aws:iam/policy:Policy":
            return {"PolicyNameWithPath": str(inputs.get("path") or "/")[1:] + own}
        case "aws:iam/role:Role":
            return {"RoleNameWithPath": str(inputs.get("path") or "/")[1:] + own}
        case "aws:kms/alias:Alias":
            return {"Alias": own.removeprefix("alias/")}
        case "aws:lb/listener:Listener":
            # On its load balancer's ARN: its name and ID, then the listener's own ID.
            balancer = _after(inputs.get("loadBalancerArn"), ":loadbalancer/app/", f"{name}/{_BALANCER_ID}")
            lb_name, lb_id = balancer.split("/", 1)
            return {"LoadBalancerName": lb_name, "LoadBalancerId": lb_id, "ListenerId": _hex(name, 16)}
        case "aws:lb/listenerRule:ListenerRule":
            listener = _after(inputs.get("listenerArn"), ":listener/app/", f"{name}/{_BALANCER_ID}/{_hex(name, 16)}")
            lb_name, lb_id, listener_id = listener.split("/", 2)
            return {"LoadBalancerName": lb_name, "LoadBalancerId": lb_id, "ListenerId": listener_id,
                    "ListenerRuleId": _hex(name, 16)}  # fmt: skip
        case "aws:lb/loadBalancer:LoadBalancer":
            return {"LoadBalancerName": own, "LoadBalancerId": _BALANCER_ID}
        case "aws:lb/targetGroup:TargetGroup":
            return {"TargetGroupName": own, "TargetGroupId": _TARGET_GROUP_ID}
        case "aws:secretsmanager/secret:Secret":
            return {"SecretId": _secret_id(own)}
        case "aws:s3/bucket:Bucket":
            return {"BucketName": given_name(name, inputs, "bucket")}
        case "aws:sns/topicSubscription:TopicSubscription":
            return {"TopicName": str(inputs.get("topic") or name).rsplit(":", 1)[-1], "SubscriptionId": _uuid(name)}
        case "aws:ssm/parameter:Parameter":
            return {"ParameterNameWithoutLeadingSlash": own.removeprefix("/")}
    raise KeyError(f"no ARN fields for {typ}")


class ArnForm(Protocol):
    """A resource type's ARN as its service forms it, for a type with no form here: given to the mocks
    (``RecordingMocks(arns={type_token: form})``)."""

    def __call__(self, name: str, inputs: Mapping[str, Any], *, partition: str, region: str, account: str) -> str:
        """The ARN of the resource ``name`` (its Pulumi name) with ``inputs`` (camelCase, as registered)."""
        ...


def has_form(typ: str, forms: Mapping[str, ArnForm] | None = None) -> bool:
    """Whether ``arn`` forms an ARN for ``typ``: a form here, or one of ``forms``."""
    return typ in SAR_ARNS or typ in OTHER_ARNS or typ in (forms or {})


def no_form_message(typ: str) -> str:
    """What to do about a type with an ARN and no form."""
    return (
        f"no ARN form for {typ}: give the mocks one, RecordingMocks(arns={{{typ!r}: form}}) with "
        "form(name, inputs, *, partition, region, account) -> its ARN as the Service Authorization Reference "
        "gives it (or add it to components/arn_forms.py's SAR_ARNS)"
    )


def arn(
    typ: str,
    name: str,
    inputs: Mapping[str, Any],
    *,
    partition: str,
    region: str,
    account: str,
    forms: Mapping[str, ArnForm] | None = None,
) -> str:
    """The ARN of a resource of ``typ`` named ``name`` with ``inputs``: ``forms``' form for it, else its SAR
    pattern (or its API's, ``OTHER_ARNS``) filled in. KeyError for a type with no form."""
    form = (forms or {}).get(typ)
    if form is not None:
        return form(name, inputs, partition=partition, region=region, account=account)
    pattern = SAR_ARNS[typ][2] if typ in SAR_ARNS else OTHER_ARNS.get(typ)
    if pattern is None:
        raise KeyError(no_form_message(typ))
    fields = _arn_fields(typ, name, inputs)
    return string.Template(pattern).substitute(fields, Partition=partition, Region=region, Account=account)
