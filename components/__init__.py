"""Pulumi components for a Node.js service on Graviton, and the pure AWS rules they enforce.

Installed, the package's import name is ``graviton_node_components`` (``from graviton_node_components
import FargateService, ServiceSpec, ...``), so it never collides with a project's own ``components/``
folder; in this repository the same modules are the ``components`` folder, and every import inside
it is relative so both names work. Public API: the four components with their args, the specs they
validate, and the rule helpers. Names resolve on first use, so importing a rule module (``.cost``,
``.fargate_sizing``, ...) never loads the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.4.0"

_EXPORTS: dict[str, str] = {
    "AppImage": "app_image",
    "AppImageArgs": "app_image",
    "Network": "network",
    "NetworkArgs": "network",
    "LoadBalancer": "load_balancer",
    "LoadBalancerArgs": "load_balancer",
    "FargateService": "fargate_service",
    "FargateServiceArgs": "fargate_service",
    "ServiceSpec": "service_spec",
    "HealthCheck": "service_spec",
    "Tuning": "env_tuning",
    "StrategyItem": "capacity_strategy",
    "build_strategy": "capacity_strategy",
    "validate_task_size": "fargate_sizing",
    "CostEstimate": "cost",
    "estimate": "cost",
    "ConfigError": "errors",
    "Autoscaling": "autoscaling_rules",
    "Schedule": "autoscaling_rules",
    "Alarms": "alarm_rules",
    "Domain": "domain",
    "autonamed_elb_names": "alb_rules",
}
__all__ = [
    "Alarms",
    "AppImage",
    "AppImageArgs",
    "Autoscaling",
    "ConfigError",
    "CostEstimate",
    "Domain",
    "FargateService",
    "FargateServiceArgs",
    "HealthCheck",
    "LoadBalancer",
    "LoadBalancerArgs",
    "Network",
    "NetworkArgs",
    "Schedule",
    "ServiceSpec",
    "StrategyItem",
    "Tuning",
    "__version__",
    "autonamed_elb_names",
    "build_strategy",
    "estimate",
    "validate_task_size",
]

if TYPE_CHECKING:
    from .alarm_rules import Alarms
    from .alb_rules import autonamed_elb_names
    from .app_image import AppImage, AppImageArgs
    from .autoscaling_rules import Autoscaling, Schedule
    from .capacity_strategy import StrategyItem, build_strategy
    from .cost import CostEstimate, estimate
    from .domain import Domain
    from .env_tuning import Tuning
    from .errors import ConfigError
    from .fargate_service import FargateService, FargateServiceArgs
    from .fargate_sizing import validate_task_size
    from .load_balancer import LoadBalancer, LoadBalancerArgs
    from .network import Network, NetworkArgs
    from .service_spec import HealthCheck, ServiceSpec


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
