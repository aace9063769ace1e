"""The alarm topic's e-mail subscriptions through later changes of the address list: each address keeps
its own subscription (``tests/models/sns.py`` plays SNS's one-ARN-per-address rule and the engine)."""

import pytest

from components.observability.alarm_rules import subscription_key
from components.observability.alarm_topic import AlarmTopic
from tests.models.sns import State, Subscription, Topic, update
from tools.offline import run_mocked
from tools.urns import Identities

SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
A, B, C = "oncall@example.com", "team@example.com", "lead@example.com"


def program(emails: list[str]) -> list[Subscription]:
    """The subscriptions ``AlarmTopic("t", emails)`` registers, with their aliases' URNs."""

    def build() -> None:
        AlarmTopic("t", emails)

    run = run_mocked(build)
    identities = Identities(run)
    return [
        Subscription(
            identities.urn(r), tuple(sorted(identities.aliases(r))), r.inputs["endpoint"], r.delete_before_replace
        )
        for r in run.mocks.resources
        if r.type == SUBSCRIPTION
    ]


def deployed(emails: list[str]) -> tuple[Topic, State]:
    topic = Topic()
    return topic, update(topic, {}, program(emails))


@pytest.mark.parametrize(
    ("before", "after"),
    [([A, B], [B]), ([A, B], [B, A]), ([A, B, C], [A, C]), ([A], [B, A]), ([A, B], [C, A])],
    ids=["first-removed", "reordered", "middle-removed", "one-added-first", "one-replaced"],
)
def test_after_any_change_of_the_list_every_listed_address_is_subscribed_and_no_other(
    before: list[str], after: list[str]
) -> None:
    topic, state = deployed(before)
    update(topic, state, program(after))
    assert sorted(topic.subscriptions.values()) == sorted(after)


def test_a_stack_whose_subscriptions_were_named_by_place_keeps_each_one() -> None:
    """Up to now ``t-email-<index>``: the aliases hand each to the subscription of its address."""
    wanted = program([A, B])
    topic = Topic()
    state = {
        sub.urn.replace(f"t-email-{subscription_key(sub.endpoint)}", f"t-email-{index}"): (sub.endpoint, "")
        for index, sub in enumerate(wanted)
    }
    state = {urn: (endpoint, topic.subscribe(endpoint)) for urn, (endpoint, _) in state.items()}
    arns = sorted(topic.subscriptions)
    after = update(topic, state, wanted)
    assert sorted(arn for _, arn in after.values()) == arns and sorted(topic.subscriptions.values()) == [A, B]


def test_each_subscription_is_named_by_its_address_and_unsubscribes_before_a_replacement_subscribes() -> None:
    """A new case of an address keeps its name but replaces it: Subscribe may answer the old ARN, which a
    delete after the create would then unsubscribe."""
    subscriptions = program(["Ops@Example.com"])
    assert [s.urn.rsplit("::", 1)[1] for s in subscriptions] == [f"t-email-{subscription_key('ops@example.com')}"]
    assert all(s.delete_before_replace for s in subscriptions)
