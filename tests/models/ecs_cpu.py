"""How the containers of a Fargate task share its CPU when all of them want it (ECS and Docker).

A container's ``cpu`` is its Docker CPU shares ("This parameter maps to CpuShares"), and the containers
"share unallocated CPU units ... with the same ratio as their allocated amount" (``SHARED_RATIO``): under
contention each gets its shares over the sum of all. Below 2 the agent does not pass the value as it is:
"Null, zero, and CPU values of 1 are passed to Docker as 2" (``LOW_VALUES``, agent 1.2.0 and later;
Fargate's platform versions run later agents). Registration refuses container values summing past the
task's (``SUM_LIMIT``); an unset value counts as none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.models.aws_api import Quote, Url

SHARED_RATIO = Quote(
    "ecs",
    "ContainerDefinition.cpu",
    "Linux containers share unallocated CPU units with other containers on the container instance with the same "
    "ratio as their allocated amount.",
)
LOW_VALUES = Quote(
    "ecs", "ContainerDefinition.cpu", "Agent versions greater than or equal to 1.2.0: Null, zero, and CPU values of 1 "
    "are passed to Docker as 2."
)  # fmt: skip
SUM_LIMIT = Url(
    "https://github.com/aws/aws-cdk/issues/24629",
    "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.",
)
#: The fewest CPU shares Docker is given for a container (``LOW_VALUES``).
MIN_SHARES = 2


def shares(container: Mapping[str, Any]) -> int:
    """The Docker CPU shares ECS gives a container for its ``cpu`` (``LOW_VALUES``)."""
    cpu = container.get("cpu")
    return MIN_SHARES if cpu is None or cpu < MIN_SHARES else int(cpu)


def contended_share(containers: Sequence[Mapping[str, Any]], name: str) -> float:
    """The part of the task's CPU container ``name`` gets when every container wants all of it."""
    (own,) = [shares(container) for container in containers if container["name"] == name]
    return own / sum(shares(container) for container in containers)


def registration_problems(task_cpu: int, containers: Sequence[Mapping[str, Any]]) -> list[str]:
    """What ECS refuses of the containers' ``cpu`` for a task of ``task_cpu`` units (``SUM_LIMIT``)."""
    total = sum(container.get("cpu") or 0 for container in containers)
    return [f"containers' cpu {total} is greater than the task's {task_cpu}"] if total > task_cpu else []
