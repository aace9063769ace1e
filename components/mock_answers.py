"""What AWS would answer, for the test mocks (``testing``): plausible outputs of a resource and answers to
an invoke, in a given region and account, and the engine's secret wrappers taken off the inputs. Plain
data in and out, no Pulumi import."""

from __future__ import annotations

import hashlib
import json
import string
import uuid
from typing import Any

from .validation import partition_of

#: What the mocks answer where the stack names no region (``aws:region``) or account
#: (``aws:allowedAccountIds``) of its own.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
#: Each partition's DNS suffix (botocore's ``endpoints.json``: ``dnsSuffix``), in the URLs the mocks answer.
DNS_SUFFIXES = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-eusc": "amazonaws.eu",
}
#: The key of the engine's wrapper around a special value, a secret here (``pulumi.runtime.rpc._special_sig_key``).
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def unwrap(value: Any) -> tuple[Any, bool]:
    """``value`` with Pulumi's secret wrappers removed, and whether any were found."""
    if isinstance(value, dict):
        if _SECRET_SIG in value:
            return unwrap(value["value"])[0], True
        items = {k: unwrap(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items = [unwrap(v) for v in value]
        return [v for v, _ in items], any(secret for _, secret in items)
    return value, False


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _hex(name: str, length: int) -> str:
    """A stable hexadecimal ID of ``length`` digits for ``name``, as AWS issues its IDs."""
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


#: Each resource type's own ARN as the Service Authorization Reference forms it ("Actions, resources, and
#: condition keys for <service>", table "Resource types defined by <service>"): the service prefix, the
#: resource type and its ARN pattern, verbatim (tests/unit/test_mock_arns.py holds every row to the SAR's
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
    "aws:ecs/cluster:Cluster": ("ecs", "cluster", "arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}"),
    "aws:ecs/service:Service": (
        "ecs", "service", "arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}"),
    "aws:ecs/taskDefinition:TaskDefinition": (
        "ecs", "task-definition",
        "arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}"),
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


def _after(arn: Any, marker: str, default: str) -> str:
    """What follows ``marker`` in ``arn`` (a parent's ARN among the inputs), else ``default``."""
    text = str(arn or "")
    return text.split(marker, 1)[1] if marker in text else default


def _arn_fields(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, str]:
    """The values of the ``${...}`` fields of ``typ``'s ARN pattern other than partition, region and account,
    from the resource's inputs (its AWS name: ``name`` where it has none of its own)."""
    own = str(inputs.get("name") or name)
    scaled = {"ServiceNamespace": str(inputs.get("serviceNamespace") or "ecs"),
              "ResourceId": str(inputs.get("resourceId") or "")}  # fmt: skip
    match typ:
        case "aws:acm/certificate:Certificate":
            return {"CertificateId": _uuid(name)}
        case "aws:appautoscaling/policy:Policy":
            return {"PolicyId": _uuid(name), "PolicyName": own, **scaled}
        case "aws:appautoscaling/scheduledAction:ScheduledAction":
            return {"ScheduledActionId": _uuid(name), "ScheduledActionName": own, **scaled}
        case "aws:appautoscaling/target:Target":
            return {"ResourceId": _hex(name, 36)}
        case "aws:cloudwatch/dashboard:Dashboard":
            return {"DashboardName": str(inputs.get("dashboardName") or name)}
        case "aws:cloudwatch/eventRule:EventRule":
            return {"RuleName": own}
        case "aws:cloudwatch/logGroup:LogGroup":
            return {"LogGroupName": own}
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return {"AlarmName": own}
        case "aws:ec2/securityGroup:SecurityGroup":
            return {"SecurityGroupId": f"sg-{_hex(name, 17)}"}
        case (
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
            | "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
        ):
            return {"SecurityGroupRuleId": f"sgr-{_hex(name, 17)}"}
        case "aws:ecr/repository:Repository":
            return {"RepositoryName": own}
        case "aws:ecs/cluster:Cluster":
            return {"ClusterName": own}
        case "aws:ecs/service:Service":
            # Without a cluster, a service runs on the account's cluster named default (CreateService's cluster).
            return {"ClusterName": str(inputs.get("cluster") or "default").rsplit("/", 1)[-1], "ServiceName": own}
        case "aws:ecs/taskDefinition:TaskDefinition":
            return {"TaskDefinitionFamilyName": str(inputs.get("family") or name), "TaskDefinitionRevisionNumber": "1"}
        case "aws:iam/role:Role":
            return {"RoleNameWithPath": str(inputs.get("path") or "/")[1:] + own}
        case "aws:kms/alias:Alias":
            return {"Alias": own.removeprefix("alias/")}
        case "aws:kms/key:Key":
            return {"KeyId": _uuid(name)}
        case "aws:lambda/function:Function":
            return {"FunctionName": own}
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
        case "aws:s3/bucket:Bucket":
            return {"BucketName": str(inputs.get("bucket") or name)}
        case "aws:sns/topic:Topic":
            return {"TopicName": own}
        case "aws:sns/topicSubscription:TopicSubscription":
            return {"TopicName": str(inputs.get("topic") or name).rsplit(":", 1)[-1], "SubscriptionId": _uuid(name)}
        case "aws:sqs/queue:Queue":
            return {"QueueName": own}
        case "aws:ssm/parameter:Parameter":
            return {"ParameterNameWithoutLeadingSlash": own.removeprefix("/")}
    raise KeyError(f"no ARN fields for {typ}")


def mock_arn(
    typ: str,
    name: str,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    inputs: dict[str, Any] | None = None,
) -> str:
    """The ARN the mocks give a resource of ``typ`` named ``name`` with ``inputs``: its SAR pattern (or its
    API's, ``OTHER_ARNS``) filled in, in the partition of ``region``. KeyError for a type it has no form for."""
    pattern = SAR_ARNS[typ][2] if typ in SAR_ARNS else OTHER_ARNS.get(typ)
    if pattern is None:
        raise KeyError(f"no ARN form for {typ}: add it to SAR_ARNS or OTHER_ARNS")
    fields = _arn_fields(typ, name, inputs or {})
    partition = partition_of(region) or "aws"
    return string.Template(pattern).substitute(fields, Partition=partition, Region=region, Account=account)


def _vpc_outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """An awsx VPC's subnets: one public and one private per AZ, as awsx lays out its default subnets."""
    azs = range(1, int(inputs.get("numberOfAvailabilityZones") or 2) + 1)
    return {
        "vpcId": "vpc-0new",
        "publicSubnetIds": [f"subnet-0pub{az}" for az in azs],
        "privateSubnetIds": [f"subnet-0prv{az}" for az in azs],
    }


def resource_outputs(typ: str, name: str, inputs: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """Plausible provider outputs of a resource in ``region`` and ``account``, so typed outputs downstream
    resolve like they would on AWS: its own ARN where its type has one (``SAR_ARNS``, ``OTHER_ARNS``)."""
    if typ == "awsx:ec2:Vpc":
        # A remote component's outputs are typed differently from its inputs: never echo them.
        return _vpc_outputs(inputs)
    out = dict(inputs)
    out.setdefault("name", name)
    if typ in SAR_ARNS or typ in OTHER_ARNS:
        out.setdefault(ARN_OUTPUTS.get(typ, "arn"), mock_arn(typ, name, region, account, inputs))
    domain = DNS_SUFFIXES.get(partition_of(region) or "aws", "amazonaws.com")
    if typ == "aws:ecr/repository:Repository":
        out.update(repositoryUrl=f"{account}.dkr.ecr.{region}.{domain}/{out['name']}", registryId=account)
    elif typ == "docker-build:index:Image":
        digest = _digest(name + json.dumps(inputs.get("tags"), sort_keys=True))
        out.update(digest=digest, ref=f"{inputs['tags'][0]}@{digest}" if inputs.get("tags") else "")
    elif typ == "docker-build:index:Index":
        digest = _digest(name + json.dumps(inputs.get("sources"), sort_keys=True))
        out.update(ref=f"{inputs['tag']}@{digest}")
    elif typ == "aws:lb/loadBalancer:LoadBalancer":
        out.update(
            dnsName=f"{name}-1234567890.{region}.elb.{domain}",
            arnSuffix=out["arn"].split(":loadbalancer/", 1)[1],
            zoneId="Z35SXDOTRQ7X7K",
        )
    elif typ == "aws:acm/certificate:Certificate":
        domain_name = inputs["domainName"]
        out.update(
            domainValidationOptions=[
                {
                    "domainName": domain_name,
                    "resourceRecordName": f"_3f2a.{domain_name}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_9c1e.acm-validations.aws.",
                }
            ],
        )
    elif typ == "aws:route53/record:Record":
        out.update(fqdn=str(inputs["name"]).rstrip("."))
    elif typ == "aws:lb/targetGroup:TargetGroup":
        out.update(arnSuffix=out["arn"].rsplit(":", 1)[1])
    elif typ == "aws:s3/bucket:Bucket":
        out.setdefault("bucket", name)
    elif typ == "aws:sqs/queue:Queue":
        # A queue's URL (GetQueueUrl's QueueUrl): https://sqs.REGION.DOMAIN/ACCOUNT/NAME.
        out.update(url=f"https://sqs.{region}.{domain}/{account}/{out['name']}")
    elif typ == "aws:kms/key:Key":
        out.update(keyId=out["arn"].rsplit("/", 1)[1])
    return out


def invoke_answer(token: str, args: dict[str, Any], region: str, account: str) -> dict[str, Any]:
    """What AWS would answer the invoke ``token`` in ``region`` and ``account``."""
    partition = partition_of(region) or "aws"
    if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
            "userName": "AWS",
            "password": "mock-ecr-token",
            "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.{DNS_SUFFIXES[partition]}",
            "registryId": args.get("registryId", account),
        }
    if token == "aws:ec2/getVpc:getVpc":
        return {"id": "vpc-0default", "cidrBlock": "172.31.0.0/16", "default": True}
    if token == "aws:ec2/getSubnets:getSubnets":
        return {"id": region, "ids": ["subnet-0def1", "subnet-0def2", "subnet-0def3"],
                "filters": args.get("filters", [])}  # fmt: skip
    if token == "aws:index/getRegion:getRegion":
        return {"id": region, "name": region, "region": region}
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"id": account, "accountId": account, "arn": f"arn:{partition}:iam::{account}:user/deployer",
                "userId": "AIDAMOCK"}  # fmt: skip
    if token == "aws:index/getPartition:getPartition":
        return {"id": partition, "partition": partition, "dnsSuffix": DNS_SUFFIXES[partition]}
    raise NotImplementedError(f"no mock for invoke {token}")
