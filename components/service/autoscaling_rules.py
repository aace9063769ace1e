"""Application Auto Scaling for an ECS service: what may be asked of it, checked before anything exists.

ECS services scale ``ecs:service:DesiredCount`` between a minimum and a maximum; target tracking keeps a
metric near a target (CPU or memory percent: ``target_percent``; ALB requests per target), and schedules move
the range at given times (their quota: ``scaling_quotas``). Tasks that scaling adds follow the service's
capacity-provider strategy: beyond the on-demand base they run on FARGATE_SPOT."""

from __future__ import annotations

import difflib
import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from ..errors import ConfigError, collect, raise_any
from ..validation import int_in_range, passable_percent
from .scaling_quotas import check_schedule_count

MAX_TASKS = 5000
#: PutScheduledAction's Schedule and Timezone are both the shape ResourceIdMaxLen1600 (botocore
#: application-autoscaling 2016-02-06: 1-1600 characters); a test reads it from botocore.
SCHEDULE_MAX_LENGTH = 1600
SCHEDULES = "Autoscaling.schedules"  # the field schedule errors name
_SCALES_OUT = ("target tracking scales out", "scale out")  # validation.passable_percent: above the target only


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
    """IANA time zone of an ``at`` or ``cron`` expression (a name of this machine's time zone database).
    Default UTC."""

    def __post_init__(self) -> None:
        collect(
            lambda: check_expression(self.expression),
            lambda: check_timezone(self.timezone),
            self._check_range,
        )

    def _check_range(self) -> None:
        if not 0 <= self.min_count <= self.max_count <= MAX_TASKS:
            raise ConfigError(SCHEDULES, f"{self.min_count}..{self.max_count}", f"0 <= min <= max <= {MAX_TASKS}")


@dataclass(frozen=True, kw_only=True)
class Autoscaling:
    """Task range, target tracking and schedules of one service."""

    min_count: int = 1
    """Fewest tasks (0-5000). With schedules: the floor the target is created with, and no schedule's
    floor may be lower. Default 1."""
    max_count: int = 4
    """Most tasks (at least ``min_count``, at most 5000). With schedules: the ceiling the target is
    created with, and no schedule's ceiling may be higher. Default 4."""
    cpu_target_percent: int | None = 60
    """Keep average CPU near this (1-99: ``target_percent``); None for no CPU policy. Default 60."""
    memory_target_percent: int | None = None
    """Keep average memory near this (1-99: ``target_percent``); None for no memory policy. Default None."""
    requests_per_target: int | None = None
    """Keep ALB requests per task per minute near this (1-1000000); None for none. Default None."""
    scale_in_cooldown_seconds: int = 300
    """Seconds after a scale-in before the next (0-86400). Default 300."""
    scale_out_cooldown_seconds: int = 60
    """Seconds after a scale-out before the next (0-86400). Default 60."""
    schedules: tuple[Schedule, ...] = ()
    """Scheduled range changes, at most 200 (``scaling_quotas``); once there are any, they own the target's
    range (a deploy leaves it to them) and each lies within ``min_count``..``max_count``. Default none."""
    own_policies: bool = False
    """True when policies of your own scale the service, attached to ``FargateService.scalable_target``
    (e.g. target tracking on a queue's backlog per task, ``examples/worker``): then no target or schedule
    is needed here. Default False."""

    def __post_init__(self) -> None:
        collect(
            lambda: int_in_range("Autoscaling.min_count", self.min_count, 0, MAX_TASKS),
            self._check_max,
            lambda: passable_percent("Autoscaling.cpu_target_percent", self.cpu_target_percent, *_SCALES_OUT),
            lambda: passable_percent("Autoscaling.memory_target_percent", self.memory_target_percent, *_SCALES_OUT),
            lambda: _optional("Autoscaling.requests_per_target", self.requests_per_target, 1, 1_000_000),
            lambda: int_in_range("Autoscaling.scale_in_cooldown_seconds", self.scale_in_cooldown_seconds, 0, 86_400),
            lambda: int_in_range("Autoscaling.scale_out_cooldown_seconds", self.scale_out_cooldown_seconds, 0, 86_400),
            self._check_something_scales,
            lambda: check_schedule_count(SCHEDULES, len(self.schedules)),
            *(functools.partial(self._check_within_range, schedule) for schedule in self.schedules),
        )

    def _check_max(self) -> None:
        if not self.min_count <= self.max_count <= MAX_TASKS:
            allowed = f"from Autoscaling.min_count ({self.min_count}) to {MAX_TASKS}"
            raise ConfigError("Autoscaling.max_count", self.max_count, allowed)

    def _check_something_scales(self) -> None:
        policies = (self.cpu_target_percent, self.memory_target_percent, self.requests_per_target)
        if all(p is None for p in policies) and not self.schedules and not self.own_policies:
            raise ConfigError(
                "ServiceSpec.autoscaling",
                True,
                "a target (Autoscaling.cpu_target_percent, Autoscaling.memory_target_percent or "
                "Autoscaling.requests_per_target), a schedule or Autoscaling.own_policies to scale by",
            )

    def _check_within_range(self, schedule: Schedule) -> None:
        # Schedules set the range and a deploy leaves it to them, so minCount..maxCount holds as the
        # bounds of the task count only if every schedule stays inside it.
        if not self.min_count <= schedule.min_count <= schedule.max_count <= self.max_count:
            raise ConfigError(
                SCHEDULES,
                f"{schedule.expression}={schedule.min_count}..{schedule.max_count}",
                f"a range within Autoscaling.min_count..Autoscaling.max_count ({self.min_count}..{self.max_count})",
            )


