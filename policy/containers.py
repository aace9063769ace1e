"""ECS container definitions: graceful, non-root, unprivileged, read-only, logging, and no credentials
in the environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .go_json import go_containers
    from .rule_types import Config, Props, Rule
else:
    from go_json import go_containers
    from rule_types import Config, Props, Rule


#: Environment variable names that hold credentials: they belong in a container's "secrets".
#: The short forms count where they name a credential, not a switch: ``DB_PASS``, ``MYSQL_PWD`` (MySQL's own
#: password variable), a name ending ``_AUTH`` (``HTTP_AUTH``, ``REDIS_AUTH``) and ``AUTH_KEY``, the keys that
#: sign, encrypt or hold sessions (``JWT_SIGNING_KEY``, ``SESSION_KEY``), but not ``BYPASS_CACHE``,
#: ``PASS_THROUGH``, the shell's ``PWD``, nor flags such as ``AUTH_ENABLED``, ``ENABLE_AUTH`` or
#: ``USE_BASIC_AUTH`` (a switch's verb first): the rule is mandatory, and a flag is no secret to move.
SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|CREDENTIAL"
    r"|SIGNING_?KEY|ENCRYPTION_?KEY|SESSION_?KEY"
    r"|^PASS$|_PASS(?:_|$)|_PWD(?:_|$)|^(?!(?:ENABLE|DISABLE|USE|REQUIRE|SKIP|NO|ALLOW|FORCE)_).*_AUTH$",
    re.IGNORECASE,
)
#: The names Security Hub's ECS.8 itself looks for: it runs AWS Config's ``ecs-no-environment-secrets``
#: with ``secretKeys`` AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA (Security Hub User
#: Guide, "Security Hub controls for Amazon ECS", ECS.8). ``ECS_ENGINE_AUTH_DATA`` holds private-registry
#: credentials, and no word of ``SECRET_NAME`` is in it.
ECS8_SECRET_KEYS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"})


def is_secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a credential."""
    return bool(SECRET_NAME.search(name)) or name.upper() in ECS8_SECRET_KEYS


#: ECS Exec is break-glass access: a stack that turns it on says so in its policy config, on both rules
#: it touches (the service's exec flag, and the writable root the exec agent needs), docs/policy.md.
ECS_EXEC_CONFIG: Mapping[str, Any] = {
    "allowExecuteCommand": {
        "type": "boolean",
        "default": False,
        "description": "The stack turns ECS Exec on on purpose: accept it and the writable root it needs.",
    }
}


#: The one form of ``user`` known to be neither root nor root's group: ``uid:gid``, both numbers, neither 0
#: (``components/service/sidecar.py``'s rule). No user is the image's USER; a name resolves from the image's
#: /etc/passwd or /etc/group, possibly to 0; a uid alone takes its group from /etc/passwd, else 0
#: (containerd oci/spec_opts.go ``WithUserID``: "If /etc/passwd does not exist, or uid is not found in
#: /etc/passwd, it sets the requested uid, additionally sets the gid to 0"). ASCII digits, as Go parses an
#: ID: an Arabic-Indic zero is a name.
_UNPRIVILEGED_USER = re.compile(r"([0-9]+):([0-9]+)")
#: Above the signed 32-bit maximum containerd refuses an ID, and before CVE-2024-40635's fix wrapped it to 0:
#: root. The components' ``sidecar.MAX_ID``, which a test holds this to.
MAX_ID = 2**31 - 1


def _may_be_root(user: Any) -> bool:
    ids = _UNPRIVILEGED_USER.fullmatch(str(user)) if user is not None else None
    return not (ids and all(0 < int(part) <= MAX_ID for part in ids.groups()))


