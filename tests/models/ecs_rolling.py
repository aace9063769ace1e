"""A model of an ECS rolling deployment, task by task, from botocore's own words.

``DeploymentConfiguration`` (botocore ``ecs`` ``service-2.json``) bounds a rolling deployment of a service
with ``desiredCount`` tasks: ``maximumPercent`` is "an upper limit on the number of your service's tasks
that are allowed in the RUNNING or PENDING state during a deployment, as a percentage of the desiredCount
(rounded down to the nearest integer)"; ``minimumHealthyPercent`` "a lower limit on the number of your
service's tasks that must remain in the RUNNING state during a deployment, as a percentage of the
desiredCount (rounded up to the nearest integer)". ``ROUNDING`` holds those sentences; a test checks that
botocore still says them.

The scheduler's moves, each within both bounds: stop old tasks while the healthy tasks left stay at or
above the lower limit, and start new ones while there is room under the upper limit. New tasks are taken
as healthy from the next move on (the best case: a deployment that cannot move then cannot move at all). It does not
use the program's arithmetic: it rounds with ``Fraction`` and ``math``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

ROUNDING = {
    "maximumPercent": "as a percentage of the desiredCount (rounded down to the nearest integer)",
    "minimumHealthyPercent": "as a percentage of the desiredCount (rounded up to the nearest integer)",
}


@dataclass(frozen=True)
class Rollout:
    completed: bool
    steps: int
    """Scheduler moves made (each starts or stops at least one task)."""
    peak: int
    """Most tasks RUNNING or PENDING at once."""
    waves: int
    """Moves that start new tasks: each waits for the batch before it to be healthy."""


def rolling_deploy(desired_count: int, *, min_healthy_percent: int, max_percent: int) -> Rollout:
    """Replace ``desired_count`` old tasks with new ones; stuck when no move is allowed."""
    upper = math.floor(Fraction(desired_count * max_percent, 100))
    lower = math.ceil(Fraction(desired_count * min_healthy_percent, 100))
    old, new, steps, peak, waves = desired_count, 0, 0, desired_count, 0
    while old or new < desired_count:
        # New tasks count as healthy from the move after the one that started them.
        stop = max(0, min(old, old + new - lower))
        start = max(0, min(desired_count - new, upper - (old - stop) - new))
        if not start and not stop:
            return Rollout(False, steps, peak, waves)
        old, new, steps, waves = old - stop, new + start, steps + 1, waves + (start > 0)
        peak = max(peak, old + new)
    return Rollout(True, steps, peak, waves)