def check_desired(desired_count: int, *, min_count: int, max_count: int) -> None:
    """``desiredCount`` within ``min_count..max_count``, each bound a check of its own naming only its own
    field: a bound that is itself wrong does not hide the other's verdict."""
    bounds = ((desired_count < min_count, f"Autoscaling.min_count ({min_count}) or more"),
              (desired_count > max_count, f"Autoscaling.max_count ({max_count}) or fewer"))  # fmt: skip
    raise_any([ConfigError("ServiceSpec.desired_count", desired_count, allowed) for out, allowed in bounds if out])


def _optional(key: str, value: int | None, low: int, high: int) -> None:
    if value is not None:
        int_in_range(key, value, low, high)


# Schedule expressions as PutScheduledAction takes them (Application Auto Scaling API reference, PutScheduledAction
# "Schedule": at(yyyy-mm-ddThh:mm:ss), rate(value unit), cron(fields) with six fields). Its cron grammar is
# EventBridge's, to which the Application Auto Scaling User Guide ("Schedule recurring scaling actions using cron
# expressions") refers: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html. Only
# documented forms pass; others (*/5, 8-17/2, LW, L-2, FRI#2, lower-case names, the seven-field form whose seconds
# AWS does not honour) are refused rather than guessed at.
_AT = re.compile(r"at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)")
# rate(): "value is a positive integer and unit is minute | minutes | hour | hours | day | days"
# (PutScheduledAction); "if the value is equal to 1, then the unit must be singular" (EventBridge,
# "Rate expressions", to which the user guide's rate example refers).
_RATE = re.compile(r"rate\(([1-9][0-9]*) (minute|hour|day)(s?)\)")
_CRON = re.compile(r"cron\((.*)\)")
SCHEDULE_FORMS = (
    "at(yyyy-mm-ddThh:mm:ss), rate(1 minute|hour|day), rate(N minutes|hours|days) with N > 1, or "
    "cron(minutes hours day-of-month month day-of-week year) with ? in one day field, e.g. cron(0 8 ? * MON-FRI *)"
)


@dataclass(frozen=True)
class _Field:
    """One field of a cron expression: its values, wildcards and stand-alone forms (EventBridge's table)."""

    name: str
    low: int
    high: int
    wildcards: str
    """Which of , - * / ? the field takes."""
    names: tuple[str, ...] = ()
    """Names of ``low``, ``low + 1``, ... (months, days of the week)."""
    alone: tuple[str, ...] = ()
    """Forms that stand alone in the field: ``L`` (the last day), ``nW`` (the weekday nearest day n),
    ``nL`` (the last weekday n of the month) and ``n#k`` (the k-th weekday n; "3#1,6#3 is not valid")."""

    def number(self, text: str) -> int | None:
        """The value ``text`` names in this field, or None."""
        if text in self.names:
            return self.low + self.names.index(text)
        if re.fullmatch(r"[0-9]{1,4}", text) and self.low <= int(text) <= self.high:
            return int(text)
        return None

    @property
    def values(self) -> str:
        named = f" or {self.names[0]}-{self.names[-1]}" if self.names else ""
        examples = ", ".join(_ALONE_EXAMPLES[form] for form in self.alone)
        alone = f" (or alone: {', '.join(self.alone)}, as in {examples})" if self.alone else ""
        return f"{self.name} {self.low}-{self.high}{named}{alone}"

    def problem(self, text: str) -> str | None:
        """What is wrong with ``text`` as this field (None if nothing)."""
        if text == "?":
            return None if "?" in self.wildcards else f"? in day-of-month or day-of-week only, not in {self.name}"
        form = re.fullmatch(r"([0-9]+)(W|L)|([0-9]+)#([1-5])|L", text)  # a month has at most five of a weekday
        if form is not None:
            kind = "L" if text == "L" else f"n{form[2]}" if form[2] else "n#k"
            day = form[1] or form[3]
            ok = kind in self.alone and (day is None or self.number(day) is not None)
            return None if ok else f"{self.values}, not '{text}'"
        return next(filter(None, map(self._item_problem, text.split(","))), None)

    def _item_problem(self, item: str) -> str | None:
        base, slash, step = item.partition("/")
        if slash:
            if "/" not in self.wildcards:
                return f"no / in {self.name}"
            if not re.fullmatch(r"[1-9][0-9]*", step) or self.number(base) is None:
                return (
                    f"start/step in {self.name}: a start of {self.values} and a step of 1 or more (0/15), not '{item}'"
                )
            return None
        if base == "*":
            return None
        first, dash, last = base.partition("-")
        if not dash:
            return None if self.number(base) is not None else f"{self.values}, not '{base}'"
        start, end = self.number(first), self.number(last)
        if start is None or end is None:
            return f"a range of {self.values}, not '{base}'"
        # Ranges wrap (hours 20-2 runs from 20:00 to 02:00, the docs' example), but years do not.
        if self.name == "year" and start > end:
            return f"a year range from earlier to later, not '{base}'"
        return None


