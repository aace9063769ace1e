"""The key-policy statement docs/decisions.md gives for ``execKmsKeyArn`` lets CloudWatch Logs use the
key for the session log group the stack creates, and for nothing else (``tests/models/resource_policies.py``).
Without it CreateLogGroup fails: the cluster's exec logging never deploys."""

import json
import re

import pytest

from tests.models.resource_policies import admits
from tools.offline import ACCOUNT, REGION, ROOT, RecordingMocks, Run, run_program

DOC = (ROOT / "docs" / "decisions.md").read_text()
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#: What the guide's statement grants CloudWatch Logs (CloudWatch Logs User Guide, "Encrypt log data in
#: CloudWatch Logs using AWS KMS", step 2).
GUIDE_ACTIONS = {"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
#: Pulumi names a resource without a set name ``<name>-<7 random hex characters>``.
AUTONAME_SUFFIX = "-4f1a2b3"


def documented_statement(region: str, account: str, stack: str) -> dict:
    """The JSON statement of the ECS Exec section, with its placeholders filled in."""
    section = DOC.split("## ECS Exec, and a key of yours for its sessions", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    filled = block.replace("REGION", region).replace("ACCOUNT_ID", account).replace("STACK", stack)
    return json.loads(filled)


@pytest.fixture(scope="module")
def run() -> Run:
    return run_program("dev", {"enableExecuteCommand": "true", "execKmsKeyArn": KEY}, mocks=RecordingMocks())


def log_group_arn(name: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}{AUTONAME_SUFFIX}"


def test_the_statement_grants_what_the_guide_grants() -> None:
    assert set(documented_statement(REGION, ACCOUNT, "dev")["Action"]) == GUIDE_ACTIONS


@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"])
def test_cloudwatch_logs_may_use_the_key_for_the_session_log_group(run: Run, action: str) -> None:
    sessions = run.mocks.find("aws:cloudwatch/logGroup:LogGroup", "dev-app-exec-logs")
    assert sessions.inputs["kmsKeyId"] == KEY
    statement = documented_statement(REGION, ACCOUNT, "dev")
    context = {"kms:EncryptionContext:aws:logs:arn": log_group_arn(sessions.name)}
    assert admits({"Statement": [statement]}, service=f"logs.{REGION}.amazonaws.com", action=action,
                  resource=KEY, context=context)  # fmt: skip


@pytest.mark.parametrize(
    ("service", "log_group"),
    [
        (f"logs.{REGION}.amazonaws.com", "dev-app-logs"),  # the container's group: not this key's business
        (f"logs.{REGION}.amazonaws.com", "prod-app-exec-logs"),  # another stack's sessions
        ("logs.eu-west-1.amazonaws.com", "dev-app-exec-logs"),  # CloudWatch Logs of another region
    ],
)
def test_the_statement_admits_nothing_else(service: str, log_group: str) -> None:
    statement = documented_statement(REGION, ACCOUNT, "dev")
    context = {"kms:EncryptionContext:aws:logs:arn": log_group_arn(log_group)}
    assert not admits({"Statement": [statement]}, service=service, action="kms:GenerateDataKey", resource=KEY,
                      context=context)  # fmt: skip


def test_with_an_existing_cluster_the_task_role_decrypts_exec_sessions_with_the_key_that_cluster_uses() -> None:
    """0.5.0 dropped the key with ``clusterArn`` (only a created cluster carried it): sessions of a
    cluster encrypting with it then failed to open. The program hands it to the service instead."""
    existing = run_program(
        "dev",
        {"clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/shared", "enableExecuteCommand": "true",
         "execKmsKeyArn": KEY, "containerInsights": "enhanced"},  # the dev stack's is its created cluster's
        mocks=RecordingMocks(),
    )  # fmt: skip
    assert existing.mocks.inputs_of("aws:ecs/cluster:Cluster") == []
    policy = json.loads(existing.mocks.find("aws:iam/rolePolicy:RolePolicy", "dev-app-exec-command").inputs["policy"])
    assert {"Sid": "SessionKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY} in policy["Statement"]
