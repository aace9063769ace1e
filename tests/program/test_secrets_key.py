"""The SecureString parameters of ``secretValues`` are encrypted with a key of the stack's own that, of the
project's roles, only the execution role may decrypt with, and only through SSM (issue 15, item 4), and
that its own stack's deployer can create. Decided by the key policy and IAM as AWS KMS decides
(``tests/models/iam.py``, ``key_allows``; a key being created: ``tests/models/kms_new_key.py``)."""

import json
from typing import Any

import pytest

from tests.models import iam
from tests.models.iam import Request
from tests.models.kms_new_key import CREATE_CALLS, allows_on_new_key, lockout_check_passes
from tests.program.stacks import DEPLOYER_ROLE, run_config
from tools.deployer_policy import document, fill
from tools.offline import ACCOUNT, REGION, Registered

VIA_SSM = {"kms:ViaService": f"ssm.{REGION}.amazonaws.com"}
BOUNDARY = fill(
    document("boundary"), {"ACCOUNT": ACCOUNT, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "dev"}
)
ANYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
#: dev's deploying role, which the maximal prod stack's key does not name.
DEV_DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/graviton-node-deploy-dev"


# The maximal program runs when a test first asks for it, not when the module is collected: every pytest
# worker collects every module, and only the one running these tests needs the run (shared: run_config).
def one(typ: str) -> Registered:
    return run_config("maximal").mocks.one(typ)


def key() -> Registered:
    return one("aws:kms/key:Key")


def parameter() -> Registered:
    return one("aws:ssm/parameter:Parameter")


def exec_role_arn() -> str:
    return run_config("maximal").mocks.find("aws:iam/role:Role", "prod-app-exec-role").outputs["arn"]


def exec_policy() -> str:
    return run_config("maximal").mocks.find("aws:iam/rolePolicy:RolePolicy", "prod-app-exec-policy").inputs["policy"]


def tags() -> dict[str, str]:
    return {f"aws:ResourceTag/{k}": v for k, v in key().inputs["tags"].items()}


def decrypt(**context: str) -> Request:
    return Request("kms:Decrypt", key().outputs["arn"], {**tags(), **context})


