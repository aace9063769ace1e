"""The execution role's one inline policy names every secret the task reads, and IAM refuses a role's
inline policies over 10,240 characters, white space not counted (IAM User Guide, "IAM and AWS STS
quotas"; PutRolePolicy fails after the image is pushed). The program sizes the policy from the config and
refuses too many secrets before anything is registered."""

from __future__ import annotations

import json

import pytest

from components.edge.alb_rules import AUTONAME_SUFFIX
from components.errors import ConfigError
from components.iam_quotas import INLINE_ROLE_POLICIES
from components.service.secrets import execution_policy_size
from tests.components.builders import DEPLOYER_ROLE
from tests.models.aws_contract import iam_size
from tests.program.stacks import run_config
from tools.offline import ACCOUNT, REGION, RecordingMocks, Run, run_program

#: What the mocks leave out of the ARNs AWS makes: Pulumi's suffix on the repository's and the log group's
#: names (the mocks' KMS key ID is as long as AWS's).
ROOM = 2 * AUTONAME_SUFFIX


def exec_policy_size(run: Run) -> int:
    (policy,) = [p["policy"] for p in run.mocks.inputs_of("aws:iam/rolePolicy:RolePolicy") if "exec-role" in p["role"]]
    return iam_size(policy)


def secrets(count: int) -> str:
    """``count`` parameters of the stack's own, each with a long name (SSM takes 1011 characters)."""
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/graviton-node/dev/"
    return json.dumps([f"SECRET_{i}={arn}{'database-connection-string-' * 3}{i}" for i in range(count)])


def test_the_size_the_program_reckons_is_the_policy_it_registers_with_the_names_aws_gives() -> None:
    """From the maximal run's own execution policy: its secrets, its stack's parameters and keys, sized
    again as the program sizes them before registering anything."""
    run = run_config("maximal")
    (policy,) = [p["policy"] for p in run.mocks.inputs_of("aws:iam/rolePolicy:RolePolicy") if "exec-role" in p["role"]]
    by_sid = {s["Sid"]: s["Resource"] for s in json.loads(policy)["Statement"]}
    path = "/graviton-node/prod/prod-app"
    read = [*by_sid.get("ReadParameters", []), *by_sid.get("ReadSecrets", [])]
    own = tuple(arn.rsplit("/", 1)[1] for arn in read if f"parameter{path}/" in arn)
    reckoned = execution_policy_size(
        name="prod-app",
        parameter_path=path,
        partition="aws",
        region=REGION,
        secret_arns=tuple(arn for arn in read if f"parameter{path}/" not in arn),
        secret_value_names=own,
        kms_key_arns=tuple(by_sid["DecryptSecrets"]),
    )
    assert own and reckoned - iam_size(policy) == ROOM


@pytest.mark.parametrize("count", [10, 64, 65])
def test_secrets_are_accepted_exactly_while_the_execution_policy_fits_iam(count: int) -> None:
    """64 of these secrets make a policy of 10,133 characters as AWS names things, 65 one of 10,282: the
    check sizes the stack's own names (the service, its parameters' path) as the program registers them."""
    mocks = RecordingMocks()
    try:
        run = run_program("dev", {"secrets": secrets(count)}, mocks=mocks)
    except ConfigError as error:
        assert error.key == "secrets" and f"over the {INLINE_ROLE_POLICIES:,}" in error.allowed
        assert mocks.resources == []
        refused = True
    else:
        assert exec_policy_size(run) + ROOM <= INLINE_ROLE_POLICIES
        refused = False
    assert refused == (count == 65)


def test_too_many_secret_values_alone_name_their_own_key() -> None:
    values = json.dumps([f"VALUE_{i:03}={'x' * 8}" for i in range(120)])
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        config = {"secretValues": values, "deployerRoleArn": DEPLOYER_ROLE}
        run_program("dev", config, mocks=mocks, secret_keys=["secretValues"])
    assert error.value.key == "secretValues" and mocks.resources == []
