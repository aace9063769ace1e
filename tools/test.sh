#!/usr/bin/env bash
# The project's one test command: lint, types, Dockerfile lint, the app's own tests, then pytest
# (unit, component, whole-program, and the image tests when an engine, a registry and a base image
# are configured through IMAGE_TEST_* — see README "Image tests").
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js first: the app's tests need 22 or later (docker/app/package.json "engines"); say so now,
# not after minutes of other checks.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 22 ]; then
  echo "test.sh: the app's tests need Node.js 22 or later; found $(node --version 2>/dev/null || echo 'no node on PATH')." >&2
  echo "test.sh: install it (README, What you need), or run with the image's Node from the npm registry:" >&2
  echo "  PATH=\"\$(python3 tools/node_bootstrap.py):\$PATH\" tools/test.sh" >&2
  exit 1
fi

# Every Python dependency from uv.lock, hash-checked; --locked fails when pyproject.toml and the lock
# disagree instead of resolving anew. A no-op when .venv is already in step (well under a second).
# The linters (pyproject.toml's lint group) are installed here only: a deploy's uv sync leaves them out.
uv=$(python3 tools/uv_bootstrap.py)
echo "== dependencies (uv sync --locked --group lint: uv.lock into .venv, policy/uv.lock into policy/.venv)"
"$uv" sync --locked --group lint
"$uv" sync --locked --project policy
# shellcheck disable=SC1091  # created just above
. .venv/bin/activate

echo "== ruff"
ruff check .
ruff format --check .
# pyright is the longest check (about 35 s, mostly on one core): it runs beside the checks and app tests below,
# which wait on timers or use the other core, and its report is printed after them. In a process group of its
# own (set -m), so that a check failing first stops it and the Node it starts too; if it had ended by then, its
# report is printed. Whether it runs is asked of the shell's job table, never of a PID another may have taken.
pyright_log=$(mktemp)
set -m
pyright __main__.py settings.py components tools tests examples policy >"$pyright_log" 2>&1 &
pyright_pid=$!
set +m
stop_pyright() {
  if [ -n "$(jobs -rp)" ]; then
    kill -- -"$pyright_pid" 2>/dev/null || true
  elif [ -s "$pyright_log" ]; then
    echo "== pyright (it ended before the step that failed)"
    cat "$pyright_log"
  fi
  rm -f "$pyright_log"
}
trap stop_pyright EXIT
echo "== hadolint (every Dockerfile: tools/dockerfiles.py)"; python tools/dockerfiles.py | xargs hadolint
echo "== shellcheck"; shellcheck tools/*.sh .ci/run
echo "== zizmor (workflows, offline)"; zizmor --offline --no-progress .github/workflows
echo "== parliament (IAM policies shipped and registered; suppressions with reasons in tools/parliament.yaml)"; python tools/iam_lint.py
echo "== app tests (node --test)"
if [ ! -d docker/app/node_modules/bcrypt ]; then
  (cd docker/app && npm ci --no-audit --no-fund --loglevel=error)
fi
# Its default patterns: Node 22 reads test/ as a module, not a folder. The tests wait on the drain's and the
# keep-alive's timers, not on a core, and Node runs one test file fewer at a time than there are cores (one
# here): every file at once took half the time.
(cd docker/app && node --test --test-concurrency=8)
echo "== worker example's app tests (node --test)"
# No npm ci: worker.js loads its one dependency, the SQS client, only when it runs against a queue.
(cd examples/worker/app && node --test --test-concurrency=8)
echo "== pyright (started after ruff)"
pyright_status=0
wait "$pyright_pid" || pyright_status=$?
trap 'rm -f "$pyright_log"' EXIT
cat "$pyright_log"
if [ "$pyright_status" -ne 0 ]; then exit "$pyright_status"; fi
echo "== pytest (skipped groups and why at the end)"
# Python's bytecode cache on for the suite, also where PYTHONDONTWRITEBYTECODE is set (these machines set it):
# otherwise each worker, and each Python a test starts, compiles every SDK module it imports and pytest rewrites
# every test module again, on every run (docs/benchmarks.md). The caches are __pycache__ folders git ignores.
env -u PYTHONDONTWRITEBYTECODE python -m pytest "$@"
