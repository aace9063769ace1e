"""Wait until a runner's work that the image tests need has ended, and say why not when it failed.

A runner may make what the image tests use while the test command installs, checks and runs the rest of the
suite: ``.ci/run`` builds its stand-in base image meanwhile (two to three minutes, most of them one core
emulating arm64's package scripts). It names a file in ``IMAGE_TEST_READY_FILE`` and writes the work's exit
status there, whole, when the work ends. The image tests wait for it (``tests/image/conftest.py``), and the
scheduler holds back all but the first image file while it is missing (``tests/conftest.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

#: How long the image tests wait for the runner's work, in seconds: .ci/run's base image takes two to three and
#: a half minutes on its 2 cores beside the suite (docs/benchmarks.md), and its job writes a status even when
#: it fails; this bounds only a job that hangs or dies unwritten, well inside CI's 90 minutes.
READY_TIMEOUT = 900.0


def wait_for_status(
    path: Path,
    timeout: float,
    *,
    poll: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """None once ``path`` holds exit status 0; else why the image tests cannot run."""
    deadline = clock() + timeout
    while True:
        text = path.read_text().strip() if path.exists() else ""
        if text:
            return (
                None if text == "0" else f"the work the image tests wait for failed (exit status {text}, from {path})"
            )
        if clock() >= deadline:
            return f"{path} was not written within {timeout:g} s: the work the image tests wait for has not ended"
        sleep(poll)
