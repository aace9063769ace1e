"""Container Insights' metric count is the number of distinct metrics CloudWatch would hold: AWS's tables,
transcribed row by row as the pages print them, with every dimension given a value per cluster,
service, family, task and container."""

# ruff: noqa: E501 -- the pages' rows, one line each as AWS prints them

from collections.abc import Mapping
from functools import partial
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.observability.container_insights_metrics import ENHANCED, HEALTH_CHECKED, STANDARD, metric_count
from tests.models.cloudwatch import CONTAINER_INSIGHTS

#: CloudWatch User Guide, "Amazon ECS Container Insights metrics": metric, its dimension sets (";" between
#: sets), in the page's order. Rows a Fargate service without EBS volumes or restart policies never
#: publishes are in ``NOT_ON_THIS_TASK``.
STANDARD_PAGE = """
ContainerInstanceCount | ClusterName
CpuUtilized | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
CpuReserved | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
DeploymentCount | ServiceName ClusterName
DesiredTaskCount | ServiceName ClusterName
EBSFilesystemSize | VolumeName TaskDefinitionFamily ClusterName; TaskDefinitionFamily ClusterName; ServiceName ClusterName
EBSFilesystemUtilized | VolumeName TaskDefinitionFamily ClusterName; TaskDefinitionFamily ClusterName; ServiceName ClusterName
EphemeralStorageReserved | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
EphemeralStorageUtilized | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
InstanceOSFilesystemUtilization | CapacityProviderName ClusterName ContainerInstanceId EC2InstanceId; ClusterName
InstanceDataFilesystemUtilization | CapacityProviderName ClusterName ContainerInstanceId EC2InstanceId; ClusterName
MemoryUtilized | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
MemoryReserved | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
NetworkRxBytes | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
NetworkTxBytes | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
PendingTaskCount | ServiceName ClusterName
RunningTaskCount | ServiceName ClusterName
RestartCount | ClusterName; ClusterName ServiceName; ClusterName TaskDefinitionFamily
ServiceCount | ClusterName
StorageReadBytes | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
StorageWriteBytes | TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName
TaskCount | ClusterName
TaskSetCount | ServiceName ClusterName
"""
_TASK = "TaskDefinitionFamily ClusterName; ServiceName ClusterName; ClusterName; ClusterName ServiceName TaskId; " \
        "ClusterName TaskDefinitionFamily TaskId"  # fmt: skip
_CONTAINER = "ClusterName; ContainerName TaskId ServiceName ClusterName; " \
             "ContainerName TaskDefinitionFamily ClusterName TaskId; TaskDefinitionFamily ClusterName ContainerName; " \
             "ServiceName ClusterName ContainerName"  # fmt: skip
#: "Amazon ECS Container Insights with enhanced observability metrics", "available for all launch types"
#: (the GPU rows, for ECS Managed Instances only, left out).
ENHANCED_PAGE = f"""
ContainerInstanceCount | ClusterName
ContainerCpuUtilized | {_CONTAINER}
ContainerCpuReserved | {_CONTAINER}
ContainerCpuUtilization | {_CONTAINER}
ContainerMemoryUtilized | {_CONTAINER}
ContainerMemoryReserved | {_CONTAINER}
ContainerMemoryUtilization | {_CONTAINER}
ContainerNetworkRxBytes | {_CONTAINER}
ContainerNetworkTxBytes | {_CONTAINER}
ContainerStorageReadBytes | ClusterName; ClusterName ServiceName ContainerName; ClusterName TaskDefinitionFamily ContainerName; ClusterName ServiceName TaskId ContainerName; ClusterName TaskDefinitionFamily TaskId ContainerName
ContainerStorageWriteBytes | ClusterName; ClusterName ServiceName ContainerName; ClusterName TaskDefinitionFamily ContainerName; ClusterName ServiceName TaskId ContainerName; ClusterName TaskDefinitionFamily TaskId ContainerName
CpuUtilized | {_TASK}
CpuReserved | {_TASK}
DeploymentCount | ServiceName ClusterName
DesiredTaskCount | ServiceName ClusterName
EBSFilesystemSize | ClusterName TaskDefinitionFamily VolumeName; TaskDefinitionFamily ClusterName; ServiceName ClusterName
EBSFilesystemUtilized | ClusterName TaskDefinitionFamily VolumeName; TaskDefinitionFamily ClusterName; ServiceName ClusterName
TaskEBSFilesystemUtilization | {_TASK}
EphemeralStorageReserved | {_TASK}
EphemeralStorageUtilized | ClusterName; ClusterName TaskDefinitionFamily; ClusterName ServiceName; ClusterName ServiceName TaskId; ClusterName TaskDefinitionFamily TaskId
MemoryUtilized | {_TASK}
MemoryReserved | {_TASK}
NetworkRxBytes | {_TASK}
NetworkTxBytes | {_TASK}
PendingTaskCount | ServiceName ClusterName
RunningTaskCount | ServiceName ClusterName
RestartCount | ClusterName; ClusterName ServiceName; ClusterName TaskDefinitionFamily; ClusterName ServiceName TaskId; ClusterName TaskDefinitionFamily TaskId; ClusterName ServiceName ContainerName; ClusterName ServiceName TaskId ContainerName; TaskDefinitionFamily ClusterName ContainerName; TaskDefinitionFamily ClusterName TaskId ContainerName
UnHealthyContainerHealthStatus | ClusterName; ClusterName ServiceName ContainerName; ClusterName TaskDefinitionFamily ContainerName; ClusterName ServiceName TaskId ContainerName; ClusterName TaskDefinitionFamily TaskId ContainerName
ServiceCount | ClusterName
StorageReadBytes | {_TASK}
StorageWriteBytes | {_TASK}
TaskCount | ClusterName
TaskCpuUtilization | {_TASK}
TaskEphemeralStorageUtilization | {_TASK}
TaskMemoryUtilization | {_TASK}
TaskSetCount | ServiceName ClusterName
"""
#: Left out by the pages' own conditions where they give one (restart policies: the task sets none) and
#: otherwise by what the metric measures (EC2 container instances and their volumes: Fargate has none;
#: EBS volumes: the task has none).
NOT_ON_THIS_TASK = {
    "ContainerInstanceCount", "EBSFilesystemSize", "EBSFilesystemUtilized", "TaskEBSFilesystemUtilization",
    "InstanceOSFilesystemUtilization", "InstanceDataFilesystemUtilization", "RestartCount",
}  # fmt: skip
#: "collected only for containers that have a health check configured in the task definition".
FOR_HEALTH_CHECKED = {"UnHealthyContainerHealthStatus"}


