"""The task counter's Lambda function: this service's running tasks by capacity provider, as metrics.

CloudWatch has no running-task count per capacity provider (Container Insights counts a service's
tasks, not where they run), so this function counts them once a minute: ``ListTasks`` for the
service, ``DescribeTasks`` for each task's ``capacityProviderName`` and ``lastStatus``, and
``DescribeServices`` for the desired count and the strategy's providers (so a provider with no task
is reported as 0, not left out). The counts are printed in CloudWatch's embedded metric format
(EMF), which Lambda's log delivery turns into metrics: the function needs no
``cloudwatch:PutMetricData`` (an action on every resource) and pays no API call per datapoint.

It runs alone in the Lambda runtime: standard library only, and boto3, which the runtime provides.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

RUNNING_METRIC = "RunningTasks"
DESIRED_METRIC = "DesiredTasks"
#: ECS's page size limit for ListTasks and its batch limit for DescribeTasks.
PAGE = 100

#: The ECS client's timeouts (seconds) and retries: each call well inside the function's timeout
#: (``task_counter.TIMEOUT_SECONDS``), throttling retried with backoff (botocore's standard retry mode).
CLIENT_CONFIG = {"connect_timeout": 5, "read_timeout": 10, "retries": {"mode": "standard", "total_max_attempts": 3}}


def task_arns(ecs: Any, cluster: str, service: str) -> Iterator[str]:
    """Every task ECS keeps running for ``service`` (desired status RUNNING), page by page."""
    token = ""
    while True:
        page = ecs.list_tasks(
            cluster=cluster, serviceName=service, desiredStatus="RUNNING", maxResults=PAGE,
            **({"nextToken": token} if token else {}),
        )  # fmt: skip
        yield from page["taskArns"]
        token = page.get("nextToken", "")
        if not token:
            return


def count(ecs: Any, cluster: str, service: str) -> tuple[int, dict[str, int]]:
    """The desired count and, per capacity provider, the tasks whose last status is RUNNING."""
    (described,) = ecs.describe_services(cluster=cluster, services=[service])["services"]
    running = {item["capacityProvider"]: 0 for item in described.get("capacityProviderStrategy", [])}
    arns = list(task_arns(ecs, cluster, service))
    for start in range(0, len(arns), PAGE):
        for task in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + PAGE])["tasks"]:
            # A task started with a launch type has no provider; its launch type names where it runs.
            provider = task.get("capacityProviderName") or task.get("launchType", "UNKNOWN")
            running.setdefault(provider, 0)
            if task.get("lastStatus") == "RUNNING":
                running[provider] += 1
    return described["desiredCount"], running


def emf_documents(
    namespace: str, cluster: str, service: str, desired: int, running: dict[str, int], timestamp_ms: int
) -> list[dict[str, Any]]:
    """One EMF document for the desired count and one per capacity provider for its running tasks."""

    def document(metric: str, value: int, **dimensions: str) -> dict[str, Any]:
        return {
            "_aws": {
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": namespace,
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": metric, "Unit": "Count", "StorageResolution": 60}],
                }],
            },
            **dimensions,
            metric: value,
        }  # fmt: skip

    service_dimensions = {"ClusterName": cluster, "ServiceName": service}
    return [
        document(DESIRED_METRIC, desired, **service_dimensions),
        *(
            document(RUNNING_METRIC, tasks, **service_dimensions, CapacityProvider=provider)
            for provider, tasks in sorted(running.items())
        ),
    ]


def handler(event: object, context: object) -> dict[str, int]:
    """Count, print the metrics (one EMF document a line), and return the counts for the invocation log."""
    # The Lambda runtime's (not a dependency of this package); imported here so counting needs none.
    import boto3  # pyright: ignore[reportMissingImports]
    from botocore.config import Config  # pyright: ignore[reportMissingImports]

    cluster, service = os.environ["CLUSTER"], os.environ["SERVICE"]
    # botocore waits 60 s to connect and to read by default (endpoint.py DEFAULT_TIMEOUT), past the function's
    # own timeout: a stalled call is retried within it instead.
    client = boto3.client("ecs", config=Config(**CLIENT_CONFIG))
    desired, running = count(client, cluster, service)
    for document in emf_documents(os.environ["NAMESPACE"], cluster, service, desired, running, int(time.time() * 1000)):
        print(json.dumps(document, sort_keys=True))
    return {"desired": desired, **running}
