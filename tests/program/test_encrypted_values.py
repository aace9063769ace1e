"""A stack file as `pulumi config set --secret` writes it (``secure: v1:...``, the whole value or a list's
item) works offline: only the Pulumi CLI can decrypt it, so the offline commands read a stand-in in its
place, never the ciphertext, and a key that refuses its stand-in is named with what to do."""

from pathlib import Path

import pytest

import tools.emulated_platforms
import tools.plan
from components.stack_files import STAND_IN, EncryptedValueError, secure_keys
from tests.program.test_plan import with_stack_file
from tools.plan import main

CIPHER = "v1:Ne9Mk2VxG1JqUuXz:Zm9vYmFyYmF6cXV4"
#: What `pulumi config set --secret --path 'secretValues[0]' DB_PASSWORD=...` and `pulumi config set --secret
#: deploymentTestHeader X-Test=...` leave in the stack file.
SECURE = f"""config:
  aws:region: us-east-1
  graviton-node:deploymentStrategy: canary
  graviton-node:alarms: true
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
        f"config:\n  aws:region: us-east-1\n  graviton-node:alarmEmails:\n    - secure: {CIPHER}\n",
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
    # pulumi up decrypts it and judges the real value: the deploy's own check does not stand in its way.
    assert tools.emulated_platforms.main(["broken"]) == 0
    assert "the builder's platforms are not checked ahead" in capsys.readouterr().err


@pytest.mark.usefixtures("encrypted_emails")
def test_a_stand_in_replaced_with_set_is_judged_as_given() -> None:
    assert main(["--stack", "broken", "--set", 'alarmEmails=["oncall@example.org"]']) == 0
    with pytest.raises(EncryptedValueError):
        tools.plan.stack_run("broken", [])
