"""The task roles' trust and permission documents, scoped to this service (least privilege).

- The execution role pulls the image and writes logs: ECR read actions on the image's repository and
  ``CreateLogStream``/``PutLogEvents`` on the service's log group, instead of the AWS-managed
  ``AmazonECSTaskExecutionRolePolicy`` (ECR and Logs on ``*``). ``ecr:GetAuthorizationToken`` has no
  resource form, so it alone stays on ``*``.
- Both trust policies admit ``ecs-tasks.amazonaws.com`` for this account only (``aws:SourceAccount``),
  the task role also only for ECS resources of this account and region (``aws:SourceArn``): the
  confused-deputy guard the ECS guide gives for task roles.
- Every role lives under the IAM path of its project and stack and carries the permissions boundary
  (``docs/iam-boundary.json``): the deployer may create and change roles only there and only so
  bounded (``docs/iam-deployer.json``).
- The key of a service's SecureString parameters has its own module (``secrets_key``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from .errors import ConfigError
from .validation import PARTITION_DNS_SUFFIXES

#: ECR actions the execution role needs on the image's repository to pull it.
ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
LOG_WRITE = ("logs:CreateLogStream", "logs:PutLogEvents")
EXEC_COMMAND = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
#: Key prefix of the load balancer's access logs in their bucket.
LOG_PREFIX = "alb"
#: Tag of the per-stack secrets key (``<project>/<stack>``): the deployer may use and manage only keys
#: tagged with its own stack (``docs/iam-deployer.json``, statement ``StackKeys``).
STACK_TAG = "graviton-node:stack"
# botocore iam CreateRole:Path: pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F), 1-512 characters.
_ROLE_PATH = re.compile(r"/|/[\u0021-\u007E]+/")
_ROLE_PATH_MAX = 512
#: A private ECR image: ``<account>.dkr.ecr.<region>.<DNS suffix of any partition>/<repo>``.
_ECR_IMAGE = re.compile(
    r"(?P<account>[0-9]{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.(?:"
    + "|".join(re.escape(suffix) for suffix in sorted(set(PARTITION_DNS_SUFFIXES.values()), key=len, reverse=True))
    + r")/(?P<repo>[^:@]+)"
)


def ecr_repository_arn(image_ref: str, partition: str) -> str | None:
    """The ECR repository ARN of an ``<account>.dkr.ecr.<region>.<DNS suffix>/<repo>:tag@digest`` image (the
    suffix of any partition: ``amazonaws.com``, ``amazonaws.com.cn``, ``c2s.ic.gov``, …)."""
    match = _ECR_IMAGE.match(image_ref)
    if match is None:
        return None
    return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repo']}"


def log_streams(log_group_arn: str) -> str:
    """Every stream of a log group: ``CreateLogStream`` and ``PutLogEvents`` authorize on the stream
    (Service Authorization Reference, CloudWatch Logs: resource type ``log-stream``,
    ``arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}``)."""
    return f"{log_group_arn}:log-stream:*"


def log_group_resource(log_group_arn: str) -> str:
    """A log group as IAM authorizes its actions (``DescribeLogStreams``...): AWS checks them on
    ``<group ARN>:log-stream:``, so the bare ARN matches nothing; botocore ``logs`` ``LogGroup.arn``: the
    ``:*`` form is the one for IAM policies but for ``TagResource``, ``UntagResource`` and
    ``ListTagsForResource``."""
    return f"{log_group_arn}:*"


def role_path(project: str, stack: str) -> str:
    """``/<project>/<stack>/``: the IAM path of every role a stack of the project creates (the stack in
    lower case, as every resource name carries it)."""
    return f"/{project}/{stack}/"


def is_role_path(path: str) -> bool:
    """Whether IAM takes ``path`` as a role's path (botocore iam ``CreateRole:Path``)."""
    return len(path) <= _ROLE_PATH_MAX and _ROLE_PATH.fullmatch(path) is not None


def check_role_path(key: str, value: str) -> None:
    """Raise ``ConfigError`` naming ``key`` for a path IAM refuses for a role (``is_role_path``)."""
    if not is_role_path(value):
        raise ConfigError(key, value, "an IAM path: / or /segments/, 512 characters at most")


