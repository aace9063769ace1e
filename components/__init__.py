"""Pulumi components for a Node.js service on Graviton, and the pure AWS rules they enforce.

Public API (``from components import FargateService, ServiceSpec, ...``): the four components with
their args, the specs they validate, and the rule helpers. Names resolve on first use, so importing a
rule module (``components.cost``, ``components.fargate_sizing``, ...) never loads the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

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
}
__all__ = [
    "AppImage",
    "AppImageArgs",
    "ConfigError",
    "CostEstimate",
    "FargateService",
    "FargateServiceArgs",
    "HealthCheck",
    "LoadBalancer",
    "LoadBalancerArgs",
    "Network",
    "NetworkArgs",
    "ServiceSpec",
    "StrategyItem",
    "Tuning",
    "__version__",
    "build_strategy",
    "estimate",
    "validate_task_size",
]

if TYPE_CHECKING:
    from components.app_image import AppImage, AppImageArgs
    from components.capacity_strategy import StrategyItem, build_strategy
    from components.cost import CostEstimate, estimate
    from components.env_tuning import Tuning
    from components.errors import ConfigError
    from components.fargate_service import FargateService, FargateServiceArgs
    from components.fargate_sizing import validate_task_size
    from components.load_balancer import LoadBalancer, LoadBalancerArgs
    from components.network import Network, NetworkArgs
    from components.service_spec import HealthCheck, ServiceSpec


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    return getattr(importlib.import_module(f"components.{module}"), name)
