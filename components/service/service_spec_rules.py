"""The rules of a ``ServiceSpec`` that join two of its fields, each run once: by ``ServiceSpec.__post_init__``,
on construction. Nothing else calls them (tests/program/test_validated_once.py), so a rule has one home.

A service's route (``ServiceSpec.route``), its autoscaling range and its access are fields of the spec,
so every rule between them is known without the Inputs of other components (``FargateServiceArgs``
adds only where the service plugs in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError, collect
from .app_contract import reject_owned, shutdown_budget_seconds, worker_budget_seconds
from .autoscaling_rules import check_desired
from .deployment_strategy import check_rolling_percents
from .env_tuning import check_untuned
from .kept_environment import check_values_kept
from .rolling_batches import check_progress, reachable_counts
from .secrets import check_names

if TYPE_CHECKING:
    from .service_spec import ServiceSpec

ROUTED_HEALTH = "a HealthCheck with a ServiceSpec.route: the target group checks its path (None only without a route)"


def check_routed_health(spec: ServiceSpec) -> None:
    """A route's target group checks the container's health-check path: a routed service needs one."""
    if spec.route is not None and spec.health_check is None:
        raise ConfigError("ServiceSpec.health_check", None, ROUTED_HEALTH)


def check_shutdown(spec: ServiceSpec) -> None:
    """``stopTimeout`` holds the route's drain (none without a route) and the least time to finish."""
    if spec.route is None:
        worker_budget_seconds(spec.stop_timeout_seconds)
    else:
        shutdown_budget_seconds(
            stop_timeout_seconds=spec.stop_timeout_seconds,
            deregistration_delay_seconds=spec.route.deregistration_delay_seconds,
        )


def check_deployment_percents(spec: ServiceSpec) -> None:
    """The rolling batch limits only with a rolling deployment (a worker, with no route, can only roll), and
    there they let it move at every task count the service may run (``rolling_batches``)."""
    if spec.route is not None and spec.route.deployment.shifts_traffic:
        check_rolling_percents(
            spec.route.deployment, min_healthy_percent=spec.min_healthy_percent, max_percent=spec.max_percent
        )
        return
    counts, counted = reachable_counts(spec.desired_count, spec.autoscaling)
    check_progress(counts, min_healthy_percent=spec.min_healthy_percent, max_percent=spec.max_percent, counted=counted)


def check_desired_count(spec: ServiceSpec) -> None:
    """With autoscaling, ``desired_count`` (the count the service starts with) lies in its range."""
    if spec.autoscaling is not None:
        check_desired(spec.desired_count, min_count=spec.autoscaling.min_count, max_count=spec.autoscaling.max_count)


def check_request_scaling(spec: ServiceSpec) -> None:
    """Scaling on requests per target tracks the route's target group (``ALBRequestCountPerTarget``, whose
    resource label names it): a service without a route has none to track."""
    scaling = spec.autoscaling
    if scaling is not None and scaling.requests_per_target is not None and spec.route is None:
        raise ConfigError(
            "Autoscaling.requests_per_target",
            scaling.requests_per_target,
            "unset without a ServiceSpec.route (it tracks the route's requests per target)",
        )


def check_environment(spec: ServiceSpec) -> None:
    """The user's environment leaves alone what the app contract and the tuning set (each clash named), holds
    no value ECS would drop (``kept_environment``), and with it the app container (the task's memory less its
    sidecars') holds its heap and what Node needs beside it (``env_tuning.check_untuned``)."""
    sidecar_memory = tuple(sidecar.memory for sidecar in spec.sidecars)
    collect(
        lambda: reject_owned(spec.environment),
        # Not NODE_OPTIONS: the task sends it with the heap ceiling appended (tuned_environment), never empty.
        lambda: check_values_kept(
            "ServiceSpec.environment", {k: v for k, v in spec.environment.items() if k != "NODE_OPTIONS"}
        ),
        lambda: check_untuned(
            spec.environment,
            app_memory_mib=spec.app_memory_mib,
            sidecar_memory=sidecar_memory,
            tuning=spec.tuning,
            health_checked=spec.health_check is not None,  # the app container's healthCheck (container_definition)
        ),
    )


def check_environment_names(spec: ServiceSpec) -> None:
    """A name is plain environment (the user's, the tuning's, the app contract's) or a secret, never both."""
    if spec.route is not None and spec.health_check is None:
        return  # no environment to compare: check_routed_health says why
    check_names(spec.container_environment(), spec.access.secret_names)
