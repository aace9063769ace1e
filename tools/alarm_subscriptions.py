"""The alarm addresses SNS does not deliver to, for ``tools/alarm_check.sh`` to name after ``pulumi up``.

    ALARM_EMAILS_STATUS=0 ALARM_EMAILS='["oncall@mycorp.io"]' ALARM_SUBSCRIPTIONS="$(aws sns \
        list-subscriptions-by-topic --topic-arn ARN --output json)" python tools/alarm_subscriptions.py STACK ARN

An e-mail subscription delivers only once its address confirms it. SNS deletes one still pending after 48
hours (AWS What's New 2023-05-10, "automatic deletion of unconfirmed subscriptions"), and anyone holding an
alarm e-mail may unsubscribe its address by the link in it (botocore sns ``Unsubscribe``: a call that
"does not require authentication"). The provider sees neither until it reads the subscription
(terraform-provider-aws ``sns/topic_subscription.go``, ``resourceTopicSubscriptionRead``), which a plain
``pulumi up`` does not: ``pulumi up --refresh`` drops the deleted one from the state and subscribes the
address anew. ListSubscriptionsByTopic lists a pending subscription with "PendingConfirmation" for its ARN
(SNS guide, "Confirm your Amazon SNS subscription"). The addresses travel in the environment, not in
arguments another user's ``ps`` would show.

``ALARM_EMAILS_STATUS`` and ``ALARM_EMAILS_ERROR`` are ``pulumi config get alarmEmails``'s exit status and
error: a key not set means no addresses; any other failure (a secret without its passphrase) is said, and the
pending subscriptions the listing shows are still named. In a GitHub Actions log, which the repository's
readers may read, no address is printed: each is masked and named by its place in ``alarmEmails``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence

#: The addresses' states this names: no subscription at all, or one not confirmed yet.
MISSING, PENDING = "missing", "pending"
#: How ``pulumi config get`` says a key is not set (pulumi/pulumi ``pkg/cmd/pulumi/config/config.go``,
#: ``getConfig``). It exits 1 for this as for any other failure (``pkg/cmd/pulumi/cmd/exit_codes.go``,
#: ``ExitCodeFor``: a plain error is ``ExitCodeError``), so only the message tells them apart.
NOT_SET = re.compile(r"configuration key '[^']*' not found for stack ")


def undelivered(addresses: Iterable[str], listed: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    """Each configured address with no confirmed e-mail subscription among ``listed`` (ListSubscriptionsByTopic's
    ``Subscriptions``), and whether it has a pending one. Case aside: the program refuses one address twice in
    any case, and whether SNS tells cases apart is not written down."""
    confirmed, pending = _email_subscriptions(listed)
    return [(address, PENDING if address.lower() in pending else MISSING)
            for address in addresses if address.lower() not in confirmed]  # fmt: skip


def pending_anywhere(listed: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    """Every pending e-mail subscription's address, for when the configured addresses cannot be read."""
    return [(address, PENDING) for address in sorted(_email_subscriptions(listed)[1])]


def _email_subscriptions(listed: Iterable[Mapping[str, str]]) -> tuple[set[str], set[str]]:
    confirmed: set[str] = set()
    pending: set[str] = set()
    for subscription in listed:
        if subscription.get("Protocol") != "email":
            continue
        endpoint = subscription.get("Endpoint", "").lower()
        # A confirmed subscription is listed by its ARN; anything else ("PendingConfirmation") is not one yet.
        (confirmed if subscription.get("SubscriptionArn", "").startswith("arn:") else pending).add(endpoint)
    return confirmed, pending


def configured(environ: Mapping[str, str]) -> list[str] | None:
    """The stack's ``alarmEmails`` as ``pulumi config get`` answered: none when the key is not set, ``None``
    when Pulumi could not read it."""
    if environ.get("ALARM_EMAILS_STATUS", "0") == "0":
        return json.loads(environ.get("ALARM_EMAILS") or "[]")
    return [] if NOT_SET.search(environ.get("ALARM_EMAILS_ERROR", "")) else None


def unreadable(environ: Mapping[str, str], *, stack: str, topic: str) -> str:
    """What is said when ``alarmEmails`` could not be read, with Pulumi's own reason."""
    reason = environ.get("ALARM_EMAILS_ERROR", "").strip().removeprefix("error: ") or "no reason given"
    return (
        f"deploy: could not read the stack's alarmEmails ({reason}), so an address with no subscription to "
        f"{topic} is not named, only the pending ones: with a passphrase backend export PULUMI_CONFIG_PASSPHRASE "
        f"(or PULUMI_CONFIG_PASSPHRASE_FILE) and run tools/alarm_check.sh {stack}"
    )


def warning(address: str, state: str, *, stack: str, topic: str) -> str:
    """What is said of one address, with the way out."""
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


def masked(addresses: Sequence[str], listed: Iterable[Mapping[str, str]]) -> tuple[list[str], dict[str, str]]:
    """GitHub's ``::add-mask::`` command for every address and listed endpoint (GitHub Actions, "Workflow
    commands": "Masking a value in a log"), and each configured address's name in the log."""
    values = {*addresses, *(s.get("Endpoint", "") for s in listed if s.get("Protocol") == "email")} - {""}
    commands = [f"::add-mask::{value}" for value in sorted(values | {v.lower() for v in values})]
    return commands, {address.lower(): f"alarmEmails[{i}]" for i, address in enumerate(addresses)}


def main(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> int:
    stack, topic = argv
    listed = json.loads(environ.get("ALARM_SUBSCRIPTIONS") or "{}").get("Subscriptions", [])
    addresses = configured(environ)
    lines = [] if addresses is not None else [unreadable(environ, stack=stack, topic=topic)]
    found = undelivered(addresses, listed) if addresses is not None else pending_anywhere(listed)
    if environ.get("GITHUB_ACTIONS") != "true":
        lines += [warning(address, state, stack=stack, topic=topic) for address, state in found]
        for line in lines:
            print(line, file=sys.stderr)
        return 0
    commands, names = masked(addresses or [], listed)
    lines += [warning(names.get(a.lower(), "an e-mail subscription"), s, stack=stack, topic=topic) for a, s in found]
    # Workflow commands are read from stdout, the masks before anything they hide; a warning becomes an
    # annotation of the run.
    for line in [*commands, *(f"::warning::{line}" for line in lines)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
