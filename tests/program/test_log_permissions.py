"""Every CloudWatch Logs action a policy of the program grants is allowed on the resource AWS authorizes
it on, not on the one the policy happens to name.

Which resource that is, is AWS's data:

- the Service Authorization Reference (parliament's ``iam_definition.json``) gives each action's resource
  type: ``log-stream`` (``CreateLogStream``, ``PutLogEvents``) is ``<group ARN>:log-stream:<stream>``; an
  action of no resource type (``DescribeLogGroups``) is authorized on ``*``;
- for a ``log-group`` action, botocore's ``logs`` ``LogGroup.arn`` says the ARN with a trailing ``:*`` is
  the one for IAM policies "for most API actions", the bare one only for ``TagResource``,
  ``UntagResource`` and ``ListTagsForResource``: AWS authorizes the others on
  ``<group ARN>:log-stream:`` (the resource its AccessDenied names), which the bare ARN does not match.

The request is built from the log group the statement names (one of the run's), so a policy whose
``Resource`` is in the wrong form is denied here as it would be on AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.models import iam
from tests.program.stacks import PROGRAMS, recorded_run, run_config
from tools.offline import Run

#: CloudWatch Logs action -> the resource types the SAR authorizes it on ("" for none: ``*``).
LOGS_RESOURCE_TYPES = {
    f"logs:{p['privilege']}": {r["resource_type"].rstrip("*") for r in p["resource_types"]}
    for service in iam.service_authorization()
    if service["prefix"] == "logs"
    for p in service["privileges"]
}
#: botocore logs ``LogGroup.logGroupArn``: the actions IAM authorizes on the bare log-group ARN.
ON_THE_BARE_GROUP = {"logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"}
STREAM = "ecs/app/0123456789abcdef"
#: The policies of a run and the input that holds each.
POLICY_INPUTS = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
}
#: The runs: every program, and dev with ECS Exec (prod's exec settings are in ``maximal``).
RUNS = {**{program: lambda p=program: run_config(p) for program in PROGRAMS},
        "dev-exec": lambda: recorded_run("dev", {"enableExecuteCommand": "true"})}  # fmt: skip


def authorized_resource(action: str, group_arn: str) -> str:
    """The resource AWS authorizes ``action`` on, for the log group ``group_arn`` (its bare ARN)."""
    types = LOGS_RESOURCE_TYPES[action]
    if types == {""}:
        return "*"
    if "log-stream" in types:
        return f"{group_arn}:log-stream:{STREAM}"
    if action in ON_THE_BARE_GROUP:
        return group_arn
    return f"{group_arn}:log-stream:"


def log_grants(run: Run) -> Iterator[tuple[str, str, str, dict]]:
    """Each logs action an Allow statement grants: the policy's name, the action, the log group it names
    (of the run's; ``*`` for a statement on every resource), and the policy."""
    groups = {r.outputs["arn"] for r in run.mocks.resources if r.type == "aws:cloudwatch/logGroup:LogGroup"}
    for resource in run.mocks.resources:
        if resource.type not in POLICY_INPUTS:
            continue
        policy = json.loads(resource.inputs[POLICY_INPUTS[resource.type]])
        for statement in iam.statements(policy):
            actions = [a for a in iam._listed(statement["Action"]) if a.startswith("logs:")]
            if statement["Effect"] != "Allow" or not actions:
                continue
            for named in iam._listed(statement["Resource"]):
                found = [g for g in groups if named == g or named.startswith(f"{g}:")]
                assert named == "*" or found, f"{resource.name}: {named} names none of the run's log groups"
                for action in actions:
                    yield resource.name, action, found[0] if found else "*", policy


def context_of(policy: dict) -> dict[str, iam.ContextValue]:
    """A context meeting the policy's conditions (a resource policy's source rule and account)."""
    return {key: iam._listed(values)[0] for s in iam.statements(policy)
            for block in (s.get("Condition") or {}).values() for key, values in block.items()}  # fmt: skip


@pytest.mark.parametrize("run_name", RUNS)
def test_every_logs_action_granted_is_allowed_on_the_resource_aws_authorizes_it_on(run_name: str) -> None:
    grants = list(log_grants(RUNS[run_name]()))
    assert grants
    for name, action, group, policy in grants:
        resource = "*" if group == "*" else authorized_resource(action, group)
        assert iam.allows(policy, action, resource, context_of(policy)), f"{name}: {action} on {resource}"


def test_ecs_exec_may_find_its_session_log_streams() -> None:
    """The ECS Exec agent describes the session log group's streams: denied on the bare group ARN."""
    grants = log_grants(recorded_run("dev", {"enableExecuteCommand": "true"}))
    assert ("dev-app-exec-command", "logs:DescribeLogStreams") in {(name, action) for name, action, *_ in grants}


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:" + STREAM),
        ("logs:CreateLogStream", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:" + STREAM),
        ("logs:DescribeLogStreams", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:"),
        ("logs:DescribeLogGroups", "*"),
        ("logs:TagResource", "arn:aws:logs:us-east-1:1:log-group:g"),
    ],
)
def test_each_action_is_authorized_on_the_resource_its_type_gives(action: str, resource: str) -> None:
    assert authorized_resource(action, "arn:aws:logs:us-east-1:1:log-group:g") == resource


def test_a_log_group_action_on_the_bare_group_arn_is_denied() -> None:
    group = "arn:aws:logs:us-east-1:1:log-group:g"
    bare = {"Statement": [{"Effect": "Allow", "Action": "logs:DescribeLogStreams", "Resource": group}]}
    assert not iam.allows(bare, "logs:DescribeLogStreams", authorized_resource("logs:DescribeLogStreams", group))
