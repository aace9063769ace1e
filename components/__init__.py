"""Pulumi components for a Node.js service on Graviton, and the pure AWS rules they enforce.

Components (one per module): ``app_image.AppImage``, ``network.Network``,
``load_balancer.LoadBalancer``, ``fargate_service.FargateService``. Rule modules with no Pulumi
import: ``fargate_sizing``, ``capacity_strategy``, ``env_tuning``, ``cost``, ``ecr_lifecycle``,
``build_tag``, ``validation``, ``service_spec``. Nothing is imported here, so using a rule module
never loads the cloud SDKs.
"""
