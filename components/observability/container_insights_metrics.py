"""How many metrics ECS Container Insights publishes for one service on Fargate, from AWS's own tables.

CloudWatch bills a metric per name and dimension set, and a dimension set with ``TaskId`` or
``ContainerName`` is one metric per task or per container. The tables are AWS's pages' (CloudWatch User
Guide, "Amazon ECS Container Insights metrics" and "Amazon ECS Container Insights with enhanced
observability metrics"), metric by metric, every dimension set with ``ClusterName``. Left out, by the
pages' own conditions where they give one and otherwise by what the metric measures:
``ContainerInstanceCount`` and the instance metrics (EC2 container instances and their volumes: Fargate
has none), the EBS metrics (EBS volumes: this task has none), ``RestartCount`` ("only for containers
that have a restart policy": this task sets none) and the GPU metrics (ECS Managed Instances only).
Nothing is published for a service without a running task (Amazon ECS Developer Guide, Container
Insights considerations).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..service.cluster_spec import CONTAINER_INSIGHTS

CLUSTER, SERVICE, FAMILY, TASK, CONTAINER = (
    "ClusterName",
    "ServiceName",
    "TaskDefinitionFamily",
    "TaskId",
    "ContainerName",
)
DimensionSets = tuple[frozenset[str], ...]


def _sets(*dimensions: tuple[str, ...]) -> DimensionSets:
    return tuple(frozenset((CLUSTER, *more)) for more in dimensions)


_OF_THE_CLUSTER = _sets(())
_OF_THE_SERVICE = _sets((SERVICE,))
_TASKS_STANDARD = _sets((FAMILY,), (SERVICE,), ())
_TASKS_ENHANCED = (*_TASKS_STANDARD, *_sets((SERVICE, TASK), (FAMILY, TASK)))
_CONTAINERS = _sets(
    (), (SERVICE, CONTAINER), (FAMILY, CONTAINER), (SERVICE, TASK, CONTAINER), (FAMILY, TASK, CONTAINER)
)

_SERVICE_METRICS = ("DeploymentCount", "DesiredTaskCount", "PendingTaskCount", "RunningTaskCount", "TaskSetCount")
_CLUSTER_METRICS = ("ServiceCount", "TaskCount")
_TASK_METRICS = (
    "CpuUtilized", "CpuReserved", "MemoryUtilized", "MemoryReserved", "NetworkRxBytes", "NetworkTxBytes",
    "StorageReadBytes", "StorageWriteBytes", "EphemeralStorageReserved", "EphemeralStorageUtilized",
)  # fmt: skip
_ENHANCED_TASK_METRICS = ("TaskCpuUtilization", "TaskEphemeralStorageUtilization", "TaskMemoryUtilization")
_CONTAINER_METRICS = (
    "ContainerCpuUtilized", "ContainerCpuReserved", "ContainerCpuUtilization", "ContainerMemoryUtilized",
    "ContainerMemoryReserved", "ContainerMemoryUtilization", "ContainerNetworkRxBytes", "ContainerNetworkTxBytes",
    "ContainerStorageReadBytes", "ContainerStorageWriteBytes",
)  # fmt: skip

#: ``enabled``: each metric's dimension sets.
STANDARD: Mapping[str, DimensionSets] = {
    **dict.fromkeys(_TASK_METRICS, _TASKS_STANDARD),
    **dict.fromkeys(_SERVICE_METRICS, _OF_THE_SERVICE),
    **dict.fromkeys(_CLUSTER_METRICS, _OF_THE_CLUSTER),
}
#: ``enhanced``: the same metrics per task too, and per container.
ENHANCED: Mapping[str, DimensionSets] = {
    **dict.fromkeys((*_TASK_METRICS, *_ENHANCED_TASK_METRICS), _TASKS_ENHANCED),
    **dict.fromkeys(_CONTAINER_METRICS, _CONTAINERS),
    **dict.fromkeys(_SERVICE_METRICS, _OF_THE_SERVICE),
    **dict.fromkeys(_CLUSTER_METRICS, _OF_THE_CLUSTER),
}
#: ``enhanced``, only for the containers with a health check in the task definition.
HEALTH_CHECKED: Mapping[str, DimensionSets] = {"UnHealthyContainerHealthStatus": _CONTAINERS}


def _count(table: Mapping[str, DimensionSets], *, tasks: int, containers: int, cluster_wide: bool) -> int:
    """Metrics of ``table`` for one service of one task-definition family: a dimension set makes one per
    task with ``TaskId``, one per container with ``ContainerName``; ``cluster_wide`` counts those with
    ``ClusterName`` alone, which every service of the cluster shares."""
    return sum(
        (tasks if TASK in dimensions else 1) * (containers if CONTAINER in dimensions else 1)
        for sets in table.values()
        for dimensions in sets
        if cluster_wide or dimensions != {CLUSTER}
    )


def metric_count(setting: str, *, tasks: int, containers: int, health_checked: int, cluster_wide: bool = True) -> int:
    """The metrics a cluster of one Fargate service publishes with Container Insights ``setting``:
    ``tasks`` running, each with ``containers`` containers, ``health_checked`` of them with a health check.
    Without ``cluster_wide``, only the service's own (those a second service in the cluster adds)."""
    if setting not in CONTAINER_INSIGHTS:
        raise ValueError(f"container insights {setting!r}: one of {', '.join(CONTAINER_INSIGHTS)}")
    if setting == "disabled" or not tasks:
        return 0
    if setting == "enabled":
        return _count(STANDARD, tasks=tasks, containers=containers, cluster_wide=cluster_wide)
    # Without a health-checked container not even the cluster-wide health metric is published.
    checked = (
        _count(HEALTH_CHECKED, tasks=tasks, containers=health_checked, cluster_wide=cluster_wide)
        if health_checked
        else 0
    )
    return _count(ENHANCED, tasks=tasks, containers=containers, cluster_wide=cluster_wide) + checked
