"""E-mail subscriptions of an SNS topic through a ``pulumi up``, as SNS and the engine handle them.

SNS: a Subscribe of a topic's existing (protocol, endpoint) creates nothing and answers that
subscription's ARN (measured: go-to-k/cdkd#1967; moto's ``_find_subscription`` returns the existing one,
PR #1418); Unsubscribe deletes the subscription of an ARN. The provider (terraform-provider-aws
``internal/service/sns/topic_subscription.go``) keeps the ARN as the ID and deletes by it; ``endpoint``,
``protocol`` and ``topic_arn`` are ForceNew, and pulumi-aws sets no delete-before-replace for it.

The engine (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``): a resource of the program takes
over the state's resource of its URN, or else of its first alias the state holds; a changed ForceNew input
replaces it, creating the new one at once and deleting the old at the end of the update, or deleting the
old first with ``delete_before_replace``; a resource of the state no program resource takes over is
deleted at the end.

Confirmation (e-mail): a new subscription is pending until its address confirms it; SNS deletes one still
pending after 48 hours (AWS What's New 2023-05-10, "automatic deletion of unconfirmed subscriptions";
SNS guide "Deleting an Amazon SNS subscription and topic"), and lists it with the ARN "PendingConfirmation"
(SNS guide "Confirm your Amazon SNS subscription"). Unsubscribe of a pending one is refused ("You can't
delete a subscription that's pending confirmation", the same page), which the provider's Delete takes for
success (``resourceTopicSubscriptionDelete``: InvalidParameter "Cannot unsubscribe a subscription that is
pending confirmation" returns nil). Every alarm e-mail carries an unsubscribe link: an Unsubscribe without a
signature, which SNS refuses only for a subscription confirmed with ``AuthenticateOnUnsubscribe`` (botocore
sns ``ConfirmSubscriptionInput``, ``Unsubscribe``). The provider notices a deleted subscription only when it
reads it (``resourceTopicSubscriptionRead``: NotFound removes it from the state), which ``pulumi up``
does only with ``--refresh``: a plain ``pulumi up`` neither reads nor re-subscribes it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Hours SNS keeps a subscription pending before it deletes it.
PENDING_HOURS = 48
#: What ListSubscriptionsByTopic shows in place of a pending subscription's ARN.
PENDING_CONFIRMATION = "PendingConfirmation"


class PendingUnsubscribeError(Exception):
    """SNS's InvalidParameter: "Cannot unsubscribe a subscription that is pending confirmation"."""


@dataclass
class Topic:
    """One topic's subscriptions: ARN -> e-mail address, which of them are confirmed, and when each was made."""

    subscriptions: dict[str, str] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)
    authenticated: set[str] = field(default_factory=set)
    """Confirmed with ``AuthenticateOnUnsubscribe``: only a signed Unsubscribe removes them."""
    made_at: dict[str, float] = field(default_factory=dict)
    now: float = 0.0
    """Hours since the model began."""
    _made: int = 0

    def subscribe(self, endpoint: str) -> str:
        for arn, subscribed in self.subscriptions.items():
            if subscribed == endpoint:
                return arn
        arn = f"arn:aws:sns:us-east-1:123456789012:alarms:{self._made}-{endpoint}"
        self._made += 1
        self.subscriptions[arn] = endpoint
        self.made_at[arn] = self.now
        return arn

    def confirm(self, endpoint: str, *, authenticate_on_unsubscribe: bool = False) -> None:
        """The address follows its confirmation link (or ConfirmSubscription with its token)."""
        (arn,) = [arn for arn, subscribed in self.subscriptions.items() if subscribed == endpoint]
        self.confirmed.add(arn)
        if authenticate_on_unsubscribe:
            self.authenticated.add(arn)

    def wait(self, hours: float) -> None:
        """Time passes: a subscription pending for ``PENDING_HOURS`` is deleted."""
        self.now += hours
        expired = [arn for arn in self.subscriptions
                   if arn not in self.confirmed and self.now - self.made_at[arn] >= PENDING_HOURS]  # fmt: skip
        for arn in expired:
            self._remove(arn)

    def unsubscribe(self, arn: str, *, signed: bool = True) -> None:
        """Unsubscribe: the topic owner's (signed), or an alarm e-mail's link (not signed)."""
        if arn not in self.subscriptions:
            return
        if arn not in self.confirmed:
            raise PendingUnsubscribeError(arn)
        if arn in self.authenticated and not signed:
            raise PermissionError(f"{arn} was confirmed with AuthenticateOnUnsubscribe")
        self._remove(arn)

    def unsubscribe_by_link(self, endpoint: str) -> None:
        """Someone holding an alarm e-mail of ``endpoint`` follows its unsubscribe link."""
        self.unsubscribe(next(arn for arn, e in self.subscriptions.items() if e == endpoint), signed=False)

    def has(self, arn: str) -> bool:
        """GetSubscriptionAttributes answers (else NotFound)."""
        return arn in self.subscriptions

    def listed(self) -> list[dict[str, str]]:
        """ListSubscriptionsByTopic's ``Subscriptions``, as ``aws sns list-subscriptions-by-topic`` prints them."""
        return [{"SubscriptionArn": arn if arn in self.confirmed else PENDING_CONFIRMATION, "Protocol": "email",
                 "Endpoint": endpoint} for arn, endpoint in self.subscriptions.items()]  # fmt: skip

    def _remove(self, arn: str) -> None:
        del self.subscriptions[arn]
        self.confirmed.discard(arn)
        self.authenticated.discard(arn)
        del self.made_at[arn]


def provider_delete(topic: Topic, arn: str) -> None:
    """The provider's Delete: a pending subscription's refusal counts as deleted (it stays in SNS)."""
    with contextlib.suppress(PendingUnsubscribeError):
        topic.unsubscribe(arn)


@dataclass(frozen=True)
class Subscription:
    """A subscription the program registers: its URN, its aliases' URNs in order, its address."""

    urn: str
    aliases: tuple[str, ...]
    endpoint: str
    delete_before_replace: bool = False


#: The state: URN -> (address, subscription ARN).
State = dict[str, tuple[str, str]]


def refresh(topic: Topic, state: State) -> State:
    """``pulumi refresh`` (or ``up --refresh``): each subscription's Read, a deleted one leaving the state."""
    return {urn: (endpoint, arn) for urn, (endpoint, arn) in state.items() if topic.has(arn)}


def update(topic: Topic, state: State, program: Iterable[Subscription], *, refreshed: bool = False) -> State:
    """The state after ``pulumi up`` (``--refresh`` with ``refreshed``) of ``program`` over ``state``;
    ``topic`` holds what SNS has then. A plain ``up`` reads nothing: what SNS deleted stays in the state."""
    if refreshed:
        state = refresh(topic, state)
    after: State = {}
    taken: set[str] = set()
    deleted_last: list[str] = []
    for wanted in program:
        old = next((urn for urn in (wanted.urn, *wanted.aliases) if urn in state and urn not in taken), None)
        if old is None:
            arn = topic.subscribe(wanted.endpoint)
        else:
            taken.add(old)
            endpoint, arn = state[old]
            if endpoint != wanted.endpoint:
                if wanted.delete_before_replace:
                    provider_delete(topic, arn)
                else:
                    deleted_last.append(arn)
                arn = topic.subscribe(wanted.endpoint)
        after[wanted.urn] = (wanted.endpoint, arn)
    deleted_last += [arn for urn, (_, arn) in state.items() if urn not in taken]
    for arn in deleted_last:
        provider_delete(topic, arn)
    return after
