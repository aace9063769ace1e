"""``tools/alarm_check.sh``, which ``tools/deploy.sh`` and the deploy workflow run after ``pulumi up``, against
stub CLIs: a ``pulumi`` that answers ``config get`` as Pulumi does, and an ``aws`` that lists the topic."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOPIC = "arn:aws:sns:eu-west-1:123456789012:prod-app-alarms-topic-1a2b3c4"
ADDRESSES = ["oncall@mycorp.io", "team@mycorp.io", "lead@mycorp.io"]
# `pulumi config get` (pulumi/pulumi): a key not set is an error naming it (pkg/cmd/pulumi/config/config.go,
# getConfig); a secure value of a passphrase stack needs PULUMI_CONFIG_PASSPHRASE(_FILE) unless Pulumi may
# ask, which it may not with stdout piped (pkg/secrets/passphrase/manager.go, readPassphrase;
# sdk/go/common/util/cmdutil/console.go, InteractiveTerminal). Both exit 1 (cmd/exit_codes.go, ExitCodeFor).
PULUMI = """#!/usr/bin/env bash
echo "pulumi $*" >> "$CALLS"
case "$1 $2" in
  "stack output") echo "${ALARM_TOPIC:-}" ;;
  "config get")
    if [ -z "${ALARM_EMAILS_SET:-}" ]; then
      echo "error: configuration key 'alarmEmails' not found for stack '$4'" >&2; exit 1
    fi
    if [ -n "${ALARM_EMAILS_SECRET:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && ! [ -t 1 ]; then
      echo "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE" \\
        "environment variables" >&2; exit 1
    fi
    echo "$ALARM_EMAILS_SET" ;;
esac
"""
AWS = """#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
[ -z "${SNS_DENIED:-}" ] || { echo "An error occurred (AuthorizationError)" >&2; exit 254; }
echo "${SNS_LISTED:-}"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    for tool in ("alarm_check.sh", "alarm_subscriptions.py"):
        shutil.copy(ROOT / "tools" / tool, tmp_path / "tools" / tool)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "bin").mkdir()
    for name, stub in (("pulumi", PULUMI), ("aws", AWS)):
        (tmp_path / "bin" / name).write_text(stub)
        (tmp_path / "bin" / name).chmod(0o755)
    return tmp_path


