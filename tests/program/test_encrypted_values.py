"""A stack file as `pulumi config set --secret` writes it (``secure: v1:...``, the whole value or a list's
item) works offline: only the Pulumi CLI can decrypt it, so the offline commands read a stand-in in its
place, never the ciphertext, and a key that refuses its stand-in is named with what to do."""

import json
from pathlib import Path

import pytest

import tools.emulated_platforms
import tools.plan
import tools.run_local
from components.stack_files import STAND_IN, EncryptedValueError, secure_keys, stack_config
from tests.program.test_plan import with_stack_file
from tools.plan import main

CIPHER = "v1:Ne9Mk2VxG1JqUuXz:Zm9vYmFyYmF6cXV4"
#: What `pulumi config set --secret --path 'secretValues[0]' DB_PASSWORD=...` and `pulumi config set --secret
#: deploymentTestHeader X-Test=...` leave in the stack file.
SECURE = f"""config:
  aws:region: us-east-1
  graviton-node:deploymentStrategy: canary
  graviton-node:alarms: true
  graviton-node:deployerRoleArn: arn:aws:iam::123456789012:role/graviton-node-deploy-dev
  graviton-node:deploymentTestHeader:
    secure: {CIPHER}
  graviton-node:secretValues:
    - secure: {CIPHER}
    - secure: {CIPHER}
"""


@pytest.fixture
def secure_stack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    with_stack_file(monkeypatch, tmp_path, SECURE)
    monkeypatch.setattr(tools.emulated_platforms, "ROOT", tmp_path)
    monkeypatch.setattr(tools.run_local, "ROOT", tmp_path)
    return tmp_path


def test_the_encrypted_keys_are_known_and_read_as_stand_ins(secure_stack: Path) -> None:
    assert secure_keys(secure_stack, "broken") == {"graviton-node:deploymentTestHeader", "graviton-node:secretValues"}


