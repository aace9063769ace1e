"""Application Auto Scaling's scalable target through a working week, and what ``pulumi up`` does to it:
enough to tell whether a deploy keeps the range a schedule has set.

AWS (Application Auto Scaling User Guide, "Scheduled scaling", Considerations; API reference
RegisterScalableTarget, PutScheduledAction, PutScalingPolicy):

- ``RegisterScalableTarget`` sets the target's MinCapacity and MaxCapacity.
- "A scheduled action sets the MinCapacity and MaxCapacity to what is specified by the scheduled action
  at the time specified", scaling out to the new minimum or in to the new maximum. Putting an action
  changes what it does when it next runs; it does not run it.
- Target tracking moves the capacity within MinCapacity..MaxCapacity; it never sets them.

The provider (terraform-provider-aws ``internal/service/appautoscaling``, which pulumi-aws bridges):

- ``target.go``: Create and Update call RegisterScalableTarget with the planned ``min_capacity`` and
  ``max_capacity``; Read stores DescribeScalableTargets' MinCapacity and MaxCapacity, so a refresh brings
  a schedule's range into the state.
- ``scheduled_action.go``: Create and Update call PutScheduledAction, Delete DeleteScheduledAction.
- ``policy.go``: Create and Update call PutScalingPolicy, Delete DeleteScalingPolicy.

Pulumi: ``up`` diffs each resource's inputs against its state (refreshed first with ``--refresh``); an
input named in ``ignore_changes`` keeps the state's value (pulumi-terraform-bridge ``provider.go`` hands
IgnoreChanges to the shim, whose ``processIgnoreChanges`` drops those attributes from the plan, so an
Update sends the state's value), and a resource with any difference is updated.

Time is the minute of the week in the schedules' time zone (``"Mon 10:00"``); the model plays daily and
weekday cron schedules at a fixed minute, which is what the stories need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tools.offline import Registered

TARGET = "aws:appautoscaling/target:Target"
ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction"
POLICY = "aws:appautoscaling/policy:Policy"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEK = 7 * 24 * 60


def minute_of_week(when: str) -> int:
    """``"Tue 07:00"`` -> minutes since Monday 00:00."""
    day, clock = when.split()
    hours, minutes = map(int, clock.split(":"))
    return DAYS.index(day) * 24 * 60 + hours * 60 + minutes


def firings(expression: str) -> list[int]:
    """The minutes of the week at which a daily or weekday cron schedule runs."""
    match = re.fullmatch(r"cron\((\d+) (\d+) (\S+) \* (\S+) \*\)", expression)
    assert match, f"the model plays cron(M H ...) schedules only, not {expression}"
    minute, hour, day_of_month, day_of_week = int(match[1]), int(match[2]), match[3], match[4]
    days = {("?", "MON-FRI"): range(5), ("?", "*"): range(7), ("*", "?"): range(7)}[(day_of_month, day_of_week)]
    return [day * 24 * 60 + hour * 60 + minute for day in days]


@dataclass
class ScalableTarget:
    """The service's scalable target and its scheduled actions, as Application Auto Scaling holds them."""

    min: int = 0
    max: int = 0
    capacity: int = 0
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Scheduled action name -> its schedule and ``scalableTargetAction``."""
    calls: list[str] = field(default_factory=list)
    """The API calls made so far (scheduled runs included)."""

    def _set_range(self, low: int, high: int) -> None:
        self.min, self.max = low, high
        self.capacity = min(max(self.capacity, low), high)

    def register_scalable_target(self, low: int, high: int) -> None:
        self.calls.append(f"RegisterScalableTarget {low}..{high}")
        self._set_range(low, high)

    def put_scheduled_action(self, name: str, inputs: dict[str, Any]) -> None:
        self.calls.append(f"PutScheduledAction {name}")
        self.actions[name] = inputs

    def run(self, name: str) -> None:
        """A scheduled action at its time."""
        action = self.actions[name]["scalableTargetAction"]
        self.calls.append(f"scheduled {name}")
        self._set_range(int(action["minCapacity"]), int(action["maxCapacity"]))

    def track(self, tasks: int) -> None:
        """Target tracking asks for ``tasks``; it gets them within the range."""
        self.capacity = min(max(tasks, self.min), self.max)


@dataclass
class Stack:
    """One stack: the scalable target in AWS, Pulumi's state of its scaling resources, and the clock."""

    aws: ScalableTarget = field(default_factory=ScalableTarget)
    state: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    """Resource name -> its type and the inputs the state holds for it."""
    clock: int = 0

    @classmethod
    def deployed(cls, program: Iterable[Registered], at: str) -> Stack:
        """The stack after its first ``pulumi up`` at ``at``, with ``desiredCount`` tasks at the floor."""
        stack = cls(clock=minute_of_week(at))
        stack.up(program)
        stack.aws.capacity = stack.aws.min
        return stack

    @property
    def floor(self) -> int:
        return self.aws.min

    def wait_until(self, when: str, *, weeks: int = 0) -> None:
        """Let the clock run to ``when`` (``weeks`` later); each scheduled action runs at its times."""
        end = minute_of_week(when) + weeks * WEEK
        assert end >= self.clock, "the clock only runs forward"
        due = sorted(
            (week * WEEK + minute, name)
            for name, action in self.aws.actions.items()
            for minute in firings(action["schedule"])
            for week in range(self.clock // WEEK, end // WEEK + 1)
            if self.clock < week * WEEK + minute <= end
        )
        for _, name in due:
            self.aws.run(name)
        self.clock = end

    def refresh(self) -> None:
        """``pulumi refresh``: the target's Read stores the range AWS holds now."""
        for name, (typ, inputs) in self.state.items():
            if typ == TARGET:
                self.state[name] = (typ, {**inputs, "minCapacity": self.aws.min, "maxCapacity": self.aws.max})

    def up(self, program: Iterable[Registered], *, refresh: bool = False) -> list[str]:
        """``pulumi up`` (``--refresh``) of the program's scaling resources; the API calls it made."""
        if refresh:
            self.refresh()
        before = len(self.aws.calls)
        wanted = {r.name: r for r in program if r.type in (TARGET, ACTION, POLICY)}
        for name in [n for n in self.state if n not in wanted]:
            typ, _ = self.state.pop(name)
            if typ == ACTION:
                self.aws.actions.pop(name)
            self.aws.calls.append(f"Delete {typ.rsplit(':', 1)[1]} {name}")
        for name, resource in wanted.items():
            old = self.state.get(name, (resource.type, None))[1]
            if old is None:
                planned = dict(resource.inputs)  # ignore_changes has no effect on a create
            else:
                planned = {k: old[k] if k in resource.ignore_changes else v for k, v in resource.inputs.items()}
                if planned == old:
                    continue
            self.state[name] = (resource.type, planned)
            if resource.type == TARGET:
                self.aws.register_scalable_target(int(planned["minCapacity"]), int(planned["maxCapacity"]))
            elif resource.type == ACTION:
                self.aws.put_scheduled_action(name, planned)
            else:
                self.aws.calls.append(f"PutScalingPolicy {name}")
        return self.aws.calls[before:]
