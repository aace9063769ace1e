"""The image tests start once the runner's work for them has ended well, and fail with the reason when it failed
or never ended (tools/image_ready.py). .ci/run makes its base image beside the test command, hands over its
status, and on any exit stops it with what it started, then Docker."""

import os
import subprocess
import threading
import time
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


def runner(
    tmp_path: Path, base: str, test_command: str, start: str = ""
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """.ci/run in a copy of the project whose test command, bootstraps and Docker tools are stand-ins: ``base`` is
    the base image job's shell, ``test_command`` the test command's; both see the runner's environment."""
    repo, tools, state = tmp_path / "repo", tmp_path / "shared" / "tools" / "docker-ci", tmp_path / "state"
    scripts = {
        repo / ".ci" / "run": (ROOT / ".ci" / "run").read_text(),
        repo / "tools" / "uv_bootstrap.py": "",
        repo / "tools" / "node_bootstrap.py": f"print({str(tmp_path / 'bin')!r})",
        repo / "tools" / "test.sh": f"#!/bin/bash\n{test_command}\n",
        tmp_path / "bin" / "node": "#!/bin/sh\necho v22.23.3\n",
        tools / "setup-docker.sh": (
            f'#!/bin/bash\nif [ "$1" = start ]; then mkdir -p "$2/logs"; echo "$1" >>"$2/docker"; {start}\n'
            'echo "DOCKERCI_REGISTRY=127.0.0.1:5000 DOCKERCI_CA_BUNDLE=" >"$2/env.sh"\n'
            'else echo "$1" >>"$2/docker"; fi\n'
        ),
        tools / "make-node-base.sh": f"#!/bin/bash\necho making the base image\n{base}\n",
    }
    for path, text in scripts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755)
    env = {**os.environ, "SHARED_DIR": str(tmp_path / "shared"), "DOCKERCI_STATE_DIR": str(state)}
    return subprocess.run(
        ["bash", str(repo / ".ci" / "run")], capture_output=True, text=True, env=env, timeout=60
    ), state


def still_running(pid_file: Path) -> bool:
    """Whether the process is alive a second on (a killed one may stay a zombie until its new parent reaps it)."""
    stat = Path(f"/proc/{int(pid_file.read_text())}/stat")
    for _ in range(20):
        if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
        time.sleep(0.05)
    return True


def test_ci_makes_the_base_image_while_the_test_command_runs_and_hands_its_status_over(tmp_path: Path) -> None:
    waited = 'until [ -s "$IMAGE_TEST_READY_FILE" ]; do sleep 0.05; done; echo "status $(cat "$IMAGE_TEST_READY_FILE")"'
    result, state = runner(tmp_path, base="sleep 0.3; exit 7", test_command=waited)
    assert result.returncode == 0, result.stderr
    assert "status 7" in result.stdout
    assert result.stdout.index("status 7") < result.stdout.index("== the node:22-bookworm-slim stand-in's log")
    assert result.stdout.rstrip().endswith("making the base image")
    assert (state / "docker").read_text().split() == ["start", "stop"]


def test_an_early_failure_of_the_test_command_stops_the_base_image_job_and_what_it_started(tmp_path: Path) -> None:
    job = tmp_path / "job.pid"
    started = f"sleep 30 & echo $! >{job}; wait"
    result, state = runner(tmp_path, base=started, test_command=f"until [ -s {job} ]; do sleep 0.05; done; exit 3")
    assert result.returncode == 3
    assert not still_running(job)
    assert (state / "docker").read_text().split() == ["start", "stop"]
    assert not (state / "node-base.status").exists()


def test_a_failure_before_the_base_image_job_prints_no_log_of_an_earlier_run(tmp_path: Path) -> None:
    (tmp_path / "state" / "logs").mkdir(parents=True)
    (tmp_path / "state" / "logs" / "node-base.log").write_text("an earlier run's log\n")
    result, state = runner(tmp_path, base="exit 0", test_command="exit 0", start="exit 4")
    assert result.returncode == 4
    assert "an earlier run's log" not in result.stdout
    assert (state / "docker").read_text().split() == ["start", "stop"]
