"""Crafted violations, one defect each, spanning what a security review found the pack let through.

Each is a resource (or, for a stack rule, the resources of a stack) the pack must report under the
rule named, with a message holding ``fix``. Account 123456789012 is ours; the documents come as
JSON strings and as objects, statements as lists and as one object, elements as strings and lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN

ACCOUNT = "123456789012"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
LISTENER = "aws:lb/listener:Listener"
LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/app"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
FORWARD = [{"type": "forward", "targetGroupArn": f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/t/1"}]


@dataclass(frozen=True)
class Case:
    """One crafted violation: the resources (one, for a resource rule), the rule and a fragment of its fix.
    A stack's resource may come with its URN and property dependencies (``unknowns.StackResource``), as
    in a preview, where a new resource's ID and ARN are ``UNKNOWN``."""

    id: str
    rule: str
    fix: str
    resources: tuple[tuple[Any, ...], ...] = field(default=())

    @property
    def resource(self) -> tuple[str, dict[str, Any]]:
        ((resource_type, props),) = self.resources
        return resource_type, props


def case(id: str, rule: str, fix: str, resource_type: str, props: dict[str, Any]) -> Case:
    return Case(id, rule, fix, ((resource_type, props),))


def urn(resource_type: str, name: str) -> str:
    """The URN the engine gives a resource of the dev stack."""
    return f"urn:pulumi:dev::graviton-node::{resource_type}::{name}"


def allow(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **statement}


def document(statement: dict[str, Any], *more: dict[str, Any], as_json: bool = True) -> str | dict[str, Any]:
    """A policy: one statement as an object, several as a list; a JSON string or an object."""
    body = {"Version": "2012-10-17", "Statement": [statement, *more] if more else statement}
    return json.dumps(body) if as_json else body


def role_policy(statement: dict[str, Any], as_json: bool = True) -> dict[str, Any]:
    return {"role": "app-task-role", "policy": document(statement, as_json=as_json)}


def trust(statement: dict[str, Any]) -> dict[str, Any]:
    return {"assumeRolePolicy": document(statement)}


def github(**condition: Any) -> dict[str, Any]:
    return allow(Principal={"Federated": GITHUB}, Action="sts:AssumeRoleWithWebIdentity", Condition=condition)


def cognito(**condition: Any) -> dict[str, Any]:
    return allow(
        Principal={"Federated": "cognito-identity.amazonaws.com"},
        Action="sts:AssumeRoleWithWebIdentity",
        Condition=condition,
    )


AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
TASK = "aws:ecs/taskDefinition:TaskDefinition"
HTTP_LISTENER = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener/app/web/1/80"


