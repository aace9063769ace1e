"""ECS services a production stack watches (``services-autoscale``, ``services-alarmed``): each has its
own scalable target and memory alarm, joined to it by cluster and service.

A service is one name in one cluster: ECS service names are unique per cluster only (ECS API Reference,
``CreateService``, ``serviceName``: "Service names must be unique within a cluster"), and a cluster is named
by its name or ARN (``cluster``: "The short name or full Amazon Resource Name (ARN) of the cluster ...
If you do not specify a cluster, the default cluster is assumed"). Application Auto Scaling names an ECS
service ``service/<cluster-name>/<service-name>`` (botocore ``application-autoscaling``
``RegisterScalableTargetRequest.ResourceId``), and ECS's CloudWatch metrics carry ``ClusterName`` and
``ServiceName`` (ECS Developer Guide, "Amazon ECS CloudWatch metrics", dimensions). In a preview, where
those are built from the cluster and service being created, the target or alarm is joined by the URNs its
input came from (``unknowns``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .ecs_services import rolls_back_on_alarms
    from .rule_types import Config, Props, StackRule
    from .unknowns import StackResource, Unknown, decided, known, read
else:
    from ecs_services import rolls_back_on_alarms
    from rule_types import Config, Props, StackRule
    from unknowns import StackResource, Unknown, decided, known, read

SERVICE = "aws:ecs/service:Service"
_CLUSTER = "aws:ecs/cluster:Cluster"


class _Watchers:
    """What names the services some targets or alarms watch: ``(cluster, service)`` pairs where known, the
    URNs their input came from where a preview does not know it, ``undecided`` where it came from none."""

    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()
        self.urns: set[str] = set()
        self.undecided: list[Unknown] = []
        self._unknown: list[tuple[frozenset[str], Unknown]] = []

    def add(self, resource: StackResource, key: str, named: tuple[str, str] | Unknown | None) -> None:
        if isinstance(named, Unknown):
            self.urns |= set(resource.depends.get(key, ()))
            self._unknown.append((frozenset(resource.depends.get(key, ())), named))
        elif named:
            self.pairs.add(named)

    def watch(self, service: StackResource, clusters: dict[str, str]) -> bool:
        return service.urn in self.urns or _service_pair(service, clusters) in self.pairs

    def settle(self, unwatched: bool) -> bool:
        """Whether a service no watcher names is a finding: not while a watcher's input, unknown in a
        preview, came from no service (from the cluster alone, say: ``service/`` + the cluster's name +
        ``/web``): it may name this one. Those wait for ``up``."""
        floating = [unknown for urns, unknown in self._unknown if not any(map(_is_service, urns))]
        self.undecided += [u for u in floating if u not in self.undecided] if unwatched else []
        return unwatched and not floating


def _is_service(urn: str) -> bool:
    """Whether ``urn`` is an ECS service's (``urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME``)."""
    parts = urn.split("::")
    return len(parts) > 2 and parts[-2].rsplit("$", 1)[-1] == SERVICE


def _cluster_name(reference: str) -> str:
    """A cluster's name from its name or ARN (``arn:...:cluster/NAME``)."""
    return reference.rsplit("/", 1)[-1] if reference.startswith("arn:") else reference


def _service_pair(service: StackResource, clusters: dict[str, str]) -> tuple[str, str] | None:
    """The service's cluster and name; its cluster by the URN its input came from where a preview does not
    know it, ``default`` where it names none (as ECS does)."""
    name, cluster = known(service.props, "name"), read(service.props, "cluster")
    if isinstance(cluster, Unknown):
        cluster = next((clusters[u] for u in service.depends.get("cluster", ()) if u in clusters), None)
    return (_cluster_name(str(cluster or "default")), str(name)) if name else None


def _clusters(resources: Sequence[StackResource]) -> dict[str, str]:
    """Each cluster of the stack by URN, with its name where known."""
    return {r.urn: str(known(r.props, "name")) for r in resources if r.type == _CLUSTER and known(r.props, "name")}


def _scalable_target(props: Props) -> tuple[str, str] | Unknown | None:
    """The cluster and service a scalable target names, from ``service/<cluster>/<service>``."""
    resource_id = read(props, "resourceId")
    if isinstance(resource_id, Unknown):
        return resource_id
    parts = str(resource_id or "").split("/")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "service" else None


def _gathered(
    resources: Sequence[StackResource],
    kind: tuple[str, str, str],
    key: str,
    names: Callable[[Props], tuple[str, str] | Unknown | None],
) -> _Watchers:
    """The watchers of ``kind`` (a type whose ``field`` is ``value``) and the services their ``key`` names."""
    type_token, field, value = kind
    watchers = _Watchers()
    for resource in resources:
        if resource.type == type_token and known(resource.props, field) == value:
            watchers.add(resource, key, names(resource.props))
    return watchers


def _services_autoscale(resources: Sequence[StackResource], config: Config) -> list[str]:
    """Where the stack requires it, every ECS service has a scalable target on its desired count."""
    if not config.get("required", False):
        return []
    target = ("aws:appautoscaling/target:Target", "scalableDimension", "ecs:service:DesiredCount")
    scaled = _gathered(resources, target, "resourceId", _scalable_target)
    clusters = _clusters(resources)
    found = [
        f"ECS service {s.props.get('name')!r} does not autoscale; set autoscaling with minCount and maxCount."
        for s in resources
        if s.type == SERVICE and scaled.settle(not scaled.watch(s, clusters))
    ]
    return decided(found, scaled.undecided)


def _memory_alarm(props: Props) -> tuple[str, str] | Unknown | None:
    """The cluster and service a memory alarm's dimensions name; a metric with no ``ClusterName`` is none
    ECS publishes."""
    dimensions = read(props, "dimensions")
    if isinstance(dimensions, Unknown):
        return dimensions
    cluster, service = (read(dimensions or {}, key) for key in ("ClusterName", "ServiceName"))
    unknown = next((v for v in (cluster, service) if isinstance(v, Unknown)), None)
    return unknown or ((str(cluster), str(service)) if cluster and service else None)


def _services_alarmed(resources: Sequence[StackResource], config: Config) -> list[str]:
    """Where the stack requires it, every service rolls back a deployment on alarms, and its memory is
    watched (the guide's ask)."""
    if not config.get("required", False):
        return []
    alarm = ("aws:cloudwatch/metricAlarm:MetricAlarm", "metricName", "MemoryUtilization")
    watched = _gathered(resources, alarm, "dimensions", _memory_alarm)
    clusters = _clusters(resources)
    found: list[str] = []
    for service in (r for r in resources if r.type == SERVICE):
        name = service.props.get("name")
        if not rolls_back_on_alarms(service.props):
            found.append(f"ECS service {name!r} has no deployment alarms with rollback; set alarms.")
        if watched.settle(not watched.watch(service, clusters)):
            found.append(f"ECS service {name!r} has no memory alarm; set alarms.")
    return decided(found, watched.undecided)


AUTOSCALE = StackRule(
    "services-autoscale",
    "ECS services scale between a minimum and a maximum (where the stack requires it).",
    _services_autoscale,
    {"required": {"type": "boolean", "default": False}},
)

ALARMED = StackRule(
    "services-alarmed",
    "ECS services roll back deployments on alarms and have a memory alarm (where the stack requires it).",
    _services_alarmed,
    {"required": {"type": "boolean", "default": False}},
)
