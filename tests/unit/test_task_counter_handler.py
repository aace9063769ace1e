"""The task counter's function, against a model of the ECS API and the EMF specification."""

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.observability import task_counter_handler
from components.observability.task_counter_handler import DESIRED_METRIC, RUNNING_METRIC, count, emf_documents, handler
from tests.models.cloudwatch import EmfError, emf_metrics
from tests.models.ecs_api import Ecs, Task
from tests.source import top_level_imports

CLUSTER, SERVICE, NAMESPACE = "web-cluster", "web-svc", "GravitonNode"
STRATEGY = [{"capacityProvider": "FARGATE", "weight": 0, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}]


def ecs(tasks: list[Task], desired: int = 3, strategy: list | None = None) -> Ecs:
    described = {
        "serviceName": SERVICE,
        "desiredCount": desired,
        "capacityProviderStrategy": STRATEGY if strategy is None else strategy,
    }
    return Ecs(CLUSTER, {SERVICE: described}, tasks)


def published(lines: list[str]) -> dict[tuple, float]:
    return {metric: value for line in lines for metric, value in emf_metrics(line)}


def dims(**pairs: str) -> frozenset:
    return frozenset(pairs.items())


def test_running_tasks_are_counted_per_capacity_provider_and_pending_or_other_services_are_not() -> None:
    api = ecs([
        Task("t1", SERVICE, provider="FARGATE"),
        Task("t2", SERVICE), Task("t3", SERVICE),
        Task("t4", SERVICE, last="PROVISIONING"),  # Spot capacity not found yet: wanted, not running
        Task("t5", "other-svc"),
    ])  # fmt: skip
    assert count(api, CLUSTER, SERVICE) == (3, {"FARGATE": 1, "FARGATE_SPOT": 2})


def test_a_provider_of_the_strategy_with_no_task_is_reported_as_zero() -> None:
    assert count(ecs([Task("t1", SERVICE)], desired=1), CLUSTER, SERVICE) == (1, {"FARGATE": 0, "FARGATE_SPOT": 1})


def test_a_task_started_with_a_launch_type_is_counted_under_it() -> None:
    api = ecs([Task("t1", SERVICE, provider=None, launch_type="FARGATE")], desired=1, strategy=[])
    assert count(api, CLUSTER, SERVICE) == (1, {"FARGATE": 1})


def test_a_task_being_stopped_is_no_longer_counted() -> None:
    """ECS sets a task's desired status to STOPPED at a Spot notice or a scale-in: it is on its way out."""
    api = ecs([Task("t1", SERVICE), Task("t2", SERVICE, desired="STOPPED")], desired=1)
    assert count(api, CLUSTER, SERVICE)[1]["FARGATE_SPOT"] == 1


@given(st.integers(min_value=0, max_value=450))
def test_every_task_is_read_whatever_the_count_within_ecs_page_and_batch_limits(tasks: int) -> None:
    api = ecs([Task(f"t{i}", SERVICE, provider="FARGATE" if i % 3 == 0 else "FARGATE_SPOT") for i in range(tasks)])
    _, running = count(api, CLUSTER, SERVICE)  # the model raises past 100 tasks a call
    assert running == {"FARGATE": (tasks + 2) // 3, "FARGATE_SPOT": tasks - (tasks + 2) // 3}
    pages = sum(1 for name, _ in api.calls if name == "ListTasks")
    assert pages == max(1, -(-tasks // 100))


def test_the_counts_become_the_metrics_the_dashboard_reads() -> None:
    lines = [json.dumps(d) for d in emf_documents(NAMESPACE, CLUSTER, SERVICE, 3, {"FARGATE": 1, "FARGATE_SPOT": 2},
                                                   1_764_300_000_000)]  # fmt: skip
    service = {"ClusterName": CLUSTER, "ServiceName": SERVICE}
    assert published(lines) == {
        (NAMESPACE, DESIRED_METRIC, dims(**service)): 3,
        (NAMESPACE, RUNNING_METRIC, dims(**service, CapacityProvider="FARGATE")): 1,
        (NAMESPACE, RUNNING_METRIC, dims(**service, CapacityProvider="FARGATE_SPOT")): 2,
    }


def test_the_emf_model_refuses_what_cloudwatch_would_keep_as_a_plain_log_line() -> None:
    good = emf_documents(NAMESPACE, CLUSTER, SERVICE, 1, {"FARGATE": 1}, 1)[1]
    for broken in (
        {**good, "_aws": {**good["_aws"], "Timestamp": "now"}},
        {**good, "CapacityProvider": 7},
        {**good, RUNNING_METRIC: "1"},
    ):
        with pytest.raises(EmfError):
            emf_metrics(json.dumps(broken))


def test_the_handler_prints_one_emf_document_a_line_from_its_environment(monkeypatch) -> None:
    api = ecs([Task("t1", SERVICE, provider="FARGATE"), Task("t2", SERVICE)], desired=2)
    monkeypatch.setitem(
        sys.modules, "boto3", type("boto3", (), {"client": staticmethod(lambda name, config=None: api)})
    )
    for key, value in {"CLUSTER": CLUSTER, "SERVICE": SERVICE, "NAMESPACE": NAMESPACE}.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    with redirect_stdout(out):
        result = handler({"source": "aws.events"}, None)
    assert result == {"desired": 2, "FARGATE": 1, "FARGATE_SPOT": 1}
    assert len(published(out.getvalue().splitlines())) == 3


def test_the_function_runs_alone_on_the_standard_library_and_the_runtimes_boto3() -> None:
    # botocore comes with boto3 in the runtime (Lambda guide, "Building Lambda functions with Python").
    imports = top_level_imports(Path(task_counter_handler.__file__).read_text())
    assert imports - sys.stdlib_module_names == {"boto3", "botocore"}
