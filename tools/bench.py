"""Measured figures for the core program (printed, never asserted in tests).

    python tools/bench.py

Prints the speed of a fixed reference loop first (shared CPUs here vary up to 2x over minutes:
compare figures only at similar reference speeds), then the full non-image test suite's wall time
(goal < 10 s on 2 cores, issue 17), the time to evaluate the whole program under mocks in a fresh
process (goal <= 1.5 s) and with the SDKs already loaded, the offline plan command's wall time (goal
<= 2 s for dev), and the plan's resource count.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FRESH_RUNS = 5

_EVALUATE = """
import time
started = time.perf_counter()
from tools.offline import run_program
imported = time.perf_counter()
run = run_program("dev")
evaluated = time.perf_counter()
print(imported - started, evaluated - imported, len(run.mocks.resources))
"""
_WARM = """
import time
from tools.offline import run_program
run_program("dev")
started = time.perf_counter()
for _ in range(10):
    run_program("dev")
print((time.perf_counter() - started) / 10)
"""


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, result


def _reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: the machine's speed when the figures were taken."""
    started = time.perf_counter()
    sum(range(30_000_000))
    return time.perf_counter() - started


def main() -> int:
    reference_before = _reference_loop()
    suite_seconds, suite = _timed([PYTHON, "-m", "pytest", "-q", "-m", "not image", "-p", "no:randomly"])
    summary = suite.stdout.strip().splitlines()[-1] if suite.stdout.strip() else suite.stderr[-500:]
    # Shared CPUs vary from run to run: take the median of several fresh processes.
    evaluations = [_timed([PYTHON, "-c", _EVALUATE]) for _ in range(FRESH_RUNS)]
    _, warm_run = _timed([PYTHON, "-c", _WARM])
    plan_seconds, plan = _timed([PYTHON, "tools/plan.py"])
    for result in (*(run for _, run in evaluations), warm_run, plan):
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
    parsed = sorted((float(i) + float(f), float(i), float(f), seconds, int(n))
                    for seconds, run in evaluations for i, f, n in [run.stdout.split()])  # fmt: skip
    evaluation_seconds, imports, first, total_seconds, resources = parsed[len(parsed) // 2]
    fastest, slowest = parsed[0][0], parsed[-1][0]
    warm = warm_run.stdout.strip()
    reference = (reference_before + _reference_loop()) / 2
    print(f"reference loop (machine speed):      {reference:6.2f} s   (~0.7 s on an idle 2-core runner here)")
    print(f"test suite (non-image, wall):        {suite_seconds:6.2f} s   goal < 10 s   [{summary}]")
    print(f"program under mocks, fresh process:  {evaluation_seconds:6.2f} s   goal <= 1.5 s "
          f"median of {FRESH_RUNS} ({fastest:.2f}-{slowest:.2f} s): imports {imports:.2f} s + evaluation "
          f"{first:.2f} s incl. the SDKs' first use; whole process {total_seconds:.2f} s")  # fmt: skip
    print(f"program under mocks, SDKs loaded:    {float(warm):6.2f} s   (mean of 10)")
    print(f"tools/plan.py, whole command:        {plan_seconds:6.2f} s   goal <= 2 s")
    print(f"offline plan resource count (dev):   {resources:6d}")
    return 0 if suite.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
