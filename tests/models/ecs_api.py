"""The ECS API calls the task counter makes, with the limits ECS enforces (API reference).

- ``ListTasks``: ``maxResults`` 1-100 (default 100), a ``nextToken`` while more remain; filtered by
  ``serviceName`` and ``desiredStatus`` (default RUNNING); a task whose desired status is STOPPED is
  not listed under RUNNING even while it still runs.
- ``DescribeTasks``: at most 100 tasks a call, else ``InvalidParameterException``.
- ``DescribeServices``: at most 10 services a call.
Each call is recorded, so a test can see how many pages were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class InvalidParameterError(Exception):
    """ECS's ``InvalidParameterException``."""


@dataclass
class Task:
    arn: str
    service: str
    last: str = "RUNNING"
    desired: str = "RUNNING"
    provider: str | None = "FARGATE_SPOT"
    launch_type: str | None = None


@dataclass
class Ecs:
    cluster: str
    services: dict[str, dict[str, Any]]
    tasks: list[Task] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def _check_cluster(self, cluster: str) -> None:
        if cluster != self.cluster:
            raise InvalidParameterError(f"cluster {cluster!r} not found")

    def list_tasks(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("ListTasks", request))
        self._check_cluster(request["cluster"])
        size = request.get("maxResults", 100)
        if not 1 <= size <= 100:
            raise InvalidParameterError("maxResults must be 1-100")
        desired = request.get("desiredStatus", "RUNNING")
        arns = [t.arn for t in self.tasks
                if t.service == request.get("serviceName", t.service) and t.desired == desired]  # fmt: skip
        start = int(request.get("nextToken", "0"))
        page: dict[str, Any] = {"taskArns": arns[start : start + size]}
        if start + size < len(arns):
            page["nextToken"] = str(start + size)
        return page

    def describe_tasks(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("DescribeTasks", request))
        self._check_cluster(request["cluster"])
        if len(request["tasks"]) > 100:
            raise InvalidParameterError("at most 100 tasks")
        found = [t for t in self.tasks if t.arn in request["tasks"]]
        return {"tasks": [
            {"taskArn": t.arn, "lastStatus": t.last, "desiredStatus": t.desired}
            | ({"capacityProviderName": t.provider} if t.provider else {})
            | ({"launchType": t.launch_type} if t.launch_type else {})
            for t in found
        ]}  # fmt: skip

    def describe_services(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("DescribeServices", request))
        self._check_cluster(request["cluster"])
        if len(request["services"]) > 10:
            raise InvalidParameterError("at most 10 services")
        return {"services": [self.services[name] for name in request["services"]]}
