"""The test scheduler keeps each file on one worker (the image builds once), spreads the every-key runs, and
starts the image files first."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.conftest import SPREAD, STARTED_FIRST, scheduling_unit


def test_every_image_test_shares_one_scheduling_unit_so_one_worker_builds_each_image() -> None:
    ids = [
        "tests/image/test_images.py::test_health_answers_200[graviton-arm64]",
        "tests/image/test_images.py::test_the_container_runs_as_a_non_root_user[standard-amd64]",
    ]
    assert {scheduling_unit(nodeid) for nodeid in ids} == {"tests/image/test_images.py"}


def test_the_every_key_runs_are_spread_one_by_one() -> None:
    (path,) = SPREAD
    ids = [f"{path}::test_changing_the_key_changes_what_is_registered_or_exported[{k}]" for k in ("cpu", "memory")]
    assert {scheduling_unit(nodeid) for nodeid in ids} == set(ids)


class Worker:
    """What xdist's scheduler asks of a worker: the tests sent to it, by their index in its collection."""

    def __init__(self, name: str, handed: list[tuple[str, int]]) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.handed = handed
        self.pending: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.handed.extend((self.gateway.id, index) for index in indexes)
        self.pending.extend(indexes)

    def shutdown(self) -> None:
        self.shutting_down = True


class Config:
    """Two workers, xdist's defaults otherwise (files with the most tests first)."""

    option = SimpleNamespace(loadscopereorder=True)

    def getvalue(self, name: str) -> list[str]:
        assert name == "tx"
        return ["2*popen"]


def files_in_the_order_handed_out(collection: list[str]) -> list[tuple[str, str]]:
    """Each file with the worker it goes to, in the order the real xdist scheduler, made by the suite's own
    hook, hands them out while two workers run their tests one at a time, in turn."""
    from tests.conftest import pytest_xdist_make_scheduler

    scheduler: Any = pytest_xdist_make_scheduler(Config(), None)  # duck-typed workers and config
    handed: list[tuple[str, int]] = []
    workers = [Worker("gw0", handed), Worker("gw1", handed)]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()
    while any(worker.pending for worker in workers):
        for worker in workers:
            if worker.pending:
                scheduler.mark_test_complete(worker, worker.pending.pop(0))
    files = [(collection[index].split("::")[0], worker) for worker, index in handed]
    return list(dict.fromkeys(files))


def test_the_image_files_are_handed_out_first_though_they_hold_the_fewest_tests() -> None:
    many = [f"tests/unit/test_{name}.py::test_{n}" for name in ("rules", "names") for n in range(50)]
    images = [f"{path}::test_{n}" for path in STARTED_FIRST for n in range(3)]
    handed = files_in_the_order_handed_out(many + images)
    assert [path for path, _ in handed[:4]] == list(STARTED_FIRST)
    assert {worker for _, worker in handed[:2]} == {"gw0", "gw1"}


def test_every_image_file_is_among_those_started_first() -> None:
    assert {f"tests/image/{path.name}" for path in Path("tests/image").glob("test_*.py")} == set(STARTED_FIRST)
