"""The README's Troubleshooting commands run under the IAM documents the README has people use
(README, "AWS permissions": the deployer's and the operator's), or their entry names the credentials;
its *Every day* commands run under the document their row names, the deployer's unless it names the
operator's."""

import re
from pathlib import Path
from typing import Any

from botocore import xform_name

from tests.models import aws_api, iam
from tests.models.iam import Request
from tests.program.stacks import run_config
from tools.deployer_policy import DEPLOYER, document, fill
from tools.offline import ACCOUNT, REGION

ROOT = Path(__file__).resolve().parents[2]
#: The documents the README gives people to work with; the boundary caps the stack's own roles only.
PEOPLES = (*DEPLOYER, "operator")
VALUES = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "prod"}


#: AWS CLI v2 commands that are the CLI's own, not one API operation, and the actions they call: ``logs tail``
#: pages ``FilterLogEvents``, and ``--follow`` polls it (AWS CLI v2 reference, ``aws logs tail``).
CLI_CUSTOMIZATIONS = {("logs", "tail"): ["logs:FilterLogEvents"]}


def troubleshooting_entries() -> list[str]:
    """Each bullet of the README's Troubleshooting, its lines joined."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]
    return [" ".join(entry.split()) for entry in re.split(r"\n- ", section) if entry.strip()]


def iam_action(service: str, command: str) -> str:
    """``aws SERVICE COMMAND``'s IAM action: the CLI names an operation by botocore's ``xform_name`` with
    dashes, and an action is the service's signing name and the operation (Service Authorization Reference)."""
    # botocore is untyped, and its cached properties confuse the type checker.
    model: Any = aws_api.service(service)
    (operation,) = [name for name in model.operation_names if xform_name(name, "-") == command]
    return f"{model.signing_name}:{operation}"


def actions(service: str, command: str) -> list[str]:
    return CLI_CUSTOMIZATIONS.get((service, command)) or [iam_action(service, command)]


def allowed_by_some_document(action: str) -> bool:
    patterns = [pattern for name in PEOPLES for statement in document(name)["Statement"]
                if statement["Effect"] == "Allow" for pattern in statement["Action"]]  # fmt: skip
    return any(iam.action_matches(pattern, action) for pattern in patterns)


def names_credentials(entry: str) -> bool:
    """Whether the entry says which credentials its commands take instead ("with administrator credentials")."""
    return re.search(r"\bwith (?:[\w-]+ ){1,2}credentials\b", entry) is not None


def test_each_troubleshooting_command_is_allowed_by_a_document_people_use_or_its_entry_names_the_credentials() -> None:
    commands = [(entry, *found) for entry in troubleshooting_entries()
                for found in re.findall(r"`aws ([a-z0-9-]+) ([a-z0-9-]+)", entry)]  # fmt: skip
    assert commands, "the Troubleshooting section has no aws command left: this test checks nothing"
    for entry, service, command in commands:
        for action in actions(service, command):
            assert allowed_by_some_document(action) or names_credentials(entry), f"aws {service} {command}: {action}"


def test_the_operator_may_confirm_an_alarm_subscription_of_its_own_stacks_topic_only() -> None:
    """``aws sns confirm-subscription --authenticate-on-unsubscribe true`` is signed (botocore sns
    ``ConfirmSubscription``: "requires an AWS signature only when the AuthenticateOnUnsubscribe flag is set")
    and takes the ``topic`` resource type (Service Authorization Reference, Amazon SNS: ``topic*``)."""
    operator = fill(document("operator"), VALUES)
    own = f"arn:aws:sns:{REGION}:{ACCOUNT}:prod-app-alarms-topic-1a2b3c4"
    assert iam.verdict([operator], Request("sns:ConfirmSubscription", own)) == "Allow"
    for other in (own.replace(":prod-", ":dev-"), f"arn:aws:sns:{REGION}:{ACCOUNT}:billing-alerts"):
        assert iam.verdict([operator], Request("sns:ConfirmSubscription", other)) != "Allow", other
    assert iam.verdict([operator], Request("sns:Unsubscribe", own)) != "Allow"


def every_day_rows() -> list[str]:
    """Each row of the README's *Every day* table, both cells."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n### 6. Every day\n", 1)[1].split("\n### ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| what ")]


def resources(action: str, outputs: dict[str, str]) -> list[str]:
    """The ARNs ``action`` is authorized on for the stack's own log group, cluster and task (Service
    Authorization Reference: CloudWatch Logs ``log-group``; Amazon ECS ``container-instance`` for
    ``ListTasks``, ``cluster`` and ``task`` for ``ExecuteCommand``)."""
    arn = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:{{}}"
    cluster = outputs["cluster_name"]
    return {
        "logs:FilterLogEvents": [arn.format("logs", f"log-group:{outputs['log_group_name']}")],
        "ecs:ListTasks": [arn.format("ecs", f"container-instance/{cluster}/*")],
        "ecs:ExecuteCommand": [arn.format("ecs", f"cluster/{cluster}"), arn.format("ecs", f"task/{cluster}/0123abcd")],
    }[action]


def test_each_every_day_command_is_allowed_by_the_document_its_row_names_the_deployers_unless_the_operators() -> None:
    outputs = run_config("dev").outputs
    deployer = [fill(document(name), VALUES | {"STACK": "dev"}) for name in DEPLOYER]
    operator = [fill(document("operator"), VALUES | {"STACK": "dev"})]
    checked = []
    for row in every_day_rows():
        identity = operator if "operator" in row else deployer
        for service, command in re.findall(r"`aws ([a-z0-9-]+) ([a-z0-9-]+)", row):
            for action in actions(service, command):
                for resource in resources(action, outputs):
                    assert iam.role_allows(identity, Request(action, resource)), f"{row[:40]}: {action} on {resource}"
                    checked.append(action)
    assert {"logs:FilterLogEvents", "ecs:ListTasks", "ecs:ExecuteCommand"} <= set(checked)


def test_the_deployer_may_not_follow_the_logs_or_list_the_tasks_so_those_rows_must_name_the_operator() -> None:
    outputs = run_config("dev").outputs
    deployer = [fill(document(name), VALUES | {"STACK": "dev"}) for name in DEPLOYER]
    for action in ("logs:FilterLogEvents", "ecs:ListTasks"):
        for resource in resources(action, outputs):
            assert not iam.role_allows(deployer, Request(action, resource)), action