def page(text: str) -> dict[str, set[frozenset[str]]]:
    rows = (line.split(" | ") for line in text.strip().splitlines())
    return {name: {frozenset(s.split()) for s in sets.split("; ")} for name, sets in rows}


Metric = tuple[str, frozenset[tuple[str, str]]]


def published(table: dict[str, set[frozenset[str]]], *, tasks: int, containers: int, checked: int) -> set[Metric]:
    """Every metric CloudWatch holds for one service: each dimension takes every value it has. Without a
    running task nothing is sent (ECS Developer Guide, "Container Insights considerations")."""
    if not tasks:
        return set()
    values = {"ClusterName": ["c"], "ServiceName": ["s"], "TaskDefinitionFamily": ["f"],
              "TaskId": [f"t{i}" for i in range(tasks)]}  # fmt: skip
    held: set[Metric] = set()
    for name, sets in table.items():
        if name in NOT_ON_THIS_TASK:
            continue
        names = [f"c{i}" for i in range(checked if name in FOR_HEALTH_CHECKED else containers)]
        if not names:
            continue  # collected only for such containers: with none, not even the cluster's is
        for dimensions in sets:
            keys = sorted(dimensions)
            choices = [names if key == "ContainerName" else values[key] for key in keys]
            held |= {(name, frozenset(zip(keys, combo, strict=True))) for combo in product(*choices)}
    return held


def test_the_tables_are_the_pages_rows_this_task_can_publish() -> None:
    def ours(*tables: Mapping[str, tuple[frozenset[str], ...]]) -> dict[str, set[frozenset[str]]]:
        return {name: set(sets) for table in tables for name, sets in table.items()}

    def theirs(text: str) -> dict[str, set[frozenset[str]]]:
        return {name: sets for name, sets in page(text).items() if name not in NOT_ON_THIS_TASK}

    assert ours(STANDARD) == theirs(STANDARD_PAGE)
    assert ours(ENHANCED, HEALTH_CHECKED) == theirs(ENHANCED_PAGE)


def the_services_own(held: set[Metric]) -> set[Metric]:
    """Less the metrics with ClusterName alone, which every service of the cluster shares."""
    return {(name, dims) for name, dims in held if {key for key, _ in dims} != {"ClusterName"}}


@given(tasks=st.integers(0, 12), containers=st.integers(1, 5), data=st.data())
def test_the_count_is_every_distinct_metric_the_service_publishes(tasks: int, containers: int, data) -> None:
    checked = data.draw(st.integers(0, containers))
    for setting, text, health in (("enhanced", ENHANCED_PAGE, checked), ("enabled", STANDARD_PAGE, 0)):
        held = published(page(text), tasks=tasks, containers=containers, checked=health)
        count = partial(metric_count, setting, tasks=tasks, containers=containers, health_checked=checked)
        assert (count(), count(cluster_wide=False)) == (len(held), len(the_services_own(held)))
    assert metric_count("disabled", tasks=tasks, containers=containers, health_checked=checked) == 0


def test_plain_container_insights_is_37_metrics_a_service_whatever_its_tasks() -> None:
    assert {metric_count("enabled", tasks=n, containers=c, health_checked=c) for n in (1, 20) for c in (1, 3)} == {37}


def test_enhanced_observability_grows_by_task_and_by_container() -> None:
    one = metric_count("enhanced", tasks=1, containers=1, health_checked=0)
    assert one == 122
    assert metric_count("enhanced", tasks=2, containers=1, health_checked=0) - one == 26 + 20
    assert metric_count("enhanced", tasks=1, containers=2, health_checked=0) - one == 20 + 20
    assert metric_count("enhanced", tasks=1, containers=1, health_checked=1) - one == 1 + 2 + 2


def test_the_container_insights_metrics_the_alarms_read_are_in_both_tables() -> None:
    for (_, name), sets in CONTAINER_INSIGHTS.items():
        assert set(sets) <= set(STANDARD[name]) and set(sets) <= set(ENHANCED[name])


def test_a_setting_ecs_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="'on': one of enhanced, enabled, disabled"):
        metric_count("on", tasks=1, containers=1, health_checked=0)