_ALONE_EXAMPLES = {"L": "L", "nW": "3W", "nL": "6L", "n#k": "3#2"}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
CRON_FIELDS = (
    _Field("minutes", 0, 59, ",-*/"),
    _Field("hours", 0, 23, ",-*/"),
    _Field("day-of-month", 1, 31, ",-*?/", alone=("L", "nW")),
    _Field("month", 1, 12, ",-*/", _MONTHS),
    _Field("day-of-week", 1, 7, ",-*?", _DAYS, alone=("L", "nL", "n#k")),
    _Field("year", 1970, 2199, ",-*/"),
)


def check_expression(expression: str) -> None:
    """Refuse a schedule Application Auto Scaling's PutScheduledAction would refuse (see above)."""

    def refuse(why: str) -> ConfigError:
        return ConfigError(SCHEDULES, expression, why)

    if len(expression) > SCHEDULE_MAX_LENGTH:
        raise refuse(f"at most {SCHEDULE_MAX_LENGTH} characters")
    if at := _AT.fullmatch(expression):
        year, month, day, hour, minute, second = map(int, at.groups())
        try:
            datetime(year, month, day, hour, minute, second)
        except ValueError as error:
            raise refuse(f"at() with a real date and time ({error})") from None
        return
    if rate := _RATE.fullmatch(expression):
        if (rate[1] == "1") == (rate[3] == "s"):
            raise refuse("rate(1 minute|hour|day) or rate(N minutes|hours|days) with N > 1: singular for 1 only")
        return
    cron = _CRON.fullmatch(expression)
    if cron is None:
        raise refuse(SCHEDULE_FORMS)
    fields = cron[1].split(" ")
    if len(fields) != len(CRON_FIELDS) or "" in fields:
        raise refuse(f"cron() with six fields separated by single spaces: {SCHEDULE_FORMS}")
    for field, text in zip(CRON_FIELDS, fields, strict=True):
        if problem := field.problem(text):
            raise refuse(problem)
    # "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you
    # specify a value or a * (asterisk) in one of the fields, you must use a ? (question mark) in the other."
    if (fields[2] == "?") == (fields[4] == "?"):
        raise refuse("? in exactly one of day-of-month and day-of-week: cron(0 8 ? * MON-FRI *) or cron(0 8 1 * ? *)")


@functools.cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names of this machine's database (the stdlib reads the OS package tzdata),
    less two files that name no place: "Factory" and Debian's "localtime" (the machine's own zone)."""
    return frozenset(zoneinfo.available_timezones() - {"Factory", "localtime"})


def check_timezone(timezone: str) -> None:
    """PutScheduledAction's Timezone: "the canonical names of the IANA time zones supported by Joda-Time
    (such as Etc/GMT+9 or Pacific/Tahiti)"; UTC is its default. Names the IANA database keeps as links
    (US/Eastern, Europe/Amsterdam) pass too: refusing them is not documented, and Joda-Time resolves them."""
    if timezone == "UTC":
        return
    zones = time_zones()
    if not zones:
        raise ConfigError(
            SCHEDULES,
            timezone,
            "UTC: this machine has no IANA time zone database to check other names against (install tzdata)",
        )
    if timezone not in zones:
        close = difflib.get_close_matches(timezone, [zone for zone in zones if "/" in zone], n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        allowed = f"{hint}an IANA time zone name such as Europe/Berlin or Etc/GMT+9, or UTC"
        raise ConfigError(SCHEDULES, timezone, allowed)


def parse_schedule(entry: str) -> Schedule:
    """``"cron(0 8 ? * MON-FRI *)=2..10"`` (optionally ``@Europe/Berlin`` after the range) -> ``Schedule``."""
    expression, sep, rest = entry.rpartition("=")
    match = re.fullmatch(r"([0-9]+)\.\.([0-9]+)(?:@(\S+))?", rest)
    if not sep or match is None:
        raise ConfigError(SCHEDULES, entry, "EXPRESSION=MIN..MAX[@TIMEZONE], e.g. cron(0 8 ? * MON-FRI *)=2..10")
    return Schedule(expression=expression, min_count=int(match[1]), max_count=int(match[2]), timezone=match[3] or "UTC")
