#!/usr/bin/env bash
# The project's one test command: lint, types, Dockerfile lint, the app's own tests, then pytest
# (unit, component, whole-program, and the image tests when an engine, a registry and a base image
# are configured through IMAGE_TEST_* — see README "Image tests").
set -euo pipefail
cd "$(dirname "$0")/.."

# Every Python dependency from uv.lock, hash-checked; --locked fails when pyproject.toml and the lock
# disagree instead of resolving anew. A no-op when .venv is already in step (well under a second).
uv=$(python3 tools/uv_bootstrap.py)
echo "== dependencies (uv sync --locked: uv.lock into .venv, policy/uv.lock into policy/.venv)"
"$uv" sync --locked
"$uv" sync --locked --project policy
# shellcheck disable=SC1091  # created just above
. .venv/bin/activate

echo "== ruff"
ruff check .
ruff format --check .
echo "== pyright";  pyright __main__.py settings.py components tools tests examples policy
echo "== hadolint"; hadolint docker/Dockerfile docker/Dockerfile.graviton
echo "== shellcheck"; shellcheck tools/*.sh .ci/run
echo "== zizmor (workflows, offline)"; zizmor --offline --no-progress .github/workflows
echo "== parliament (IAM policies shipped and registered; suppressions with reasons in tools/parliament.yaml)"; python tools/iam_lint.py
echo "== app tests (node --test)"
if [ ! -d docker/app/node_modules/bcrypt ]; then
  (cd docker/app && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd docker/app && node --test test/)
echo "== pytest"
python -m pytest "$@"
