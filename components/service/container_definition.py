"""The app's ECS container definition, as a pure function of the service spec.

Everything the container is told and how ECS runs it, in one place a reader (and a unit test) can see
without mocks: the image, a non-root user, a read-only root (and its writable paths), the port, the environment
(``ServiceSpec.container_environment``), the health check, the stop timeout, an init process and
the log driver.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..image.build_tag import TAG_HEX, TAG_PREFIX
from ..validation import PARTITION_DNS_SUFFIXES
from .app_contract import DEFAULT_IDLE_TIMEOUT
from .secrets import ACCOUNT_STAND_IN, AUTONAMED_STAND_IN, stored_parameter_arn
from .service_spec import APP_CONTAINER, HealthCheck, ServiceSpec
from .sidecar import RUN_AS, log_configuration
from .writable_paths import mount_points, task_volumes

CONTAINER_NAME = APP_CONTAINER


def health_check_command(timeout_seconds: int) -> list[str]:
    """The container health check: node (bookworm-slim has no curl) requests ``HEALTH_CHECK_PATH`` on ``PORT``.

    Both come from the container's environment, never pasted into the script, so no path can change
    the code that runs; the request gives up a second before ECS's own timeout.
    """
    script = (
        "const r=require('http').get({host:'127.0.0.1',port:Number(process.env.PORT),"
        f"path:process.env.HEALTH_CHECK_PATH,timeout:{max(timeout_seconds - 1, 1) * 1000}}},"
        "s=>{s.resume();process.exit(s.statusCode===200?0:1)});"
        "r.on('timeout',()=>{r.destroy();process.exit(1)});r.on('error',()=>process.exit(1))"
    )
    return ["CMD", "node", "-e", script]


def _port_mapping(port: int) -> dict[str, Any]:
    return {"containerPort": port, "hostPort": port, "protocol": "tcp", "name": "http", "appProtocol": "http"}


def _health_check(hc: HealthCheck) -> dict[str, Any]:
    return {
        "command": health_check_command(hc.timeout_seconds),
        "interval": hc.interval_seconds,
        "timeout": hc.timeout_seconds,
        "retries": hc.retries,
        "startPeriod": hc.start_period_seconds,
    }


def container_definition(
    spec: ServiceSpec,
    *,
    image: str,
    log_group: str,
    region: str,
    secrets: Mapping[str, str] | None = None,
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT,
) -> dict[str, Any]:
    """The app's container: ``image`` (digest-pinned), logging to ``log_group`` in ``region``, with
    ``secrets`` (name -> SSM parameter or Secrets Manager ``valueFrom``) resolved by ECS at start, told
    the load balancer's idle timeout and the target group's draining when the spec has a route."""
    hc = spec.health_check
    environment = spec.container_environment(idle_timeout_seconds)
    # Without a health check and without a route nothing requests the app: no port (CDK's queue worker).
    served = hc is not None or spec.route is not None
    definition: dict[str, Any] = {
        "name": CONTAINER_NAME,
        "image": image,
        "essential": True,
        "user": RUN_AS,
        # ECS Exec's agent writes into the container, so a read-only root only without it; Exec reaches the app
        # only, sidecars keep theirs (docs/decisions.md, ECS Exec).
        "readonlyRootFilesystem": not spec.enable_execute_command,
        **({"portMappings": [_port_mapping(spec.container_port)]} if served else {}),
        "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
        **({"healthCheck": _health_check(hc)} if hc is not None else {}),
        # Spot sends SIGTERM two minutes before reclaiming; 120 s is Fargate's maximum.
        "stopTimeout": spec.stop_timeout_seconds,
        # An init process as PID 1 forwards SIGTERM and reaps zombies.
        "linuxParameters": {"initProcessEnabled": True},
        "logConfiguration": log_configuration(log_group=log_group, region=region, stream_prefix=CONTAINER_NAME),
    }
    if secrets:
        definition["secrets"] = [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())]
    if spec.writable_paths:
        definition["mountPoints"] = mount_points(spec.writable_paths)
    if spec.app_depends_on:
        definition["dependsOn"] = [{"containerName": c, "condition": k} for c, k in spec.app_depends_on]
    if spec.sidecars:
        # The app's hard limit is what its sidecars leave: the heap ceiling is tuned to it.
        definition["memory"] = spec.app_memory_mib
    if spec.app_cpu is not None:
        # Its CPU shares too, beside sidecars that reserve theirs (ServiceSpec.app_cpu says why).
        definition["cpu"] = spec.app_cpu
    return definition


def container_definitions(
    spec: ServiceSpec,
    *,
    image: str,
    log_group: str,
    region: str,
    secrets: Mapping[str, str] | None = None,
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT,
) -> list[dict[str, Any]]:
    """The task's containers: the app (``container_definition``) and its sidecars."""
    app = container_definition(
        spec, image=image, log_group=log_group, region=region, secrets=secrets,
        idle_timeout_seconds=idle_timeout_seconds,
    )  # fmt: skip
    return [app, *(sidecar.definition(log_group=log_group, region=region) for sidecar in spec.sidecars)]


