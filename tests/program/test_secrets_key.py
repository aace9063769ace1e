"""The SecureString parameters of ``secretValues`` are encrypted with a key of the stack's own that, of the
project's roles, only the execution role may decrypt with, and only through SSM (issue 15, item 4).
Decided by the key policy and IAM as AWS KMS decides (``tests/models/iam.py``, ``key_allows``)."""

import json

import pytest

from tests.models import iam
from tests.models.iam import Request
from tests.program.stacks import run_config
from tools.deployer_policy import document, fill
from tools.offline import ACCOUNT, REGION, Registered

VIA_SSM = {"kms:ViaService": f"ssm.{REGION}.amazonaws.com"}
RUN = run_config("maximal")
BOUNDARY = fill(
    document("boundary"), {"ACCOUNT": ACCOUNT, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "dev"}
)
ANYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def one(typ: str) -> Registered:
    return RUN.mocks.one(typ)


KEY, PARAMETER = one("aws:kms/key:Key"), one("aws:ssm/parameter:Parameter")
EXEC_ROLE_ARN = RUN.mocks.find("aws:iam/role:Role", "prod-app-exec-role").outputs["arn"]
EXEC_POLICY = RUN.mocks.find("aws:iam/rolePolicy:RolePolicy", "prod-app-exec-policy").inputs["policy"]
TAGS = {f"aws:ResourceTag/{k}": v for k, v in KEY.inputs["tags"].items()}


def decrypt(**context: str) -> Request:
    return Request("kms:Decrypt", KEY.outputs["arn"], {**TAGS, **context})


def deployer(stack: str) -> dict[str, object]:
    return fill(
        document("deployer"),
        {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": stack},
    )


def test_every_secret_value_is_stored_with_the_stacks_own_key_not_the_accounts_aws_ssm_key() -> None:
    assert PARAMETER.inputs["type"] == "SecureString"
    assert PARAMETER.inputs["keyId"] == KEY.outputs["arn"]
    alias = one("aws:kms/alias:Alias")
    assert alias.inputs["targetKeyId"] == KEY.outputs["keyId"]
    assert alias.inputs["name"] == "alias/graviton-node/prod-app/secrets"
    assert KEY.inputs["enableKeyRotation"] is True
    assert KEY.inputs["tags"] == {"graviton-node:stack": "graviton-node/prod"}


def test_a_stack_without_secret_values_creates_no_key() -> None:
    assert not [r for r in run_config("prod").mocks.resources if r.type.startswith("aws:kms/")]


def test_the_execution_role_decrypts_with_the_key_through_ssm_only() -> None:
    policy = json.loads(KEY.inputs["policy"])
    as_role = {"principal_arn": EXEC_ROLE_ARN, "identity": [EXEC_POLICY], "boundary": BOUNDARY}
    assert iam.key_allows(policy, decrypt(**VIA_SSM), **as_role)
    assert not iam.key_allows(policy, decrypt(), **as_role), "directly, not through SSM"
    assert not iam.key_allows(
        policy, decrypt(**{"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}), **as_role
    )


@pytest.mark.parametrize(
    "role",
    [
        f"arn:aws:iam::{ACCOUNT}:role/graviton-node/dev/dev-app-exec-role-0a1b2c3",
        f"arn:aws:iam::{ACCOUNT}:role/graviton-node/prod/prod-app-task-role-0a1b2c3",
        f"arn:aws:iam::{ACCOUNT}:role/graviton-node/prod/prod-app-monitoring-task-count-role-0a1b2c3",
    ],
)
def test_no_other_role_of_the_project_decrypts_with_it_whatever_its_own_policy_says(role: str) -> None:
    """Another stack's deployer may give a role it creates any policy the boundary admits: the key's Deny
    keeps that role (and this stack's other roles) out."""
    policy = json.loads(KEY.inputs["policy"])
    assert not iam.key_allows(policy, decrypt(**VIA_SSM), principal_arn=role, identity=[ANYTHING], boundary=BOUNDARY)


def test_the_stacks_deployer_writes_and_reads_the_parameters_through_ssm_and_the_other_stacks_cannot() -> None:
    """The provider reads a SecureString back with decryption after every write (ssm/parameter.go)."""
    policy = json.loads(KEY.inputs["policy"])
    principal = f"arn:aws:iam::{ACCOUNT}:role/graviton-node-deploy-prod"
    for action in ("kms:Encrypt", "kms:Decrypt"):
        request = Request(action, KEY.outputs["arn"], {**TAGS, **VIA_SSM})
        assert iam.key_allows(policy, request, principal_arn=principal, identity=[deployer("prod")])
        assert not iam.key_allows(policy, request, principal_arn=principal, identity=[deployer("dev")])
    assert not iam.key_allows(policy, decrypt(), principal_arn=principal, identity=[deployer("prod")])


def test_the_execution_roles_own_policy_allows_the_key_only_through_ssm() -> None:
    assert iam.allows(EXEC_POLICY, "kms:Decrypt", KEY.outputs["arn"], VIA_SSM)
    assert not iam.allows(EXEC_POLICY, "kms:Decrypt", KEY.outputs["arn"])


@pytest.mark.parametrize(
    "principal",
    [f"arn:aws:iam::{ACCOUNT}:role/admin", f"arn:aws:iam::{ACCOUNT}:role/graviton-node-deploy-prod"],
)
def test_no_identity_of_the_account_decrypts_with_it_directly_whatever_its_own_policy_says(principal: str) -> None:
    """The account statement delegates to IAM: without the key's own Deny, an identity allowed
    kms:Decrypt on * would read the secrets straight from KMS, around SSM and its parameter policy."""
    policy = json.loads(KEY.inputs["policy"])
    assert not iam.key_allows(policy, decrypt(), principal_arn=principal, identity=[ANYTHING])
    assert iam.key_allows(policy, decrypt(**VIA_SSM), principal_arn=principal, identity=[ANYTHING])


def test_no_identity_re_encrypts_its_ciphertext_under_a_key_of_its_own() -> None:
    """GetParameter without decryption hands out the ciphertext; ReEncrypt to another key would read it
    without kms:Decrypt on this one. SSM never re-encrypts, so no one may."""
    policy = json.loads(KEY.inputs["policy"])
    request = Request("kms:ReEncryptFrom", KEY.outputs["arn"], TAGS)
    assert not iam.key_allows(policy, request, principal_arn=f"arn:aws:iam::{ACCOUNT}:role/admin", identity=[ANYTHING])
