"""How far a rolling deployment may move at a task count, and the rule that it always can.

ECS turns the service's percentages into task counts with opposite rounding (botocore ``ecs``
``service-2.json``, ``DeploymentConfiguration``): ``maximumPercent`` is "an upper limit on the number of
your service's tasks that are allowed in the RUNNING or PENDING state during a deployment, as a percentage
of the desiredCount (rounded down to the nearest integer)", and ``minimumHealthyPercent`` "a lower limit on
the number of your service's tasks that must remain in the RUNNING state during a deployment, as a
percentage of the desiredCount (rounded up to the nearest integer)". At ``d`` tasks a rolling deployment
moves only if it may start a task beside the ``d`` running ones (the ceiling above ``d``) or stop one of
them (the floor below ``d``); otherwise it never starts (aws/containers-roadmap#333: one task at 50 %
needs ``maximumPercent`` 200), e.g. one task with 100/150 (``floor(1.5) = 1``, ``ceil(1.0) = 1``). No pulumi
import.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import ConfigError

if TYPE_CHECKING:
    from .autoscaling_rules import Autoscaling
    from .service_spec import ServiceSpec


def most_tasks(desired_count: int, max_percent: int) -> int:
    """Tasks RUNNING or PENDING a deployment may have at ``desired_count``: ``maximumPercent``, rounded down."""
    return desired_count * max_percent // 100


def fewest_tasks(desired_count: int, min_healthy_percent: int) -> int:
    """Tasks that must stay RUNNING at ``desired_count``: ``minimumHealthyPercent``, rounded up."""
    return -(-desired_count * min_healthy_percent // 100)


def rolling_waves(desired_count: int, *, min_healthy_percent: int, max_percent: int) -> int:
    """Batches of new tasks a rolling deployment of ``desired_count`` tasks starts, each once the one before
    is healthy: every move stops old tasks down to the lower limit and starts new ones up to the upper, so a
    batch is at most the difference. A stuck deployment (``progresses``) is refused by ``check_progress``."""
    if desired_count < 1:
        return 0
    batch = most_tasks(desired_count, max_percent) - fewest_tasks(desired_count, min_healthy_percent)
    return -(-desired_count // max(1, batch))


def most_waves(
    desired_count: int, autoscaling: Autoscaling | None, *, min_healthy_percent: int, max_percent: int
) -> int:
    """The most batches (``rolling_waves``) a rolling deployment starts from any count it may start at
    (``running_counts``)."""
    percents = {"min_healthy_percent": min_healthy_percent, "max_percent": max_percent}
    return max(rolling_waves(d, **percents) for d in running_counts(desired_count, autoscaling))


def deployment_waves(service: ServiceSpec) -> int:
    """Waves of task starts a deployment of ``service`` may take: 1 for a traffic-shifting one (the new
    revision scales up to the full count at once, lifecycle stage SCALE_UP), else ``most_waves``. The deploy
    wait (``deploy_time``) and the unhealthy-target alarm's spread (``unhealthy_window``) both count these."""
    route = service.route
    if route is not None and route.deployment.shifts_traffic:
        return 1
    return most_waves(service.desired_count, service.autoscaling, min_healthy_percent=service.min_healthy_percent,
                      max_percent=service.max_percent)  # fmt: skip


def progresses(desired_count: int, *, min_healthy_percent: int, max_percent: int) -> bool:
    """Whether a rolling deployment of ``desired_count`` tasks can take its first step: start a new task
    or stop an old one."""
    return (
        most_tasks(desired_count, max_percent) > desired_count
        or fewest_tasks(desired_count, min_healthy_percent) < desired_count
    )


def running_counts(desired_count: int, autoscaling: Autoscaling | None) -> set[int]:
    """The task counts a deployment may start at: ``desired_count``, and with autoscaling every count of its
    range and of each schedule's (which lie within it when valid)."""
    if autoscaling is None:
        return {desired_count}
    ranges = [(autoscaling.min_count, autoscaling.max_count)]
    ranges += [(schedule.min_count, schedule.max_count) for schedule in autoscaling.schedules]
    return {desired_count} | {d for low, high in ranges for d in range(low, high + 1)}


def reachable_counts(desired_count: int, autoscaling: Autoscaling | None) -> tuple[set[int], str]:
    """``running_counts``, and where they come from."""
    counts = running_counts(desired_count, autoscaling)
    if autoscaling is None:
        return counts, f"ServiceSpec.desired_count {desired_count}"
    counted = (f"ServiceSpec.desired_count {desired_count}, Autoscaling.min_count..Autoscaling.max_count "
               f"{autoscaling.min_count}..{autoscaling.max_count} and its schedules' ranges")  # fmt: skip
    return counts, counted


def check_progress(counts: Iterable[int], *, min_healthy_percent: int, max_percent: int, counted: str) -> None:
    """Refuse percentages with which a rolling deployment is stuck at one of ``counts``, the task counts the
    service may run (``counted`` says where they come from); a count of 0 has nothing to replace. The
    fewest tasks is the hardest case (the allowance grows with the count), so the advice is for it."""
    running = {d for d in counts if d >= 1}
    stuck = sorted(d for d in running if not progresses(
        d, min_healthy_percent=min_healthy_percent, max_percent=max_percent))  # fmt: skip
    if not stuck:
        return
    fewest = min(running)
    step = -(-100 // fewest)  # the least percentage of ``fewest`` that is one whole task
    raise ConfigError(
        "ServiceSpec.max_percent",
        max_percent,
        f"with ServiceSpec.min_healthy_percent {min_healthy_percent}, a value that lets a rolling deployment "
        f"start or stop a task at every count the service may run ({counted}); at {stuck[0]} task(s) it can do "
        f"neither: ECS rounds maximumPercent down (floor({stuck[0]} x {max_percent} / 100) = "
        f"{most_tasks(stuck[0], max_percent)}) and minimumHealthyPercent up (ceil({stuck[0]} x "
        f"{min_healthy_percent} / 100) = {fewest_tasks(stuck[0], min_healthy_percent)}) (botocore ecs "
        f"DeploymentConfiguration). Set ServiceSpec.max_percent to {100 + step} or more, or "
        f"ServiceSpec.min_healthy_percent to {100 - step}{' or less' if step < 100 else ''}",
    )
