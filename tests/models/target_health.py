"""A model of one new target's health in an ALB target group, second by second, and the one-minute
``UnHealthyHostCount`` it publishes.

The target group checks the target every ``interval`` seconds from its registration; a check passes once
the app answers (``ready_at``). A new target is ``initial`` until the checks decide: ``healthy`` after
``healthy_threshold`` consecutive passes, ``unhealthy`` after ``unhealthy_threshold`` consecutive failures,
and from then on each state changes after that many checks the other way (botocore ``elbv2``
``CreateTargetGroup`` ``HealthyThresholdCount``/``UnhealthyThresholdCount``: "The number of consecutive
health check successes/failures required before considering a target healthy/unhealthy"; ``TargetHealth``
``Reason``: ``Elb.InitialHealthChecking``, "still sending the target the minimum number of health checks
required to determine its health status"). ``initial`` is not unhealthy: ``UnHealthyHostCount`` counts the
targets "that are considered unhealthy" (ELB guide, "CloudWatch metrics for your Application Load
Balancer"). A minute's ``Maximum`` is 1 if the target was unhealthy at any second of it.

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


def unhealthy_host_count(states: list[str]) -> list[float | None]:
    """``UnHealthyHostCount`` Maximum for each whole minute of ``states``."""
    return [1.0 if "unhealthy" in states[start : start + 60] else 0.0 for start in range(0, len(states) - 59, 60)]
