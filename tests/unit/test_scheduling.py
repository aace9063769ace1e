"""The test scheduler keeps each file on one worker (the image builds once), spreads the every-key runs, and
starts the image files first."""

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import SPREAD, STARTED_FIRST, WITH_FILE, scheduling_unit
from tests.image.conftest import APP_IMAGES


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


IMAGE_FILES = sorted(f"tests/image/{path.name}" for path in Path("tests/image").glob("test_*.py"))
#: A collection where the image files hold the fewest tests: 50 in each of two unit files, 3 in each image file.
COLLECTION = [f"tests/unit/test_{name}.py::test_{n}" for name in ("rules", "names") for n in range(50)] + [
    f"{path}::test_{n}" for path in IMAGE_FILES for n in range(3)
]


def test_the_image_files_are_handed_out_first_though_they_hold_the_fewest_tests() -> None:
    handed = dict(files_in_the_order_handed_out(COLLECTION))
    assert list(handed)[: len(IMAGE_FILES)] == [*STARTED_FIRST[:1], *WITH_FILE, *STARTED_FIRST[1:]]
    assert {handed[STARTED_FIRST[0]], handed[STARTED_FIRST[1]]} == {"gw0", "gw1"}
    assert handed["tests/image/test_run_local_image.py"] == handed["tests/image/test_images.py"]


def test_while_the_runner_still_makes_the_base_image_one_worker_waits_on_the_first_image_file_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The other worker runs the rest of the suite meanwhile; the other image files come last, when the base
    image is long there, so no second worker waits with the first."""
    monkeypatch.setenv("IMAGE_TEST_READY_FILE", str(tmp_path / "status"))
    handed = files_in_the_order_handed_out(COLLECTION)
    order = [path for path, _ in handed]
    assert order[:2] == [STARTED_FIRST[0], *WITH_FILE]
    assert order[-len(STARTED_FIRST[1:]) :] == list(STARTED_FIRST[1:])
    waiting = dict(handed)[STARTED_FIRST[0]]
    other_first = next(path for path, worker in handed if worker != waiting)
    assert other_first.startswith("tests/unit/")


def test_once_the_runner_has_written_its_status_the_image_files_start_first_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "status").write_text("0\n")
    monkeypatch.setenv("IMAGE_TEST_READY_FILE", str(tmp_path / "status"))
    handed = [path for path, _ in files_in_the_order_handed_out(COLLECTION)]
    assert handed[: len(IMAGE_FILES)] == [*STARTED_FIRST[:1], *WITH_FILE, *STARTED_FIRST[1:]]


def test_every_image_file_starts_first() -> None:
    assert {scheduling_unit(f"{path}::test") for path in IMAGE_FILES} == set(STARTED_FIRST)


def images_built_once_per_worker() -> set[str]:
    """The app images tests/image/conftest.py builds once per worker (``APP_IMAGES``), and any session fixture
    there that builds one itself."""
    tree = ast.parse(Path("tests/image/conftest.py").read_text())
    return set(APP_IMAGES) | {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and "session" in ast.unparse(node.decorator_list[0] if node.decorator_list else ast.Constant(""))
        and any(isinstance(call, ast.Call) and ast.unparse(call.func) == "build" for call in ast.walk(node))
    }


def test_files_that_use_one_session_built_image_run_as_one_unit_so_one_worker_builds_it() -> None:
    built = images_built_once_per_worker()
    assert built >= {"graviton", "standard"}
    users: dict[str, set[str]] = {}
    for path in IMAGE_FILES:
        tree = ast.parse(Path(path).read_text())
        named = {arg.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for arg in node.args.args}
        named |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in built}
        for image in named & built:
            users.setdefault(image, set()).add(scheduling_unit(f"{path}::test"))
    assert users["graviton"] and all(len(units) == 1 for units in users.values()), users
