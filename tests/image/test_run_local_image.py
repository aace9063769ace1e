"""`tools/run_local.py` runs the built image as the dev task runs, and Ctrl-C stops it as ECS does."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.terminal import at_a_terminal
from tests.unit.node_app import free_port
from tools.offline import ROOT

pytestmark = pytest.mark.image


def status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wait_for(url: str, wanted: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while status(url) != wanted:
        assert time.monotonic() < deadline, f"{url} never answered {wanted}"
        time.sleep(1)


def test_the_image_serves_as_the_task_does_and_ctrl_c_drains_it_as_ecs_stops_a_task(graviton: str) -> None:
    port = free_port()
    command = [sys.executable, "tools/run_local.py", "--image", graviton, "--port", str(port)]
    # Its own process group, signalled whole below as a terminal's Ctrl-C signals the foreground group.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=at_a_terminal)  # fmt: skip
    try:
        health = f"http://127.0.0.1:{port}/health"
        wait_for(health, 200, 180)  # started under QEMU on an x86 machine
        os.killpg(process.pid, signal.SIGINT)
        wait_for(health, 503, 120)  # draining (the load balancer would take it out of service); QEMU is slow
        out, err = process.communicate(timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
            subprocess.run(["docker", "rm", "--force", "graviton-node-local-dev"], capture_output=True, check=False)
    assert f"http://127.0.0.1:{port}/health" in err
    assert "SIGTERM to the container" in err
    assert '"message":"draining"' in out and '"signal":"SIGTERM"' in out and '"message":"stopped"' in out
    assert "exited with status 0" in err and process.returncode == 0
