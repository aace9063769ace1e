#!/usr/bin/env bash
# Fails unless ECS finished deploying what the stack records: the task definition it runs, and its newest
# deployment successful (tools/rollout_verdict.py says why a plain `pulumi up` can succeed without
# deploying; tools/rollout_watch.py reads ECS again while it settles). Run after `pulumi up` by
# tools/deploy.sh and the deploy workflow (.github/workflows/pulumi-up.yml); alone: tools/rollout_check.sh STACK
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
stack=${1:?usage: tools/rollout_check.sh STACK}
output() { pulumi stack output --stack "$stack" "$1"; }
if ! recorded=$(output task_definition_arn) || ! cluster=$(output cluster_arn) || ! service=$(output service_name) \
  || [ -z "$recorded" ]; then
  echo "deploy: stack $stack has no task_definition_arn, cluster_arn or service_name output to check:" \
    "run tools/deploy.sh $stack" >&2
  exit 1
fi
exec .venv/bin/python tools/rollout_watch.py "$stack" "$recorded" "$cluster" "$service"
