"""``tools/rollout_check.sh``, which ``tools/deploy.sh`` and the deploy workflow run after ``pulumi up``, against
stub CLIs: a ``pulumi`` that answers the stack's outputs, and an ``aws`` that answers from a model of ECS
(``tests/models/failed_deploy.py``), one state of it for each time the service is read."""

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
case "${@: -1}" in
  task_definition_arn) echo "${RECORDED:-}" ;;
  cluster_arn) echo "$CLUSTER" ;;
  service_name) echo dev-app-svc ;;
  *) exit 1 ;;
esac
"""
# Answers $ANSWERS/<n>.<command>.json at the n-th describe-services, or the last state there is.
AWS = """#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
[ -z "${AWS_FAILS:-}" ] || { echo "$AWS_FAILS" >&2; exit 254; }
[ "$2" != describe-services ] || echo $(( $(cat "$ANSWERS/reads" 2>/dev/null || echo 0) + 1 )) > "$ANSWERS/reads"
n=$(cat "$ANSWERS/reads")
while [ ! -f "$ANSWERS/$n.$2.json" ]; do n=$((n - 1)); done
cat "$ANSWERS/$n.$2.json"
"""
#: Read again at once, for as long as a test needs.
FAST = {"ROLLOUT_POLL_SECONDS": "0", "ROLLOUT_WAIT_SECONDS": "60"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    for tool in ("rollout_check.sh", "rollout_verdict.py", "rollout_watch.py", "__init__.py"):
        shutil.copy(ROOT / "tools" / tool, tmp_path / "tools" / tool)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (tmp_path / "bin").mkdir()
    (tmp_path / "answers").mkdir()
    for name, stub in (("pulumi", PULUMI), ("aws", AWS)):
        (tmp_path / "bin" / name).write_text(stub)
        (tmp_path / "bin" / name).chmod(0o755)
    return tmp_path


def check(
    project: Path, stack: Stack, *states: Ecs, args: tuple[str, ...] = ("dev",), **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The check run with ``args`` from ``project``'s root, as tools/deploy.sh and the README run it."""
    calls, answers = project / "calls.log", project / "answers"
    for n, ecs in enumerate(states, 1):
        (answers / f"{n}.describe-services.json").write_text(json.dumps(ecs.describe_services()))
        listed = ecs.list_service_deployments(max_results=100)
        (answers / f"{n}.list-service-deployments.json").write_text(json.dumps(listed))
    environment = {"PATH": f"{project / 'bin'}:/usr/bin:/bin", "CALLS": str(calls), "CLUSTER": CLUSTER,
                   "RECORDED": stack.task_definition, "ANSWERS": str(answers), **FAST, **env}  # fmt: skip
    result = subprocess.run(["bash", str(project / "tools" / "rollout_check.sh"), *args], capture_output=True,
                            text=True, env=environment, cwd=project)  # fmt: skip
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
    result, calls = check(project, stack, ecs)
    assert result.returncode == 0 and result.stderr == ""
    listed = f"aws ecs list-service-deployments --cluster {CLUSTER} --service dev-app-svc --max-results 100"
    assert any(call.startswith(listed) for call in calls)


def test_a_good_canary_deploy_passes_though_ecs_gives_no_rollout_state(project: Path) -> None:
    stack, ecs = Stack(OLD), Ecs(OLD, strategy="CANARY")
    up(stack, ecs, NEW)
    result, _ = check(project, stack, ecs)
    assert result.returncode == 0, result.stderr


def test_a_second_deployment_still_listed_is_read_again_and_then_the_check_passes(project: Path) -> None:
    stack, settled = Stack(OLD), Ecs(OLD)
    up(stack, settled, NEW)
    lingering = Ecs(NEW, service_deployments=settled.service_deployments)
    lingering.deployments.append({"status": "ACTIVE", "taskDefinition": OLD})
    result, calls = check(project, stack, lingering, settled)
    assert result.returncode == 0, result.stderr
    assert sum("describe-services" in call for call in calls) == 2 and "lists 2 deployments" in result.stderr


def test_a_rolled_back_capacity_change_with_the_same_task_definition_fails(project: Path) -> None:
    stack, ecs = Stack(NEW), Ecs(NEW)
    up(stack, ecs, NEW, "FARGATE_SPOT", healthy=False)
    assert up(stack, ecs, NEW, "FARGATE_SPOT") == "updated"
    result, _ = check(project, stack, ecs)
    assert result.returncode == 1 and "is ROLLBACK_SUCCESSFUL" in result.stderr
    assert "tools/deploy.sh dev --refresh" in result.stderr


