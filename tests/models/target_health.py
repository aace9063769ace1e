"""A model of new targets' health in an ALB target group, second by second, and the one-minute
``UnHealthyHostCount`` the group publishes.

The target group checks the target every ``interval`` seconds from its registration; a check passes once
the app answers (``ready_at``). A new target is ``initial`` until the checks decide: ``healthy`` after
``healthy_threshold`` consecutive passes, ``unhealthy`` after ``unhealthy_threshold`` consecutive failures,
and from then on each state changes after that many checks the other way (botocore ``elbv2``
``CreateTargetGroup`` ``HealthyThresholdCount``/``UnhealthyThresholdCount``: "The number of consecutive
health check successes/failures required before considering a target healthy/unhealthy"; ``TargetHealth``
``Reason``: ``Elb.InitialHealthChecking``, "still sending the target the minimum number of health checks
required to determine its health status"). ``initial`` is not unhealthy: ``UnHealthyHostCount`` counts the
targets "that are considered unhealthy" (ELB guide, "CloudWatch metrics for your Application Load
Balancer"), and it is the group's count (its finest dimensions are LoadBalancer, TargetGroup and
AvailabilityZone: no target's own), so a minute's ``Maximum`` is the most targets unhealthy at one second
of it: above 0 if any target was unhealthy at any second. A deployment's tasks each start, register and
answer at their own time (``deployment_targets``), and their stretches add up in that one count.

Not modelled: the health-check timeout (a refused connection fails at once, the earliest a failure counts),
and ECS, which ignores the target's health during the grace period and may replace the task after it.
"""

from __future__ import annotations


def target_states(
    *, registered_at: int, ready_at: int, interval: int, healthy_threshold: int, unhealthy_threshold: int, until: int
) -> list[str]:
    """The target's state at each second from 0 to ``until`` (``unused`` before its registration)."""
    states, state, passes, failures = [], "unused", 0, 0
    for second in range(until):
        if second == registered_at:
            state = "initial"
        if second >= registered_at and (second - registered_at) % interval == 0:
            if second >= ready_at:
                passes, failures = passes + 1, 0
                state = "healthy" if passes >= healthy_threshold else state
            else:
                passes, failures = 0, failures + 1
                state = "unhealthy" if failures >= unhealthy_threshold else state
        states.append(state)
    return states


def deployment_targets(
    tasks: list[tuple[int, int]], *, interval: int, healthy_threshold: int, unhealthy_threshold: int, until: int
) -> list[list[str]]:
    """Each target's states (``target_states``) for ``tasks``, each (registered at, app answers at) in seconds."""
    return [target_states(registered_at=registered, ready_at=ready, interval=interval,
                          healthy_threshold=healthy_threshold, unhealthy_threshold=unhealthy_threshold, until=until)
            for registered, ready in tasks]  # fmt: skip


def unhealthy_host_count(*targets: list[str]) -> list[float | None]:
    """The group's ``UnHealthyHostCount`` Maximum for each whole minute of its ``targets``' states."""
    seconds = min(len(states) for states in targets)
    count = [sum(states[second] == "unhealthy" for states in targets) for second in range(seconds)]
    return [float(max(count[start : start + 60])) for start in range(0, seconds - 59, 60)]
