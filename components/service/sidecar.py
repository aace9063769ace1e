"""Extra containers beside the app in its task (an OpenTelemetry collector, a log router, a proxy):
plain values, validated on construction, and their ECS container definitions.

Rules from the ECS API (botocore ``ecs`` model, ``ContainerDefinition``): a name is "up to 255
letters (uppercase and lowercase), numbers, underscores, and hyphens"; ``memory`` is a hard limit in
MiB, and the daemon "reserves a minimum of 6 MiB of memory for a container. So, don't specify less
than 6 MiB"; ``dependsOn`` conditions are ``ContainerCondition``: START, COMPLETE, SUCCESS, HEALTHY
(HEALTHY needs the named container to have a health check); ``user`` is ``uid``, ``uid:gid``, ``user``,
``user:group`` (or mixed), "If specifying a UID or GID, you must specify it as a positive integer" (a
sidecar takes ``uid:gid`` only, ``_USER``);
``stopTimeout`` "if the parameter is not specified, the default value of 30 seconds is used" and "The
valid values for Fargate are 2-120 seconds". How the containers share the task's CPU and memory is
``ServiceSpec``'s to check.

Shutdown reverses start: "When a dependency is defined for container startup, for container shutdown it
is reversed" (botocore ``ContainerDefinition.dependsOn``). A sidecar the app waits for
(``ServiceSpec.app_depends_on``) is stopped after the app; any other gets SIGTERM with the app and SIGKILL
after its own ``stop_timeout_seconds`` (30), while the app may drain and finish for up to 115 s. A
collector or log router the app uses to the end belongs in ``app_depends_on``; ``FargateTask`` warns of a
sidecar that is not and would be killed first (``ServiceSpec.sidecars_stopped_first``).

A sidecar is held to the policy pack as the app is (``policy/containers.py``: ``containers-graceful-non-root``,
``ecs-containers-hardened``): an unprivileged user, a read-only root, a stop timeout and logging.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import validation as check
from ..errors import ConfigError, collect
from ..iam_policies import ecr_repository_arn
from .kept_environment import check_values_kept

CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")
MIN_CONTAINER_MEMORY = 6
_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_PINNED = re.compile(r"[^@\s]+@sha256:[0-9a-f]{64}")
#: Who a sidecar runs as: ``uid:gid``, both numbers. A name resolves from the image's /etc/passwd or
#: /etc/group, where it may be 0 (root, or root's group); a uid alone takes its group from /etc/passwd, else
#: 0 (containerd oci/spec_opts.go ``WithUserID``: "If /etc/passwd does not exist, or uid is not found in
#: /etc/passwd, it sets the requested uid, additionally sets the gid to 0"). ASCII digits, as Go parses an ID.
_USER = re.compile(r"([0-9]+):([0-9]+)")
#: The largest uid or gid the runtime takes as a number: containerd refuses anything above the signed 32-bit
#: maximum (runc requires it), and before that fix wrapped larger ones to 0, root (CVE-2024-40635,
#: GHSA-265r-hfxg-fhmg: "a User set as a UID:GID larger than the maximum 32-bit signed integer can cause an
#: overflow condition where the container ultimately runs as root"). The policy pack holds the same bound.
MAX_ID = 2**31 - 1
USER_ALLOWED = (
    f"uid:gid, both integers from 1 to {MAX_ID} (e.g. 1000:1000): neither root (0, 00, ...) nor root's group, "
    "no name or lone uid, which the image's /etc/passwd could resolve to either, and nothing a runtime wraps to 0"
)
#: The node image's unprivileged user (uid:gid): the app runs as it (enforced even if an image forgets
#: USER), and so does a sidecar unless told otherwise.
RUN_AS = "1000:1000"
#: botocore ecs ``HealthCheck.command``: "must start with CMD to run the command arguments directly, or
#: CMD-SHELL to run the command with the container's default shell"; Docker's ``HealthConfig.Test``:
#: ``{"CMD", args...}``, ``{"CMD-SHELL", command}`` (moby api/types/container/config.go).
HEALTH_CHECK_ALLOWED = (
    'none, ("CMD", program, args...) or ("CMD-SHELL", "one shell command"): a command to run, '
    "a shell command as one string, neither empty"
)
#: ECS's own default stop timeout on Fargate (botocore ``ContainerDefinition.stopTimeout``), said out
#: loud: the policy pack wants every container's stated.
DEFAULT_STOP_TIMEOUT = 30


def log_configuration(*, log_group: str, region: str, stream_prefix: str) -> dict[str, Any]:
    """A container's ``awslogs`` configuration: the task's log group, its own stream prefix. A slow
    CloudWatch drops lines from a bounded buffer, never blocks the container."""
    options = {"awslogs-group": log_group, "awslogs-region": region, "awslogs-stream-prefix": stream_prefix}
    return {"logDriver": "awslogs", "options": {**options, "mode": "non-blocking", "max-buffer-size": "4m"}}


@dataclass(frozen=True, kw_only=True)
class Sidecar:
    """One more container in the task."""

    name: str
    """Container name (letters, digits, ``_``, ``-``; not the app's). Required."""
    image: str
    """Image, pinned by digest (``repo:tag@sha256:...``): a moved tag never changes a running task. Required."""
    memory: int
    """Its hard memory limit in MiB (at least 6), taken out of the task's: the app gets the rest. Required."""
    cpu: int = 0
    """CPU units reserved for it out of the task's (its Docker CPU shares): the app then gets the rest. 0
    reserves none: with no sidecar reserving, every container gets an alike share of a contended CPU;
    beside one that does, next to none (ECS passes 0 to Docker as 2 shares). Default 0."""
    essential: bool = False
    """Whether the task stops when it stops. Default False: a failed collector does not stop the app."""
    depends_on: tuple[tuple[str, str], ...] = ()
    """``(container, condition)`` pairs it waits for (``ContainerCondition``). Default none."""
    port_mappings: tuple[int, ...] = ()
    """TCP ports it listens on (awsvpc: container and host port alike), 1024-65535 (it runs as a user
    other than root, which cannot bind a lower port). Default none."""
    health_check: tuple[str, ...] = ()
    """Its health check command, ``("CMD", program, args...)`` or ``("CMD-SHELL", "one shell command")``; empty
    for none. Default none."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Its environment variables, each value non-empty (ECS drops an empty one, ``kept_environment``). Default none."""
    user: str = RUN_AS
    """Who it runs as: ``uid:gid``, both positive (never root nor root's group). Default the app's ``1000:1000``."""
    readonly_root: bool = True
    """Whether its root file system is read-only (it writes to a volume, or nowhere); ECS Exec's agent cannot
    run on a read-only root, so Exec reaches the app only unless this is False. Default True."""
    stop_timeout_seconds: int = DEFAULT_STOP_TIMEOUT
    """Seconds from SIGTERM to SIGKILL, 2-120 on Fargate; SIGTERM comes with the app's unless the app waits
    for it at start (then after the app has stopped). Default 30, ECS's own default."""

    def __post_init__(self) -> None:
        collect(
            self._check_name,
            self._check_image,
            lambda: check.int_in_range("Sidecar.memory", self.memory, MIN_CONTAINER_MEMORY, 120 * 1024),
            lambda: check.int_in_range("Sidecar.cpu", self.cpu, 0, 16 * 1024),
            # Never root (``_check_user``): a sidecar cannot bind a port below 1024 either.
            lambda: check.ports("Sidecar.port_mappings", self.port_mappings, unprivileged=True),
            self._check_dependencies,
            self._check_health_check,
            lambda: check_values_kept("Sidecar.environment", self.environment),
            self._check_user,
            self._check_readonly_root,
            lambda: check.int_in_range("Sidecar.stop_timeout_seconds", self.stop_timeout_seconds, 2, 120),
        )

    def _check_name(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ConfigError("Sidecar.name", self.name, "1-255 letters, digits, underscores and hyphens")

    def _check_image(self) -> None:
        if not _PINNED.fullmatch(self.image):
            raise ConfigError("Sidecar.image", self.image, "an image pinned by digest: repo:tag@sha256:<64 hex>")

    def _check_dependencies(self) -> None:
        for container, condition in self.depends_on:
            check.one_of("Sidecar.depends_on", condition, CONDITIONS)
            if container == self.name:
                raise ConfigError("Sidecar.depends_on", container, "another container than itself")

    def _check_health_check(self) -> None:
        # The daemon runs test[1:], after the shell for CMD-SHELL (moby daemon/health.go, cmdProbe.run): a bare
        # CMD execs nothing and a bare CMD-SHELL is "sh -c" with no script, unhealthy every time; a CMD-SHELL
        # script is one string, any after it only sh's $0, $1... (POSIX sh -c). An empty one names nothing: sh -c ""
        # exits 0, healthy without a check, and CMD "" execs no program.
        if not self.health_check:
            return
        kind, *command = self.health_check
        named = bool(command) and bool(command[0].strip())
        if not ((kind == "CMD" and named) or (kind == "CMD-SHELL" and named and len(command) == 1)):
            raise ConfigError("Sidecar.health_check", list(self.health_check), HEALTH_CHECK_ALLOWED)

    def _check_user(self) -> None:
        ids = _USER.fullmatch(self.user) if isinstance(self.user, str) else None
        if not (ids and all(0 < int(part) <= MAX_ID for part in ids.groups())):
            raise ConfigError("Sidecar.user", self.user, USER_ALLOWED)

    def _check_readonly_root(self) -> None:
        if not isinstance(self.readonly_root, bool):
            raise ConfigError("Sidecar.readonly_root", self.readonly_root, "true or false")

    def definition(self, *, log_group: str, region: str) -> dict[str, Any]:
        """Its ECS container definition, logging to the task's log group under its own stream prefix."""
        definition: dict[str, Any] = {
            "name": self.name,
            "image": self.image,
            "essential": self.essential,
            "user": self.user,
            "readonlyRootFilesystem": self.readonly_root,
            "stopTimeout": self.stop_timeout_seconds,
            "memory": self.memory,
            "cpu": self.cpu,
            "environment": [{"name": k, "value": v} for k, v in sorted(self.environment.items())],
            "portMappings": [{"containerPort": p, "hostPort": p, "protocol": "tcp"} for p in self.port_mappings],
            "logConfiguration": log_configuration(log_group=log_group, region=region, stream_prefix=self.name),
        }
        if self.depends_on:
            definition["dependsOn"] = [{"containerName": c, "condition": k} for c, k in self.depends_on]
        if self.health_check:
            definition["healthCheck"] = {"command": list(self.health_check)}
        return definition


def check_pullable_under_default_boundary(sidecars: tuple[Sidecar, ...], stack: str) -> None:
    """Raise ``ConfigError`` (``Sidecar.image``) for a sidecar in private ECR that the default permissions
    boundary keeps the execution role from pulling, however its own policy lists the repository: the
    boundary (``docs/iam-boundary.json``, ``PullStackImages``) allows the ECR pull actions on
    ``arn:PARTITION:ecr:*:ACCOUNT:repository/STACK-*`` only, and a boundary caps what a role's policies grant
    (IAM User Guide, "Permissions boundaries for IAM entities": "an entity can perform only the actions
    that are allowed by both its identity-based policies and its permissions boundaries"). An image
    outside private ECR (a public registry) needs no ECR permission."""
    collect(*(lambda sidecar=sidecar: _check_pullable(sidecar.image, stack) for sidecar in sidecars))


def _check_pullable(image: str, stack: str) -> None:
    repository_arn = ecr_repository_arn(image, "aws")
    if repository_arn is not None and not repository_arn.split(":repository/", 1)[1].startswith(f"{stack}-"):
        allowed = (
            f"with the default permissions boundary, a private ECR image in this account's repository named "
            f"{stack}-* (its PullStackImages statement) or a public image; else a "
            "ServiceAccess.permissions_boundary_arn that allows pulling it (another account's "
            "repository also needs a repository policy that lets this account pull)"
        )
        raise ConfigError("Sidecar.image", image, allowed)
