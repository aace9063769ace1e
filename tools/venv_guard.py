"""Imported first by the commands that run in the project's .venv (plan.py, run_local.py, check_image.py):
under another Python, they say how to make and use it, not a traceback (README, "Offline plan")."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

try:
    import pulumi  # noqa: F401  (only to tell the project's environment from another Python)
except ModuleNotFoundError:
    root = Path(__file__).resolve().parent.parent
    script = Path(sys.argv[0]).resolve().relative_to(root)
    # tools/test.sh is no way to make it: it stops at its Node check before uv sync runs.
    print(f"{script} runs in the project's .venv; in the repository's root, create it (uv from uv.lock's pin) "
          f'and run it there:\n  "$(python3 tools/uv_bootstrap.py)" sync --locked\n'
          f"  .venv/bin/python {shlex.join([str(script), *sys.argv[1:]])}", file=sys.stderr)  # fmt: skip
    raise SystemExit(2) from None