def default_boundary_arn(partition: str, account_id: str, project: str, stack: str) -> str:
    """``<project>-boundary-<stack>``, the boundary when none is configured: the customer-managed policy
    the account owner creates once per stack from ``docs/iam-boundary.json`` (README, "AWS permissions").
    One per stack, so that a role of one stack can read nothing of another's (its parameters, secrets,
    images and logs), whatever its own policy says."""
    return f"arn:{partition}:iam::{account_id}:policy/{project}-boundary-{stack}"


def stack_tag(project: str, stack: str) -> dict[str, str]:
    """The tag that marks a resource as the stack's for the deployer's tag conditions."""
    return {STACK_TAG: f"{project}/{stack}"}


#: The platform's load-balancer security group alone carries it: a stack joining the platform may add its
#: egress rule to that group and to none of the platform's other groups (``PlatformLoadBalancerEgress``).
LOAD_BALANCER_GROUP_TAG = {"graviton-node:role": "load-balancer"}


def task_trust(account_id: str, *, source_arn: str | None = None) -> str:
    """Trust for ``ecs-tasks.amazonaws.com``, limited to ``account_id`` (and ``source_arn`` when given)."""
    condition: dict[str, dict[str, str]] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn:
        condition["ArnLike"] = {"aws:SourceArn": source_arn}
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def execution_policy(
    *,
    repository_arn: str | None,
    log_group_arn: str,
    secret_arns: tuple[str, ...] = (),
    kms_key_arns: tuple[str, ...] = (),
    parameter_key_arn: str = "",
    region: str = "",
    more_repository_arns: tuple[str, ...] = (),
) -> str:
    """Pull this image (and the sidecars', from ``more_repository_arns``), write this log group, read
    exactly these secrets, and nothing else. The service's own parameter key (``parameter_key_arn``)
    only through SSM in ``region``."""
    statements: list[dict[str, object]] = [
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Action": list(LOG_WRITE), "Resource": log_streams(log_group_arn)},
    ]
    repositories = sorted({arn for arn in (repository_arn, *more_repository_arns) if arn})
    if repositories:
        resource = repositories[0] if repositories == [repository_arn] else repositories
        statements.insert(1, {"Sid": "PullTheImage", "Effect": "Allow", "Action": list(ECR_PULL), "Resource": resource})
    parameters = sorted(a for a in secret_arns if ":ssm:" in a)
    secrets = sorted(a for a in secret_arns if ":secretsmanager:" in a)
    if parameters:
        statements.append({"Sid": "ReadParameters", "Effect": "Allow", "Action": ["ssm:GetParameters"],
                           "Resource": parameters})  # fmt: skip
    if secrets:
        statements.append({"Sid": "ReadSecrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                           "Resource": secrets})  # fmt: skip
    if kms_key_arns:
        statements.append({"Sid": "DecryptSecrets", "Effect": "Allow", "Action": ["kms:Decrypt"],
                           "Resource": sorted(kms_key_arns)})  # fmt: skip
    if parameter_key_arn:
        statements.append({"Sid": "DecryptTheParameters", "Effect": "Allow", "Action": ["kms:Decrypt"],
                           "Resource": parameter_key_arn, "Condition": via_ssm(region)})  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def via_ssm(region: str) -> dict[str, dict[str, str]]:
    """Only in a request SSM makes on the caller's behalf in ``region`` (AWS KMS Developer Guide,
    "kms:ViaService": ``ssm.<region>.amazonaws.com``, "the .amazonaws.com suffix ... in all AWS
    partitions", China's and GovCloud's too)."""
    return {"StringEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}}


def exec_command_policy(*, log_group_arn: str | None = None, kms_key_arn: str = "") -> str:
    """ECS Exec's channels (``ssmmessages`` has no resource-level permissions, so ``*`` is the only form),
    writing the session log to ``log_group_arn`` and using ``kms_key_arn`` where the cluster has them."""
    statements: list[dict[str, object]] = [
        {"Sid": "Channels", "Effect": "Allow", "Action": list(EXEC_COMMAND), "Resource": "*"}
    ]
    if log_group_arn:
        statements += [
            {"Sid": "FindLogGroup", "Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": "*"},
            {"Sid": "SessionLog", "Effect": "Allow", "Action": list(LOG_WRITE), "Resource": log_streams(log_group_arn)},
            {"Sid": "FindSessionLogStreams", "Effect": "Allow", "Action": ["logs:DescribeLogStreams"],
             "Resource": log_group_resource(log_group_arn)},
        ]  # fmt: skip
    if kms_key_arn:
        statements.append({"Sid": "SessionKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": kms_key_arn})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def access_log_bucket_policy(*, bucket_arn: str, account_id: str, delivery: Mapping[str, str]) -> str:
    """ELB's log delivery (``delivery``, the region's principal from ``elb_log_delivery``) writes this
    account's logs under the prefix; nothing else, and never over plain HTTP."""
    statements = [
        {"Sid": "ElbLogDelivery", "Effect": "Allow", "Principal": dict(delivery), "Action": "s3:PutObject",
         "Resource": f"{bucket_arn}/{LOG_PREFIX}/AWSLogs/{account_id}/*"},
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def lambda_trust() -> str:
    """Trust for ``lambda.amazonaws.com``: the function's execution role."""
    statement = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, sort_keys=True)


def task_counter_policy(*, cluster_arn: str, service_name: str, log_group_arn: str) -> str:
    """Read this service and its tasks, write this log group. ``ListTasks`` takes no task or service ARN
    (only ``*``), so the ``ecs:cluster`` condition ties it to the cluster."""
    prefix, _, cluster = cluster_arn.rpartition(":cluster/")
    statements = [
        {"Sid": "DescribeService", "Effect": "Allow", "Action": ["ecs:DescribeServices"],
         "Resource": f"{prefix}:service/{cluster}/{service_name}"},
        {"Sid": "ListTasks", "Effect": "Allow", "Action": ["ecs:ListTasks"], "Resource": "*",
         "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}}},
        {"Sid": "DescribeTasks", "Effect": "Allow", "Action": ["ecs:DescribeTasks"],
         "Resource": f"{prefix}:task/{cluster}/*", "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}}},
        {"Sid": "Logs", "Effect": "Allow", "Action": list(LOG_WRITE), "Resource": log_streams(log_group_arn)},
    ]  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def event_log_policy(*, log_group_arn: str, rule_arn: str) -> str:
    """EventBridge (and the log delivery it goes through) may create streams in this log group and write
    events to them for this rule only: the resource policy a CloudWatch Logs target needs, with the
    confused-deputy guard (EventBridge User Guide, "Cross-service confused deputy prevention") where the
    call carries it. EventBridge's ``CreateLogStream`` carries no source ARN, so a condition there fails
    every delivery: "The conditional ARN for the Rule only applies to logs:PutLogEvents"
    (aws-samples/serverless-patterns#618, AWS's sample as fixed). Another rule may then create an empty
    stream, never write to it. The rule's ARN names its account."""
    services = {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]}
    statements = [
        {"Sid": "CreateStreams", "Effect": "Allow", "Principal": services, "Action": ["logs:CreateLogStream"],
         "Resource": f"{log_group_arn}:*"},
        {"Sid": "ThisRulesEvents", "Effect": "Allow", "Principal": services, "Action": ["logs:PutLogEvents"],
         "Resource": f"{log_group_arn}:*", "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}},
    ]  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def alarm_topic_policy(*, topic_arn: str, account_id: str) -> str:
    """Who may publish to the alarm topic. A topic policy replaces SNS's default one, so it keeps the
    default's grant to this account's services (``AWS:SourceOwner``: CloudWatch alarms publish under it)
    and adds EventBridge, which may publish only with a topic policy that admits it, and with no
    condition: "You can't use Condition blocks in Amazon SNS topic policies for EventBridge" (EventBridge
    User Guide, "Amazon SNS permissions"); AWS's own answer (Knowledge Center,
    "sns-not-getting-eventbridge-notification") grants it the same way."""
    statements = [
        {"Sid": "ThisAccountsAlarms", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish",
         "Resource": topic_arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}}},
        {"Sid": "EventBridge", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn},
    ]  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
