"""``tools/rollout_check.sh``, which ``tools/deploy.sh`` and the deploy workflow run after ``pulumi up``, against
stub CLIs: a ``pulumi`` that answers the stack's outputs, and an ``aws`` that describes the service from a model
of ECS after a failed deploy (``tests/models/failed_deploy.py``)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.models.failed_deploy import Ecs, Stack, up

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-app-cluster"
OLD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:41"
NEW = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:42"
PULUMI = """#!/usr/bin/env bash
echo "pulumi $*" >> "$CALLS"
case "$5" in
  task_definition_arn) echo "${RECORDED:-}" ;;
  cluster_arn) echo "$CLUSTER" ;;
  service_name) echo dev-app-svc ;;
  *) exit 1 ;;
esac
"""
AWS = """#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
[ -z "${ECS_DENIED:-}" ] || { echo "An error occurred (AccessDeniedException)" >&2; exit 254; }
echo "$DESCRIBED"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    for tool in ("rollout_check.sh", "rollout_verdict.py"):
        shutil.copy(ROOT / "tools" / tool, tmp_path / "tools" / tool)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "bin").mkdir()
    for name, stub in (("pulumi", PULUMI), ("aws", AWS)):
        (tmp_path / "bin" / name).write_text(stub)
        (tmp_path / "bin" / name).chmod(0o755)
    return tmp_path


def check(project: Path, stack: Stack, ecs: Ecs, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = project / "calls.log"
    described = json.dumps(ecs.describe_services())
    environment = {"PATH": f"{project / 'bin'}:/usr/bin:/bin", "CALLS": str(calls), "CLUSTER": CLUSTER,
                   "RECORDED": stack.task_definition, "DESCRIBED": described, **env}  # fmt: skip
    result = subprocess.run(["bash", str(project / "tools" / "rollout_check.sh"), "dev"], capture_output=True,
                            text=True, env=environment)  # fmt: skip
    return result, calls.read_text().splitlines() if calls.exists() else []


def rerun_after_a_failed_deploy() -> tuple[Stack, Ecs]:
    stack, ecs = Stack(OLD), Ecs(OLD)
    up(stack, ecs, NEW, healthy=False)
    assert up(stack, ecs, NEW) == "updated"
    return stack, ecs


def test_after_a_rerun_of_a_failed_deploy_it_fails_naming_the_stack_both_revisions_and_the_retry(project: Path) -> None:
    result, calls = check(project, *rerun_after_a_failed_deploy())
    assert result.returncode == 1
    described = f"aws ecs describe-services --cluster {CLUSTER} --services dev-app-svc --region eu-west-1 --output json"
    assert described in calls
    assert f"stack dev records task definition {NEW} but ECS runs {OLD}" in result.stderr
    assert "tools/deploy.sh dev --refresh" in result.stderr


def test_after_the_refreshed_retry_it_passes_silently(project: Path) -> None:
    stack, ecs = rerun_after_a_failed_deploy()
    up(stack, ecs, NEW, refresh=True)
    result, _ = check(project, stack, ecs)
    assert result.returncode == 0 and result.stderr == ""


def test_in_github_actions_the_mismatch_is_an_error_annotation(project: Path) -> None:
    result, _ = check(project, *rerun_after_a_failed_deploy(), GITHUB_ACTIONS="true")
    assert result.returncode == 1 and result.stdout.startswith("::error::deploy: stack dev records")


def test_a_stack_without_the_output_or_a_deployer_that_may_not_describe_the_service_fails_saying_so(
    project: Path,
) -> None:
    stack, ecs = Stack(NEW), Ecs(NEW)
    result, calls = check(project, stack, ecs, RECORDED="")
    assert result.returncode == 1 and "no task_definition_arn" in result.stderr
    assert not any(call.startswith("aws") for call in calls)
    result, _ = check(project, stack, ecs, ECS_DENIED="1")
    assert result.returncode == 1 and "ecs:DescribeServices" in result.stderr
