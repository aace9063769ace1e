"""``AwsApi`` through the AWS CLI v2.

The CLI rather than boto3: it is already a documented prerequisite (README, "What you need";
``tools/deploy.sh`` calls it) and GitHub's runners ship it, while boto3 is no dependency of this
project. ``test_driver.py`` checks every command line built here against botocore's API models.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
        try:
            result = self._run(argv, timeout)
        except subprocess.TimeoutExpired as error:
            raise AcceptanceError(f"`{' '.join(argv)}` did not finish within {timeout:g} s") from error
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

    def wait_task_stopped(self, cluster: str, task: str, timeout: float) -> None:
        # The waiter polls DescribeTasks every 6 s, 100 times (botocore ecs waiters-2.json, TasksStopped);
        # the run's deadline may cut it short.
        self._call("ecs", "wait", "tasks-stopped", "--cluster", cluster, "--tasks", task, timeout=min(900, timeout))

    def wait_service_stable(self, cluster: str, service: str, timeout: float) -> None:
        # Every 15 s, 40 times (ServicesStable): one deployment, running count = desired count.
        self._call("ecs", "wait", "services-stable", "--cluster", cluster, "--services", service,
                   timeout=min(900, timeout))  # fmt: skip

    def delete_service(self, arn: str) -> None:
        """Delete a service with its tasks (``--force``: no scale-in first) and wait until it is INACTIVE:
        until then, DRAINING, it still holds its cluster (DeleteService docs)."""
        cluster = _rest(arn).split("/")[0]
        self._call("ecs", "delete-service", "--cluster", cluster, "--service", arn, "--force",
                   "--query", "service.serviceArn")  # fmt: skip
        # Every 15 s, 40 times (botocore ecs waiters-2.json, ServicesInactive).
        self._call("ecs", "wait", "services-inactive", "--cluster", cluster, "--services", arn, timeout=900)

    def service_image(self, cluster: str, service: str) -> str:
        arn = self._call("ecs", "describe-services", "--cluster", cluster, "--services", service,
                         "--query", "services[0].taskDefinition")  # fmt: skip
        return self._call("ecs", "describe-task-definition", "--task-definition", arn,
                          "--query", "taskDefinition.containerDefinitions[0].image")  # fmt: skip

    def tagged_resources(self, key: str) -> dict[str, str]:
        """ARN -> the value of tag ``key``, whatever the value (a filter without values matches any)."""
        query = f"ResourceTagMappingList[].[ResourceARN, Tags[?Key=='{key}'].Value | [0]]"
        pairs = self._call("resourcegroupstaggingapi", "get-resources", "--tag-filters", f"Key={key}", "--query", query)
        return {arn: value for arn, value in pairs}

    def task_definition_status(self, arn: str) -> str | None:
        """ACTIVE, INACTIVE or DELETE_IN_PROGRESS; None once ECS no longer knows it."""
        try:
            return self._call("ecs", "describe-task-definition", "--task-definition", arn,
                              "--query", "taskDefinition.status")  # fmt: skip
        except AcceptanceError as error:
            if "ClientException" in str(error):  # what ECS answers for a deleted revision
                return None
            raise

    def delete_task_definitions(self, arns: Sequence[str]) -> dict[str, str]:
        """ARN -> reason for each revision ECS would not delete: it answers 200 with ``failures``
        (botocore ecs DeleteTaskDefinitionsResponse, Failure: arn, reason, detail)."""
        refused: dict[str, str] = {}
        for start in range(0, len(arns), DELETE_TASK_DEFINITIONS_MAX):
            batch = arns[start : start + DELETE_TASK_DEFINITIONS_MAX]
            failures = self._call("ecs", "delete-task-definitions", "--task-definitions", *batch,
                                  "--query", "failures[].[arn, reason, detail]")  # fmt: skip
            refused.update({arn: " ".join(str(part) for part in why if part) for arn, *why in failures or []})
        return refused

    def roles_named(self, prefix: str) -> list[str]:
        # IAM is global: the regional tagging API is not where a leftover role would show.
        return self._call("iam", "list-roles", "--query", f"Roles[?starts_with(RoleName, '{prefix}')].Arn")

    def resource_exists(self, arn: str) -> bool:
        """Whether the resource's own service still describes it: the tagging API also lists resources
        that were tagged once and are gone (its GetResources docs: "tagged or previously tagged"; stale
        ELB listeners and rules: aws/aws-cli#8197, aws/aws-sdk#302). A kind not in ``LOOKUPS`` counts as
        found: nothing confirmed it gone."""
        lookup = LOOKUPS.get(arn_kind(arn))
        if lookup is None:
            return True
        try:
            answer = self._call(*lookup.argv(arn))
        except AcceptanceError as error:
            if lookup.not_found and f"({lookup.not_found})" in str(error):
                return False
            raise
        return bool(answer)


# --- Looking a tagged resource up by its ARN ---------------------------------------------------------


def arn_kind(arn: str) -> tuple[str, str]:
    """``arn:<partition>:<service>:<region>:<account>:<type>[/:]<rest>`` -> (service, type)."""
    parts = arn.split(":", 5)
    return (parts[2], re.split(r"[/:]", parts[5], maxsplit=1)[0]) if len(parts) == 6 else ("", "")


def _rest(arn: str) -> str:
    """What follows the resource type: a name, an ID or a path of them."""
    return re.split(r"[/:]", arn.split(":", 5)[5], maxsplit=1)[1]


@dataclass(frozen=True)
class Lookup:
    """One kind's describe call: its answer (``--query``) is empty once the resource is gone, or the
    call fails with ``not_found``, an error code botocore's model declares for the operation."""

    service: str
    operation: str
    args: Callable[[str], list[str]]
    query: str
    not_found: str | None = None

    def argv(self, arn: str) -> list[str]:
        return [self.service, self.operation, *self.args(arn), "--query", self.query]


def _rule_args(arn: str) -> list[str]:
    # rule/<name> on the default bus, rule/<bus>/<name> on another (EventBridge's ARN formats).
    *bus, name = _rest(arn).split("/")
    return ["--name", name, *(["--event-bus-name", bus[0]] if bus else [])]


def _arn(flag: str) -> Callable[[str], list[str]]:
    return lambda arn: [flag, arn]


def _name(flag: str) -> Callable[[str], list[str]]:
    # A log group's ARN may end in ":*"; the name never does.
    return lambda arn: [flag, _rest(arn).removesuffix(":*")]


def _filter(name: str) -> Callable[[str], list[str]]:
    return lambda arn: ["--filters", f"Name={name},Values={_rest(arn)}"]


def _service_args(arn: str) -> list[str]:
    # service/<cluster>/<service>: the long ARN format, the only one since 2021 (ECS ARN formats docs).
    return ["--cluster", _rest(arn).split("/")[0], "--services", arn]


def _task_args(arn: str) -> list[str]:
    # task/<cluster>/<id>, the long ARN format as for services.
    return ["--cluster", _rest(arn).split("/")[0], "--tasks", arn]


ELB = "elasticloadbalancing"
LOOKUPS: dict[tuple[str, str], Lookup] = {
    (ELB, "loadbalancer"): Lookup(
        "elbv2",
        "describe-load-balancers",
        _arn("--load-balancer-arns"),
        "LoadBalancers[].LoadBalancerArn",
        "LoadBalancerNotFound",
    ),
    (ELB, "listener"): Lookup(
        "elbv2", "describe-listeners", _arn("--listener-arns"), "Listeners[].ListenerArn", "ListenerNotFound"
    ),
    (ELB, "listener-rule"): Lookup("elbv2", "describe-rules", _arn("--rule-arns"), "Rules[].RuleArn", "RuleNotFound"),
    (ELB, "targetgroup"): Lookup(
        "elbv2",
        "describe-target-groups",
        _arn("--target-group-arns"),
        "TargetGroups[].TargetGroupArn",
        "TargetGroupNotFound",
    ),
    # A deleted cluster or service is INACTIVE for a while, then a MISSING failure (ECS Describe* docs).
    ("ecs", "cluster"): Lookup(
        "ecs", "describe-clusters", _arn("--clusters"), "clusters[?status!='INACTIVE'].clusterArn"
    ),
    ("ecs", "service"): Lookup(
        "ecs",
        "describe-services",
        _service_args,
        "services[?status!='INACTIVE'].serviceArn",
        "ClusterNotFoundException",
    ),
    # Tasks carry their service's tags (propagate_tags=SERVICE, components/service/fargate_service.py), and
    # a stopped one stays listed for a while: it counts only until STOPPED. A task ECS no longer knows is a
    # MISSING failure beside an empty ``tasks`` (botocore ecs DescribeTasksResponse).
    ("ecs", "task"): Lookup(
        "ecs", "describe-tasks", _task_args, "tasks[?lastStatus!='STOPPED'].taskArn", "ClusterNotFoundException"
    ),
    ("logs", "log-group"): Lookup(
        "logs", "describe-log-groups", _name("--log-group-identifiers"), "logGroups[].logGroupName"
    ),
    ("ecr", "repository"): Lookup(
        "ecr",
        "describe-repositories",
        _name("--repository-names"),
        "repositories[].repositoryArn",
        "RepositoryNotFoundException",
    ),
    # EC2's filters answer an empty list for an ID that is gone (botocore ec2 DescribeSecurityGroup*Request).
    ("ec2", "security-group"): Lookup(
        "ec2", "describe-security-groups", _filter("group-id"), "SecurityGroups[].GroupId"
    ),
    ("ec2", "security-group-rule"): Lookup(
        "ec2",
        "describe-security-group-rules",
        _filter("security-group-rule-id"),
        "SecurityGroupRules[].SecurityGroupRuleId",
    ),
    ("events", "rule"): Lookup("events", "describe-rule", _rule_args, "Arn", "ResourceNotFoundException"),
    ("lambda", "function"): Lookup(
        "lambda", "get-function", _arn("--function-name"), "Configuration.FunctionArn", "ResourceNotFoundException"
    ),
    ("cloudwatch", "alarm"): Lookup(
        "cloudwatch",
        "describe-alarms",
        _name("--alarm-names"),
        "[MetricAlarms[].AlarmArn, CompositeAlarms[].AlarmArn][]",
    ),
}
