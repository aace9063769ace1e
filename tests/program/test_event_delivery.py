"""Every EventBridge rule's targets, and every alarm's topic, admit the service that delivers to them.

A rule matches and a delivery fails without an error anywhere but a metric when the target's resource
policy does not admit EventBridge (``tests/models/resource_policies.py``): the Spot interruption mails
would never arrive, the task counter never run.
"""

import json
from typing import Any

import pytest

from tests.models.resource_policies import admits, eventbridge_context
from tests.program.stacks import recorded_run
from tools.offline import ACCOUNT, REGION, RecordingMocks, Registered, run_program

EVENTS = "events.amazonaws.com"
ALARMED_DEV = {"alarms": "true", "alarmEmails": '["ops@example.com"]'}


def arn_of(resource: Registered) -> str:
    """The resource's own ARN as the mocks gave it: none where ``arn`` is an input naming another resource
    (a topic policy's topic, a rule target's destination), or its type has no ARN."""
    return "" if "arn" in resource.inputs else resource.outputs.get("arn", "")


def by_arn(mocks: RecordingMocks, arn: str) -> Registered:
    (found,) = [r for r in mocks.resources if arn_of(r) == arn]
    return found


def eventbridge_may_deliver(mocks: RecordingMocks, target: dict[str, Any]) -> bool:
    rule = arn_of(mocks.find("aws:cloudwatch/eventRule:EventRule", target["rule"]))
    destination = by_arn(mocks, target["arn"])

    def context(action: str) -> dict[str, str]:
        return eventbridge_context(action, rule_arn=rule, account=ACCOUNT)

    if destination.type == "aws:lambda/function:Function":
        return any(
            p["function"] == destination.name and p["principal"] == EVENTS
            and p["action"] == "lambda:InvokeFunction" and p.get("sourceArn", rule) == rule
            for p in mocks.inputs_of("aws:lambda/permission:Permission")
        )  # fmt: skip
    if destination.type == "aws:cloudwatch/logGroup:LogGroup":
        # A policy applies account-wide (policyName) or to the one log group it is attached to (resourceArn).
        policies = [p for p in mocks.inputs_of("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
                    if p.get("resourceArn", target["arn"]) == target["arn"]]  # fmt: skip
        return all(
            any(admits(json.loads(p["policyDocument"]), service=EVENTS, action=action, resource=f"{target['arn']}:*",
                       context=context(action)) for p in policies)
            for action in ("logs:CreateLogStream", "logs:PutLogEvents")
        )  # fmt: skip
    if destination.type == "aws:sns/topic:Topic":
        policies = [p for p in mocks.inputs_of("aws:sns/topicPolicy:TopicPolicy") if p["arn"] == target["arn"]]
        return any(admits(json.loads(p["policy"]), service=EVENTS, action="sns:Publish", resource=target["arn"],
                          context=context("sns:Publish")) for p in policies)  # fmt: skip
    raise AssertionError(f"no delivery rule modelled for {destination.type}")


def alarms_may_publish(mocks: RecordingMocks, topic_arn: str) -> bool:
    policies = [p for p in mocks.inputs_of("aws:sns/topicPolicy:TopicPolicy") if p["arn"] == topic_arn]
    if not policies:
        return True  # SNS's default topic policy grants the account's own services
    context = {"AWS:SourceOwner": ACCOUNT, "aws:SourceAccount": ACCOUNT,
               "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:any"}  # fmt: skip
    return any(
        admits(json.loads(p["policy"]), service="cloudwatch.amazonaws.com", action="sns:Publish",
               resource=topic_arn, context=context)
        for p in policies
    )  # fmt: skip


@pytest.mark.parametrize(("stack", "overrides"), [("prod", {}), ("dev", ALARMED_DEV)], ids=["prod", "dev-alarms"])
def test_every_rule_target_admits_eventbridge_for_that_rule(stack: str, overrides: dict[str, str]) -> None:
    mocks = recorded_run(stack, overrides).mocks
    targets = mocks.inputs_of("aws:cloudwatch/eventTarget:EventTarget")
    kinds = {by_arn(mocks, t["arn"]).type for t in targets}
    assert kinds == {"aws:lambda/function:Function", "aws:cloudwatch/logGroup:LogGroup", "aws:sns/topic:Topic"}
    assert [t["arn"] for t in targets if not eventbridge_may_deliver(mocks, t)] == []


@pytest.mark.parametrize(("stack", "overrides"), [("prod", {}), ("dev", ALARMED_DEV)], ids=["prod", "dev-alarms"])
def test_every_alarm_may_still_publish_to_its_topic(stack: str, overrides: dict[str, str]) -> None:
    mocks = recorded_run(stack, overrides).mocks
    topics = {arn for a in mocks.inputs_of("aws:cloudwatch/metricAlarm:MetricAlarm") for arn in a["alarmActions"]}
    assert topics and all(alarms_may_publish(mocks, topic) for topic in topics)


def test_without_the_topic_policy_the_interruption_mails_would_never_arrive() -> None:
    mocks = run_program("prod").mocks
    mocks.resources = [r for r in mocks.resources if r.type != "aws:sns/topicPolicy:TopicPolicy"]
    (to_topic,) = [t for t in mocks.inputs_of("aws:cloudwatch/eventTarget:EventTarget") if ":sns:" in t["arn"]]
    assert not eventbridge_may_deliver(mocks, to_topic)


def test_no_log_resource_policy_takes_one_of_the_accounts_ten() -> None:
    """An account has 10 account-wide log resource policies per region, shared by every stack: one per
    service would fail the eleventh service's deploy. Ours are attached to their log group."""
    mocks = recorded_run("prod").mocks
    policies = mocks.inputs_of("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
    assert policies and all("resourceArn" in p and "policyName" not in p for p in policies)


def test_the_interruption_log_takes_events_of_its_own_rule_and_no_other_rule_or_account() -> None:
    """The confused-deputy guard: EventBridge writes for any rule of any account that names the log
    group as a target unless the policy names the rule (``aws:SourceArn``, which names its account) where
    the call carries it. Another rule may create a stream (that call carries no source), never write."""
    mocks = recorded_run("prod").mocks
    (policy,) = [r for r in mocks.resources if r.type == "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"]
    rule = mocks.find(
        "aws:cloudwatch/eventRule:EventRule", policy.name.removesuffix("-spot-events-policy") + "-spot-rule"
    )
    document = json.loads(policy.inputs["policyDocument"])
    other_rule = arn_of(rule).replace(rule.name, "someone-elses-rule")

    def writes(source_arn: str, account: str) -> bool:
        context = eventbridge_context("logs:PutLogEvents", rule_arn=source_arn, account=account)
        return admits(document, service=EVENTS, action="logs:PutLogEvents",
                      resource=f"{policy.inputs['resourceArn']}:*", context=context)  # fmt: skip

    assert writes(arn_of(rule), ACCOUNT)
    assert not writes(other_rule, ACCOUNT)
    assert not writes(arn_of(rule).replace(ACCOUNT, "210987654321"), "210987654321")
    # The rule exists before the policy that names it; the target is added once the policy admits it.
    assert rule.urn in policy.dependencies
    target = mocks.find("aws:cloudwatch/eventTarget:EventTarget", rule.name.removesuffix("-rule") + "-to-logs")
    assert policy.urn in target.dependencies