def test_the_plan_of_a_stack_with_encrypted_values_runs_on_stand_ins_and_shows_no_ciphertext(
    secure_stack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--stack", "broken", "--json"]) == 0
    out = capsys.readouterr().out
    assert CIPHER not in out
    # Each encrypted item of secretValues is a parameter of its own, named after its stand-in.
    for n in (0, 1):
        assert STAND_IN.format(f"_{n}").split("=")[0] in out


def test_deploy_checks_the_builder_for_a_stack_with_encrypted_values(
    secure_stack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tools.emulated_platforms.main(["broken"]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def encrypted_emails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A stack whose alarm e-mail is encrypted: no NAME=value stand-in is an e-mail address."""
    with_stack_file(
        monkeypatch,
        tmp_path,
        "config:\n  aws:region: us-east-1\n  graviton-node:alarms: true\n"
        f"  graviton-node:alarmEmails:\n    - secure: {CIPHER}\n",
    )
    monkeypatch.setattr(tools.emulated_platforms, "ROOT", tmp_path)
    return tmp_path


@pytest.mark.usefixtures("encrypted_emails")
def test_a_key_that_refuses_its_stand_in_is_named_and_deploy_leaves_it_to_pulumi_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--stack", "broken"]) == 2
    err = capsys.readouterr().err
    assert CIPHER not in err and "got '(hidden)'" in err
    assert "alarmEmails is encrypted (pulumi config set --secret), which only the Pulumi CLI reads" in err
    assert "give your own value in its place (--set alarmEmails=...)" in err
    # pulumi up decrypts it and judges the real value: the deploy's own check does not stand in its way,
    # and speaks of no --set, which deploy.sh does not take.
    assert tools.emulated_platforms.main(["broken"]) == 0
    deploying = capsys.readouterr().err
    assert "the builder's platforms are not checked ahead" in deploying and "alarmEmails" in deploying
    assert "--set" not in deploying


@pytest.mark.usefixtures("encrypted_emails")
def test_a_stand_in_replaced_with_set_is_judged_as_given() -> None:
    assert main(["--stack", "broken", "--set", 'alarmEmails=["oncall@example.org"]']) == 0
    with pytest.raises(EncryptedValueError):
        tools.plan.stack_run("broken", [])


def test_an_encrypted_value_deep_in_a_map_or_a_list_of_maps_is_a_stand_in_and_its_key_secret(tmp_path: Path) -> None:
    """`pulumi config set --secret --path db.password ...` and `--path 'roles[0].externalId'` encrypt a leaf:
    the CLI holds the whole key secret (its config.Value.Secure looks at every part)."""
    (tmp_path / "Pulumi.yaml").write_text("name: consumer\nruntime: python\n")
    (tmp_path / "Pulumi.s.yaml").write_text(f"""config:
  consumer:db:
    host: db.internal
    password:
      secure: {CIPHER}
  consumer:roles:
    - arn: arn:aws:iam::111122223333:role/r
      externalId:
        secure: {CIPHER}
  consumer:plain: text
""")
    config = stack_config(tmp_path, "s")
    assert not [key for key, value in config.items() if CIPHER in value]
    assert json.loads(config["consumer:db"]) == {"host": "db.internal", "password": STAND_IN.format("_password")}
    assert json.loads(config["consumer:roles"])[0]["externalId"] == STAND_IN.format("_0_externalId")
    assert secure_keys(tmp_path, "s") == {"consumer:db", "consumer:roles"}


def test_the_plan_never_shows_an_encrypted_provider_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"config:\n  aws:region: us-east-1\n  aws:assumeRole:\n    roleArn:\n      secure: {CIPHER}\n"
    with_stack_file(monkeypatch, tmp_path, text)
    main(["--stack", "broken", "--json"])
    assert CIPHER not in "".join(capsys.readouterr())


def test_run_local_says_which_values_are_stand_ins_unless_given(secure_stack: Path) -> None:
    assert tools.run_local.stand_ins("broken", []) == ["deploymentTestHeader", "secretValues"]
    assert tools.run_local.stand_ins("broken", ['secretValues=["DB_PASSWORD=x"]']) == ["deploymentTestHeader"]


def test_deploy_leaves_every_mistake_of_a_stack_with_encrypted_values_to_pulumi_up_which_reads_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stand-in may be what a check between keys refuses (its name is longer than the real one): offline,
    such a stack cannot be judged for sure, so the deploy's early check says what it saw and goes on."""
    with_stack_file(monkeypatch, tmp_path, SECURE + "  graviton-node:cpu: 3\n")
    monkeypatch.setattr(tools.emulated_platforms, "ROOT", tmp_path)
    assert tools.emulated_platforms.main(["broken"]) == 0
    err = capsys.readouterr().err
    assert "not checked ahead: the stack holds encrypted values" in err and "config 'cpu': got 3" in err
    assert CIPHER not in err and "--set" not in err


@pytest.mark.parametrize(
    "data", [b"config:\n  aws:region: us-east-1\n   graviton-node:cpu: [1\n", b"- a\n", b"config:\n  # caf\xe9\n"]
)
def test_deploys_check_names_a_broken_stack_file_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    with_stack_file(monkeypatch, tmp_path, "")
    (tmp_path / "Pulumi.broken.yaml").write_bytes(data)
    monkeypatch.setattr(tools.emulated_platforms, "ROOT", tmp_path)
    assert tools.emulated_platforms.main(["broken"]) == 2
    assert main(["--stack", "broken"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Pulumi.broken.yaml") and "Traceback" not in err


def test_a_stack_file_not_in_utf8_is_named_with_the_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_stack_file(monkeypatch, tmp_path, "")
    (tmp_path / "Pulumi.broken.yaml").write_bytes(b"config:\n  aws:region: us-east-1\n  # caf\xe9\n")
    assert main(["--stack", "broken"]) == 2
    assert capsys.readouterr().err == (
        "error: Pulumi.broken.yaml line 3: not UTF-8 (YAML files are; save it as UTF-8)\n"
    )


def test_only_the_projects_own_keys_are_said_to_reach_the_container_as_stand_ins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with_stack_file(monkeypatch, tmp_path, SECURE + f"  aws:secretKey:\n    secure: {CIPHER}\n")
    monkeypatch.setattr(tools.run_local, "ROOT", tmp_path)
    assert tools.run_local.stand_ins("broken", []) == ["deploymentTestHeader", "secretValues"]
    given = ['graviton-node:secretValues=["DB=x"]', "deploymentTestHeader=X-Test=1"]
    assert tools.run_local.stand_ins("broken", given) == []


@pytest.mark.parametrize(
    ("key", "encrypted", "hint", "plain"),
    [
        ("containerPort", f"\n    secure: {CIPHER}", "containerPort VALUE", " 8080"),
        # One item of a list encrypted, not the first: that item is set again (--path 'environment[1]').
        (
            "environment",
            f"\n    - LOG_LEVEL=info\n    - secure: {CIPHER}",
            "--path 'environment[N]' VALUE",
            "\n    - LOG_LEVEL=info\n    - FEATURE=on",
        ),
    ],
)
def test_a_key_encrypted_that_the_program_keeps_plain_is_told_to_be_set_plain_not_with_set(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    key: str,
    encrypted: str,
    hint: str,
    plain: str,
) -> None:
    """``--set`` cannot lift the refusal: the file's ``secure:`` keeps the key secret whatever it gives."""
    with_stack_file(monkeypatch, tmp_path, f"config:\n  aws:region: us-east-1\n  graviton-node:{key}:{encrypted}\n")
    assert main(["--stack", "broken"]) == 2
    err = capsys.readouterr().err
    assert "--set" not in err and f"pulumi config set --stack broken {hint} (without --secret)" in err
    # What that `pulumi config set` writes (for a list, at the encrypted item's place) clears the error.
    (tmp_path / "Pulumi.broken.yaml").write_text(f"config:\n  aws:region: us-east-1\n  graviton-node:{key}:{plain}\n")
    assert main(["--stack", "broken"]) == 0


def test_the_deploys_early_check_tells_a_key_encrypted_that_the_program_keeps_plain_how_to_store_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypted = f"config:\n  aws:region: us-east-1\n  graviton-node:containerPort:\n    secure: {CIPHER}\n"
    with_stack_file(monkeypatch, tmp_path, encrypted)
    monkeypatch.setattr(tools.emulated_platforms, "ROOT", tmp_path)
    assert tools.emulated_platforms.main(["broken"]) == 0
    err = capsys.readouterr().err
    assert "pulumi config set --stack broken containerPort" in err and "(without --secret)" in err
    assert "give your own value in its place" not in err
