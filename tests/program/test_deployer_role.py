"""With ``secretValues`` the stack names the role that deploys it (``deployerRoleArn``), whose ARN its
secrets key policy must name for KMS to create the key (``components.secrets_key``): a wrong or missing
one is refused before anything is registered, not by KMS mid-deploy."""

import json

import pytest

from components.errors import ConfigError
from components.secrets_key import secrets_key_policy
from components.testing import DEFAULT_ACCOUNT
from tests.models.kms_new_key import foreign_principals, stack_account
from tools.offline import RecordingMocks, run_program

SECRET_VALUES = {"secretValues": '["API_TOKEN=t0ken"]'}
#: An account that is not the mocks' (the stack's) and not one of the docs' placeholders.
OTHER_ACCOUNT = "999999999999"
SSO_ROLE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Deploy_0123456789abcdef"


def refused(overrides: dict[str, str]) -> ConfigError:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {**SECRET_VALUES, **overrides}, mocks=mocks, secret_keys=["secretValues"])
    assert mocks.resources == []
    (found,) = [e for e in error.value.errors if e.key == "deployerRoleArn"]
    return found


def test_secret_values_without_the_deploying_role_are_refused_naming_deployer_role_arn() -> None:
    error = refused({})
    assert error.value == "" and "the ARN of the IAM role that deploys the stack" in error.allowed


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:sts::123456789012:assumed-role/graviton-node-deploy-dev/GitHubActions",
        "arn:aws:iam::123456789012:user/alice",
        "graviton-node-deploy-dev",
        "arn:aws:iam::123456789012:role/" + "n" * 65,  # botocore iam roleNameType: 64 characters at most
    ],
)
def test_a_session_a_user_a_bare_name_or_one_iam_refuses_is_refused_asking_for_the_roles_arn(value: str) -> None:
    error = refused({"deployerRoleArn": value})
    assert error.value == value and "not a session's" in error.allowed


def test_a_deploying_role_under_the_projects_path_is_refused() -> None:
    """The key denies decryption to every role under /graviton-node/ but the execution role, so such a
    deployer could not read its parameters back (README: do not put the deploying role there)."""
    value = "arn:aws:iam::123456789012:role/graviton-node/dev/deployer"
    error = refused({"deployerRoleArn": value})
    assert error.value == value and "a role outside /graviton-node/" in error.allowed


def test_a_role_with_a_path_such_as_an_sso_role_is_named_in_the_key_as_given() -> None:
    run = run_program("dev", {**SECRET_VALUES, "deployerRoleArn": SSO_ROLE}, secret_keys=["secretValues"])
    policy = json.loads(run.mocks.one("aws:kms/key:Key").inputs["policy"])
    named = {s["Sid"] for s in policy["Statement"] if s["Principal"] == {"AWS": SSO_ROLE}}
    assert named == {"DeployerCreatesTheKey", "DeployerWritesTheParametersThroughSsm"}


def test_a_deploying_role_of_another_account_is_refused_naming_both_accounts() -> None:
    """The key would grant it PutKeyPolicy: another account could rewrite the policy and take the key. The
    stack's account is the caller's, here the one aws:allowedAccountIds names."""
    value = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
    error = refused({"deployerRoleArn": value, "aws:allowedAccountIds": f'["{DEFAULT_ACCOUNT}"]'})
    assert error.value == value
    assert f"a role of the stack's account {DEFAULT_ACCOUNT}, not of {OTHER_ACCOUNT}" in error.allowed


def test_the_key_policy_a_foreign_deploying_role_would_get_gives_that_account_the_key() -> None:
    """The refusal stands for KMS's rule (tests/models/kms_new_key.py), not for one value: the policy
    the program builds for such a role allows another account's principal."""
    foreign = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
    policy = secrets_key_policy(
        partition="aws", account_id=DEFAULT_ACCOUNT, region="us-east-1", role_path="/graviton-node/dev/",
        execution_role_arn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/graviton-node/dev/exec", deployer_role_arn=foreign,
    )  # fmt: skip
    assert foreign_principals(policy, DEFAULT_ACCOUNT) == [foreign, foreign]


def test_a_deploying_role_of_the_stacks_own_account_is_taken_and_the_key_names_no_other_account() -> None:
    value = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/deployer"
    run = run_program("dev", {**SECRET_VALUES, "deployerRoleArn": value}, secret_keys=["secretValues"])
    policy = run.mocks.one("aws:kms/key:Key").inputs["policy"]
    assert stack_account(run.mocks) == DEFAULT_ACCOUNT
    assert foreign_principals(policy, stack_account(run.mocks)) == []


def test_a_deploying_role_in_a_placeholder_account_is_a_plans_warning_not_compared_with_the_callers() -> None:
    """As a placeholder domain's zone is not looked up: pulumi up refuses it (settings.placeholders)."""
    value = "arn:aws:iam::111122223333:role/deployer"
    run = run_program("dev", {**SECRET_VALUES, "deployerRoleArn": value}, secret_keys=["secretValues"])
    assert any("deployerRoleArn" in warning and "placeholder" in warning for warning in run.mocks.warnings)


def test_an_offline_run_of_a_stack_naming_its_real_deploying_role_answers_in_that_roles_account() -> None:
    """Offline, the caller is the mocks: without aws:allowedAccountIds they take the deploying role's
    account, so plan.py, run_local.py and check_image.py run a real stack file instead of refusing it
    for the mocks' made-up account; a caller pinned elsewhere is still refused."""
    value = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
    run = run_program("dev", {**SECRET_VALUES, "deployerRoleArn": value}, secret_keys=["secretValues"])
    assert stack_account(run.mocks) == OTHER_ACCOUNT
    assert foreign_principals(run.mocks.one("aws:kms/key:Key").inputs["policy"], OTHER_ACCOUNT) == []
    pinned = RecordingMocks(account=DEFAULT_ACCOUNT)
    with pytest.raises(ConfigError, match="deployerRoleArn"):
        run_program("dev", {**SECRET_VALUES, "deployerRoleArn": value}, mocks=pinned, secret_keys=["secretValues"])


def test_an_offline_run_with_several_allowed_accounts_answers_in_the_deploying_roles() -> None:
    """aws:allowedAccountIds naming two accounts says nothing of which one the stack is in: the role does."""
    value = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
    allowed = f'["{DEFAULT_ACCOUNT}", "{OTHER_ACCOUNT}"]'
    overrides = {**SECRET_VALUES, "deployerRoleArn": value, "aws:allowedAccountIds": allowed}
    run = run_program("dev", overrides, secret_keys=["secretValues"])
    assert stack_account(run.mocks) == OTHER_ACCOUNT
