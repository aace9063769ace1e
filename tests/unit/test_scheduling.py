"""The test scheduler keeps each file on one worker (the image builds once), but spreads the every-key runs."""

from tests.conftest import SPREAD, scheduling_unit


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
