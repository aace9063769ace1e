"""ECS.8 beyond its own three names: a credential's short names (``PASS``, ``PWD``, ``AUTH``) count as
words between underscores, so ``DB_PASS`` is a credential and ``BYPASS_CACHE`` or the shell's ``PWD`` is
not. And a container's log group is the program's, with a retention: ECS's ``awslogs-create-group``
makes one that keeps every event (CloudWatch Logs ``CreateLogGroup``: "by default the log events ... do not
expire")."""

from __future__ import annotations

import json

import pytest

from containers import is_secret_name
from tests.policy.engine import violations

TASK = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.mark.parametrize(
    "name", ["MYSQL_PWD", "DB_PASS", "PASS", "SMTP_PASS_FILE", "HTTP_AUTH", "PROXY_AUTH", "AUTH_KEY", "GPG_PASSPHRASE"]
)
def test_a_short_name_for_a_credential_is_a_credential(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "PWD",
        "OLDPWD",
        "BYPASS_CACHE",
        "COMPASS_URL",
        "AUTH_ENABLED",
        "AUTHOR",
        "PORT",
        "ENABLE_AUTH",
        "DISABLE_AUTH",
        "REQUIRE_AUTH",
        "SKIP_AUTH",
        "USE_BASIC_AUTH",
        "PASS_THROUGH",
        "PASS_HOST_HEADER",
    ],
)
def test_a_name_that_only_contains_those_letters_is_not(name: str) -> None:
    assert not is_secret_name(name)


def _task(options: dict[str, str]) -> dict[str, object]:
    container = {"name": "app", "user": "1000:1000", "stopTimeout": 30, "readonlyRootFilesystem": True,
                 "logConfiguration": {"logDriver": "awslogs", "options": options}}  # fmt: skip
    return {"runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            "requiresCompatibilities": ["FARGATE"], "containerDefinitions": json.dumps([container])}  # fmt: skip


@pytest.mark.parametrize("value", ["true", "True"])
def test_a_log_group_ecs_creates_at_run_time_is_refused(value: str) -> None:
    found = violations(TASK, _task({"awslogs-group": "/new", "awslogs-create-group": value}))
    assert [m for m in found if "awslogs-create-group" in m and m.startswith("ecs-containers-hardened:")]


@pytest.mark.parametrize(
    "options", [{"awslogs-group": "/app"}, {"awslogs-group": "/app", "awslogs-create-group": "false"}]
)
def test_a_declared_log_group_is_accepted(options: dict[str, str]) -> None:
    assert not [m for m in violations(TASK, _task(options)) if m.startswith("ecs-containers-hardened:")]
