"""Every action the deployer's documents allow is one a provider call needs, or one the project's own deploy
tools call (``TOOLS``): an action neither asks for is privilege no deploy uses (least privilege, docs/iam.md),
and a row of ``provider_calls`` is where its source is cited."""

import fnmatch
from pathlib import Path

import pytest

from tests.program.provider_calls import COMPONENT_RESOURCES, INVOKES, PROVIDER, RESOURCES, iam_actions
from tools.deployer_policy import DEPLOYER, document

#: Every IAM action some row asks for, in lower case (IAM matches actions case-insensitively).
NEEDED = {
    action.lower()
    for calls in (PROVIDER, *INVOKES.values(), *RESOURCES.values(), *COMPONENT_RESOURCES.values())
    for action in iam_actions(calls)
}

#: Actions the project's own tools call as the deployer, beside the provider's: the tool and the AWS CLI command.
TOOLS = {
    "sns:listsubscriptionsbytopic": ("tools/alarm_check.sh", "aws sns list-subscriptions-by-topic"),
    "ecs:describeservices": ("tools/rollout_watch.py", "aws ecs describe-services"),
    "ecs:listservicedeployments": ("tools/rollout_watch.py", "aws ecs list-service-deployments"),
}
ROOT = Path(__file__).resolve().parents[2]


def allowed_actions(name: str) -> list[tuple[str, str]]:
    """``(Sid, action pattern)`` for each action the document ``name`` allows."""
    return [
        (statement["Sid"], action)
        for statement in document(name)["Statement"]
        if statement["Effect"] == "Allow"
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]


@pytest.mark.parametrize("name", [*DEPLOYER, "deployer-platform"])
def test_every_action_a_deployer_document_allows_is_needed_by_some_provider_call(name: str) -> None:
    needed = NEEDED | TOOLS.keys()
    unused = [f"{sid}: {action}" for sid, action in allowed_actions(name) if not fnmatch.filter(needed, action.lower())]
    assert unused == [], "no provider call needs these: drop them, or add the call that does to provider_calls"


@pytest.mark.parametrize(("action", "call"), sorted(TOOLS.items()))
def test_each_action_a_tool_needs_is_one_it_calls(action: str, call: tuple[str, str]) -> None:
    tool, command = call
    assert command in (ROOT / tool).read_text(), f"{tool} no longer calls {command}: drop {action}"


def on_every_resource(name: str) -> list[tuple[str, str]]:
    """``(Sid, action pattern)`` for each action the document ``name`` allows on ``"*"``."""
    return [
        (statement["Sid"], action)
        for statement in document(name)["Statement"]
        if statement["Effect"] == "Allow" and statement["Resource"] in ("*", ["*"])
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]


@pytest.mark.parametrize("name", [*DEPLOYER, "deployer-platform"])
def test_on_every_resource_a_deployer_document_names_each_action_but_reads(name: str) -> None:
    """A wildcard on "*" grants every action it matches, those no call makes and those AWS adds later
    (ec2:*NatGateway: AttachApplianceToNatGateway, permissions management per the Service Authorization
    Reference); only Describe*, which reads, may stand for its actions (docs/iam.md, What is not scoped)."""
    wild = [
        f"{sid}: {action}"
        for sid, action in on_every_resource(name)
        if set("*?") & set(action) and not action.split(":")[1].startswith("Describe")
    ]
    assert wild == [], "name the actions the provider calls (provider_calls) one by one"