def _containers_graceful_non_root(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    for container in _containers(props) or []:
        name = container.get("name", "?")
        timeout = container.get("stopTimeout")
        if timeout is None or not 0 < int(timeout) <= 120:
            found.append(
                f"Container {name!r} stopTimeout is {timeout}; set 1-120 s (Fargate's maximum) so SIGTERM "
                "from a Spot interruption or a deployment leaves time to drain."
            )
        if _may_be_root(user := container.get("user")):
            found.append(
                f"Container {name!r} may run as root or in root's group (user {user!r}); set user to an "
                "unprivileged uid:gid such as '1000:1000' (none is the image's default user, and a name or a lone "
                "uid resolves from the image's /etc/passwd, possibly to 0)."
            )
    return found


def _containers(props: Props) -> list[Mapping[str, Any]] | None:
    """The container definitions as the provider reads them: keys in any case, the last of a field wins
    (``go_json``); None while unknown during a preview (checked again once known)."""
    return go_containers(props.get("containerDefinitions"))


def _containers_hardened(_: str, props: Props, config: Config) -> list[str]:
    """ECS.4 (privileged), ECS.5 (read-only root), ECS.8 and AwsSolutions-ECS2 (secrets in the
    environment), AwsSolutions-ECS7 (container logging). A stack that allows ECS Exec accepts a writable
    root: the exec agent AWS bind-mounts into the container writes there, and a read-only root is not
    supported (ECS developer guide, "ECS Exec considerations"; aws/containers-roadmap#1359)."""
    found: list[str] = []
    for container in _containers(props) or []:
        name = container.get("name", "?")
        if container.get("privileged"):
            found.append(f"Container {name!r} is privileged; remove privileged (Fargate refuses it anyway).")
        if not container.get("readonlyRootFilesystem") and not config.get("allowExecuteCommand"):
            found.append(
                f"Container {name!r} has a writable root; set readonlyRootFilesystem (ECS Exec is what turns it off)."
            )
        for variable in container.get("environment") or []:
            if is_secret_name(str(variable.get("name", ""))):
                found.append(
                    f"Container {name!r} passes {variable['name']} as plain environment; pass it in 'secrets' from "
                    "SSM Parameter Store or Secrets Manager."
                )
        found += _logging_findings(name, container.get("logConfiguration") or {})
    return found


#: The strings Go's ``strconv.ParseBool`` reads as true ("It accepts 1, t, T, TRUE, true, True, 0, f, F,
#: FALSE, false, False. Any other value returns an error.", Go's strconv package docs): Docker's awslogs
#: driver reads ``awslogs-create-group`` with it (moby daemon/logger/awslogs/cloudwatchlogs.go), so ``1`` and
#: ``t`` create the group as ``true`` does; a value it refuses fails the container, no group.
GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


def _logging_findings(name: str, logging: Mapping[str, Any]) -> list[str]:
    """A log driver, and no log group ECS creates at run time: that group has no retention (CloudWatch Logs
    API Reference ``CreateLogGroup``, botocore ``logs``: "by default the log events ... do not expire")."""
    if not logging.get("logDriver"):
        return [f"Container {name!r} has no logConfiguration; send its logs to CloudWatch (awslogs)."]
    options = logging.get("options") or {}
    if str(options.get("awslogs-create-group", "")) in GO_TRUE:
        return [
            f"Container {name!r} has awslogs-create-group true: ECS creates its log group with no retention; "
            "declare the group (aws.cloudwatch.LogGroup with retention_in_days) and drop the option."
        ]
    return []


GRACEFUL_NON_ROOT = Rule(
    "containers-graceful-non-root",
    "Containers stop within 120 s of SIGTERM and run as a non-root user.",
    ("aws:ecs/taskDefinition:TaskDefinition",),
    _containers_graceful_non_root,
    anchors=("ECS.20",),
)

HARDENED = Rule(
    "ecs-containers-hardened",
    "Containers are not privileged, have a read-only root, keep credentials out of the environment and log.",
    ("aws:ecs/taskDefinition:TaskDefinition",),
    _containers_hardened,
    ECS_EXEC_CONFIG,
    anchors=("ECS.4", "ECS.5", "ECS.8", "AwsSolutions-ECS2", "AwsSolutions-ECS7"),
)
