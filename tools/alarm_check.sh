#!/usr/bin/env bash
# Names each alarm address SNS does not deliver to (tools/alarm_subscriptions.py says why), after a
# `pulumi up`: tools/deploy.sh's and the deploy workflow's (.github/workflows/pulumi-up.yml). Only warns:
# the update is done, so it exits 0 whatever it finds. Run alone: tools/alarm_check.sh STACK
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
stack=${1:?usage: tools/alarm_check.sh STACK}
topic=$(pulumi stack output --stack "$stack" alarm_topic_arn 2>/dev/null) || topic=
[ -n "$topic" ] || exit 0
if ! subscriptions=$(aws sns list-subscriptions-by-topic --topic-arn "$topic" --region "$(cut -d: -f4 <<<"$topic")" --output json); then
  echo "deploy: could not list the subscriptions of $topic (the deployer needs sns:ListSubscriptionsByTopic," \
    "docs/iam.md): check that each alarm address has confirmed its own" >&2
  exit 0
fi
# Its stdout captured, Pulumi asks for no passphrase: a secret it cannot decrypt fails, as a key not set
# does, and only the error says which (tools/alarm_subscriptions.py, NOT_SET).
failure=$(mktemp)
trap 'rm -f "$failure"' EXIT
status=0
emails=$(pulumi config get --stack "$stack" alarmEmails 2>"$failure") || status=$?
ALARM_EMAILS=$emails ALARM_EMAILS_STATUS=$status ALARM_EMAILS_ERROR=$(<"$failure") ALARM_SUBSCRIPTIONS=$subscriptions \
  .venv/bin/python tools/alarm_subscriptions.py "$stack" "$topic" || true
