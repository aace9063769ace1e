"""A task with a sidecar passes the policy pack: the sidecar is held to the rules the app is, and the
sidecar's own check of its user agrees with the pack's."""

import json

import pytest

from components.errors import ConfigError
from components.service.sidecar import MAX_ID, Sidecar
from containers import MAX_ID as PACK_MAX_ID
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
    "1000:1000", "10001:10001", "65534:65534", "1:1", "2147483647:2147483647",
    "2147483648:1000", "1000:2147483648", "4294967295:4294967295", "4294967296:4294967296", "99999999999999999999:1",
]  # fmt: skip
#: The users both take: unprivileged under every runtime below.
UNPRIVILEGED = ("1000:1000", "10001:10001", "65534:65534", "1:1", "2147483647:2147483647")


def runtime_ids(user: str, *, patched: bool) -> tuple[int, int] | None:
    """The uid and gid containerd runs a numeric ``uid:gid`` as (oci/spec_opts.go ``WithUser``: each part through
    strconv.Atoi, then ``uint32``), or None where it refuses it: before CVE-2024-40635's fix a value over 32
    bits wrapped (4294967296 became 0, root); since, anything above the signed 32-bit maximum is refused."""
    uid, gid = (int(part) for part in user.split(":"))
    if patched:
        return None if max(uid, gid) > 2**31 - 1 else (uid, gid)
    return uid % 2**32, gid % 2**32


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
    unprivileged = user in UNPRIVILEGED
    assert sidecar_refuses(user) is pack_flags(user) is not unprivileged


@pytest.mark.parametrize("user", UNPRIVILEGED)
@pytest.mark.parametrize("patched", [False, True], ids=["containerd-before-the-fix", "containerd-since"])
def test_every_user_taken_runs_as_no_root_id_and_is_refused_by_no_runtime(user: str, patched: bool) -> None:
    ids = runtime_ids(user, patched=patched)
    assert ids is not None and 0 not in ids


def test_the_pack_and_the_components_hold_one_bound() -> None:
    assert MAX_ID == PACK_MAX_ID == 2**31 - 1
