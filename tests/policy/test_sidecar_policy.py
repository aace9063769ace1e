"""A task with a sidecar passes the policy pack: the sidecar is held to the rules the app is."""

import json

from tests.components.builders import service
from tests.components.test_sidecars import COLLECTOR, SPEC
from tests.policy.engine import violations
from tools.offline import run_mocked

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def with_collector() -> None:
    service(SPEC)


def test_a_task_with_a_sidecar_breaks_no_rule_of_the_policy_pack() -> None:
    task = run_mocked(with_collector).mocks.one(TASK).inputs
    assert COLLECTOR.name in [c["name"] for c in json.loads(task["containerDefinitions"])]
    assert violations(TASK, task) == []
