"""After a failed deploy the stack records what it asked for while ECS runs the revision before, and a plain
``pulumi up`` of the same commit succeeds without a call (``tests/models/failed_deploy.py``): the check after
the update (``tools/rollout_verdict.py``) fails while ECS's newest deployment is a failed one or the task
definitions differ, waits while ECS settles, and passes once ``pulumi up --refresh`` deployed again."""

import pytest

from tests.models.failed_deploy import Ecs, Stack, up
from tools.rollout_verdict import DONE, ENDED_BADLY, FAILED, WAIT, Verdict, judge, newest

OLD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:41"
NEW = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:42"


def verdict(recorded: str, ecs: Ecs, stack: str = "dev") -> Verdict:
    briefs = ecs.list_service_deployments(max_results=100)["serviceDeployments"]
    return judge(stack, recorded, ecs.describe_services(), briefs)


def failed_once() -> tuple[Stack, Ecs]:
    stack, ecs = Stack(OLD), Ecs(OLD)
    assert up(stack, ecs, NEW, healthy=False) == "failed"
    return stack, ecs


def test_a_rerun_of_a_failed_deploy_succeeds_without_a_call_and_leaves_ecs_on_the_old_revision() -> None:
    stack, ecs = failed_once()
    assert up(stack, ecs, NEW) == "updated" and up(stack, ecs, NEW) == "unchanged"
    assert ecs.calls == [NEW] and (stack.task_definition, ecs.task_definition) == (NEW, OLD)


def test_the_check_fails_naming_the_stack_both_revisions_and_the_retry_while_they_differ() -> None:
    stack, ecs = failed_once()
    up(stack, ecs, NEW)
    result = verdict(stack.task_definition, ecs)
    assert result.state == FAILED and result.problem is not None
    assert f"stack dev records task definition {NEW} but ECS runs {OLD}" in result.problem
    assert "tools/deploy.sh dev --refresh" in result.problem


def test_a_refreshed_up_deploys_the_revision_again_and_then_the_check_passes() -> None:
    stack, ecs = failed_once()
    up(stack, ecs, NEW)
    assert up(stack, ecs, NEW, refresh=True) == "updated"
    assert ecs.calls == [NEW, NEW] and verdict(stack.task_definition, ecs) == Verdict(DONE)


def test_a_deploy_that_succeeds_passes_the_check_and_a_refresh_with_nothing_stale_changes_nothing() -> None:
    stack, ecs = Stack(OLD), Ecs(OLD)
    assert up(stack, ecs, NEW) == "updated" and verdict(stack.task_definition, ecs) == Verdict(DONE)
    assert up(stack, ecs, NEW, refresh=True) == "unchanged" and ecs.calls == [NEW]


@pytest.mark.parametrize("strategy", ["CANARY", "LINEAR", "BLUE_GREEN"])
def test_a_good_deploy_passes_though_ecs_gives_no_rollout_state_for_its_strategy(strategy: str) -> None:
    stack, ecs = Stack(OLD), Ecs(OLD, strategy=strategy)
    up(stack, ecs, NEW)
    assert all("rolloutState" not in d for d in ecs.describe_services()["services"][0]["deployments"])
    assert verdict(stack.task_definition, ecs) == Verdict(DONE)


def test_a_rolled_back_capacity_change_with_the_same_task_definition_fails_until_a_refreshed_up() -> None:
    stack, ecs = Stack(NEW), Ecs(NEW)
    assert up(stack, ecs, NEW, "FARGATE_SPOT", healthy=False) == "failed"
    assert up(stack, ecs, NEW, "FARGATE_SPOT") == "updated" and ecs.capacity == "FARGATE"
    result = verdict(stack.task_definition, ecs)
    assert result.state == FAILED and result.problem is not None
    assert "deployment of the service is ROLLBACK_SUCCESSFUL (Service deployment rolled back" in result.problem
    assert "tools/deploy.sh dev --refresh" in result.problem
    assert up(stack, ecs, NEW, "FARGATE_SPOT", refresh=True) == "updated" and ecs.capacity == "FARGATE_SPOT"
    assert verdict(stack.task_definition, ecs) == Verdict(DONE)


def test_a_reverted_commit_deploys_without_a_refresh_while_after_one_only_a_new_deployment_passes() -> None:
    stack, ecs = failed_once()
    assert up(stack, ecs, OLD) == "updated" and verdict(stack.task_definition, ecs) == Verdict(DONE)
    stack, ecs = failed_once()
    assert up(stack, ecs, OLD, refresh=True) == "unchanged" and verdict(stack.task_definition, ecs).state == FAILED
    ecs.update_service(OLD, healthy=True)  # aws ecs update-service --force-new-deployment
    assert verdict(stack.task_definition, ecs) == Verdict(DONE)


@pytest.mark.parametrize("status", sorted(ENDED_BADLY))
def test_a_newest_deployment_stopped_or_rolling_back_fails_at_once(status: str) -> None:
    ecs = Ecs(NEW)
    ecs.update_service(NEW, healthy=True)
    ecs.service_deployments[-1]["status"] = status
    assert verdict(NEW, ecs).state == FAILED


@pytest.mark.parametrize("status", ["PENDING", "IN_PROGRESS"])
def test_a_newest_deployment_not_finished_is_waited_for(status: str) -> None:
    ecs = Ecs(NEW)
    ecs.update_service(NEW, healthy=True)
    ecs.service_deployments[-1]["status"] = status
    assert verdict(NEW, ecs) == Verdict(WAIT, f"its newest deployment is {status}")


def test_a_second_deployment_still_listed_after_a_successful_one_is_waited_for() -> None:
    ecs = Ecs(NEW)
    ecs.update_service(NEW, healthy=True)
    ecs.deployments.append({"status": "ACTIVE", "taskDefinition": OLD})
    assert verdict(NEW, ecs) == Verdict(WAIT, "it lists 2 deployments, not one")


def test_a_service_never_deployed_since_service_deployments_began_is_judged_by_its_deployments_alone() -> None:
    ecs = Ecs(NEW)
    assert ecs.service_deployments == [] and verdict(NEW, ecs) == Verdict(DONE)
    ecs.deployments.append({"status": "ACTIVE", "taskDefinition": OLD})
    assert verdict(NEW, ecs).state == WAIT


def test_the_newest_deployment_is_the_latest_created_whatever_the_order_or_the_timestamp_format() -> None:
    briefs = [
        {"status": "ROLLBACK_SUCCESSFUL", "createdAt": "2026-12-01T10:05:00.000000+00:00"},
        {"status": "SUCCESSFUL", "createdAt": 1_796_119_200.5},
        {"status": "SUCCESSFUL", "startedAt": "2026-12-01T09:00:00Z"},
    ]
    assert newest(briefs) == briefs[0] and newest(briefs[1:]) == briefs[1] and newest([]) is None


def test_a_service_ecs_does_not_find_fails_the_check_with_ecs_reason() -> None:
    result = judge("prod", NEW, {"services": [], "failures": [{"arn": "x", "reason": "MISSING"}]}, [])
    assert result.state == FAILED and result.problem is not None and "MISSING" in result.problem
