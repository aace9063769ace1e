"""What docs/decisions.md says of the ECS Exec session log and the task role's Exec permissions holds for
the program: every role it creates that may write the session log is named there as a writer (the IAM
model, ``tests/models/iam.py``, decides who may), and the actions it lists are those the policy grants."""

import json
import re

from components.iam_policies import exec_command_policy
from settings import KEYS_BY_NAME
from tests.models import iam
from tests.program.stacks import ACCOUNT, KMS_KEY, PROGRAMS, REGION, STACKS, run_config
from tests.program.test_deployer_policy import program_boundary, role_policies
from tools.offline import ROOT

DOC = (ROOT / "docs" / "decisions.md").read_text()
#: The name each role the program creates goes by in the docs, by the end of its Pulumi name.
ROLE_NAMES = {
    "-task-role": "the task role",
    "-exec-role": "the execution role",
    "-deploy-role": "the deployment role",
    "-smoke-role": "the smoke test's function role",
    "-smoke-hook-role": "the smoke test's hook role",
    "-task-count-role": "the task counter's function role",
}
#: A stream of a session the caller did not open, as ECS Exec names them.
OTHER_SESSION = "log-stream:ecs-execute-command-0abc123"


def exec_log_group(run) -> str | None:
    """The ARN of the session log group a program run creates, if any."""
    groups = [r for r in run.mocks.resources if r.type == "aws:cloudwatch/logGroup:LogGroup" and "-exec-logs" in r.name]
    return groups[0].outputs["arn"] if groups else None


def documented_name(role: str) -> str:
    return next(name for end, name in ROLE_NAMES.items() if role.endswith(end))


def documented_writers() -> list[str]:
    """The roles docs/decisions.md names as the session log's writers."""
    (listed,) = re.findall(r"the roles that may write the session log are: ([^.]*)\.", " ".join(DOC.split()))
    return [name.strip() for name in re.split(r",| and ", listed) if name.strip()]


def writers(program: str) -> set[str]:
    """Every role ``program`` creates that may put events in another session's stream of its session log,
    its boundary included."""
    run = run_config(program)
    group = exec_log_group(run)
    if group is None:
        return set()
    request = iam.Request("logs:PutLogEvents", f"{group}:{OTHER_SESSION}")
    boundary = program_boundary(program)
    return {role for role, policies in role_policies(run).items() if iam.role_allows(policies, request, boundary)}


def test_every_role_of_every_program_that_may_write_the_session_log_is_named_in_the_docs_as_a_writer() -> None:
    found = {documented_name(role) for program in PROGRAMS for role in writers(program)}
    assert found == set(documented_writers()) == {"the task role"}


def test_the_maximal_stack_has_a_session_log_its_task_role_may_write() -> None:
    assert writers("maximal") == {f"{STACKS['maximal']}-app-task-role"}


def granted_actions() -> set[str]:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:prod-app-exec-logs"
    policy = json.loads(exec_command_policy(log_group_arn=group, kms_key_arn=KMS_KEY))
    return {action for statement in policy["Statement"] for action in statement["Action"]}


def test_the_task_roles_exec_actions_the_docs_list_are_those_the_policy_grants() -> None:
    section = " ".join(DOC.split()).split("Task role: nothing unless ECS Exec is on;", 1)[1].split("Both trust", 1)[0]
    assert set(re.findall(r"`([a-z]+:[A-Za-z]+)`", section)) == granted_actions()


def test_the_enable_execute_command_key_lists_the_actions_it_grants() -> None:
    described = KEYS_BY_NAME["enableExecuteCommand"].description
    assert set(re.findall(r"\b([a-z]+:[A-Z][A-Za-z]+)", described)) == granted_actions()