def test_a_deployment_in_progress_beyond_the_wait_fails_saying_to_check_again(project: Path) -> None:
    stack, ecs = Stack(OLD), Ecs(OLD)
    up(stack, ecs, NEW)
    ecs.service_deployments[-1]["status"] = "IN_PROGRESS"
    result, _ = check(project, stack, ecs, ROLLOUT_WAIT_SECONDS="0")
    assert result.returncode == 1 and "after 0 s its newest deployment is IN_PROGRESS" in result.stderr
    assert "run tools/rollout_check.sh dev again later" in result.stderr


def test_in_github_actions_the_mismatch_is_an_error_annotation(project: Path) -> None:
    result, _ = check(project, *rerun_after_a_failed_deploy(), GITHUB_ACTIONS="true")
    assert result.returncode == 1 and result.stdout.startswith("::error::deploy: stack dev records")


def test_a_stack_without_the_output_fails_before_any_aws_call(project: Path) -> None:
    result, calls = check(project, Stack(""), Ecs(NEW))
    assert result.returncode == 1 and "no task_definition_arn" in result.stderr
    assert not any(call.startswith("aws") for call in calls)


def test_a_failed_aws_call_is_said_with_aws_own_message_not_only_a_missing_permission(project: Path) -> None:
    expired = "An error occurred (ExpiredTokenException) when calling the DescribeServices operation"
    result, _ = check(project, Stack(NEW), Ecs(NEW), AWS_FAILS=expired)
    assert result.returncode == 1 and f"`aws ecs describe-services` failed (exit 254): {expired}" in result.stderr
    assert "expired" in result.stderr and "ecs:DescribeServices" in result.stderr


@pytest.fixture
def example(project: Path) -> Path:
    """An example's project, in the repository as examples/worker is."""
    (project / "examples" / "worker").mkdir(parents=True)
    return project / "examples" / "worker"


def test_for_an_examples_stack_it_reads_its_outputs_there_and_names_its_own_refreshed_up(
    project: Path, example: Path
) -> None:
    result, calls = check(project, *rerun_after_a_failed_deploy(), args=("--cwd", "examples/worker", "dev"))
    assert result.returncode == 1
    assert f"pulumi stack output --cwd {example} --stack dev task_definition_arn" in calls
    assert f"stack dev records task definition {NEW} but ECS runs {OLD}" in result.stderr
    assert "run `pulumi up --refresh --stack dev` in examples/worker" in result.stderr
    assert "tools/deploy.sh" not in result.stderr


def test_an_exported_cdpath_with_a_folder_of_the_same_name_does_not_move_the_check(
    project: Path, example: Path, tmp_path: Path
) -> None:
    """bash's cd looks in CDPATH first and prints where it went: the project given stays the one named."""
    (tmp_path / "decoy" / "examples" / "worker").mkdir(parents=True)
    stack, ecs = rerun_after_a_failed_deploy()
    _, calls = check(project, stack, ecs, args=("--cwd", "examples/worker", "dev"), CDPATH=str(tmp_path / "decoy"))
    assert f"pulumi stack output --cwd {example} --stack dev task_definition_arn" in calls


def test_an_examples_stack_without_the_outputs_is_told_to_deploy_in_its_directory(project: Path, example: Path) -> None:
    result, calls = check(project, Stack(""), Ecs(NEW), args=("--cwd", "examples/worker", "dev"))
    assert result.returncode == 1 and "run pulumi up --stack dev in examples/worker" in result.stderr
    assert not any(call.startswith("aws") for call in calls)


def test_an_examples_deployment_still_in_progress_is_checked_again_in_its_directory(
    project: Path, example: Path
) -> None:
    stack, ecs = Stack(OLD), Ecs(OLD)
    up(stack, ecs, NEW)
    ecs.service_deployments[-1]["status"] = "IN_PROGRESS"
    result, _ = check(project, stack, ecs, args=("--cwd", "examples/worker", "dev"), ROLLOUT_WAIT_SECONDS="0")
    assert "run tools/rollout_check.sh --cwd examples/worker dev again later" in result.stderr


def test_the_repositorys_own_directory_given_is_its_own_project_with_its_own_advice(project: Path) -> None:
    result, calls = check(project, *rerun_after_a_failed_deploy(), args=("--cwd", ".", "dev"))
    assert "pulumi stack output --stack dev task_definition_arn" in calls
    assert "tools/deploy.sh dev --refresh" in result.stderr


def test_a_directory_that_does_not_exist_fails_before_any_call(project: Path) -> None:
    result, calls = check(project, Stack(NEW), Ecs(NEW), args=("--cwd", "examples/none", "dev"))
    assert result.returncode == 1 and "examples/none" in result.stderr and calls == []