def containers(container: str) -> dict[str, Any]:
    """An ARM64 Fargate task with one container written as given (its keys as written, duplicates kept)."""
    return {"runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            "requiresCompatibilities": ["FARGATE"], "containerDefinitions": f"[{container}]"}  # fmt: skip


PUBLIC = {"AWS": "*"}

IAM = "iam-least-privilege"
TRUST = "iam-trust-scoped"
PUBLIC_POLICY = "resource-policy-not-public"
HTTPS = "elb-https-only"
EVERY = "on every resource"
WILDCARD = "Wildcard actions"

CORPUS: tuple[Case, ...] = (
    # Identity policies: NotAction, NotResource, ARN and action wildcards, every kind of policy resource.
    case("not-action", IAM, "NotAction", ROLE_POLICY, role_policy(allow(NotAction="iam:*", Resource="*"))),
    case(
        "not-resource",
        IAM,
        "NotResource",
        ROLE_POLICY,
        role_policy(allow(Action="s3:GetObject", NotResource=["arn:aws:s3:::private/*"])),
    ),
    case(
        "pass-any-role-of-any-account",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(allow(Action="iam:PassRole", Resource="arn:aws:iam::*:role/*")),
    ),
    case(
        "put-policy-on-every-role",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(allow(Action=["iam:PutRolePolicy"], Resource=f"arn:aws:iam::{ACCOUNT}:role/*")),
    ),
    case(
        "every-role-by-an-open-type",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(allow(Action="iam:AttachRolePolicy", Resource=f"arn:aws:iam::{ACCOUNT}:role*")),
    ),
    case("star-colon-star", IAM, EVERY, ROLE_POLICY, role_policy(allow(Action="ssm:GetParameter", Resource="*:*"))),
    # The ECS guide's policy for a lifecycle hook's role ("Permissions required for Lambda functions in Amazon
    # ECS blue/green deployments"): every function of every account; the smoke test's role names its own.
    case(
        "ecs-hook-role-invokes-every-function",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(allow(Action=["lambda:InvokeFunction"], Resource="arn:aws:lambda:*:*:function:*")),
    ),
    case(
        "service-wildcard",
        IAM,
        WILDCARD,
        ROLE_POLICY,
        role_policy(allow(Action="iam:*", Resource=f"arn:aws:iam::{ACCOUNT}:role/app")),
    ),
    case(
        "single-character-wildcard",
        IAM,
        WILDCARD,
        ROLE_POLICY,
        role_policy(allow(Action="iam:Put?olePolicy", Resource=f"arn:aws:iam::{ACCOUNT}:role/app")),
    ),
    case(
        "admin-as-one-statement-object",
        IAM,
        WILDCARD,
        ROLE_POLICY,
        role_policy(allow(Action="*", Resource="*"), as_json=False),
    ),
    case(
        "action-in-another-case",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(allow(Action="Logs:PutLogEvents", Resource=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*")),
    ),
    case(
        "every-function",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(
            allow(Action="lambda:UpdateFunctionCode", Resource=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*")
        ),
    ),
    case(
        "every-secret",
        IAM,
        EVERY,
        ROLE_POLICY,
        role_policy(
            allow(
                Action="secretsmanager:GetSecretValue", Resource=f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*"
            )
        ),
    ),
    case(
        "every-bucket", IAM, EVERY, ROLE_POLICY, role_policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::*/*"))
    ),
    case(
        "role-inline-policy",
        IAM,
        WILDCARD,
        ROLE,
        {
            "assumeRolePolicy": document(
                allow(Principal={"Service": "ecs-tasks.amazonaws.com"}, Action="sts:AssumeRole")
            ),
            "inlinePolicies": [{"name": "admin", "policy": document(allow(Action="*", Resource="*"))}],
        },
    ),
    case(
        "role-managed-policy-arns",
        IAM,
        "AWS-managed",
        ROLE,
        {
            "assumeRolePolicy": document(allow(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole")),
            "managedPolicyArns": [ADMIN],
        },
    ),
    case(
        "managed-policy-decrypts-every-key",
        IAM,
        EVERY,
        "aws:iam/policy:Policy",
        {"policy": document(allow(Action=["kms:Decrypt"], Resource=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*"))},
    ),
    case(
        "policy-attachment-of-admin",
        IAM,
        "AWS-managed",
        "aws:iam/policyAttachment:PolicyAttachment",
        {"policyArn": ADMIN, "roles": ["app-task-role"]},
    ),
    case(
        "role-policy-attachment-of-admin",
        IAM,
        "AWS-managed",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"policyArn": ADMIN, "role": "app-task-role"},
    ),
    case(
        "group-policy-attachment",
        IAM,
        "AWS-managed",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/PowerUserAccess", "group": "developers"},
    ),
    case(
        "group-policy",
        IAM,
        EVERY,
        "aws:iam/groupPolicy:GroupPolicy",
        {"group": "developers", "policy": document(allow(Action="sts:AssumeRole", Resource="*"))},
    ),
    case(
        "user-policy",
        "iam-no-users",
        "attached to an IAM user",
        "aws:iam/userPolicy:UserPolicy",
        {
            "user": "ci",
            "policy": document(
                allow(Action="ecr:PutImage", Resource=f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/app")
            ),
        },
    ),
    case(
        "user-policy-attachment",
        IAM,
        "AWS-managed",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "user": "ci"},
    ),
    case("access-key", "iam-no-users", "long-lived credential", "aws:iam/accessKey:AccessKey", {"user": "ci"}),
    # Trust policies.
    case(
        "trust-any-aws-principal",
        TRUST,
        "every AWS principal",
        ROLE,
        trust(allow(Principal=PUBLIC, Action="sts:AssumeRole")),
    ),
    case("trust-star", TRUST, "every AWS principal", ROLE, trust(allow(Principal="*", Action="sts:AssumeRole"))),
    case(
        "trust-any-account-root",
        TRUST,
        "every AWS principal",
        ROLE,
        trust(allow(Principal={"AWS": ["arn:aws:iam::*:root"]}, Action="sts:AssumeRole")),
    ),
    case(
        "trust-any-account-by-principal-arn",
        TRUST,
        "every AWS principal",
        ROLE,
        trust(
            allow(
                Principal=PUBLIC,
                Action="sts:AssumeRole",
                Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*"}},
            )
        ),
    ),
    case(
        "trust-any-account-ending-in-1",
        TRUST,
        "every AWS principal",
        ROLE,
        trust(
            allow(Principal=PUBLIC, Action="sts:AssumeRole", Condition={"StringLike": {"aws:PrincipalAccount": "*1"}})
        ),
    ),
    case(
        "trust-not-principal",
        TRUST,
        "NotPrincipal",
        ROLE,
        trust(allow(NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/intern"}, Action="sts:AssumeRole")),
    ),
    case(
        "oidc-any-repository",
        TRUST,
        "any subject",
        ROLE,
        trust(github(StringEquals=AUD, StringLike={"token.actions.githubusercontent.com:sub": "repo:*"})),
    ),
    case(
        "cognito-any-identity-pool",
        TRUST,
        "names no identity pool",
        ROLE,
        trust(cognito(**{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}})),
    ),
    case(
        "cognito-any-identity-pool-of-a-region",
        TRUST,
        "names no identity pool",
        ROLE,
        trust(cognito(StringLike={"cognito-identity.amazonaws.com:aud": "us-east-1:*"})),
    ),
    case(
        "oidc-any-repository-of-the-owner",
        TRUST,
        "any subject",
        ROLE,
        trust(github(StringEquals=AUD, StringLike={"token.actions.githubusercontent.com:sub": "repo:acme/*"})),
    ),
    case(
        "oidc-any-context-of-the-repository",
        TRUST,
        "any subject",
        ROLE,
        trust(github(StringEquals=AUD, StringLike={"token.actions.githubusercontent.com:sub": "repo:acme/app:*"})),
    ),
    case(
        "oidc-any-environment-of-the-repository",
        TRUST,
        "any subject",
        ROLE,
        trust(
            github(
                StringEquals=AUD, StringLike={"token.actions.githubusercontent.com:sub": "repo:acme/app:environment:*"}
            )
        ),
    ),
    case("oidc-no-subject", TRUST, "any subject", ROLE, trust(github(StringEquals=AUD))),
    case(
        "oidc-no-audience",
        TRUST,
        "names no one audience",
        ROLE,
        trust(github(StringEquals={"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"})),
    ),
    # Resource policies granting '*' with no condition naming the callers.
    case(
        "s3-bucket-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:s3/bucketPolicy:BucketPolicy",
        {
            "bucket": "assets",
            "policy": document(allow(Principal="*", Action="s3:GetObject", Resource="arn:aws:s3:::assets/*")),
        },
    ),
    case(
        "s3-public-but-tls",
        PUBLIC_POLICY,
        "every principal",
        "aws:s3/bucketPolicy:BucketPolicy",
        {
            "bucket": "assets",
            "policy": document(
                allow(
                    Principal=PUBLIC,
                    Action="s3:PutObject",
                    Resource="arn:aws:s3:::assets/*",
                    Condition={"Bool": {"aws:SecureTransport": "true"}},
                )
            ),
        },
    ),
    case(
        "ecr-repository-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        {
            "repository": "app",
            "policy": document(allow(Principal="*", Action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])),
        },
    ),
    case(
        "sns-topic-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:sns/topicPolicy:TopicPolicy",
        {
            "arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms",
            "policy": document(
                allow(Principal=PUBLIC, Action="SNS:Publish", Resource=f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms")
            ),
        },
    ),
    case(
        "sns-topic-inline-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:sns/topic:Topic",
        {"policy": document(allow(Principal="*", Action="sns:Subscribe", Resource="*"))},
    ),
    case(
        "sns-not-principal",
        PUBLIC_POLICY,
        "NotPrincipal",
        "aws:sns/topicPolicy:TopicPolicy",
        {
            "arn": "t",
            "policy": document(allow(NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="sns:Publish")),
        },
    ),
    case(
        "secrets-manager-secret-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        {
            "secretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf",
            "policy": document(allow(Principal=PUBLIC, Action="secretsmanager:GetSecretValue", Resource="*")),
        },
    ),
    case(
        "logs-resource-policy",
        PUBLIC_POLICY,
        "every principal",
        LOG_POLICY,
        {
            "resourceArn": LOG_GROUP,
            "policyDocument": document(allow(Principal=PUBLIC, Action="logs:PutLogEvents", Resource=f"{LOG_GROUP}:*")),
        },
    ),
    case(
        "kms-key-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:kms/key:Key",
        {"policy": document(allow(Principal="*", Action="kms:Decrypt", Resource="*"))},
    ),
    case(
        "kms-key-policy-wildcard-account-condition",
        PUBLIC_POLICY,
        "every principal",
        "aws:kms/keyPolicy:KeyPolicy",
        {
            "keyId": "k",
            "policy": document(
                allow(
                    Principal=PUBLIC,
                    Action="kms:Decrypt",
                    Resource="*",
                    Condition={"StringLike": {"aws:SourceAccount": "*"}},
                )
            ),
        },
    ),
    case(
        "sqs-queue-policy-any-accounts-rule",
        PUBLIC_POLICY,
        "every principal",
        "aws:sqs/queuePolicy:QueuePolicy",
        {
            "queueUrl": "q",
            "policy": document(
                allow(
                    Principal=PUBLIC,
                    Action="sqs:SendMessage",
                    Resource="*",
                    Condition={"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:*:rule/app"}},
                )
            ),
        },
    ),
    case(
        "secret-policy-any-organization",
        PUBLIC_POLICY,
        "every principal",
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        {
            "secretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf",
            "policy": document(
                allow(
                    Principal="*",
                    Action="secretsmanager:GetSecretValue",
                    Resource="*",
                    Condition={"StringLike": {"aws:PrincipalOrgID": "o-*", "aws:SourceOrgID": "o-?"}},
                )
            ),
        },
    ),
    case(
        "sns-topic-policy-account-pattern",
        PUBLIC_POLICY,
        "every principal",
        "aws:sns/topicPolicy:TopicPolicy",
        {
            "arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms",
            "policy": document(
                allow(
                    Principal=PUBLIC,
                    Action="SNS:Publish",
                    Resource="*",
                    Condition={"StringLike": {"AWS:SourceOwner": "12345678901?", "aws:SourceAccount": "1234*"}},
                )
            ),
        },
    ),
    case(
        "sqs-queue-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:sqs/queuePolicy:QueuePolicy",
        {"queueUrl": "q", "policy": document(allow(Principal="*", Action="sqs:SendMessage", Resource="*"))},
    ),
    case(
        "event-bus-policy",
        PUBLIC_POLICY,
        "every principal",
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
        {"policy": document(allow(Principal=PUBLIC, Action="events:PutEvents", Resource="*"))},
    ),
    *(
        case(
            id,
            "log-resource-policy-scoped",
            "aws:SourceArn",
            LOG_POLICY,
            {
                "resourceArn": LOG_GROUP,
                "policyDocument": document(
                    allow(Principal={"Service": "events.amazonaws.com"}, Action=actions, Resource=f"{LOG_GROUP}:*")
                ),
            },
        )
        # Writing with no source, and writing beside a stream creation (which alone may go unsourced).
        for id, actions in (
            ("log-policy-no-source", ["logs:PutLogEvents"]),
            ("log-policy-writes-with-stream-creation-unsourced", ["logs:CreateLogStream", "logs:PutLogEvents"]),
        )
    ),
    # Lambda.
    case(
        "lambda-permission-for-anyone",
        "lambda-not-public",
        "principal '*'",
        "aws:lambda/permission:Permission",
        {"function": "counter", "principal": "*", "action": "lambda:InvokeFunction"},
    ),
    case(
        "lambda-permission-for-s3-without-account",
        "lambda-not-public",
        "sourceAccount",
        "aws:lambda/permission:Permission",
        {
            "function": "counter",
            "principal": "s3.amazonaws.com",
            "action": "lambda:InvokeFunction",
            "sourceArn": "arn:aws:s3:::uploads",
        },
    ),
    case(
        "lambda-permission-for-any-accounts-rule",
        "lambda-not-public",
        "a pattern any account's resources match",
        "aws:lambda/permission:Permission",
        {
            "function": "counter",
            "principal": "events.amazonaws.com",
            "action": "lambda:InvokeFunction",
            "sourceArn": "arn:aws:events:*:*:rule/*",
        },
    ),
    case(
        "lambda-function-url-without-auth",
        "lambda-not-public",
        "AWS_IAM",
        "aws:lambda/functionUrl:FunctionUrl",
        {"functionName": "counter", "authorizationType": "NONE"},
    ),
    # Listeners.
    case("listener-with-no-protocol", HTTPS, "redirect it to HTTPS", LISTENER, {"port": 80, "defaultActions": FORWARD}),
    case(
        "listener-protocol-in-lower-case",
        HTTPS,
        "redirect it to HTTPS",
        LISTENER,
        {"port": 80, "protocol": "http", "defaultActions": FORWARD},
    ),
    case(
        "https-in-lower-case-with-tls-1-0",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"port": 443, "protocol": "https", "sslPolicy": "ELBSecurityPolicy-2016-08", "defaultActions": FORWARD},
    ),
    case(
        "tls13-policy-that-takes-tls-1-0",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-0-2021-06", "defaultActions": FORWARD},
    ),
    case(
        "tls13-policy-that-takes-tls-1-1",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-1-2021-06", "defaultActions": FORWARD},
    ),
    case(
        "tls-1-1-policy",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS-1-1-2017-01", "defaultActions": FORWARD},
    ),
    case(
        "default-cli-policy",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08", "defaultActions": FORWARD},
    ),
    case(
        "forward-secrecy-tls-1-1",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-FS-1-1-2019-08", "defaultActions": FORWARD},
    ),
    case(
        "nlb-tls-listener-with-tls-1-0",
        HTTPS,
        "allows TLS before 1.2",
        LISTENER,
        {"protocol": "TLS", "port": 443, "sslPolicy": "ELBSecurityPolicy-2016-08", "defaultActions": FORWARD},
    ),
    # ECR.
    case(
        "ecr-exclusion-of-every-tag",
        "ecr-immutable-scanned",
        "matches tags of any name",
        "aws:ecr/repository:Repository",
        {
            "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageScanningConfiguration": {"scanOnPush": True},
            "imageTagMutabilityExclusionFilters": [{"filter": "*", "filterType": "WILDCARD"}],
        },
    ),
    # Stacks: a bucket that takes plain HTTP.
    Case(
        "bucket-without-tls-policy",
        "s3-tls-only",
        "plain-HTTP",
        (("aws:s3/bucket:Bucket", {"arn": "arn:aws:s3:::logs"}),),
    ),
    Case(
        "bucket-tls-deny-misses-the-objects",
        "s3-tls-only",
        "plain-HTTP",
        (
            ("aws:s3/bucket:Bucket", {"arn": "arn:aws:s3:::logs"}),
            (
                "aws:s3/bucketPolicy:BucketPolicy",
                {
                    "bucket": "logs",
                    "policy": document(
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": "arn:aws:s3:::logs",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ),
                },
            ),
        ),
    ),
    # The second review: what the provider's Go decoder reads, other ingress shapes, listener rules, narrowed
    # TLS denies, resource policies of other types, exclusive attachments and user credentials, "?" in a
    # condition, a Spot weight of 0.
    case("pascal-case-privileged", "ecs-containers-hardened", "is privileged", TASK,
         containers('{"name": "app", "user": "1000:1000", "stopTimeout": 30, "readonlyRootFilesystem": true, '
                    '"logConfiguration": {"logDriver": "awslogs"}, "Privileged": true}')),
    case("later-user-0-in-another-case", "containers-graceful-non-root", "may run as root", TASK,
         containers('{"name": "app", "user": "1000:1000", "User": "0", "stopTimeout": 30}')),
    case("pascal-case-environment-password", "ecs-containers-hardened", "passes DB_PASSWORD", TASK,
         containers('{"name": "app", "Environment": [{"Name": "DB_PASSWORD", "Value": "x"}]}')),
    case("ecs-engine-auth-data-in-environment", "ecs-containers-hardened", "passes ECS_ENGINE_AUTH_DATA", TASK,
         containers('{"name": "app", "environment": [{"name": "ECS_ENGINE_AUTH_DATA", "value": "x"}]}')),
    case("spot-of-weight-0", "ecs-service-spot-strategy", "give it a weight > 0", "aws:ecs/service:Service",
         {"capacityProviderStrategies": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1},
                                         {"capacityProvider": "FARGATE_SPOT", "weight": 0}]}),
    case("event-bus-permission-for-everyone", PUBLIC_POLICY, "admits every AWS account",
         "aws:cloudwatch/eventPermission:EventPermission", {"principal": "*", "statementId": "all"}),
    case("public-replica-key", PUBLIC_POLICY, "granted to every principal", "aws:kms/replicaKey:ReplicaKey",
         {"policy": document(allow(Principal="*", Action="kms:Decrypt", Resource="*"))}),
    case("public-read-write-bucket-acl", PUBLIC_POLICY, "grants to every user", "aws:s3/bucketAcl:BucketAcl",
         {"bucket": "logs", "acl": "public-read-write"}),
    case("public-log-destination", PUBLIC_POLICY, "granted to every principal",
         "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
         {"destinationName": "d", "accessPolicy": document(allow(Principal=PUBLIC, Action="logs:PutSubscriptionFilter",
                                                                  Resource="*"))}),
    case("admin-in-exclusive-role-attachments", IAM, "AWS-managed policy",
         "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
         {"roleName": "app", "policyArns": [ADMIN]}),
    case("exclusive-user-attachments", "iam-no-users", "attached to an IAM user",
         "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
         {"userName": "bob", "policyArns": [f"arn:aws:iam::{ACCOUNT}:policy/deploy"]}),
    case("user-console-password", "iam-no-users", "console password", "aws:iam/userLoginProfile:UserLoginProfile",
         {"user": "bob"}),
    case("list-tasks-on-a-cluster-pattern-of-question-marks", IAM, "ecs:ListTasks on every resource", ROLE_POLICY,
         role_policy(allow(Action="ecs:ListTasks", Resource="*", Condition={
             "ArnEquals": {"ecs:cluster": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/????????"}}))),
    Case("inline-ingress-443-on-a-task-group", "world-open-only-on-load-balancers", "no load balancer uses", (
        ("aws:lb/loadBalancer:LoadBalancer", {"securityGroups": ["sg-alb"]}),
        ("aws:ec2/securityGroup:SecurityGroup", {
            "arn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-task",
            "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]}),
    )),
    Case("ipv6-rule-443-on-a-task-group", "world-open-only-on-load-balancers", "no load balancer uses", (
        ("aws:lb/loadBalancer:LoadBalancer", {"securityGroups": ["sg-alb"]}),
        ("aws:ec2/securityGroupRule:SecurityGroupRule", {"type": "ingress", "securityGroupId": "sg-task",
         "protocol": "tcp", "fromPort": 443, "toPort": 443, "ipv6CidrBlocks": ["::/0"]}),
    )),
    Case("forwarding-rule-on-a-redirecting-http-listener", "elb-https-only-listener-rules", "serves plain HTTP", (
        (LISTENER, {"arn": HTTP_LISTENER, "protocol": "HTTP", "defaultActions": [
            {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}),
        ("aws:lb/listenerRule:ListenerRule", {"listenerArn": HTTP_LISTENER, "actions": FORWARD,
         "conditions": [{"pathPattern": {"values": ["/*"]}}]}),
    )),
    case("world-open-ssh-on-a-group-the-preview-creates", "no-world-open-ingress", "ports 22-22", INGRESS_RULE,
         {"securityGroupId": UNKNOWN, "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}),
    case("world-open-inline-ssh-on-a-group-the-preview-creates", "no-world-open-ingress", "ports 22-22",
         "aws:ec2/securityGroup:SecurityGroup", {"id": UNKNOWN, "arn": UNKNOWN, "ingress": [
             {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]}),
    Case("443-open-on-a-new-task-group-beside-a-new-load-balancer-group", "world-open-only-on-load-balancers",
         "no load balancer uses", (
        (GROUP, {"id": UNKNOWN, "arn": UNKNOWN}, urn(GROUP, "alb-sg")),
        (GROUP, {"id": UNKNOWN, "arn": UNKNOWN}, urn(GROUP, "task-sg")),
        ("aws:lb/loadBalancer:LoadBalancer", {"securityGroups": [UNKNOWN]}, urn("aws:lb/loadBalancer:LoadBalancer",
         "alb"), {"securityGroups": [urn(GROUP, "alb-sg")]}),
        (INGRESS_RULE, {"securityGroupId": UNKNOWN, "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443,
         "toPort": 443}, urn(INGRESS_RULE, "task-443"), {"securityGroupId": [urn(GROUP, "task-sg")]}),
    )),
    Case("forwarding-rule-on-an-http-listener-the-preview-creates", "elb-https-only-listener-rules",
         "serves plain HTTP", (
        (LISTENER, {"arn": UNKNOWN, "protocol": "HTTP", "defaultActions": [
            {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]},
         urn(LISTENER, "http")),
        ("aws:lb/listenerRule:ListenerRule", {"arn": UNKNOWN, "listenerArn": UNKNOWN, "actions": FORWARD},
         urn("aws:lb/listenerRule:ListenerRule", "api"), {"listenerArn": [urn(LISTENER, "http")]}),
    )),
    Case("tls-deny-only-through-one-endpoint", "s3-tls-only", "plain-HTTP", (
        ("aws:s3/bucket:Bucket", {"bucket": "logs", "arn": "arn:aws:s3:::logs"}),
        ("aws:s3/bucketPolicy:BucketPolicy", {"bucket": "logs", "policy": document({
            "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:SourceVpce": "vpce-1"}}})}),
    )),
)  # fmt: skip
