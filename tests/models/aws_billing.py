"""Where each resource type a stack registers is billed, as AWS's pricing pages have it: a line of the cost
estimate (``Line``, by its item), words of ``NOT_INCLUDED`` that name the charge (``Unpriced``), or no
charge of its own (``Free``, with the page that says so). A type missing here is a type nobody has
priced: ``BILLING`` is looked up for every resource registered, so the next billable resource fails
the look-up until its bill has a place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Line:
    """A cost line whose item bills the resource: present whenever the resource is (``when`` its inputs
    say it bills at all)."""

    item: str
    when: Callable[[Mapping[str, Any]], bool] = lambda _inputs: True


@dataclass(frozen=True)
class Unpriced:
    """A charge left out of the figure, in the words ``NOT_INCLUDED`` names it by."""

    words: str


@dataclass(frozen=True)
class Free:
    """No charge of its own, and where AWS (or the tool) says so."""

    reason: str


Bill = Line | Unpriced | Free


def _has_nat(inputs: Mapping[str, Any]) -> bool:
    """awsx's ``natGateways.strategy``: ``None`` creates no NAT gateway (and no Elastic IP)."""
    return (inputs.get("natGateways") or {}).get("strategy", "None") != "None"


_IAM = Free("IAM User Guide, What is IAM: offered at no additional charge")
_SECURITY_GROUPS = Free("Amazon VPC pricing bills NAT gateways, IPv4 addresses and endpoints, not security groups")
_ECS = Free("AWS Fargate pricing: a task's vCPU and memory are billed; its cluster, service and definition not")
_COMPONENT = Free("a Pulumi component resource: a grouping in the program's state, nothing in AWS")
#: ELB pricing: an ALB is billed by the hour and LCU, its listeners, rules and target groups with it.
_ALB_PARTS = Line("load balancer")
_CONFIG_OF_BUCKET = Free("S3 pricing bills storage, requests and transfer, not a bucket's configuration")
_EVENTS = Free("Amazon EventBridge pricing: events AWS services publish (a schedule's too) are free on the default bus")

#: Every resource type the walked stacks register (``STACKS`` of test_cost_coverage) -> its bills.
BILLING: dict[str, tuple[Bill, ...]] = {
    # The estimate's lines.
    "aws:ecs/service:Service": (Line("Graviton compute"),),
    "aws:ecs/taskDefinition:TaskDefinition": (Line("Graviton compute"),),
    "aws:lb/loadBalancer:LoadBalancer": (
        Line("load balancer"), Line("load balancer capacity units"), Line("public IPv4 addresses"),
    ),
    "aws:lb/listener:Listener": (_ALB_PARTS,),
    "aws:lb/listenerRule:ListenerRule": (_ALB_PARTS,),
    "aws:lb/targetGroup:TargetGroup": (_ALB_PARTS,),
    # awsx's VPC: its NAT gateways and their Elastic IPs; VPC pricing bills no subnet, route table or gateway else.
    "awsx:ec2:Vpc": (Line("NAT gateways", _has_nat), Line("public IPv4 addresses", _has_nat)),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (Line("alarms"),),
    # A target-tracking policy creates its own alarms (Application Auto Scaling User Guide), priced as alarms.
    "aws:appautoscaling/policy:Policy": (Line("alarms"),),
    "aws:cloudwatch/dashboard:Dashboard": (Line("dashboards"),),
    # The Spot count: a metric filter publishes a custom metric (CloudWatch pricing, "Custom metrics").
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": (Line("custom metrics"),),
    "aws:kms/key:Key": (Line("KMS keys"), Unpriced("requests to KMS")),
    # Left out, said so.
    "aws:ecr/repository:Repository": (Unpriced("ECR storage"),),
    "docker-build:index:Image": (Unpriced("ECR storage"),),  # built here, pushed to the repository
    "docker-build:index:Index": (Unpriced("ECR storage"),),
    "aws:cloudwatch/logGroup:LogGroup": (Unpriced("CloudWatch Logs"),),
    "aws:s3/bucket:Bucket": (Unpriced("S3 storage of the load balancer's access logs"),),
    "aws:route53/record:Record": (Unpriced("Route 53 queries"),),
    "aws:sns/topic:Topic": (Unpriced("alarm notifications"),),
    "aws:sns/topicSubscription:TopicSubscription": (Unpriced("alarm notifications"),),
    # SSM pricing: standard parameters and their standard-throughput calls cost nothing; a SecureString's
    # decryption is a KMS request.
    "aws:ssm/parameter:Parameter": (Unpriced("requests to KMS"),),
    # Free.
    "aws:acm/certificate:Certificate": (
        Free("AWS Certificate Manager pricing: public certificates it provisions (not exportable ones) are free"),
    ),
    "aws:acm/certificateValidation:CertificateValidation": (Free("a wait for ACM's validation, no AWS resource"),),
    "aws:appautoscaling/scheduledAction:ScheduledAction": (
        Free("Application Auto Scaling: no charge of its own, only for what it scales and its alarms"),
    ),
    "aws:appautoscaling/target:Target": (
        Free("Application Auto Scaling: no charge of its own, only for what it scales and its alarms"),
    ),
    "aws:cloudwatch/eventRule:EventRule": (_EVENTS,),
    "aws:cloudwatch/eventTarget:EventTarget": (_EVENTS,),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (Free("CloudWatch Logs pricing: ingestion and storage"),),
    "aws:ec2/securityGroup:SecurityGroup": (_SECURITY_GROUPS,),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_SECURITY_GROUPS,),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_SECURITY_GROUPS,),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": (Free("ECR pricing: storage and transfer, not lifecycle policies"),),
    "aws:ecs/cluster:Cluster": (_ECS,),  # its Container Insights is a line of its own, by the cluster's setting
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": (_ECS,),
    "aws:iam/role:Role": (_IAM,),
    "aws:iam/rolePolicy:RolePolicy": (_IAM,),
    "aws:kms/alias:Alias": (Free("AWS KMS pricing bills keys and requests, not aliases"),),
    "aws:lambda/permission:Permission": (Free("AWS Lambda pricing bills requests and duration"),),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (_CONFIG_OF_BUCKET,),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (_CONFIG_OF_BUCKET,),
    "aws:s3/bucketPolicy:BucketPolicy": (_CONFIG_OF_BUCKET,),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (_CONFIG_OF_BUCKET,),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (_CONFIG_OF_BUCKET,),
    "aws:sns/topicPolicy:TopicPolicy": (Free("SNS pricing bills requests and deliveries, not topic policies"),),
}  # fmt: skip
#: Lambda functions are told apart by what they run (AWS Lambda pricing: requests and duration).
FUNCTIONS: dict[str, tuple[Bill, ...]] = {
    "task-count-function": (Line("task counter function"),),
    "smoke-function": (Unpriced("the smoke test's runs"),),
}
FUNCTION = "aws:lambda/function:Function"


def bills(resource_type: str, name: str) -> tuple[Bill, ...]:
    """Where a resource of ``resource_type`` named ``name`` is billed; KeyError when nowhere is said."""
    if resource_type == FUNCTION:
        found = [bill for suffix, bill in FUNCTIONS.items() if name.endswith(suffix)]
        if len(found) != 1:
            raise KeyError(f"{resource_type} {name}")
        return found[0]
    if resource_type.startswith("graviton-node:"):
        return (_COMPONENT,)
    return BILLING[resource_type]
