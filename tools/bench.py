"""Measured figures for the core program (printed, never asserted in tests).

    python tools/bench.py

Prints: the full non-image test suite's wall time (goal < 15 s on 2 cores), the time to evaluate the
whole program under mocks in a fresh process (goal < 2 s) and once warm, and the plan's resource count.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

_EVALUATE = """
import time
started = time.perf_counter()
from tools.offline import run_program
imported = time.perf_counter()
run = run_program("dev")
first = time.perf_counter()
run_program("dev")
second = time.perf_counter()
print(imported - started, first - imported, second - first, len(run.mocks.resources))
"""


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, result


def main() -> int:
    suite_seconds, suite = _timed([PYTHON, "-m", "pytest", "-q", "-m", "not image", "-p", "no:randomly"])
    summary = suite.stdout.strip().splitlines()[-1] if suite.stdout.strip() else suite.stderr[-500:]
    total_seconds, evaluation = _timed([PYTHON, "-c", _EVALUATE])
    if evaluation.returncode != 0:
        print(evaluation.stderr, file=sys.stderr)
        return 1
    imports, first, warm, resources = evaluation.stdout.split()
    print(f"test suite (non-image, wall):        {suite_seconds:6.2f} s   goal < 15 s   [{summary}]")
    print(f"program under mocks, fresh process:  {total_seconds:6.2f} s   goal < 2 s    "
          f"(imports {float(imports):.2f} s, first evaluation {float(first):.2f} s)")  # fmt: skip
    print(f"program under mocks, warm:           {float(warm):6.2f} s")
    print(f"offline plan resource count (dev):   {int(resources):6d}")
    return 0 if suite.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
