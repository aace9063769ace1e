"""The image tests start once the runner's work for them has ended well, and fail with the reason when it failed
or never ended (tools/image_ready.py); .ci/run makes its base image beside the checks and the rest of the suite."""

import threading
from pathlib import Path

from tools.image_ready import wait_for_status

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    """Time that passes only when the wait sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def wait(path: Path, timeout: float = 30) -> str | None:
    clock = Clock()
    return wait_for_status(path, timeout, clock=clock, sleep=clock.sleep)


def test_status_0_lets_the_suite_start(tmp_path: Path) -> None:
    (tmp_path / "status").write_text("0\n")
    assert wait(tmp_path / "status") is None


def test_another_status_stops_it_with_that_status_and_where_it_was_read(tmp_path: Path) -> None:
    (tmp_path / "status").write_text("23\n")
    assert (
        wait(tmp_path / "status")
        == f"the work the image tests wait for failed (exit status 23, from {tmp_path}/status)"
    )


def test_a_status_never_written_stops_it_after_the_timeout(tmp_path: Path) -> None:
    assert wait(tmp_path / "status", timeout=30) == (
        f"{tmp_path}/status was not written within 30 s: the work the image tests wait for has not ended"
    )


def test_the_wait_lasts_until_the_status_is_written(tmp_path: Path) -> None:
    status = tmp_path / "status"
    writer = threading.Timer(0.3, status.write_text, args=("0\n",))
    writer.start()
    assert wait_for_status(status, 20, poll=0.05) is None
    writer.join()
    assert status.read_text() == "0\n"


def test_ci_makes_the_base_image_in_the_background_and_names_the_file_it_writes_its_status_to() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'make-node-base "$TOOLS/make-node-base.sh" "$STATE" "$base_log" "$base_status" &' in ci
    assert "export IMAGE_TEST_READY_FILE=$base_status" in ci
    assert ci.index("&\nbase_pid=$!") < ci.index("\ntools/test.sh\n")
