"""How long the unhealthy-target deployment alarm waits: longer than a deployment of an app that answers in
time can keep its target group's ``UnHealthyHostCount`` above 0.

The count is the target group's, not a target's (ELB guide, "CloudWatch metrics for your Application Load
Balancer": dimensions LoadBalancer and TargetGroup at the finest, beside AvailabilityZone), so it is above 0
in every minute in which *any* target is unhealthy. A deployment registers several tasks, each starting
when Fargate has it running, so their unhealthy stretches join into one run of breaching minutes: the
alarm is sized for the span of the whole deployment's starts (``start_spread_seconds``), not for one
target. No pulumi import.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..service.app_contract import (
    TARGET_HEALTH_INTERVAL_SECONDS,
    TARGET_HEALTHY_THRESHOLD,
    TARGET_UNHEALTHY_THRESHOLD,
)
from ..service.rolling_batches import deployment_waves
from ..validation import largest_fitting

if TYPE_CHECKING:
    from ..service.service_spec import ServiceSpec

#: Minutes running with an unhealthy target before the unhealthy-target alarm, past a lone failed check,
#: for a service with no health-check grace period and one task (``unhealthy_minutes``).
UNHEALTHY_MINUTES = 2
#: botocore ``cloudwatch`` ``PutMetricAlarm`` ``Period``: "For alarms with a period of less than one hour (3,600
#: seconds), the total evaluation period can't be longer than one day (86,400 seconds)": one-minute periods.
MAX_MINUTE_PERIODS = 86_400 // 60
#: The field the grace period is set by.
GRACE = "RouteSpec.health_check_grace_period_seconds"
#: How far apart the tasks of one deployment wave start: every one is healthy within ten minutes of the wave
#: (Fargate start, image pull, grace and checks: ``deploy_time.batch_minutes`` at the default 60 s grace; a
#: project estimate, not an AWS figure), so each started within it. A task slower than that can trip the alarm.
WAVE_SECONDS = 10 * 60


def unhealthy_seconds(grace_period_seconds: int) -> int:
    """The longest a new target stays ``unhealthy`` when its app answers within the grace period: failing
    from its first check, it is unhealthy after ``UnhealthyThresholdCount`` failures ((threshold - 1) x
    interval after registration, at the earliest), and healthy again ``HealthyThresholdCount`` passes after
    the app answers (at most threshold x interval later: botocore ``elbv2`` ``CreateTargetGroup``, "The
    number of consecutive health check successes/failures required before considering a target
    healthy/unhealthy"). The grace period counts from the task's start, which is before its registration."""
    interval = TARGET_HEALTH_INTERVAL_SECONDS
    healthy_by = grace_period_seconds + TARGET_HEALTHY_THRESHOLD * interval
    return max(0, healthy_by - (TARGET_UNHEALTHY_THRESHOLD - 1) * interval)


def waves_spread_seconds(waves: int, deregistration_delay_seconds: int) -> int:
    """How far apart a deployment in ``waves`` (``rolling_batches.rolling_waves``; 1 for a shifting one, which
    starts its full count at once, ECS lifecycle stage ``SCALE_UP``) may start its new tasks: ``WAVE_SECONDS``
    a wave, and between waves the old tasks' deregistration delay, which ECS waits before it stops one to make
    room. A wave's tasks start once the previous one's are healthy, so their stretches can adjoin. A service
    at no tasks is taken as one wave: it starts its first tasks all at once."""
    waves = max(1, waves)
    return waves * WAVE_SECONDS + (waves - 1) * deregistration_delay_seconds


def start_spread_seconds(service: ServiceSpec) -> int:
    """``waves_spread_seconds`` of a deployment of ``service``, at the most waves it may take at any count it may
    start from (``rolling_batches.deployment_waves``); 0 without a route (no target, no alarm)."""
    route = service.route
    if route is None:
        return 0
    return waves_spread_seconds(deployment_waves(service), route.deregistration_delay_seconds)


def unhealthy_minutes(grace_period_seconds: int, spread_seconds: int = 0) -> int:
    """Evaluation periods of the unhealthy-target alarm (one-minute Maximum above 0 in each): more than the
    minutes a deployment of an app answering within the health-check grace period can keep a target of the
    group unhealthy. ECS ignores failing target health during the grace period (botocore ``ecs``
    ``CreateService`` ``healthCheckGracePeriodSeconds``) but the target group does not. Tasks started at
    most ``spread_seconds`` apart are unhealthy only within ``unhealthy_seconds`` + ``spread_seconds`` of the
    first one's earliest failure, and a stretch of s seconds touches at most ceil(s / 60) + 1 minutes."""
    seconds = unhealthy_seconds(grace_period_seconds) + spread_seconds
    return UNHEALTHY_MINUTES if not seconds else max(UNHEALTHY_MINUTES, math.ceil(seconds / 60) + 2)


def check_grace_period(service: ServiceSpec, *, alarms: bool) -> None:
    """With alarms, a grace period and a deployment the unhealthy-target alarm can wait out within
    CloudWatch's evaluation limit."""
    route = service.route
    if not alarms or route is None:
        return
    grace, spread = route.health_check_grace_period_seconds, start_spread_seconds(service)
    if unhealthy_minutes(grace, spread) <= MAX_MINUTE_PERIODS:
        return
    limit = (f"CloudWatch evaluates an alarm of one-minute periods over at most a day ({MAX_MINUTE_PERIODS} "
             "periods, botocore cloudwatch PutMetricAlarm Period)")  # fmt: skip
    if unhealthy_minutes(0, spread) > MAX_MINUTE_PERIODS:
        raise ConfigError("ServiceSpec.max_percent", service.max_percent, f"a rolling deployment in fewer waves "
            f"with alarms (a larger ServiceSpec.max_percent, or a smaller ServiceSpec.min_healthy_percent): its "
            f"tasks may start up to {spread} s apart, which the unhealthy-target deployment alarm waits out, and "
            f"{limit}")  # fmt: skip
    # 0 fits: a spread that alone outlasts the day is refused above.
    most = largest_fitting(grace, lambda g: unhealthy_minutes(g, spread) <= MAX_MINUTE_PERIODS)
    raise ConfigError(GRACE, grace, f"at most {most} with alarms: the unhealthy-target deployment alarm waits "
        f"out the grace period and the {spread} s over which a deployment's tasks may start, and {limit}")  # fmt: skip
