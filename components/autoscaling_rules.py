"""Application Auto Scaling for an ECS service: what may be asked of it, checked before anything exists.

ECS services scale ``ecs:service:DesiredCount`` between a minimum and a maximum; target tracking keeps
a metric near a target (CPU or memory utilisation in percent, or ALB requests per target), and
scheduled actions move the minimum and maximum at given times. Tasks that scaling adds follow the
service's capacity-provider strategy: beyond the on-demand base they run on FARGATE_SPOT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigError, collect
from .validation import int_in_range

MAX_TASKS = 5000
#: An Application Auto Scaling schedule: cron with six fields, rate(N unit), or at(timestamp).
_SCHEDULE = re.compile(
    r"cron\((\S+ ){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)"
)


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """A scheduled change of the task range, e.g. business hours."""

    expression: str
    """``cron(0 8 ? * MON-FRI *)``, ``rate(1 day)`` or ``at(2026-12-24T18:00:00)``, in ``timezone``. Required."""
    min_count: int
    """Minimum tasks from then on. Required."""
    max_count: int
    """Maximum tasks from then on. Required."""
    timezone: str = "UTC"
    """IANA time zone of the expression. Default UTC."""

    def __post_init__(self) -> None:
        if not _SCHEDULE.fullmatch(self.expression):
            raise ConfigError(
                "scalingSchedules",
                self.expression,
                "cron(<6 fields>), rate(<n> minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss), "
                "e.g. cron(0 8 ? * MON-FRI *)",
            )
        if not 0 <= self.min_count <= self.max_count <= MAX_TASKS:
            raise ConfigError(
                "scalingSchedules", f"{self.min_count}..{self.max_count}", f"0 <= min <= max <= {MAX_TASKS}"
            )


@dataclass(frozen=True, kw_only=True)
class Autoscaling:
    """Task range, target tracking and schedules of one service."""

    min_count: int = 1
    """Fewest tasks (0-5000). Default 1."""
    max_count: int = 4
    """Most tasks (at least ``min_count``, at most 5000). Default 4."""
    cpu_target_percent: int | None = 60
    """Keep average CPU near this (1-100); None for no CPU policy. Default 60."""
    memory_target_percent: int | None = None
    """Keep average memory near this (1-100); None for no memory policy. Default None."""
    requests_per_target: int | None = None
    """Keep ALB requests per task per minute near this (1-1000000); None for none. Default None."""
    scale_in_cooldown_seconds: int = 300
    """Seconds after a scale-in before the next (0-86400). Default 300."""
    scale_out_cooldown_seconds: int = 60
    """Seconds after a scale-out before the next (0-86400). Default 60."""
    schedules: tuple[Schedule, ...] = ()
    """Scheduled range changes. Default none."""

    def __post_init__(self) -> None:
        collect(
            lambda: int_in_range("minCount", self.min_count, 0, MAX_TASKS),
            self._check_max,
            lambda: _optional("cpuTargetPercent", self.cpu_target_percent, 1, 100),
            lambda: _optional("memoryTargetPercent", self.memory_target_percent, 1, 100),
            lambda: _optional("requestsPerTarget", self.requests_per_target, 1, 1_000_000),
            lambda: int_in_range("scaleInCooldownSeconds", self.scale_in_cooldown_seconds, 0, 86_400),
            lambda: int_in_range("scaleOutCooldownSeconds", self.scale_out_cooldown_seconds, 0, 86_400),
            self._check_something_scales,
        )

    def _check_max(self) -> None:
        if not self.min_count <= self.max_count <= MAX_TASKS:
            raise ConfigError("maxCount", self.max_count, f"from minCount ({self.min_count}) to {MAX_TASKS}")

    def _check_something_scales(self) -> None:
        policies = (self.cpu_target_percent, self.memory_target_percent, self.requests_per_target)
        if all(p is None for p in policies) and not self.schedules:
            raise ConfigError(
                "autoscaling",
                True,
                "a target (cpuTargetPercent, memoryTargetPercent or requestsPerTarget) or a schedule to scale by",
            )

    def check_desired(self, desired_count: int) -> None:
        """``desiredCount`` must lie in the range, or the first deployment starts outside it."""
        if not self.min_count <= desired_count <= self.max_count:
            raise ConfigError(
                "desiredCount", desired_count, f"from minCount ({self.min_count}) to maxCount ({self.max_count})"
            )


def _optional(key: str, value: int | None, low: int, high: int) -> None:
    if value is not None:
        int_in_range(key, value, low, high)


def parse_schedule(entry: str) -> Schedule:
    """``"cron(0 8 ? * MON-FRI *)=2..10"`` (optionally ``@Europe/Berlin`` after the range) -> ``Schedule``."""
    expression, sep, rest = entry.rpartition("=")
    match = re.fullmatch(r"(\d+)\.\.(\d+)(?:@(\S+))?", rest)
    if not sep or match is None:
        raise ConfigError(
            "scalingSchedules", entry, "EXPRESSION=MIN..MAX[@TIMEZONE], e.g. cron(0 8 ? * MON-FRI *)=2..10"
        )
    return Schedule(expression=expression, min_count=int(match[1]), max_count=int(match[2]), timezone=match[3] or "UTC")
