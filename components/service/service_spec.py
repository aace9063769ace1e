"""The plain-value part of a Fargate service, validated on construction.

A ``ServiceSpec`` cannot exist with a value AWS would reject, so a component that takes one never
registers a resource for a bad configuration. Errors name the field (``ServiceSpec.cpu``); a program
maps them to its own config keys (``settings.FIELD_KEYS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import validation as check
from ..edge import alb_rules
from ..edge.route_spec import RouteSpec
from ..errors import INT32_MAX, INT32_SAYS, ConfigError, collect
from . import service_spec_rules as rules
from .app_contract import DEFAULT_IDLE_TIMEOUT, app_environment
from .autoscaling_rules import Autoscaling
from .capacity_strategy import StrategyItem, build_strategy, validate_strategy
from .env_tuning import Tuning, tuned_environment
from .fargate_sizing import validate_task_size
from .service_access import ServiceAccess
from .sidecar import CONDITIONS, Sidecar
from .writable_paths import check_writable_paths

PLATFORM_VERSIONS = ("1.4.0", "LATEST")
MAX_DESIRED_COUNT = 5000

#: The app's container name (the load balancer's target, the health check's container).
APP_CONTAINER = "app"

DEFAULT_STRATEGY = build_strategy(fargate_base=1, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    """Container health check (ECS ranges) and the path the load balancer checks too."""

    path: str = "/health"
    """HTTP path requested on the container port, in the form Node's URL parser leaves it (``alb_rules.WHATWG_FORM``).
    Default ``/health``."""
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
            lambda: alb_rules.health_check_path("HealthCheck.path", self.path),
            lambda: check.int_in_range("HealthCheck.interval_seconds", self.interval_seconds, 5, 300),
            lambda: check.int_in_range("HealthCheck.timeout_seconds", self.timeout_seconds, 2, 60),
            lambda: check.int_in_range("HealthCheck.retries", self.retries, 1, 10),
            lambda: check.int_in_range("HealthCheck.start_period_seconds", self.start_period_seconds, 0, 300),
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
    """Port the app listens on (1024-65535: the app runs as uid 1000, which cannot bind a lower port); judged
    only with a ``health_check``, without which the task maps no port and sets no ``PORT``. Default 3000."""
    platform_version: str = "1.4.0"
    """Fargate platform version, ``1.4.0`` or ``LATEST`` (ARM64 on Spot needs 1.4.0+). Default 1.4.0."""
    strategy: tuple[StrategyItem, ...] = DEFAULT_STRATEGY
    """Capacity-provider strategy. Default: FARGATE base 1 weight 0, FARGATE_SPOT weight 1."""
    stop_timeout_seconds: int = 120
    """Seconds from SIGTERM to SIGKILL (2-120, Fargate's maximum). Default 120."""
    log_retention_days: int = check.DEFAULT_LOG_RETENTION_DAYS
    """CloudWatch Logs retention (a CloudWatch value). Default 30."""
    health_check: HealthCheck | None = field(default_factory=HealthCheck)
    """Container and load-balancer health check; None for none, e.g. a queue worker that serves no HTTP
    (then the task has no port mapping and no ``PORT``; a route needs one). Default: ``HealthCheck()``."""
    route: RouteSpec | None = None
    """The route through a load balancer (listener rule, target group, how a deployment moves traffic);
    ``FargateServiceArgs.route`` then says which load balancer. Default None: a worker, with no target
    group, listener rule or drain, whose deployments roll."""
    autoscaling: Autoscaling | None = None
    """Scale the service between a minimum and a maximum (``desired_count`` must lie between); ``pulumi up``
    then never resets the running count. Default None: a fixed ``desired_count``."""
    access: ServiceAccess = field(default_factory=ServiceAccess)
    """Egress ports, secrets, KMS keys, the roles' IAM path and boundary. Default: ``ServiceAccess()``."""
    min_healthy_percent: int = 100
    """Deployment minimum healthy percent (0-100). Default 100."""
    max_percent: int = 200
    """Deployment maximum percent (>= 100, above ``min_healthy_percent``, at most 2147483647: 32 bits); with it a
    rolling deployment must be able to start or stop a task at every count the service may run
    (``rolling_batches``). Default 200."""
    enable_execute_command: bool = False
    """ECS Exec; adds the ssmmessages permissions to the task role. Default False."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """User environment variables, each value non-empty (ECS drops an empty one, ``kept_environment``); the
    tuning is added to them. Default empty."""
    tuning: Tuning = field(default_factory=Tuning)
    """Node/glibc tuning knobs. Default: ``Tuning()``."""
    sidecars: tuple[Sidecar, ...] = ()
    """Containers beside the app (``Sidecar``); their memory comes out of the task's, the app gets the
    rest (its heap is tuned to that). Default none."""
    app_depends_on: tuple[tuple[str, str], ...] = ()
    """``(sidecar, condition)`` pairs the app waits for (``ContainerCondition``: START, COMPLETE, SUCCESS,
    HEALTHY), e.g. ``(("otel", "HEALTHY"),)`` so that no span is sent before the collector listens; held
    to the sidecars' rules. Default none: the app starts with its sidecars."""
    writable_paths: tuple[str, ...] = ()
    """Absolute folders of the app container it may write to (none under /proc), each a bind mount on the
    task's ephemeral storage, emptied when the task stops (``writable_paths``); the root stays read-only. The
    image must declare each with ``VOLUME``, owned by uid 1000. Default none."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.one_of("ServiceSpec.platform_version", self.platform_version, PLATFORM_VERSIONS),
            lambda: validate_task_size(self.cpu, self.memory, self.platform_version),
            lambda: validate_strategy(self.strategy),
            lambda: check.int_in_range("ServiceSpec.desired_count", self.desired_count, 0, MAX_DESIRED_COUNT),
            # Only where it is used: a task with no health check serves no HTTP and maps no port. The app
            # runs as RUN_AS (uid 1000), which cannot bind a port below 1024.
            lambda: (
                check.port("ServiceSpec.container_port", self.container_port, unprivileged=True)
                if self.health_check
                else None
            ),
            lambda: check.int_in_range("ServiceSpec.stop_timeout_seconds", self.stop_timeout_seconds, 2, 120),
            lambda: check.log_retention("ServiceSpec.log_retention_days", self.log_retention_days),
            lambda: check.int_in_range("ServiceSpec.min_healthy_percent", self.min_healthy_percent, 0, 100),
            self._check_max_percent,
            self._check_sidecars,
            self._check_dependencies,
            self._check_dependency_cycles,
            lambda: check_writable_paths("ServiceSpec.writable_paths", self.writable_paths),
            # The rules joining the route, the autoscaling range and the access to the rest: here only.
            lambda: rules.check_routed_health(self),
            lambda: rules.check_shutdown(self),
            lambda: rules.check_deployment_percents(self),
            lambda: rules.check_desired_count(self),
            lambda: rules.check_request_scaling(self),
            lambda: rules.check_environment(self),
            lambda: rules.check_environment_names(self),
        )

    @property
    def app_memory_mib(self) -> int:
        """The app container's memory: the task's, less its sidecars'."""
        return self.memory - sum(sidecar.memory for sidecar in self.sidecars)

    @property
    def app_cpu(self) -> int | None:
        """The app container's CPU units when a sidecar reserves some: the task's, less theirs; else None.

        A container's ``cpu`` is its Docker CPU shares, and "Null, zero, and CPU values of 1 are passed to
        Docker as 2" (botocore ecs ``ContainerDefinition.cpu``): an app left unset beside a sidecar of 512
        would get 2 of 514 shares of a contended CPU. With no sidecar reserving, all share alike (unset)."""
        reserved = sum(sidecar.cpu for sidecar in self.sidecars)
        return self.cpu - reserved if reserved else None

    def _check_sidecars(self) -> None:
        if not self.sidecars:
            return  # the task's own size is validate_task_size's: no sidecar to blame for it
        names = [APP_CONTAINER, *(sidecar.name for sidecar in self.sidecars)]
        if len(set(names)) != len(names):
            raise ConfigError("ServiceSpec.sidecars", names[1:], f"each name once, none {APP_CONTAINER!r} (the app's)")
        # What the sidecars leave the app is rules.check_environment's (far above ECS's 6 MiB a container).
        # Their CPU leaves the app at least a unit (app_cpu), which brings the sum to the task's: ECS refuses
        # only more ("The sum of all container 'cpu' values cannot be greater than the value of the task
        # 'cpu'", its ClientException quoted in aws/aws-cdk#24629).
        if sum(sidecar.cpu for sidecar in self.sidecars) >= self.cpu:
            raise ConfigError(
                "ServiceSpec.sidecars", [c.cpu for c in self.sidecars], f"together under ServiceSpec.cpu ({self.cpu})"
            )
        theirs = [port for sidecar in self.sidecars for port in sidecar.port_mappings]
        ports = [*([self.container_port] if self.health_check is not None else []), *theirs]
        if len(set(ports)) != len(ports):
            raise ConfigError("ServiceSpec.sidecars", theirs, "ports of their own, not ServiceSpec.container_port")

    @property
    def health_checked_containers(self) -> frozenset[str]:
        """The containers with a health check: the app with ``health_check``, and sidecars with theirs."""
        app = {APP_CONTAINER} if self.health_check is not None else set()
        return frozenset(app | {sidecar.name for sidecar in self.sidecars if sidecar.health_check})

    def _dependencies(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each container's ``dependsOn``: the app's, then each sidecar's."""
        return {APP_CONTAINER: self.app_depends_on, **{s.name: s.depends_on for s in self.sidecars}}

    def sidecars_stopped_first(self) -> tuple[str, ...]:
        """The sidecars ECS may kill while the app still drains and finishes: those the app does not wait
        for at start, directly or through another ("When a dependency is defined for container startup, for
        container shutdown it is reversed", botocore ``ecs`` ``ContainerDefinition.dependsOn``: a sidecar the
        app waits for is stopped after it), which get SIGTERM with the app, and whose stop timeout ends before
        the app's (``Sidecar.stop_timeout_seconds``, 30 by default, against ``stop_timeout_seconds``)."""
        edges = {name: {c for c, _ in depends_on} for name, depends_on in self._dependencies().items()}
        waited, todo = set[str](), [APP_CONTAINER]
        while todo:
            for container in edges.get(todo.pop(), set()) - waited:
                waited.add(container)
                todo.append(container)
        return tuple(
            sidecar.name
            for sidecar in self.sidecars
            if sidecar.name not in waited and sidecar.stop_timeout_seconds < self.stop_timeout_seconds
        )

    def _check_dependencies(self) -> None:
        """The rules of ECS ``ContainerDependency`` (botocore ``ecs``), for the app's and each sidecar's."""
        names = [APP_CONTAINER, *(sidecar.name for sidecar in self.sidecars)]
        checked = self.health_checked_containers
        essential = {APP_CONTAINER} | {sidecar.name for sidecar in self.sidecars if sidecar.essential}
        for waiting, depends_on in self._dependencies().items():
            key = "ServiceSpec.app_depends_on" if waiting == APP_CONTAINER else "ServiceSpec.sidecars"
            for container, condition in depends_on:
                if waiting == APP_CONTAINER:  # a sidecar's conditions are its own to check (``Sidecar``)
                    check.one_of(key, condition, CONDITIONS)
                if container not in names or container == waiting:
                    others = ", ".join(name for name in names if name != waiting)
                    raise ConfigError(key, container, f"another container of the task: {others}")
                # ContainerDependency.condition: COMPLETE and SUCCESS "can't be set on an essential container".
                if condition in ("COMPLETE", "SUCCESS") and container in essential:
                    raise ConfigError(
                        key, [container, condition], "COMPLETE or SUCCESS only on a non-essential container"
                    )
                # HEALTHY "requires that the dependency container has health checks configured".
                if condition == "HEALTHY" and container not in checked:
                    raise ConfigError(key, container, "HEALTHY only on a container with a health check")

    def _check_dependency_cycles(self) -> None:
        """ECS starts a container after those it depends on: a cycle (the app's included) could never start."""
        edges = {name: {c for c, _ in depends_on} for name, depends_on in self._dependencies().items()}
        visiting: list[str] = []

        def visit(name: str) -> None:
            if name in visiting:
                cycle = [*visiting[visiting.index(name) :], name]
                key = "ServiceSpec.app_depends_on" if APP_CONTAINER in cycle else "ServiceSpec.sidecars"
                raise ConfigError(key, cycle, "dependsOn without a cycle")
            visiting.append(name)
            for after in edges.get(name, ()):
                visit(after)
            visiting.pop()

        for name in edges:
            visit(name)

    def _check_max_percent(self) -> None:
        # botocore ecs DeploymentConfiguration.maximumPercent is a BoxedInteger (32 bits, no max of its own),
        # which the provider casts with int32(): a larger value would wrap (``INT32_MAX``).
        if not 100 <= self.max_percent <= INT32_MAX or self.max_percent <= self.min_healthy_percent:
            raise ConfigError(
                "ServiceSpec.max_percent",
                self.max_percent,
                f"at least 100, above ServiceSpec.min_healthy_percent ({self.min_healthy_percent}), and at most "
                f"{INT32_MAX} ({INT32_SAYS})",
            )

    def container_environment(self, idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT) -> dict[str, str]:
        """The user's environment, the tuning for the app container's memory (the task's less its sidecars'), and
        what the app must know of the task and, with a route, of the load balancer (its idle timeout, which
        only a route's environment reads) and the target group's draining (``app_contract``). Computed from a
        spec that has judged its fields once, on construction: it raises nothing."""
        tuned = tuned_environment(self.environment, container_memory_mib=self.app_memory_mib, tuning=self.tuning)
        contract = app_environment(
            port=self.container_port,
            health_check_path=self.health_check.path if self.health_check is not None else None,
            idle_timeout_seconds=idle_timeout_seconds if self.route is not None else None,
            stop_timeout_seconds=self.stop_timeout_seconds,
            deregistration_delay_seconds=self.route.deregistration_delay_seconds if self.route is not None else 0,
        )
        return dict(sorted({**tuned, **contract}.items()))
