#!/usr/bin/env bash
# Deploy a stack (default: dev). Uses the Pulumi backend you are logged in to; with none configured at all,
# a local state backend in .pulumi-state/ (set PULUMI_CONFIG_PASSPHRASE to encrypt its secrets).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: tools/deploy.sh [STACK] [pulumi up options]  (STACK defaults to dev)"
stack=${1:-dev}
# Before anything is installed, built or logged in to: an option is not a stack, and a name Pulumi would
# refuse (pulumi/pulumi validateStackName: ^[A-Za-z0-9_.-]{1,100}$) fails here, not after the builder
# and a backend login. Plain names only: the stack's settings are read from Pulumi.<stack>.yaml.
case "$stack" in
  -h|--help) echo "$usage"; exit 0 ;;
  -*) echo "deploy: '$stack' is an option, not a stack; $usage" >&2; exit 2 ;;
esac
if ! [[ "$stack" =~ ^[A-Za-z0-9_.-]{1,100}$ ]]; then
  echo "deploy: '$stack' is not a Pulumi stack name (1-100 letters, digits, _, . and -); $usage" >&2
  exit 2
fi
shift || true

for tool in pulumi docker aws; do
  command -v "$tool" >/dev/null || { echo "deploy: '$tool' is not installed (README, What you need)" >&2; exit 1; }
done
# An engine that does not answer is named as such, with Docker's own error.
if ! problem=$(docker info --format '{{.ServerVersion}}' 2>&1 >/dev/null); then
  echo "deploy: the Docker engine does not answer (start Docker Desktop or the docker service): ${problem:-docker info failed}" >&2
  exit 1
fi
docker buildx version >/dev/null 2>&1 || { echo "deploy: docker buildx is missing" >&2; exit 1; }
# The locked dependencies first, before anything touches AWS: uv.lock, hash-checked (README).
uv=$(python3 tools/uv_bootstrap.py)
# Pulumi's uv toolchain runs a plain `uv sync` (with this environment) before the program and a policy
# pack: locked too, so it installs the locks as they are or fails, and never resolves anew.
export UV_LOCKED=1
echo "deploy: installing the locked dependencies (uv sync --locked)" >&2
"$uv" sync --locked
# `pulumi up` runs uv (Pulumi.yaml: toolchain uv) from PATH: the locked one in .venv/bin.
PATH="$PWD/.venv/bin:$PATH"
export PATH
aws sts get-caller-identity >/dev/null || { echo "deploy: no AWS credentials (aws configure / AWS_PROFILE)" >&2; exit 1; }
builder=$(tools/builder.sh)
# The builder is started now, so a broken one fails here and not in the middle of pulumi up.
builder_info=$(docker buildx inspect --bootstrap "$builder") || { echo "deploy: builder '$builder' does not start (docker buildx inspect --bootstrap $builder)" >&2; exit 1; }
# The sample Dockerfiles need no emulator: they run every command on the build machine's own platform
# and cross-compile for arm64 (docs/images.md, "Cross-compiled, not emulated"). The stack's own
# Dockerfile (dockerContext, dockerfile) may run commands on its target: then the builder must run that
# platform, emulated on a machine of another.
builder_platforms=$(sed -n 's/^Platforms: *//p' <<<"$builder_info" | tr -d ' ' | tr ',' '\n')
emulated=$(.venv/bin/python tools/emulated_platforms.py "$stack")
while read -r platform where; do
  if [ -z "$platform" ] || grep -qx "$platform" <<<"$builder_platforms"; then continue; fi
  echo "deploy: $where runs a command on $platform, which builder '$builder' cannot run: install an emulator" \
    "(docker run --privileged --rm tonistiigi/binfmt --install ${platform#*/}), or run it in a stage" \
    "FROM --platform=\$BUILDPLATFORM that cross-compiles (docs/images.md)" >&2
  exit 1
done <<<"$emulated"

# A traffic-shifting deploy leaves the forward's target groups to ECS (ignore_changes on a path a rolling
# rule lacks): the engine keeps the program's value there from 3.194.0 on (pulumi/pulumi#20465); older
# CLIs fail the rolling-to-canary upgrade with "one or more elements of the path are missing".
version=$(pulumi version 2>/dev/null | sed 's/^v//')
if ! printf '%s\n' 3.194.0 "$version" | sort -V -C; then
  echo "deploy: Pulumi CLI ${version:-of unknown version} is older than 3.194.0, which this project needs" \
    "(README, What you need; https://www.pulumi.com/docs/install/)" >&2
  exit 1
fi
# A local backend only where none is configured: a configured one that does not answer (an S3 state the
# profile cannot read, a wrong region) is named, never swapped for .pulumi-state/, whose copy may be stale
# (README, "Moving the state") and which CI's lock does not guard.
if ! whoami_error=$(pulumi whoami 2>&1 >/dev/null); then
  backend=$(.venv/bin/python tools/pulumi_backend.py)
  if [ -n "$backend" ]; then
    echo "deploy: the Pulumi backend $backend does not answer: ${whoami_error:-pulumi whoami failed}" >&2
    echo "deploy: check the AWS profile (the deployer's reads the state, the operator's cannot), the" \
      "bucket and the region in the backend URL (Pulumi Cloud: pulumi login); nothing was deployed" >&2
    exit 1
  fi
  # Said out loud: this changes the Pulumi login for every project of this user.
  echo "deploy: no Pulumi login; logging in to a local state backend in $PWD/.pulumi-state" >&2
  echo "deploy: its secrets are encrypted with PULUMI_CONFIG_PASSPHRASE (asked for when unset);" \
    "'pulumi logout' undoes this, 'pulumi login' uses Pulumi Cloud instead" >&2
  mkdir -p .pulumi-state
  pulumi login "file://$PWD/.pulumi-state"
fi
pulumi stack select --create "$stack"
# Extra arguments go to pulumi up: after a failed deploy `--refresh` reads the service back first, so the
# update deploys the recorded revision again (tools/rollout_verdict.py; safe with the scaler and schedules
# owning desiredCount and the range: docs/decisions.md).
pulumi up --stack "$stack" "$@"
# An alarm address whose subscription was never confirmed (SNS deletes it after 48 hours) or was
# unsubscribed by an alarm e-mail's link gets nothing, and a plain `pulumi up` does not notice: each is
# named, with the way out (README, Troubleshooting). Only a warning: the update is done.
tools/alarm_check.sh "$stack"
# A plain `pulumi up` after a failed deploy succeeds without deploying: this fails unless ECS runs the
# revision the stack records and the service's newest deployment succeeded, and says how to retry.
tools/rollout_check.sh "$stack"
