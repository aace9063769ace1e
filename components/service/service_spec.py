"""The plain-value part of a Fargate service, validated on construction.

A ``ServiceSpec`` cannot exist with a value AWS would reject, so a component that takes one never
registers a resource for a bad configuration. Errors name the stack config key of the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import validation as check
from ..edge import alb_rules
from ..errors import ConfigError, collect
from .app_contract import app_environment, reject_owned
from .capacity_strategy import StrategyItem, build_strategy, validate_strategy
from .env_tuning import Tuning, tuned_environment
from .fargate_sizing import validate_task_size
from .sidecar import MIN_CONTAINER_MEMORY, Sidecar

PLATFORM_VERSIONS = ("1.4.0", "LATEST")
MAX_DESIRED_COUNT = 5000
#: Spot gives two minutes' warning; draining plus the app's own shutdown must fit in it.
MAX_DEREGISTRATION_DELAY = 90

#: The app's container name (the load balancer's target, the health check's container).
APP_CONTAINER = "app"

DEFAULT_STRATEGY = build_strategy(fargate_base=1, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    """Container health check (ECS ranges) and the path the load balancer checks too."""

    path: str = "/health"
    """HTTP path requested on the container port. Default ``/health``."""
    interval_seconds: int = 30
    """Seconds between checks (5-300). Default 30."""
    timeout_seconds: int = 5
    """Seconds before a check fails (2-60). Default 5."""
    retries: int = 3
    """Failures before the container is unhealthy (1-10). Default 3."""
    start_period_seconds: int = 10
    """Seconds after start when failures do not count (0-300). Default 10."""

    def __post_init__(self) -> None:
        collect(
            lambda: alb_rules.health_check_path("healthCheckPath", self.path),
            lambda: check.int_in_range("healthCheckIntervalSeconds", self.interval_seconds, 5, 300),
            lambda: check.int_in_range("healthCheckTimeoutSeconds", self.timeout_seconds, 2, 60),
            lambda: check.int_in_range("healthCheckRetries", self.retries, 1, 10),
            lambda: check.int_in_range("healthCheckStartPeriodSeconds", self.start_period_seconds, 0, 300),
        )


@dataclass(frozen=True, kw_only=True)
class ServiceSpec:
    """Sizing, placement, deployment and runtime settings of one service."""

    cpu: int = 1024
    """Task CPU units (a Fargate size). Default 1024 (1 vCPU)."""
    memory: int = 2048
    """Task memory in MiB (must fit the Fargate table for ``cpu``). Default 2048."""
    desired_count: int = 2
    """Tasks to keep running (0-5000). Default 2."""
    container_port: int = 3000
    """Port the app listens on. Default 3000."""
    platform_version: str = "1.4.0"
    """Fargate platform version, ``1.4.0`` or ``LATEST`` (ARM64 on Spot needs 1.4.0+). Default 1.4.0."""
    strategy: tuple[StrategyItem, ...] = DEFAULT_STRATEGY
    """Capacity-provider strategy. Default: FARGATE base 1 weight 0, FARGATE_SPOT weight 1."""
    stop_timeout_seconds: int = 120
    """Seconds from SIGTERM to SIGKILL (2-120, Fargate's maximum). Default 120."""
    log_retention_days: int = 30
    """CloudWatch Logs retention (a CloudWatch value). Default 30."""
    health_check: HealthCheck = field(default_factory=HealthCheck)
    """Container and load-balancer health check. Default: ``HealthCheck()``."""
    health_check_grace_period_seconds: int = 60
    """Seconds load-balancer health checks are ignored after a task starts. Default 60."""
    min_healthy_percent: int = 100
    """Deployment minimum healthy percent (0-100). Default 100."""
    max_percent: int = 200
    """Deployment maximum percent (>= 100 and above ``min_healthy_percent``). Default 200."""
    enable_execute_command: bool = False
    """ECS Exec; adds the ssmmessages permissions to the task role. Default False."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """User environment variables; the tuning is added to them. Default empty."""
    tuning: Tuning = field(default_factory=Tuning)
    """Node/glibc tuning knobs. Default: ``Tuning()``."""
    deregistration_delay_seconds: int = 30
    """Target-group draining seconds (0-90, under Spot's two-minute warning). Default 30."""
    path_patterns: tuple[str, ...] = ("/*",)
    """Listener-rule path patterns routed to the service (1-3, the ALB's limit). Default ``("/*",)``."""
    listener_rule_priority: int = alb_rules.LAST_PRIORITY
    """Listener-rule priority (1-50000; a catch-all pattern needs 50000, the last). Default 50000."""
    idle_timeout_seconds: int = 60
    """Idle timeout of the load balancer in front (1-4000); the app's keep-alive outlasts it. Default 60."""
    sidecars: tuple[Sidecar, ...] = ()
    """Containers beside the app (``Sidecar``); their memory comes out of the task's, the app gets the
    rest (its heap is tuned to that). Default none."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.one_of("platformVersion", self.platform_version, PLATFORM_VERSIONS),
            lambda: validate_task_size(self.cpu, self.memory, self.platform_version),
            lambda: validate_strategy(self.strategy),
            lambda: check.int_in_range("desiredCount", self.desired_count, 0, MAX_DESIRED_COUNT),
            lambda: check.port("containerPort", self.container_port),
            lambda: check.int_in_range("stopTimeoutSeconds", self.stop_timeout_seconds, 2, 120),
            lambda: check.log_retention(self.log_retention_days),
            lambda: check.int_in_range(
                "healthCheckGracePeriodSeconds", self.health_check_grace_period_seconds, 0, 2_147_483_647
            ),
            lambda: check.int_in_range("minHealthyPercent", self.min_healthy_percent, 0, 100),
            self._check_max_percent,
            lambda: check.int_in_range(
                "deregistrationDelaySeconds", self.deregistration_delay_seconds, 0, MAX_DEREGISTRATION_DELAY
            ),
            lambda: alb_rules.path_patterns(
                "pathPatterns", self.path_patterns, "listenerRulePriority", self.listener_rule_priority
            ),
            self._check_sidecars,
            self.container_environment,
        )

    @property
    def app_memory_mib(self) -> int:
        """The app container's memory: the task's, less its sidecars'."""
        return self.memory - sum(sidecar.memory for sidecar in self.sidecars)

    def _check_sidecars(self) -> None:
        names = [APP_CONTAINER, *(sidecar.name for sidecar in self.sidecars)]
        if len(set(names)) != len(names):
            raise ConfigError("sidecars.name", names[1:], f"each name once, none {APP_CONTAINER!r} (the app's)")
        # ECS ContainerDefinition memory: at least 6 MiB a container; Fargate cpu: "the total amount of CPU
        # reserved for all containers within a task be lower than the task-level cpu value".
        if self.app_memory_mib < MIN_CONTAINER_MEMORY:
            raise ConfigError(
                "sidecars.memory", [c.memory for c in self.sidecars], f"together under memory ({self.memory})"
            )
        if sum(sidecar.cpu for sidecar in self.sidecars) >= self.cpu:
            raise ConfigError("sidecars.cpu", [c.cpu for c in self.sidecars], f"together under cpu ({self.cpu})")
        ports = [self.container_port, *(port for sidecar in self.sidecars for port in sidecar.port_mappings)]
        if len(set(ports)) != len(ports):
            raise ConfigError("sidecars.portMappings", ports[1:], "ports of their own, not containerPort")
        checked = {APP_CONTAINER} | {sidecar.name for sidecar in self.sidecars if sidecar.health_check}
        for sidecar in self.sidecars:
            for container, condition in sidecar.depends_on:
                if container not in names:
                    raise ConfigError("sidecars.dependsOn", container, "a container of the task: " + ", ".join(names))
                if condition == "HEALTHY" and container not in checked:
                    raise ConfigError(
                        "sidecars.dependsOn", container, "HEALTHY only on a container with a health check"
                    )

    def _check_max_percent(self) -> None:
        if self.max_percent < 100 or self.max_percent <= self.min_healthy_percent:
            raise ConfigError(
                "maxPercent", self.max_percent, f"at least 100 and above minHealthyPercent ({self.min_healthy_percent})"
            )

    def container_environment(self, *, behind_load_balancer: bool = True) -> dict[str, str]:
        """The user's environment, the tuning for the app container's memory (the task's less its sidecars'), and
        what the app must know of the task and, when one routes to it, the load balancer (``app_contract``)."""
        reject_owned(self.environment)
        tuned = tuned_environment(self.environment, container_memory_mib=self.app_memory_mib, tuning=self.tuning)
        contract = app_environment(
            port=self.container_port,
            health_check_path=self.health_check.path,
            idle_timeout_seconds=self.idle_timeout_seconds,
            stop_timeout_seconds=self.stop_timeout_seconds,
            deregistration_delay_seconds=self.deregistration_delay_seconds,
            behind_load_balancer=behind_load_balancer,
        )
        return dict(sorted({**tuned, **contract}.items()))
