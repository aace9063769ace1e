"""``tools/rollout_watch.py`` reads ECS through the AWS CLI, follows ListServiceDeployments' pages, and reads
again while ECS settles, up to a bounded wait: here against ``tests/models/failed_deploy.py``'s ECS."""

import json
import subprocess
from collections.abc import Callable

import pytest

from tests.models.failed_deploy import Ecs
from tools.rollout_watch import main

NEW = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:42"
CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-app-cluster"
ARGS = ["dev", NEW, CLUSTER, "dev-app-svc"]
FAST = {"ROLLOUT_POLL_SECONDS": "0", "ROLLOUT_WAIT_SECONDS": "30"}


def answering(states: list[Ecs], calls: list[list[str]]) -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """An ``aws`` that answers from ``states[n]`` at the n-th DescribeServices, and stays on the last."""

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        reads = sum(call[2] == "describe-services" for call in calls)
        ecs = states[min(reads, len(states)) - 1]
        if command[2] == "describe-services":
            answer = ecs.describe_services()
        else:
            token = command[command.index("--next-token") + 1] if "--next-token" in command else None
            answer = ecs.list_service_deployments(token, int(command[command.index("--max-results") + 1]))
        return subprocess.CompletedProcess(command, 0, json.dumps(answer), "")

    return run


def deployed(count: int = 1, *, healthy: bool = True) -> Ecs:
    ecs = Ecs(NEW)
    for _ in range(count - 1):
        ecs.update_service(NEW, healthy=True)
    ecs.update_service(NEW, healthy=healthy)
    return ecs


def test_it_reads_the_service_in_its_cluster_region_and_passes_a_finished_deploy() -> None:
    calls: list[list[str]] = []
    assert main(ARGS, FAST, answering([deployed()], calls), lambda _: None) == 0
    assert calls[0] == ["aws", "ecs", "describe-services", "--cluster", CLUSTER, "--services", "dev-app-svc",
                        "--region", "eu-west-1", "--output", "json"]  # fmt: skip
    assert calls[1][:9] == ["aws", "ecs", "list-service-deployments", "--cluster", CLUSTER, "--service",
                            "dev-app-svc", "--max-results", "100"]  # fmt: skip


def test_a_failed_newest_deployment_on_a_later_page_fails_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[list[str]] = []
    assert main(ARGS, FAST, answering([deployed(250, healthy=False)], calls), lambda _: None) == 1
    tokens = [call[call.index("--next-token") + 1] if "--next-token" in call else None for call in calls[1:]]
    assert tokens == [None, "100", "200"]
    assert "is ROLLBACK_SUCCESSFUL" in capsys.readouterr().err


def test_a_lingering_second_deployment_is_read_again_until_it_is_gone() -> None:
    lingering = deployed()
    lingering.deployments.append({"status": "ACTIVE", "taskDefinition": NEW.replace(":42", ":41")})
    sleeps: list[float] = []
    environ = {**FAST, "ROLLOUT_POLL_SECONDS": "15"}
    assert main(ARGS, environ, answering([lingering, deployed()], []), sleeps.append) == 0
    assert sleeps == [15]


def test_a_deployment_still_in_progress_when_the_wait_ends_fails_saying_so(capsys: pytest.CaptureFixture[str]) -> None:
    ecs = deployed()
    ecs.service_deployments[-1]["status"] = "IN_PROGRESS"
    assert main(ARGS, {"ROLLOUT_WAIT_SECONDS": "0"}, answering([ecs], []), lambda _: None) == 1
    err = capsys.readouterr().err
    assert "after 0 s its newest deployment is IN_PROGRESS" in err and "tools/rollout_check.sh dev again" in err


def test_a_failed_aws_call_is_said_with_its_own_message(capsys: pytest.CaptureFixture[str]) -> None:
    def expired(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 254, "", "An error occurred (ExpiredTokenException)\n")

    assert main(ARGS, FAST, expired, lambda _: None) == 1
    err = capsys.readouterr().err
    assert "`aws ecs describe-services` failed (exit 254): An error occurred (ExpiredTokenException)" in err
    assert "expired" in err and "ecs:DescribeServices" in err
