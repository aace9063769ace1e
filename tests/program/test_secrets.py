"""Secrets reach the container as ECS secrets, the execution role reads exactly them, and no secret
value appears in an output, the plan, or the task definition."""

import json

import pytest

from components.errors import ConfigError
from tests.components.builders import DEPLOYER_ROLE
from tools.offline import RecordingMocks, Run, main_program, run_mocked, run_program
from tools.plan import main as plan

PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/dev/db-url"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/dev/db-AbCdEf"
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VALUE = "s3cr3t-value-that-must-never-show"
CONFIG = {
    "secrets": json.dumps([f"DB_URL={PARAMETER}", f"DB_PASSWORD={SECRET}:password::"]),
    "secretValues": json.dumps([f"API_TOKEN={VALUE}"]),
    "secretsKmsKeyArns": json.dumps([KMS]),
    "deployerRoleArn": DEPLOYER_ROLE,
}


@pytest.fixture(scope="module")
def run() -> Run:
    return run_program("dev", CONFIG, secret_keys=["secretValues"])


STORED = "arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/dev/dev-app"


def container(run: Run) -> dict:
    (definition,) = json.loads(run.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    return definition


def test_secrets_are_ecs_secrets_never_plain_environment(run: Run) -> None:
    definition = container(run)
    assert definition["secrets"] == [
        {"name": "API_TOKEN", "valueFrom": f"{STORED}/API_TOKEN"},
        {"name": "DB_PASSWORD", "valueFrom": f"{SECRET}:password::"},  # Secrets Manager's JSON-key form
        {"name": "DB_URL", "valueFrom": PARAMETER},
    ]
    names = {item["name"] for item in definition["environment"]}
    assert not names & {"API_TOKEN", "DB_PASSWORD", "DB_URL"}


def test_a_secret_value_becomes_a_secure_string_parameter_held_as_a_secret(run: Run) -> None:
    parameter = run.mocks.one("aws:ssm/parameter:Parameter")
    assert parameter.inputs["type"] == "SecureString"
    assert parameter.inputs["name"] == "/graviton-node/dev/dev-app/API_TOKEN", "under the stack's own path"
    assert "value" in parameter.secret_inputs


def test_the_execution_role_reads_exactly_these_secrets_and_decrypts_with_exactly_these_keys(run: Run) -> None:
    policy = run.mocks.find("aws:iam/rolePolicy:RolePolicy", "dev-app-exec-policy").inputs["policy"]
    statements = {s["Sid"]: s for s in json.loads(policy)["Statement"]}
    assert statements["ReadParameters"]["Resource"] == sorted(
        ["arn:aws:ssm:us-east-1:123456789012:parameter/graviton-node/dev/dev-app/API_TOKEN", PARAMETER]
    )
    assert statements["ReadSecrets"]["Resource"] == [SECRET]  # the secret, not its JSON key
    assert statements["DecryptSecrets"]["Resource"] == [KMS]


def test_no_secret_value_appears_in_outputs_the_task_definition_or_the_plan(
    run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    assert VALUE not in json.dumps(run.outputs, default=str)
    assert VALUE not in run.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    argv = [f"--set={key}={value}" for key, value in CONFIG.items()]
    for extra in ([], ["--json"]):
        assert plan([*argv, *extra]) == 0
        printed = capsys.readouterr().out
        assert VALUE not in printed and "[secret]" in printed
        assert "DB_PASSWORD" in printed  # secrets by name only


def test_a_secret_value_not_set_as_a_secret_is_refused_without_showing_it() -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"secretValues": json.dumps([f"API_TOKEN={VALUE}"])}, mocks=mocks)
    assert error.value.key == "secretValues" and "--secret" in error.value.allowed
    assert VALUE not in str(error.value)
    assert mocks.resources == []


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"secrets": json.dumps([f"LOG_LEVEL={PARAMETER}"]), "environment": '["LOG_LEVEL=debug"]'}, "secrets"),
        ({"secrets": json.dumps([f"PORT={PARAMETER}"])}, "secrets"),
        ({"secrets": '["DB_URL=postgres://u:p@h/db"]'}, "secrets"),
        ({"secrets": json.dumps([f"DB_URL={PARAMETER}"]), "secretValues": '["DB_URL=x"]'}, "secretValues"),
        ({"secretsKmsKeyArns": '["alias/mine"]'}, "secretsKmsKeyArns"),
    ],
)
def test_a_name_in_both_places_or_a_bad_reference_fails_before_anything_is_registered(
    overrides: dict[str, str], key: str
) -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides, mocks=mocks, secret_keys=["secretValues"])
    assert error.value.key == key
    assert mocks.resources == []


@pytest.mark.parametrize("marked", [True, False], ids=["set-with-secret", "set-in-plain-text"])
def test_secret_values_are_accepted_the_way_pulumi_up_marks_them(monkeypatch: pytest.MonkeyPatch, marked: bool) -> None:
    """``pulumi up`` hands the program its config as PULUMI_CONFIG and the secret ones' names as
    PULUMI_CONFIG_SECRET_KEYS."""
    config = {"graviton-node:secretValues": json.dumps([f"API_TOKEN={VALUE}"])}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({**config, "graviton-node:deployerRoleArn": DEPLOYER_ROLE}))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(list(config) if marked else []))

    mocks = RecordingMocks()
    if marked:
        run_mocked(main_program(), config={}, mocks=mocks)
        assert mocks.one("aws:ssm/parameter:Parameter").inputs["type"] == "SecureString"
    else:
        with pytest.raises(ConfigError) as error:
            run_mocked(main_program(), config={}, mocks=mocks)
        assert error.value.key == "secretValues" and mocks.resources == []
