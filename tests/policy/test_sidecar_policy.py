"""A task with a sidecar passes the policy pack: the sidecar is held to the rules the app is, and the
sidecar's own check of its user agrees with the pack's."""

import json

import pytest

from components.errors import ConfigError
from components.service.sidecar import Sidecar
from tests.components.builders import service
from tests.components.test_sidecars import COLLECTOR, COLLECTOR_IMAGE, SPEC
from tests.policy.engine import violations
from tools.offline import run_mocked

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def with_collector() -> None:
    service(SPEC)


def test_a_task_with_a_sidecar_breaks_no_rule_of_the_policy_pack() -> None:
    task = run_mocked(with_collector).mocks.one(TASK).inputs
    assert COLLECTOR.name in [c["name"] for c in json.loads(task["containerDefinitions"])]
    assert violations(TASK, task) == []


ROOT_SPELLINGS = ("0", "00", "000", "root")
#: Users by what they are: root's uid or group in either position, in every spelling; a name or a lone uid,
#: which the image's /etc/passwd resolves (possibly to 0); and unprivileged uid:gid pairs.
USERS = [
    *(f"{root}:1000" for root in ROOT_SPELLINGS),
    *(f"1000:{root}" for root in ROOT_SPELLINGS),
    *(f"{root}:{root}" for root in ROOT_SPELLINGS),
    "1000", "root", "node", "node:root", "node:node", "nobody:65534", " 1000:1000", "1000:1000 ", "1000:", ":1000",
    "\u0661\u0660\u0660\u0660:1000",
    "1000:1000", "10001:10001", "65534:65534", "1:1",
]  # fmt: skip


def sidecar_refuses(user: str) -> bool:
    try:
        Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, user=user)
    except ConfigError as error:
        assert (error.key, error.value) == ("Sidecar.user", user)
        return True
    return False


def pack_flags(user: str) -> bool:
    container = {"name": "x", "user": user, "stopTimeout": 30, "readonlyRootFilesystem": True,
                 "logConfiguration": {"logDriver": "awslogs"}}  # fmt: skip
    return any("root's group" in v for v in violations(TASK, {"containerDefinitions": json.dumps([container])}))


@pytest.mark.parametrize("user", USERS)
def test_the_sidecar_and_the_pack_agree_on_a_user_and_take_only_uid_gid_of_positive_numbers(user: str) -> None:
    unprivileged = user in ("1000:1000", "10001:10001", "65534:65534", "1:1")
    assert sidecar_refuses(user) is pack_flags(user) is not unprivileged
