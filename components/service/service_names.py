"""The auto-named children a ``FargateService`` called ``name`` registers, by resource type: what its
``check_name`` holds to AWS's name rules (``autonames``) before anything is registered. A component test
holds this list to what the service registers in each shape (worker, routed, shifting, monitored)."""

from __future__ import annotations

from ..autonames import check_autonames
from ..edge.alb_rules import autonamed_elb_names
from ..naming import security_group_names
from ..observability.alarm_rules import MONITORING_ALARMS, Alarms, alarm_definitions
from .scaling_quotas import MAX_SCHEDULES

ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
ALARM, RULE, TARGET = (
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
)
#: The alarms of the target groups (the route's) and of the service (``ServiceAlarms``).
_ALARM_ROLES = {
    where: [d.role for d in alarm_definitions(Alarms()) if d.watches == where] for where in ("target", "service")
}


def service_children(name: str, *, routed: bool, shifting: bool, monitored: bool) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child: the task's, the security group, the service, its
    alarm topic and scaling (their names do not depend on whether they are on: a longer name there never
    binds first); the route's alarms and deployment role when ``routed`` and ``shifting``; the alarms and
    monitoring (with its task counter) when ``monitored``. The target groups are ``ServiceRoute``'s to check."""
    children = [
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"),
        (ROLE, f"{name}-exec-role"),
        (ROLE, f"{name}-task-role"),
        (ROLE_POLICY, f"{name}-exec-policy"),
        (ROLE_POLICY, f"{name}-exec-command"),
        ("aws:ec2/securityGroup:SecurityGroup", f"{name}-sg"),
        ("aws:ecs/service:Service", f"{name}-svc"),
        ("aws:sns/topic:Topic", f"{name}-alarms-topic"),
        *(("aws:appautoscaling/policy:Policy", f"{name}-scaling-{role}") for role in ("cpu", "memory", "requests")),
        *(
            ("aws:appautoscaling/scheduledAction:ScheduledAction", f"{name}-scaling-schedule-{index}")
            for index in range(MAX_SCHEDULES)
        ),
    ]
    if routed:
        for prefix in (f"{name}-alarms", f"{name}-alarms-alt"):
            children += [(ALARM, f"{prefix}-{role}") for role in _ALARM_ROLES["target"]]
    if routed and shifting:
        children += [(ROLE, f"{name}-deploy-role"), (ROLE_POLICY, f"{name}-deploy-policy")]
    if monitored:
        monitoring, counter = f"{name}-monitoring", f"{name}-monitoring-task-count"
        children += [(ALARM, f"{name}-alarms-{role}") for role in _ALARM_ROLES["service"]]
        children += [(ALARM, f"{monitoring}-{alarm}") for alarm in MONITORING_ALARMS]
        children += [
            (RULE, f"{monitoring}-spot-rule"),
            (TARGET, f"{monitoring}-spot-to-logs"),
            (TARGET, f"{monitoring}-spot-to-topic"),
            ("aws:cloudwatch/logMetricFilter:LogMetricFilter", f"{monitoring}-spot-count"),
            ("aws:cloudwatch/logGroup:LogGroup", f"{counter}-logs"),
            (ROLE, f"{counter}-role"),
            (ROLE_POLICY, f"{counter}-policy"),
            ("aws:lambda/function:Function", f"{counter}-function"),
            (RULE, f"{counter}-schedule"),
            ("aws:lambda/permission:Permission", f"{counter}-invoke"),
            (TARGET, f"{counter}-target"),
        ]
    return children


def check_children(
    name: str, key: str = "name", value: str = "", *, routed: bool = True, shifting: bool = False,
    monitored: bool = False,
) -> None:  # fmt: skip
    """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when a child a ``FargateService``
    called ``name`` registers would get a name AWS or the provider refuses: its route's target groups (both
    when ``shifting``: ``autonamed_elb_names``), every other auto-named child of ``service_children``
    (``check_autonames``), and its security group's, which must not start with ``sg-``."""
    if routed:
        autonamed_elb_names(key, value or name, [f"{name}-tg", *([f"{name}-tg-alt"] if shifting else [])])
    children = service_children(name, routed=routed, shifting=shifting, monitored=monitored)
    check_autonames(key, value or name, children)
    security_group_names(key, value or name, [f"{name}-sg"])
