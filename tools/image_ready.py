"""Wait until a runner's work that the image tests need has ended, and fail if it failed.

A runner may make what the image tests use while ``tools/test.sh`` installs and checks: ``.ci/run`` builds its
stand-in base image meanwhile (two to three minutes, most of them one core emulating arm64's package scripts,
while the checks use the other). It names a file in ``IMAGE_TEST_READY_FILE`` and writes the work's exit status
there when the work ends; ``tools/test.sh`` runs this before pytest.

    python tools/image_ready.py FILE [--timeout SECONDS]

Exit status 0 once FILE holds 0; 1 with the reason when it holds anything else or is still missing after
the timeout (default 1,800 s). Standard library only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_TIMEOUT = 1800.0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("file", type=Path, help="where the runner writes the work's exit status when it ends")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds to wait (default %(default)g)")
    options = parser.parse_args(argv)
    started = time.monotonic()
    problem = wait_for_status(options.file, options.timeout)
    if problem:
        print(f"image_ready: {problem}", file=sys.stderr)
        return 1
    print(f"image_ready: ready after {time.monotonic() - started:.0f} s of waiting")
    return 0


if __name__ == "__main__":
    sys.exit(main())
