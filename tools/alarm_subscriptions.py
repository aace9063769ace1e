"""The alarm addresses SNS does not deliver to, for ``tools/deploy.sh`` to name after ``pulumi up``.

    ALARM_EMAILS='["oncall@mycorp.io"]' ALARM_SUBSCRIPTIONS="$(aws sns list-subscriptions-by-topic \
        --topic-arn ARN --output json)" python tools/alarm_subscriptions.py STACK ARN

An e-mail subscription delivers only once its address confirms it. SNS deletes one still pending after 48
hours (AWS What's New 2023-05-10, "automatic deletion of unconfirmed subscriptions"), and anyone holding an
alarm e-mail may unsubscribe its address by the link in it (botocore sns ``Unsubscribe``: a call that
"does not require authentication"). The provider sees neither until it reads the subscription
(terraform-provider-aws ``sns/topic_subscription.go``, ``resourceTopicSubscriptionRead``), which a plain
``pulumi up`` does not: ``pulumi up --refresh`` drops the deleted one from the state and subscribes the
address anew. ListSubscriptionsByTopic lists a pending subscription with "PendingConfirmation" for its ARN
(SNS guide, "Confirm your Amazon SNS subscription"). The addresses travel in the environment, not in
arguments another user's ``ps`` would show.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

#: The addresses' states this names: no subscription at all, or one not confirmed yet.
MISSING, PENDING = "missing", "pending"


def undelivered(addresses: Iterable[str], listed: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    """Each configured address with no confirmed e-mail subscription among ``listed`` (ListSubscriptionsByTopic's
    ``Subscriptions``), and whether it has a pending one. Case aside: the program refuses one address twice in
    any case, and whether SNS tells cases apart is not written down."""
    confirmed: set[str] = set()
    pending: set[str] = set()
    for subscription in listed:
        if subscription.get("Protocol") != "email":
            continue
        endpoint = subscription.get("Endpoint", "").lower()
        # A confirmed subscription is listed by its ARN; anything else ("PendingConfirmation") is not one yet.
        (confirmed if subscription.get("SubscriptionArn", "").startswith("arn:") else pending).add(endpoint)
    return [(address, PENDING if address.lower() in pending else MISSING)
            for address in addresses if address.lower() not in confirmed]  # fmt: skip


def warning(address: str, state: str, *, stack: str, topic: str) -> str:
    """What ``deploy.sh`` says of one address, with the way out."""
    again = f"tools/deploy.sh {stack} --refresh subscribes it again"
    if state == PENDING:
        return (
            f"deploy: {address} gets no alarms yet: it has not confirmed its subscription to {topic}; "
            f"the link in its confirmation e-mail works for 48 hours, after which SNS deletes it ({again})"
        )
    return (
        f"deploy: {address} gets no alarms: it has no subscription to {topic} (SNS deletes one not confirmed "
        "within 48 hours, and an alarm e-mail's unsubscribe link deletes it; a plain pulumi up does not "
        f"notice): {again}, then confirm it within 48 hours"
    )


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> int:
    stack, topic = argv
    addresses = json.loads(environ.get("ALARM_EMAILS") or "[]")
    listed = json.loads(environ.get("ALARM_SUBSCRIPTIONS") or "{}").get("Subscriptions", [])
    for address, state in undelivered(addresses, listed):
        print(warning(address, state, stack=stack, topic=topic), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
