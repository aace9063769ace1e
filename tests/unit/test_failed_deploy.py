"""After a failed deploy the stack records the new revision while ECS runs the old one, and a plain ``pulumi up``
of the same commit succeeds without a call (``tests/models/failed_deploy.py``): the check after the update
(``tools/rollout_verdict.py``) fails while the two differ, and ``pulumi up --refresh`` deploys again."""

from tests.models.failed_deploy import Ecs, Stack, up
from tools.rollout_verdict import mismatch

OLD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:41"
NEW = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:42"


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
    problem = mismatch("dev", stack.task_definition, ecs.describe_services())
    assert problem is not None and f"records task definition {NEW} but ECS runs {OLD}" in problem
    assert "stack dev" in problem and "tools/deploy.sh dev --refresh" in problem


def test_a_refreshed_up_deploys_the_revision_again_and_then_the_check_passes() -> None:
    stack, ecs = failed_once()
    up(stack, ecs, NEW)
    assert up(stack, ecs, NEW, refresh=True) == "updated"
    assert ecs.calls == [NEW, NEW] and mismatch("dev", stack.task_definition, ecs.describe_services()) is None


def test_a_deploy_that_succeeds_passes_the_check_and_a_refresh_with_nothing_stale_changes_nothing() -> None:
    stack, ecs = Stack(OLD), Ecs(OLD)
    assert up(stack, ecs, NEW) == "updated" and mismatch("dev", stack.task_definition, ecs.describe_services()) is None
    assert up(stack, ecs, NEW, refresh=True) == "unchanged" and ecs.calls == [NEW]


def test_a_deployment_not_finished_or_a_second_one_still_running_fails_the_check() -> None:
    ecs = Ecs(NEW)
    ecs.deployments = [
        {"status": "PRIMARY", "rolloutState": "IN_PROGRESS"},
        {"status": "ACTIVE", "rolloutState": "COMPLETED"},
    ]
    problem = mismatch("prod", NEW, ecs.describe_services())
    assert problem is not None and "(PRIMARY IN_PROGRESS, ACTIVE COMPLETED)" in problem


def test_a_service_ecs_does_not_find_fails_the_check_with_ecs_reason() -> None:
    problem = mismatch("prod", NEW, {"services": [], "failures": [{"arn": "x", "reason": "MISSING"}]})
    assert problem is not None and "MISSING" in problem
