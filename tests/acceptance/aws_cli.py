"""``AwsApi`` through the AWS CLI v2.

The CLI rather than boto3: it is already a documented prerequisite (README, "What you need";
``tools/deploy.sh`` calls it) and GitHub's runners ship it, while boto3 is no dependency of this
project. ``test_driver.py`` checks every command line built here against botocore's API models.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from tests.acceptance.driver import AcceptanceError

# ECS DeleteTaskDefinitions: "You can specify up to 10 task definitions" (botocore ecs service-2.json,
# DeleteTaskDefinitionsRequest.taskDefinitions; the model itself sets no max).
DELETE_TASK_DEFINITIONS_MAX = 10

Runner = Callable[[list[str], float], subprocess.CompletedProcess[str]]


def _run(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


class AwsCli:
    """``AwsApi`` through the AWS CLI v2 (it paginates by itself), every call in ``region``."""

    def __init__(self, region: str, run: Runner = _run) -> None:
        self.region = region
        self._run = run

    def _call(self, *args: str, timeout: float = 120) -> Any:
        argv = ["aws", *args, "--region", self.region, "--output", "json", "--no-cli-pager"]
        result = self._run(argv, timeout)
        if result.returncode != 0:
            raise AcceptanceError(f"`{' '.join(argv)}` failed: {result.stderr.strip()}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    def caller_identity(self) -> str:
        return self._call("sts", "get-caller-identity", "--query", "Arn")

    def running_tasks(self, cluster: str, service: str) -> list[str]:
        return self._call("ecs", "list-tasks", "--cluster", cluster, "--service-name", service,
                          "--desired-status", "RUNNING", "--query", "taskArns")  # fmt: skip

    def stop_task(self, cluster: str, task: str, reason: str) -> None:
        self._call("ecs", "stop-task", "--cluster", cluster, "--task", task, "--reason", reason,
                   "--query", "task.taskArn")  # fmt: skip

    def wait_task_stopped(self, cluster: str, task: str) -> None:
        # The waiter polls DescribeTasks every 6 s, 100 times (botocore ecs waiters-2.json, TasksStopped).
        self._call("ecs", "wait", "tasks-stopped", "--cluster", cluster, "--tasks", task, timeout=900)

    def wait_service_stable(self, cluster: str, service: str) -> None:
        # Every 15 s, 40 times (ServicesStable): one deployment, running count = desired count.
        self._call("ecs", "wait", "services-stable", "--cluster", cluster, "--services", service, timeout=900)

    def service_image(self, cluster: str, service: str) -> str:
        arn = self._call("ecs", "describe-services", "--cluster", cluster, "--services", service,
                         "--query", "services[0].taskDefinition")  # fmt: skip
        return self._call("ecs", "describe-task-definition", "--task-definition", arn,
                          "--query", "taskDefinition.containerDefinitions[0].image")  # fmt: skip

    def tagged_resources(self, key: str, value: str) -> list[str]:
        return self._call("resourcegroupstaggingapi", "get-resources", "--tag-filters", f"Key={key},Values={value}",
                          "--query", "ResourceTagMappingList[].ResourceARN")  # fmt: skip

    def task_definition_status(self, arn: str) -> str | None:
        """ACTIVE, INACTIVE or DELETE_IN_PROGRESS; None once ECS no longer knows it."""
        try:
            return self._call("ecs", "describe-task-definition", "--task-definition", arn,
                              "--query", "taskDefinition.status")  # fmt: skip
        except AcceptanceError as error:
            if "ClientException" in str(error):  # what ECS answers for a deleted revision
                return None
            raise

    def delete_task_definitions(self, arns: Sequence[str]) -> None:
        for start in range(0, len(arns), DELETE_TASK_DEFINITIONS_MAX):
            batch = arns[start : start + DELETE_TASK_DEFINITIONS_MAX]
            self._call("ecs", "delete-task-definitions", "--task-definitions", *batch, "--query", "failures")

    def roles_named(self, prefix: str) -> list[str]:
        # IAM is global: the regional tagging API is not where a leftover role would show.
        return self._call("iam", "list-roles", "--query", f"Roles[?starts_with(RoleName, '{prefix}')].Arn")
