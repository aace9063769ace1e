"""The alarm topic's e-mail subscriptions through later changes of the address list: each address keeps
its own subscription (``tests/models/sns.py`` plays SNS's one-ARN-per-address rule and the engine); and
through time: a subscription that lapses is not made again by a plain ``pulumi up``, so ``tools/deploy.sh``
names every address SNS does not deliver to (``tools/alarm_subscriptions.py``), and ``--refresh`` is the way out."""

import pytest

from components.observability.alarm_rules import subscription_key
from components.observability.alarm_topic import AlarmTopic
from tests.models.sns import PENDING_HOURS, PendingUnsubscribeError, State, Subscription, Topic, update
from tools.alarm_subscriptions import MISSING, PENDING, undelivered
from tools.offline import run_mocked, run_program
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


def deployed(emails: list[str], *, confirmed: bool = True) -> tuple[Topic, State]:
    """The topic after the first ``pulumi up``, each address having followed its confirmation link."""
    topic = Topic()
    state = update(topic, {}, program(emails))
    for email in emails if confirmed else []:
        topic.confirm(email)
    return topic, state


def delivered_to(topic: Topic) -> set[str]:
    """The addresses SNS sends alarms to: those of confirmed subscriptions."""
    return {topic.subscriptions[arn] for arn in topic.confirmed}


def told(topic: Topic, emails: list[str]) -> dict[str, str]:
    """What ``tools/deploy.sh`` says of each address after the update, from the topic's listing."""
    return dict(undelivered(emails, topic.listed()))


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


def test_an_address_that_does_not_confirm_within_48_hours_is_gone_and_a_plain_up_does_not_subscribe_it_again() -> None:
    topic, state = deployed([A, B], confirmed=False)
    topic.confirm(A)
    assert told(topic, [A, B]) == {B: PENDING}
    topic.wait(PENDING_HOURS)
    assert delivered_to(topic) == {A} and told(topic, [A, B]) == {B: MISSING}
    state = update(topic, state, program([A, B]))
    assert delivered_to(topic) == {A} and told(topic, [A, B]) == {B: MISSING}, "the state still holds it"
    update(topic, state, program([A, B]), refreshed=True)
    assert told(topic, [A, B]) == {B: PENDING}, "subscribed anew: its address has a new link to follow"
    topic.confirm(B)
    assert delivered_to(topic) == {A, B} and told(topic, [A, B]) == {}


def test_an_address_confirmed_in_time_stays_however_long_it_waits() -> None:
    topic, _ = deployed([A])
    topic.wait(PENDING_HOURS * 10)
    assert delivered_to(topic) == {A} and told(topic, [A]) == {}


def test_anyone_with_an_alarm_email_unsubscribes_its_address_by_the_link_and_only_refresh_subscribes_it_again() -> None:
    topic, state = deployed([A, B])
    topic.unsubscribe_by_link(B)
    assert delivered_to(topic) == {A} and told(topic, [A, B]) == {B: MISSING}
    state = update(topic, state, program([A, B]))
    assert told(topic, [A, B]) == {B: MISSING}
    update(topic, state, program([A, B]), refreshed=True)
    assert told(topic, [A, B]) == {B: PENDING}


def test_a_subscription_confirmed_with_authenticate_on_unsubscribe_refuses_the_link() -> None:
    topic = Topic()
    update(topic, {}, program([A]))
    topic.confirm(A, authenticate_on_unsubscribe=True)
    with pytest.raises(PermissionError):
        topic.unsubscribe_by_link(A)
    assert delivered_to(topic) == {A}


def test_removing_a_pending_address_succeeds_for_the_provider_while_sns_keeps_it_until_it_lapses() -> None:
    topic, state = deployed([A, B], confirmed=False)
    topic.confirm(A)
    with pytest.raises(PendingUnsubscribeError):
        topic.unsubscribe(next(arn for arn, email in topic.subscriptions.items() if email == B))
    after = update(topic, state, program([A]))
    assert [email for email, _ in after.values()] == [A]
    assert sorted(topic.subscriptions.values()) == [A, B], "pending: Unsubscribe is refused, the provider says done"
    topic.wait(PENDING_HOURS)
    assert sorted(topic.subscriptions.values()) == [A]


@pytest.mark.parametrize("hours", [0, PENDING_HOURS - 1, PENDING_HOURS, PENDING_HOURS * 3])
@pytest.mark.parametrize("refreshed", [False, True])
def test_deploy_names_exactly_the_addresses_sns_does_not_deliver_to(hours: int, refreshed: bool) -> None:
    topic, state = deployed([A, B, C], confirmed=False)
    topic.confirm(A)
    topic.wait(hours)
    topic.unsubscribe_by_link(A)
    update(topic, state, program([A, B, C]), refreshed=refreshed)
    assert set(told(topic, [A, B, C])) == {A, B, C} - delivered_to(topic)


def test_the_stack_exports_its_alarm_topic_for_the_deploy_check_and_a_stack_without_one_exports_none() -> None:
    prod = run_program("prod")
    (topic,) = [r for r in prod.mocks.resources if r.type == "aws:sns/topic:Topic"]
    assert prod.outputs["alarm_topic_arn"] == topic.outputs["arn"]
    assert "alarm_topic_arn" not in run_program("dev", {"alarms": "true"}).outputs
