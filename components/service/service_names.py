"""The auto-named children a ``FargateService`` called ``name`` registers, by resource type: what its
``check_name`` holds to AWS's name rules (``autonames``) before anything is registered. A component test
holds this list to what the service registers in each shape (worker, routed, shifting, monitored)."""

from __future__ import annotations

from ..autonames import ALARM, ROLE, ROLE_POLICY, check_autonames
from ..edge.alb_rules import autonamed_elb_names
from ..naming import security_group_names
from ..observability.alarm_rules import Alarms, alarm_definitions
from ..observability.monitoring_names import monitoring_children
from .scaling_quotas import MAX_SCHEDULES

TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
#: The alarms of the target groups and of the load balancer (the route's) and of the service (``ServiceAlarms``).
_ALARM_ROLES = {
    where: [d.role for d in alarm_definitions(Alarms()) if d.watches == where]
    for where in ("target", "load_balancer", "service")
}


def task_children(name: str) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child of a ``FargateTask`` called ``name``: its log group, its
    two roles and their policies."""
    return [
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"),
        (ROLE, f"{name}-exec-role"),
        (ROLE, f"{name}-task-role"),
        (ROLE_POLICY, f"{name}-exec-policy"),
        (ROLE_POLICY, f"{name}-exec-command"),
    ]


def cluster_children(name: str) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child of a ``Cluster`` called ``name``: the cluster and its
    ECS Exec session log group."""
    return [("aws:ecs/cluster:Cluster", f"{name}-cluster"), ("aws:cloudwatch/logGroup:LogGroup", f"{name}-exec-logs")]


def service_children(name: str, *, routed: bool, shifting: bool, monitored: bool) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child: the task's, the security group, the service, its
    alarm topic and scaling (their names do not depend on whether they are on: a longer name there never
    binds first); the route's target groups and alarms when ``routed``, and its deployment role and second
    target group when ``shifting`` too; the alarms and monitoring (with its task counter) when ``monitored``."""
    children = [
        *task_children(name),
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
        children += [(TARGET_GROUP, f"{name}-tg"), *([(TARGET_GROUP, f"{name}-tg-alt")] if shifting else [])]
        for prefix in (f"{name}-alarms", f"{name}-alarms-alt"):
            children += [(ALARM, f"{prefix}-{role}") for role in _ALARM_ROLES["target"]]
        children += [(ALARM, f"{name}-alarms-{role}") for role in _ALARM_ROLES["load_balancer"]]
    if routed and shifting:
        children += [(ROLE, f"{name}-deploy-role"), (ROLE_POLICY, f"{name}-deploy-policy")]
    if monitored:
        children += [(ALARM, f"{name}-alarms-{role}") for role in _ALARM_ROLES["service"]]
        children += monitoring_children(f"{name}-monitoring")
    return children


def check_children(
    name: str, key: str = "name", value: str = "", *, routed: bool = True, shifting: bool = False,
    monitored: bool = False,
) -> None:  # fmt: skip
    """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when a child a ``FargateService``
    called ``name`` registers would get a name AWS or the provider refuses: its route's target groups first
    (``autonamed_elb_names``), every auto-named child of ``service_children`` (``check_autonames``), and its
    security group's, which must not start with ``sg-``."""
    children = service_children(name, routed=routed, shifting=shifting, monitored=monitored)
    # ELB's rule first, in the words the docs quote.
    if target_groups := [child for type_token, child in children if type_token == TARGET_GROUP]:
        autonamed_elb_names(key, value or name, target_groups)
    check_autonames(key, value or name, children)
    security_group_names(key, value or name, [f"{name}-sg"])