def check(project: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = project / "calls.log"
    environment = {"PATH": f"{project / 'bin'}:/usr/bin:/bin", "CALLS": str(calls), "ALARM_TOPIC": TOPIC, **env}
    result = subprocess.run(["bash", str(project / "tools" / "alarm_check.sh"), "prod"], capture_output=True,
                            text=True, env=environment)  # fmt: skip
    return result, calls.read_text().splitlines() if calls.exists() else []


def listing(*subscriptions: tuple[str, str]) -> str:
    """``aws sns list-subscriptions-by-topic --output json``: (address, ARN or PendingConfirmation) each."""
    listed = [{"SubscriptionArn": arn, "Owner": "123456789012", "Protocol": "email", "Endpoint": address,
               "TopicArn": TOPIC} for address, arn in subscriptions]  # fmt: skip
    return json.dumps({"Subscriptions": listed})


ONE_CONFIRMED_ONE_PENDING = listing(("oncall@mycorp.io", f"{TOPIC}:5f1c"), ("team@mycorp.io", "PendingConfirmation"))
ALARMED = {"ALARM_EMAILS_SET": json.dumps(ADDRESSES), "SNS_LISTED": ONE_CONFIRMED_ONE_PENDING}


def told(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if "gets no alarms" in line]


def test_each_alarm_address_not_confirmed_or_gone_is_named_with_the_way_out(project: Path) -> None:
    result, calls = check(project, **ALARMED)
    assert result.returncode == 0, result.stderr
    assert f"aws sns list-subscriptions-by-topic --topic-arn {TOPIC} --region eu-west-1 --output json" in calls
    assert [line.split()[1] for line in told(result)] == ["team@mycorp.io", "lead@mycorp.io"]
    assert "has not confirmed its subscription" in told(result)[0] and "48 hours" in told(result)[0]
    assert "has no subscription" in told(result)[1] and "tools/deploy.sh prod --refresh" in told(result)[1]


def test_a_stack_whose_addresses_all_confirmed_or_without_a_topic_is_told_nothing_of_them(project: Path) -> None:
    confirmed = listing(*((address, f"{TOPIC}:{i}") for i, address in enumerate(ADDRESSES)))
    result, _ = check(project, ALARM_EMAILS_SET=json.dumps(ADDRESSES), SNS_LISTED=confirmed)
    assert result.returncode == 0 and result.stderr == ""
    (project / "calls.log").unlink()
    result, calls = check(project, ALARM_TOPIC="")
    assert result.returncode == 0 and not any(call.startswith("aws") for call in calls)


def test_a_stack_without_alarm_emails_has_no_address_to_name_and_nothing_is_said(project: Path) -> None:
    result, _ = check(project, SNS_LISTED=listing())
    assert result.returncode == 0 and result.stderr == ""


def test_secret_addresses_pulumi_cannot_decrypt_are_said_to_be_unread_and_pending_ones_still_named(
    project: Path,
) -> None:
    result, _ = check(project, ALARM_EMAILS_SECRET="1", **ALARMED)
    assert result.returncode == 0
    assert "could not read the stack's alarmEmails (passphrase must be set with PULUMI_CONFIG_PASSPHRASE" in (
        result.stderr
    )
    assert "export PULUMI_CONFIG_PASSPHRASE" in result.stderr and "tools/alarm_check.sh prod" in result.stderr
    assert [line.split()[1] for line in told(result)] == ["team@mycorp.io"]


def test_with_the_passphrase_set_the_secret_addresses_are_all_checked(project: Path) -> None:
    result, _ = check(project, ALARM_EMAILS_SECRET="1", PULUMI_CONFIG_PASSPHRASE="pass", **ALARMED)
    assert "could not read" not in result.stderr
    assert [line.split()[1] for line in told(result)] == ["team@mycorp.io", "lead@mycorp.io"]


def test_a_deployer_that_may_not_list_the_subscriptions_is_told_so_and_the_check_still_succeeds(
    project: Path,
) -> None:
    result, _ = check(project, SNS_DENIED="1", **ALARMED)
    assert result.returncode == 0
    assert "sns:ListSubscriptionsByTopic" in result.stderr


def test_in_a_github_actions_log_every_address_is_masked_first_and_each_is_named_by_its_place(project: Path) -> None:
    """A workflow's log is readable by whoever reads the repository: GitHub replaces a masked value by ***
    in every later line (GitHub Actions, "Workflow commands", "Masking a value in a log")."""
    result, _ = check(project, GITHUB_ACTIONS="true", **ALARMED)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    masks = [line.removeprefix("::add-mask::") for line in lines if line.startswith("::add-mask::")]
    assert set(ADDRESSES) <= set(masks) and lines[: len(masks)] == [f"::add-mask::{m}" for m in masks]
    warnings = [line for line in lines if line.startswith("::warning::")]
    assert [line.split()[1] for line in warnings] == ["alarmEmails[1]", "alarmEmails[2]"]
    assert not any(address in line for address in ADDRESSES for line in [*lines[len(masks) :], result.stderr])


def test_in_github_actions_a_pending_address_not_read_from_the_config_is_masked_too(project: Path) -> None:
    result, _ = check(project, GITHUB_ACTIONS="true", ALARM_EMAILS_SECRET="1", **ALARMED)
    lines = result.stdout.splitlines()
    assert "::add-mask::team@mycorp.io" in lines
    assert any(line.startswith("::warning::deploy: could not read") for line in lines)
    assert "::warning::deploy: an e-mail subscription gets no alarms yet" in "\n".join(lines)
    assert not any("team@mycorp.io" in line for line in lines if not line.startswith("::add-mask::"))
