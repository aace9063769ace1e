"""A task definition's containers as ECS stores them, and as the AWS provider compares them with what a
program sends: a perpetual diff is a sent form whose ``reduce`` differs from its registered form's.

``containerDefinitions`` forces a new task definition (``ForceNew``), so when the two differ every
``pulumi up`` registers one and rolls the service. The provider reads the stored form back
(DescribeTaskDefinition) and holds it equal to the sent one when ``reduce`` makes them so
(terraform-provider-aws ``internal/service/ecs/container_definitions.go``,
``containerDefinitionsAreEquivalent``). Both here work on the JSON form, camelCase keys as sent.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

#: ECS's defaults for a health check's unset fields (botocore ecs ``HealthCheck``: "The default value is 30
#: seconds", timeout "The default value is 5", retries "The default value is 3"); ``reduce`` fills the same.
HEALTH_CHECK_DEFAULTS: Mapping[str, int] = {"interval": 30, "timeout": 5, "retries": 3}
#: Lists ECS returns empty when none were sent (pulumi/pulumi#4550: the state holds ``mountPoints=[]``,
#: ``volumesFrom=[]``); ``environment`` too once it dropped every entry.
RETURNED_EMPTY = ("environment", "mountPoints", "volumesFrom")
#: The object lists ``compactArrays`` drops zero elements from, with each element's fields that are Go
#: values rather than pointers (enums: their zero is ""); every other field is a pointer, zero only when
#: absent (aws-sdk-go-v2 ``service/ecs/types``). An element is zero when every field is.
COMPACTED: Mapping[str, tuple[str, ...]] = {
    "dependsOn": ("condition",),
    "environment": (),
    "environmentFiles": ("type",),
    "extraHosts": (),
    "mountPoints": (),
    "portMappings": ("protocol", "appProtocol"),
    "resourceRequirements": ("type",),
    "secrets": (),
    "systemControls": (),
    "volumesFrom": (),
}
#: The lists ``reduce`` sets to nil when empty (``ulimits`` holds int fields this model does not decode, so
#: it is only emptied, never compacted here; the program sends none).
EMPTIED = (*COMPACTED, "command", "credentialSpecs", "dnsSearchDomains", "dnsServers", "dockerSecurityOptions",
           "entryPoint", "links", "ulimits")  # fmt: skip


def registered_form(definitions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The containers as ECS stores ``definitions``: an environment entry with an empty value dropped
    (hashicorp/terraform-provider-aws#39533, pulumi/pulumi-aws#4576: "AWS seems to filter out those environment
    variables when creating the Task Definition", reported, not documented; an entry without a value is dropped
    too, aws-actions/amazon-ecs-deploy-task-definition#224), a health check's unset fields at ECS's defaults,
    empty lists returned."""
    stored = copy.deepcopy([dict(d) for d in definitions])
    for container in stored:
        container["environment"] = [e for e in container.get("environment", []) if e.get("value") not in ("", None)]
        for name in RETURNED_EMPTY:
            container.setdefault(name, [])
        if "healthCheck" in container:
            container["healthCheck"] = {**HEALTH_CHECK_DEFAULTS, **container["healthCheck"]}
    return stored


def _by_name(item: Mapping[str, Any]) -> str:
    return item.get("name") or ""


def _zero(element: Mapping[str, Any], values: tuple[str, ...]) -> bool:
    return all(value is None or (field in values and value == "") for field, value in element.items())


def _ports(mappings: list[dict[str, Any]], awsvpc: bool) -> list[dict[str, Any]]:
    reduced = []
    for mapping in mappings:
        port = {k: v for k, v in mapping.items() if not (k == "protocol" and v == "tcp")}
        if not port.get("hostPort"):
            port.pop("hostPort", None)
        if awsvpc and "hostPort" not in port and port.get("containerPort") is not None:
            port["hostPort"] = port["containerPort"]
        reduced.append(port)
    return reduced


def _reduce_one(container: Mapping[str, Any], awsvpc: bool) -> dict[str, Any]:
    reduced = {k: copy.deepcopy(v) for k, v in container.items() if v is not None}
    for field in ("environment", "secrets"):
        if field in reduced:
            reduced[field] = sorted(reduced[field], key=_by_name)
    for field, values in COMPACTED.items():
        if field in reduced:
            reduced[field] = [e for e in reduced[field] if not _zero(e, values)]
    reduced.setdefault("essential", True)
    if "healthCheck" in reduced:
        reduced["healthCheck"] = {**HEALTH_CHECK_DEFAULTS, **reduced["healthCheck"]}
    if "portMappings" in reduced:
        reduced["portMappings"] = _ports(reduced["portMappings"], awsvpc)
    return {k: v for k, v in reduced.items() if not (k in EMPTIED and v == [])}


def reduce(definitions: Sequence[Mapping[str, Any]], *, awsvpc: bool = True) -> list[dict[str, Any]]:
    """The provider's ``containerDefinitions.reduce``: containers, their environment and secrets sorted by
    name; zero elements of the object lists dropped (``compactArrays``: a ``{name, value: ""}`` is not zero,
    its value a pointer to ""); ``essential`` true when unset; a health check's unset interval, retries and
    timeout at 30, 3 and 5; a port's tcp protocol and 0 host port unset, then under ``awsvpc`` the host port
    the container port; empty lists unset."""
    return [_reduce_one(container, awsvpc) for container in sorted(definitions, key=_by_name)]


def perpetual_diff(sent: Sequence[Mapping[str, Any]], *, awsvpc: bool = True) -> bool:
    """Whether every ``pulumi up`` would see ``sent`` differ from what ECS stored of it, and replace it."""
    return reduce(sent, awsvpc=awsvpc) != reduce(registered_form(sent), awsvpc=awsvpc)
