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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Topic:
    """One topic's subscriptions: ARN -> e-mail address."""

    subscriptions: dict[str, str] = field(default_factory=dict)

    def subscribe(self, endpoint: str) -> str:
        for arn, subscribed in self.subscriptions.items():
            if subscribed == endpoint:
                return arn
        arn = f"arn:aws:sns:us-east-1:123456789012:alarms:{len(self.subscriptions)}-{endpoint}"
        self.subscriptions[arn] = endpoint
        return arn

    def unsubscribe(self, arn: str) -> None:
        self.subscriptions.pop(arn, None)


@dataclass(frozen=True)
class Subscription:
    """A subscription the program registers: its URN, its aliases' URNs in order, its address."""

    urn: str
    aliases: tuple[str, ...]
    endpoint: str
    delete_before_replace: bool = False


#: The state: URN -> (address, subscription ARN).
State = dict[str, tuple[str, str]]


def update(topic: Topic, state: State, program: Iterable[Subscription]) -> State:
    """The state after ``pulumi up`` of ``program`` over ``state``; ``topic`` holds what SNS has then."""
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
                    topic.unsubscribe(arn)
                else:
                    deleted_last.append(arn)
                arn = topic.subscribe(wanted.endpoint)
        after[wanted.urn] = (wanted.endpoint, arn)
    deleted_last += [arn for urn, (_, arn) in state.items() if urn not in taken]
    for arn in deleted_last:
        topic.unsubscribe(arn)
    return after
