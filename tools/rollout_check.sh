#!/usr/bin/env bash
# Fails unless ECS finished deploying what the stack records: the task definition it runs, and its newest
# deployment successful (tools/rollout_verdict.py says why a plain `pulumi up` can succeed without
# deploying; tools/rollout_watch.py reads ECS again while it settles). Run after `pulumi up` by
# tools/deploy.sh and the deploy workflow (.github/workflows/pulumi-up.yml); alone:
# tools/rollout_check.sh [--cwd DIR] STACK, DIR the directory of the stack's Pulumi project when it is not this
# repository's (examples/worker), passed on to pulumi's own --cwd (pulumi/pulumi pkg/cmd/pulumi/pulumi.go: a
# persistent flag, "Run pulumi as if it had been started in another directory").
set -uo pipefail
usage="usage: tools/rollout_check.sh [--cwd DIR] STACK"
given='' dir=''
if [ "${1:-}" = --cwd ]; then
  given=${2:?$usage}
  # Resolved where it was given, before the cd below; the advice names it as given.
  # CDPATH="": an exported CDPATH would pick another folder of that name first, and print it.
  dir=$(CDPATH="" cd -- "$given" && pwd) || exit 1
  shift 2
fi
cd "$(dirname "$0")/.." || exit 1
stack=${1:?$usage}
# This repository's own project is deployed by tools/deploy.sh, so its stacks get that advice.
project=() advice=() deploy="tools/deploy.sh $stack"
if [ -n "$dir" ] && [ "$dir" != "$PWD" ]; then
  project=(--cwd "$dir") advice=(--cwd "$given") deploy="pulumi up --stack $stack in $given"
fi
output() { pulumi stack output "${project[@]}" --stack "$stack" "$1"; }
if ! recorded=$(output task_definition_arn) || ! cluster=$(output cluster_arn) || ! service=$(output service_name) \
  || [ -z "$recorded" ]; then
  echo "deploy: stack $stack has no task_definition_arn, cluster_arn or service_name output to check: run $deploy" >&2
  exit 1
fi
exec .venv/bin/python tools/rollout_watch.py "${advice[@]}" "$stack" "$recorded" "$cluster" "$service"
