"""A ``FargateService`` checks the name of every child it registers before it registers one, route or not:
``service_names.service_children`` lists them, and here it is held to what the service registers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.autonames import RULES
from components.errors import ConfigError
from components.observability.alarm_rules import Alarms
from components.service.autoscaling_rules import Autoscaling, parse_schedule
from components.service.deployment_strategy import DeploymentStrategy
from components.service.fargate_service import FargateService
from components.service.service_names import service_children
from components.service.service_spec import ServiceSpec
from tests.components.builders import LB_SUFFIX, TEST_HEADER, service
from tools.offline import RecordingMocks

ALARMS = Alarms(emails=("oncall@example.com",))
SCALING = Autoscaling(min_count=1, max_count=4, cpu_target_percent=60, schedules=(parse_schedule("rate(1 day)=1..2"),))
#: Each shape of service: (routed, shifting, monitored) and how to build it with a name.
SHAPES: dict[str, tuple[tuple[bool, bool, bool], Callable[[str], Any]]] = {
    "worker": ((False, False, False), lambda name: service(route=None, name=name)),
    "monitored worker": ((False, False, True), lambda name: service(route=None, alarms=ALARMS, name=name)),
    "routed": (
        (True, False, True),
        lambda name: service(alarms=ALARMS, autoscaling=SCALING, load_balancer_arn_suffix=LB_SUFFIX, name=name),
    ),
    "shifting": (
        (True, True, True),
        lambda name: service(
            ServiceSpec(enable_execute_command=True),
            deployment=DeploymentStrategy(kind="linear"),
            test_header=TEST_HEADER,
            alarms=ALARMS,
            secret_values={"TOKEN": "t"},
            load_balancer_arn_suffix=LB_SUFFIX,
            name=name,
        ),
    ),
}
#: The inputs that name a resource outright: Pulumi's auto-name does not apply then.
NAMED = ("name", "namePrefix", "functionName", "targetId", "statementId")


def descendants(mocks: RecordingMocks, top: str) -> list[Any]:
    by_urn = {r.urn: r for r in mocks.resources}

    def under(resource: Any) -> bool:
        parent = by_urn.get(resource.parent)
        return parent is not None and (parent.type == top or under(parent))

    return [r for r in mocks.resources if under(r)]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_auto_named_child_the_service_registers_is_one_it_checks(mocked, shape: str) -> None:
    (routed, shifting, monitored), build = SHAPES[shape]
    mocks = mocked(lambda: build("svc"))
    checked = set(service_children("svc", routed=routed, shifting=shifting, monitored=monitored))
    registered = {
        (r.type, r.name)
        for r in descendants(mocks, "graviton-node:fargate_service:FargateService")
        if r.type in RULES and not any(r.inputs.get(key) for key in NAMED)
    }
    assert registered and registered <= checked


@pytest.mark.parametrize(
    ("shape", "name", "says"),
    [
        # The task counter's function and schedule: "-monitoring-task-count-function" and Pulumi's 8 in 64.
        ("monitored worker", "a" * 26, "at most 25 characters"),
        ("worker", "sg-worker", "sg-"),
        ("worker", "w" * 47, "at most 46 characters"),  # "-exec-role", "-task-role": IAM's 64
        ("worker", "my.worker", "characters"),  # ECS service names take no "."
    ],
)
def test_a_name_aws_would_refuse_for_a_child_is_refused_route_or_not_before_anything_is_registered(
    mocked, shape: str, name: str, says: str
) -> None:
    created: list[FargateService] = []
    with pytest.raises(ConfigError) as error:
        mocked(lambda: created.append(SHAPES[shape][1](name)))
    assert (error.value.key, error.value.value) == ("name", name) and says in error.value.allowed
    assert created == []


def test_the_longest_name_a_monitored_worker_may_have_is_taken(mocked) -> None:
    mocks = mocked(lambda: SHAPES["monitored worker"][1]("a" * 25))
    functions = [r for r in mocks.resources if r.type == "aws:lambda/function:Function"]
    assert [len(f.name) for f in functions] == [64 - 8]
