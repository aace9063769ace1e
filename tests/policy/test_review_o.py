"""The violations a review crafted that the pack once let through, each caught by its rule with its fix
(prod's policy config): one policy per bucket, every object's key, web identity apps, EKS subjects, Alexa
tokens, ECR filters, Identity Center permission sets, credential names, run-time log groups, and services
joined by cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules import STACK_RULES
from tests.policy.engine import stack_violations, violations

PROD = json.loads((Path(__file__).resolve().parents[2] / "policy" / "config.prod.json").read_text())
ACCOUNT = "123456789012"
TASK, SERVICE = "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"
BUCKET, BUCKET_POLICY, ROLE = "aws:s3/bucketV2:BucketV2", "aws:s3/bucketPolicy:BucketPolicy", "aws:iam/role:Role"
REPOSITORY, PERMISSION = "aws:ecr/repository:Repository", "aws:lambda/permission:Permission"
EKS = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}  # fmt: skip
READ = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*"}  # fmt: skip


def task(container: dict[str, Any]) -> dict[str, Any]:
    base = {"name": "app", "user": "1000:1000", "stopTimeout": 30, "readonlyRootFilesystem": True,
            "logConfiguration": {"logDriver": "awslogs"}}  # fmt: skip
    return {"runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            "requiresCompatibilities": ["FARGATE"], "containerDefinitions": json.dumps([base | container])}  # fmt: skip


def repository(pattern: str) -> dict[str, Any]:
    return {"imageTagMutability": "IMMUTABLE_WITH_EXCLUSION", "imageScanningConfiguration": {"scanOnPush": True},
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": pattern}]}  # fmt: skip


def invoke(principal: str) -> dict[str, Any]:
    return {"principal": principal, "action": "lambda:InvokeFunction", "function": "f"}


def web_identity(provider: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}
    return {"assumeRolePolicy": document(statement | ({"Condition": condition} if condition else {}))}


ROLLING = {"name": "web", "cluster": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/main",
           "alarms": {"enable": True, "rollback": True, "alarmNames": ["a"]}}  # fmt: skip
MEMORY = {"metricName": "MemoryUtilization", "dimensions": {"ClusterName": "main", "ServiceName": "web"}}

#: (id, rule, a fragment of its fix, the resources).
CASES: list[tuple[str, str, str, list[tuple[str, dict[str, Any]]]]] = [
    ("inline-deny-overwritten-by-a-bucket-policy", "s3-tls-only", "takes plain-HTTP requests",
     [(BUCKET, {"bucket": "b", "arn": "arn:aws:s3:::b", "policy": document(TLS_DENY)}),
      (BUCKET_POLICY, {"bucket": "b", "policy": document(READ)})]),
    ("two-bucket-policies-one-without-the-deny", "s3-tls-only", "give it one policy",
     [(BUCKET, {"bucket": "b", "arn": "arn:aws:s3:::b"}),
      (BUCKET_POLICY, {"bucket": "b", "policy": document(TLS_DENY)}),
      (BUCKET_POLICY, {"bucket": "b", "policy": document(READ)})]),
    ("deny-on-one-key-prefix", "s3-tls-only", "takes plain-HTTP requests",
     [(BUCKET, {"bucket": "b", "arn": "arn:aws:s3:::b"}),
      (BUCKET_POLICY, {"bucket": "b", "policy": document(
          TLS_DENY | {"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/a*"]})})]),
    ("google-with-no-audience", "iam-trust-scoped", "accounts.google.com:aud",
     [(ROLE, web_identity("accounts.google.com"))]),
    ("facebook-with-no-app", "iam-trust-scoped", "graph.facebook.com:app_id",
     [(ROLE, web_identity("graph.facebook.com"))]),
    ("eks-any-service-account", "iam-trust-scoped", "admits any subject",
     [(ROLE, web_identity(f"arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}", {
         "StringEquals": {f"{EKS}:aud": "sts.amazonaws.com"},
         "StringLike": {f"{EKS}:sub": "system:serviceaccount:*"}}))]),
    ("alexa-skill-with-no-skill-id", "lambda-not-public", "event_source_token",
     [(PERMISSION, invoke("alexa-appkit.amazon.com"))]),
    ("alexa-smart-home-with-no-token", "lambda-not-public", "event_source_token",
     [(PERMISSION, invoke("alexa-connectedhome.amazon.com"))]),
    ("exclusion-star-dot-star", "ecr-immutable-scanned", "matches tags of any name",
     [(REPOSITORY, repository("*.*"))]),
    ("exclusion-star-digit-star", "ecr-immutable-scanned", "matches tags of any name",
     [(REPOSITORY, repository("*1*"))]),
    ("identity-center-administrator", "iam-least-privilege", "is an AWS-managed policy",
     [("aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", {"instanceArn": "arn:i",
       "permissionSetArn": "arn:ps", "managedPolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})]),
    ("identity-center-inline-star", "iam-least-privilege", "Wildcard actions *",
     [("aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy", {"instanceArn": "arn:i",
       "permissionSetArn": "arn:ps", "inlinePolicy": document({"Effect": "Allow", "Action": "*", "Resource": "*"})})]),
    ("mysql-pwd", "ecs-containers-hardened", "passes MYSQL_PWD",
     [(TASK, task({"environment": [{"name": "MYSQL_PWD", "value": "x"}]}))]),
    ("db-pass", "ecs-containers-hardened", "passes DB_PASS",
     [(TASK, task({"environment": [{"name": "DB_PASS", "value": "x"}]}))]),
    ("log-group-created-at-run-time", "ecs-containers-hardened", "declare the group",
     [(TASK, task({"logConfiguration": {"logDriver": "awslogs", "options": {
         "awslogs-group": "/new", "awslogs-create-group": "true", "awslogs-region": "us-east-1"}}}))]),
    ("target-of-the-same-name-in-another-cluster", "services-autoscale", "does not autoscale",
     [(SERVICE, ROLLING), ("aws:cloudwatch/metricAlarm:MetricAlarm", MEMORY),
      ("aws:appautoscaling/target:Target", {"resourceId": "service/other-cluster/web",
                                            "scalableDimension": "ecs:service:DesiredCount"})]),
]  # fmt: skip
STACK_RULE_NAMES = {rule.name for rule in STACK_RULES}


@pytest.mark.parametrize(("rule", "fix", "resources"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_violation_the_review_crafted_is_caught_by_its_rule_with_its_fix(
    rule: str, fix: str, resources: list[tuple[str, dict[str, Any]]]
) -> None:
    if rule in STACK_RULE_NAMES:
        found = stack_violations(resources, PROD)
    else:
        ((resource_type, props),) = resources
        found = violations(resource_type, props, PROD)
    assert any(fix in m for m in found if m.startswith(f"{rule}: ")), found
