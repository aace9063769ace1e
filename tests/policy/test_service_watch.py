"""A production service is watched by its own scalable target and memory alarm: ECS names a service by its
cluster and name (``CreateService``: "Service names must be unique within a cluster"), Application Auto
Scaling by ``service/<cluster>/<service>``, and ECS's metrics by ``ClusterName`` and ``ServiceName``. A
target or alarm of a service of the same name in another cluster watches that one, not this one."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN

from tests.policy.engine import stack_violations
from unknowns import UndecidedError

PROD = {"services-autoscale": {"required": True}, "services-alarmed": {"required": True}}
SERVICE, CLUSTER = "aws:ecs/service:Service", "aws:ecs/cluster:Cluster"
TARGET, ALARM = "aws:appautoscaling/target:Target", "aws:cloudwatch/metricAlarm:MetricAlarm"
ROLLBACK = {"enable": True, "rollback": True, "alarmNames": ["a"]}
PAIRS = list(itertools.product(["blue", "green"], ["web", "api"]))


def _service(cluster: str, name: str) -> tuple[str, dict[str, Any]]:
    arn = f"arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"
    return SERVICE, {"name": name, "cluster": arn, "alarms": ROLLBACK}


def _target(cluster: str, name: str) -> tuple[str, dict[str, Any]]:
    return TARGET, {"resourceId": f"service/{cluster}/{name}", "scalableDimension": "ecs:service:DesiredCount"}


def _alarm(cluster: str, name: str) -> tuple[str, dict[str, Any]]:
    return ALARM, {"metricName": "MemoryUtilization", "dimensions": {"ClusterName": cluster, "ServiceName": name}}


def _unwatched(stack: list[Any], rule: str) -> list[str]:
    return sorted(m.split("'")[1] for m in stack_violations(stack, PROD) if m.startswith(f"{rule}:"))


@given(services=st.sets(st.sampled_from(PAIRS), min_size=1), watched=st.sets(st.sampled_from(PAIRS)))
def test_a_service_is_watched_exactly_when_a_target_and_an_alarm_name_its_cluster_and_name(
    services: set[tuple[str, str]], watched: set[tuple[str, str]]
) -> None:
    stack = [_service(*s) for s in services] + [f(*w) for w in watched for f in (_target, _alarm)]
    expected = sorted(name for cluster, name in services if (cluster, name) not in watched)
    assert _unwatched(stack, "services-autoscale") == expected
    assert _unwatched(stack, "services-alarmed") == expected


def test_a_target_of_the_same_name_in_another_cluster_does_not_scale_this_service() -> None:
    assert _unwatched([_service("blue", "web"), _target("other-cluster", "web")], "services-autoscale") == ["web"]


def test_a_memory_alarm_without_the_cluster_watches_no_service() -> None:
    alarm = (ALARM, {"metricName": "MemoryUtilization", "dimensions": {"ServiceName": "web"}})
    assert _unwatched([_service("blue", "web"), alarm], "services-alarmed") == ["web"]


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:prod::graviton-node::{resource_type}::{name}"


def _preview(target_from: str) -> list[Any]:
    """A preview creating the cluster, the service and its target, whose resourceId is built from them."""
    service = {"name": "web", "cluster": UNKNOWN, "alarms": ROLLBACK}
    target = {"resourceId": UNKNOWN, "scalableDimension": "ecs:service:DesiredCount"}
    return [
        (CLUSTER, {"name": "blue", "arn": UNKNOWN}, urn(CLUSTER, "blue")),
        (SERVICE, service, urn(SERVICE, "web"), {"cluster": [urn(CLUSTER, "blue")]}),
        (TARGET, target, urn(TARGET, "t"), {"resourceId": [urn(CLUSTER, "blue"), urn(SERVICE, target_from)]}),
    ]


def test_a_preview_joins_a_new_target_to_the_service_it_is_built_from() -> None:
    assert _unwatched(_preview("web"), "services-autoscale") == []
    assert _unwatched(_preview("other"), "services-autoscale") == ["web"]


def test_a_target_whose_service_a_preview_cannot_tell_waits_for_up() -> None:
    target = (TARGET, {"resourceId": UNKNOWN, "scalableDimension": "ecs:service:DesiredCount"}, urn(TARGET, "t"))
    with pytest.raises(UndecidedError):
        stack_violations([_service("blue", "web"), target], PROD)


def _urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:prod::p::{type_token}::{name}"


def test_a_first_preview_waits_for_a_target_and_alarm_built_from_the_new_clusters_name_and_the_service_s() -> None:
    """``service/`` + the autonamed cluster's name + ``/web`` depends on the cluster alone, not the service:
    it may name the service, so the rules wait for ``up`` instead of refusing it."""
    stack = [
        (CLUSTER, {"name": UNKNOWN, "arn": UNKNOWN}, _urn(CLUSTER, "main")),
        (SERVICE, {"name": "web", "cluster": UNKNOWN, "alarms": ROLLBACK}, _urn(SERVICE, "web"),
         {"cluster": [_urn(CLUSTER, "main")]}),
        (TARGET, {"resourceId": UNKNOWN, "scalableDimension": "ecs:service:DesiredCount"}, _urn(TARGET, "t"),
         {"resourceId": [_urn(CLUSTER, "main")]}),
        (ALARM, {"metricName": "MemoryUtilization", "dimensions": {"ClusterName": UNKNOWN, "ServiceName": "web"}},
         _urn(ALARM, "m"), {"dimensions": [_urn(CLUSTER, "main")]}),
    ]  # fmt: skip
    with pytest.raises(UndecidedError):
        stack_violations(stack, PROD)


def test_a_first_preview_still_refuses_a_service_no_target_or_alarm_may_name() -> None:
    stack = [
        (CLUSTER, {"name": UNKNOWN, "arn": UNKNOWN}, _urn(CLUSTER, "main")),
        (SERVICE, {"name": "web", "cluster": UNKNOWN, "alarms": ROLLBACK}, _urn(SERVICE, "web"),
         {"cluster": [_urn(CLUSTER, "main")]}),
    ]  # fmt: skip
    assert sorted(m.split(":")[0] for m in stack_violations(stack, PROD)) == ["services-alarmed", "services-autoscale"]