#: Amazon ECS service quotas, "Task definition max size": 64 KiB, not adjustable. AWS does not say which
#: form it measures; its refusal counts bytes ("Actual length: ... Max allowed length is '65536' bytes").
TASK_DEFINITION_MAX_BYTES = 64 * 1024


def task_definition_size(
    spec: ServiceSpec,
    *,
    name: str,
    family: str,
    role_path: str,
    parameter_path: str,
    partition: str,
    region: str,
    secret_value_names: Iterable[str] = (),
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT,
    tags: Mapping[str, str] | None = None,
) -> int:
    """The UTF-8 bytes of the RegisterTaskDefinition request a task ``name`` sends (``FargateTask``), as
    compact JSON, its values known only at deploy time as long as AWS makes them: the image in
    ``<name>-repo`` by build tag and digest, the log group ``<name>-logs`` and the roles
    ``<role_path><name>-exec-role`` and ``-task-role`` (each auto-named), a parameter under
    ``parameter_path`` for each of ``secret_value_names``; with the provider's default ``tags``."""
    autonamed, account = AUTONAMED_STAND_IN, ACCOUNT_STAND_IN
    registry = f"{account}.dkr.ecr.{region}.{PARTITION_DNS_SUFFIXES.get(partition, 'amazonaws.com')}"
    image = f"{registry}/{name}-repo{autonamed}:{TAG_PREFIX}{'0' * TAG_HEX}@sha256:{'0' * 64}"
    stored = {
        value: stored_parameter_arn(partition=partition, region=region, parameter_path=parameter_path, name=value)
        for value in secret_value_names
    }
    secrets = {**spec.access.secrets, **stored}
    role = f"arn:{partition}:iam::{account}:role{role_path}{name}-{{}}-role{autonamed}".format
    request = {
        "family": family,
        "taskRoleArn": role("task"),
        "executionRoleArn": role("exec"),
        "networkMode": "awsvpc",
        "containerDefinitions": container_definitions(
            spec,
            image=image,
            log_group=f"{name}-logs{autonamed}",
            region=region,
            secrets=secrets,
            idle_timeout_seconds=idle_timeout_seconds,
        ),
        # FargateTask sends no volumes without writable paths; the provider sends each with
        # configuredAtLaunch false (terraform-provider-aws, ecs/task_definition.go, expandVolumes).
        **(
            {"volumes": [{**volume, "configuredAtLaunch": False} for volume in task_volumes(spec.writable_paths)]}
            if spec.writable_paths
            else {}
        ),
        "requiresCompatibilities": ["FARGATE"],
        "cpu": str(spec.cpu),
        "memory": str(spec.memory),
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        # The provider's default tags (``aws:defaultTags``) go with the request (ecs/task_definition.go, getTagsIn).
        **({"tags": [{"key": k, "value": v} for k, v in tags.items()]} if tags else {}),
    }
    return len(json.dumps(request, separators=(",", ":"), ensure_ascii=False).encode())
