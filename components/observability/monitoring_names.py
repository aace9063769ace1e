"""The auto-named children of the monitoring components, by resource type: what a ``TaskCounter``'s and a
``FargateService``'s ``check_name`` hold to AWS's name rules (``autonames``) before anything is registered.
Component tests hold each list to what the component registers."""

from __future__ import annotations

from ..autonames import ALARM, ROLE, ROLE_POLICY, RULE, TARGET
from .alarm_rules import MONITORING_ALARMS


def counter_children(name: str) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child of a ``TaskCounter`` called ``name``."""
    return [
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs"),
        (ROLE, f"{name}-role"),
        (ROLE_POLICY, f"{name}-policy"),
        ("aws:lambda/function:Function", f"{name}-function"),
        (RULE, f"{name}-schedule"),
        ("aws:lambda/permission:Permission", f"{name}-invoke"),
        (TARGET, f"{name}-target"),
    ]


def monitoring_children(name: str) -> list[tuple[str, str]]:
    """(resource type, name) of each auto-named child of a ``ServiceMonitoring`` called ``name``: its alarms,
    the Spot interruption rule, targets and metric filter, and its task counter's."""
    return [
        *((ALARM, f"{name}-{alarm}") for alarm in MONITORING_ALARMS),
        (RULE, f"{name}-spot-rule"),
        (TARGET, f"{name}-spot-to-logs"),
        (TARGET, f"{name}-spot-to-topic"),
        ("aws:cloudwatch/logMetricFilter:LogMetricFilter", f"{name}-spot-count"),
        *counter_children(f"{name}-task-count"),
    ]
