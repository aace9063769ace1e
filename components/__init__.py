"""Pulumi components for a Node.js service on Graviton, and the pure AWS rules they enforce.

Installed, the package's import name is ``graviton_node_components`` (``from graviton_node_components
import FargateService, ServiceSpec, ...``), so it never collides with a project's own ``components/``
folder; in this repository the same modules are the ``components`` folder, and every import inside
it is relative so both names work. Public API: the four components with their args, the specs they
validate, the rule helpers, and what a service of another project needs to join a stack (the task
counter, the names of its metrics, the stack-name rules). Names resolve on first use, so importing a
rule module (``.cost``, ``.fargate_sizing``, ...) never loads the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.5.0"

_EXPORTS: dict[str, str] = {
    "AppImage": "image.app_image",
    "AppImageArgs": "image.app_image",
    "ImageSpec": "image.image_spec",
    "Network": "network.network",
    "NetworkSpec": "network.network_spec",
    "NetworkArgs": "network.network_spec",
    "LoadBalancer": "edge.load_balancer",
    "LoadBalancerArgs": "edge.load_balancer",
    "LoadBalancerSpec": "edge.load_balancer_spec",
    "Cluster": "service.cluster",
    "ClusterSpec": "service.cluster_spec",
    "ExistingCluster": "service.cluster_spec",
    "FargateService": "service.fargate_service",
    "FargateServiceArgs": "service.fargate_service_args",
    "Route": "edge.service_route_args",
    "RouteSpec": "edge.route_spec",
    "ServiceRoute": "edge.service_route",
    "ServiceRouteArgs": "edge.service_route_args",
    "FargateTask": "service.fargate_task",
    "FargateTaskArgs": "service.fargate_task",
    "ServiceSpec": "service.service_spec",
    "ServiceAccess": "service.service_access",
    "SecurityGroupQuota": "security_group_quota",
    "Sidecar": "service.sidecar",
    "HealthCheck": "service.service_spec",
    "Tuning": "service.env_tuning",
    "StrategyItem": "service.capacity_strategy",
    "build_strategy": "service.capacity_strategy",
    "validate_task_size": "service.fargate_sizing",
    "CostEstimate": "cost",
    "estimate": "cost",
    "ConfigError": "errors",
    "renamed": "errors",
    "in_words": "errors",
    "built": "errors",
    "collect": "errors",
    "Mistakes": "errors",
    "boolean": "errors",
    "integer": "errors",
    "DeploymentStrategy": "service.deployment_strategy",
    "SmokeTest": "edge.smoke_test",
    "SmokeTestArgs": "edge.smoke_test",
    "SmokeTestSpec": "edge.smoke_test_rules",
    "Autoscaling": "service.autoscaling_rules",
    "Schedule": "service.autoscaling_rules",
    "Alarms": "observability.alarm_rules",
    "Domain": "edge.domain",
    "autonamed_elb_names": "edge.alb_rules",
    "check_autonaming": "autonames",
    "LAST_PRIORITY": "edge.alb_rules",
    "TaskCounter": "observability.task_counter",
    "TaskCounterArgs": "observability.task_counter",
    "METRIC_NAMESPACE": "observability.dashboard",
    "COUNTER_SILENT": "observability.dashboard",
    "RUNNING_METRIC": "observability.task_counter_handler",
    "names_apart": "naming",
    "stack_reference_names": "naming",
}
__all__ = [
    "COUNTER_SILENT",
    "LAST_PRIORITY",
    "METRIC_NAMESPACE",
    "RUNNING_METRIC",
    "Alarms",
    "AppImage",
    "AppImageArgs",
    "Autoscaling",
    "Cluster",
    "ClusterSpec",
    "ConfigError",
    "CostEstimate",
    "DeploymentStrategy",
    "Domain",
    "ExistingCluster",
    "FargateService",
    "FargateServiceArgs",
    "FargateTask",
    "FargateTaskArgs",
    "HealthCheck",
    "ImageSpec",
    "LoadBalancer",
    "LoadBalancerArgs",
    "LoadBalancerSpec",
    "Mistakes",
    "Network",
    "NetworkArgs",
    "NetworkSpec",
    "Route",
    "RouteSpec",
    "Schedule",
    "SecurityGroupQuota",
    "ServiceAccess",
    "ServiceRoute",
    "ServiceRouteArgs",
    "ServiceSpec",
    "Sidecar",
    "SmokeTest",
    "SmokeTestArgs",
    "SmokeTestSpec",
    "StrategyItem",
    "TaskCounter",
    "TaskCounterArgs",
    "Tuning",
    "__version__",
    "autonamed_elb_names",
    "boolean",
    "build_strategy",
    "built",
    "check_autonaming",
    "collect",
    "estimate",
    "in_words",
    "integer",
    "names_apart",
    "renamed",
    "stack_reference_names",
    "validate_task_size",
]

if TYPE_CHECKING:
    from .autonames import check_autonaming
    from .cost import CostEstimate, estimate
    from .edge.alb_rules import LAST_PRIORITY, autonamed_elb_names
    from .edge.domain import Domain
    from .edge.load_balancer import LoadBalancer, LoadBalancerArgs
    from .edge.load_balancer_spec import LoadBalancerSpec
    from .edge.route_spec import RouteSpec
    from .edge.service_route import ServiceRoute
    from .edge.service_route_args import Route, ServiceRouteArgs
    from .edge.smoke_test import SmokeTest, SmokeTestArgs
    from .edge.smoke_test_rules import SmokeTestSpec
    from .errors import ConfigError, Mistakes, boolean, built, collect, in_words, integer, renamed
    from .image.app_image import AppImage, AppImageArgs
    from .image.image_spec import ImageSpec
    from .naming import names_apart, stack_reference_names
    from .network.network import Network
    from .network.network_spec import NetworkArgs, NetworkSpec
    from .observability.alarm_rules import Alarms
    from .observability.dashboard import COUNTER_SILENT, METRIC_NAMESPACE
    from .observability.task_counter import TaskCounter, TaskCounterArgs
    from .observability.task_counter_handler import RUNNING_METRIC
    from .security_group_quota import SecurityGroupQuota
    from .service.autoscaling_rules import Autoscaling, Schedule
    from .service.capacity_strategy import StrategyItem, build_strategy
    from .service.cluster import Cluster
    from .service.cluster_spec import ClusterSpec, ExistingCluster
    from .service.deployment_strategy import DeploymentStrategy
    from .service.env_tuning import Tuning
    from .service.fargate_service import FargateService
    from .service.fargate_service_args import FargateServiceArgs
    from .service.fargate_sizing import validate_task_size
    from .service.fargate_task import FargateTask, FargateTaskArgs
    from .service.service_access import ServiceAccess
    from .service.service_spec import HealthCheck, ServiceSpec
    from .service.sidecar import Sidecar


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