def deployer(stack: str) -> dict[str, object]:
    return fill(
        document("deployer"),
        {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": stack},
    )


def as_prod_deployer() -> dict[str, Any]:
    return {"key_arn": key().outputs["arn"], "principal_arn": DEPLOYER_ROLE, "identity": [deployer("prod")]}


def as_dev_deployer() -> dict[str, Any]:
    return {"key_arn": key().outputs["arn"], "principal_arn": DEV_DEPLOYER, "identity": [deployer("dev")]}


def without_the_deployer(policy: dict[str, object]) -> dict[str, object]:
    """``policy`` as it was before it named the deploying role: the account, the execution role, the Denies."""
    statements = [s for s in iam.statements(policy) if s.get("Principal") != {"AWS": DEPLOYER_ROLE}]
    return {**policy, "Statement": statements}


def test_kms_creates_the_key_for_its_stacks_deploying_role_the_lockout_check_passing() -> None:
    """CreateKey asks whether the new policy lets the caller PutKeyPolicy on the key; the deployer's IAM
    allow of it needs the key's stack tag, which a key being created does not have yet."""
    policy = json.loads(key().inputs["policy"])
    assert key().inputs["policy"].count(DEPLOYER_ROLE) == 2
    assert lockout_check_passes(policy, **as_prod_deployer())


def test_without_naming_the_deploying_role_the_lockout_check_refuses_the_first_create() -> None:
    """The account statement alone leaves PutKeyPolicy to the deployer's IAM policy, whose StackKeys
    allow holds only on a key already tagged with the stack."""
    policy = without_the_deployer(json.loads(key().inputs["policy"]))
    assert not lockout_check_passes(policy, **as_prod_deployer())
    tagged = Request("kms:PutKeyPolicy", key().outputs["arn"], tags())
    assert iam.key_allows(policy, tagged, principal_arn=DEPLOYER_ROLE, identity=[deployer("prod")])


@pytest.mark.parametrize("action", CREATE_CALLS)
def test_every_call_the_provider_makes_on_the_new_key_is_allowed_before_its_tag_counts(action: str) -> None:
    policy = json.loads(key().inputs["policy"])
    assert allows_on_new_key(policy, action, **as_prod_deployer())


@pytest.mark.parametrize("action", ["kms:Encrypt", "kms:Decrypt"])
def test_the_deploying_role_writes_and_reads_the_parameters_through_ssm_before_the_keys_tag_counts(
    action: str,
) -> None:
    policy = json.loads(key().inputs["policy"])
    assert allows_on_new_key(policy, action, **as_prod_deployer(), context=VIA_SSM)
    assert not allows_on_new_key(policy, action, **as_prod_deployer()), "directly, not through SSM"


@pytest.mark.parametrize("action", ["kms:PutKeyPolicy", *CREATE_CALLS, "kms:Encrypt", "kms:Decrypt"])
def test_another_stacks_deployer_gains_nothing_on_the_key(action: str) -> None:
    """The key names its own stack's deploying role only: dev's deployer may neither create nor use prod's
    key, tagged or not."""
    policy = json.loads(key().inputs["policy"])
    assert not allows_on_new_key(policy, action, **as_dev_deployer(), context=VIA_SSM)
    tagged = Request(action, key().outputs["arn"], {**tags(), **VIA_SSM})
    assert not iam.key_allows(policy, tagged, principal_arn=DEV_DEPLOYER, identity=[deployer("dev")])


def test_the_deploying_role_may_not_skip_the_lockout_check_on_its_own_key() -> None:
    """The key's grant of PutKeyPolicy does not lift the deployer's Deny of the bypass."""
    policy = json.loads(key().inputs["policy"])
    context = {"kms:BypassPolicyLockoutSafetyCheck": True}
    assert not allows_on_new_key(policy, "kms:PutKeyPolicy", **as_prod_deployer(), context=context)


def test_every_secret_value_is_stored_with_the_stacks_own_key_not_the_accounts_aws_ssm_key() -> None:
    assert parameter().inputs["type"] == "SecureString"
    assert parameter().inputs["keyId"] == key().outputs["arn"]
    alias = one("aws:kms/alias:Alias")
    assert alias.inputs["targetKeyId"] == key().outputs["keyId"]
    assert alias.inputs["name"] == "alias/graviton-node/prod-app/secrets"
    assert key().inputs["enableKeyRotation"] is True
    assert key().inputs["tags"] == {"graviton-node:stack": "graviton-node/prod"}


def test_a_stack_without_secret_values_creates_no_key() -> None:
    assert not [r for r in run_config("prod").mocks.resources if r.type.startswith("aws:kms/")]


def test_the_execution_role_decrypts_with_the_key_through_ssm_only() -> None:
    policy = json.loads(key().inputs["policy"])
    as_role = {"principal_arn": exec_role_arn(), "identity": [exec_policy()], "boundary": BOUNDARY}
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
    policy = json.loads(key().inputs["policy"])
    assert not iam.key_allows(policy, decrypt(**VIA_SSM), principal_arn=role, identity=[ANYTHING], boundary=BOUNDARY)


def test_the_stacks_deployer_writes_and_reads_the_parameters_through_ssm_and_the_other_stacks_cannot() -> None:
    """The provider reads a SecureString back with decryption after every write (ssm/parameter.go)."""
    policy = json.loads(key().inputs["policy"])
    for action in ("kms:Encrypt", "kms:Decrypt"):
        request = Request(action, key().outputs["arn"], {**tags(), **VIA_SSM})
        assert iam.key_allows(policy, request, principal_arn=DEPLOYER_ROLE, identity=[deployer("prod")])
        assert not iam.key_allows(policy, request, principal_arn=DEV_DEPLOYER, identity=[deployer("dev")])
    assert not iam.key_allows(policy, decrypt(), principal_arn=DEPLOYER_ROLE, identity=[deployer("prod")])


def test_the_execution_roles_own_policy_allows_the_key_only_through_ssm() -> None:
    assert iam.allows(exec_policy(), "kms:Decrypt", key().outputs["arn"], VIA_SSM)
    assert not iam.allows(exec_policy(), "kms:Decrypt", key().outputs["arn"])


@pytest.mark.parametrize(
    "principal",
    [f"arn:aws:iam::{ACCOUNT}:role/admin", f"arn:aws:iam::{ACCOUNT}:role/graviton-node-deploy-prod"],
)
def test_no_identity_of_the_account_decrypts_with_it_directly_whatever_its_own_policy_says(principal: str) -> None:
    """The account statement delegates to IAM: without the key's own Deny, an identity allowed
    kms:Decrypt on * would read the secrets straight from KMS, around SSM and its parameter policy."""
    policy = json.loads(key().inputs["policy"])
    assert not iam.key_allows(policy, decrypt(), principal_arn=principal, identity=[ANYTHING])
    assert iam.key_allows(policy, decrypt(**VIA_SSM), principal_arn=principal, identity=[ANYTHING])


def test_no_identity_re_encrypts_its_ciphertext_under_a_key_of_its_own() -> None:
    """GetParameter without decryption hands out the ciphertext; ReEncrypt to another key would read it
    without kms:Decrypt on this one. SSM never re-encrypts, so no one may."""
    policy = json.loads(key().inputs["policy"])
    request = Request("kms:ReEncryptFrom", key().outputs["arn"], tags())
    assert not iam.key_allows(policy, request, principal_arn=f"arn:aws:iam::{ACCOUNT}:role/admin", identity=[ANYTHING])
