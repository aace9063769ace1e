#!/usr/bin/env bash
# Fails unless ECS runs the task definition the stack records, as its one finished deployment
# (tools/rollout_verdict.py says why a plain `pulumi up` can succeed without deploying). Run after
# `pulumi up` by tools/deploy.sh and the deploy workflow (.github/workflows/pulumi-up.yml); alone:
# tools/rollout_check.sh STACK
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
if ! described=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
  --region "$(cut -d: -f4 <<<"$cluster")" --output json); then
  echo "deploy: could not describe service $service of stack $stack (the deployer needs ecs:DescribeServices," \
    "docs/iam.md)" >&2
  exit 1
fi
ECS_SERVICES=$described .venv/bin/python tools/rollout_verdict.py "$stack" "$recorded"
