"""A second service in the platform stack's cluster, behind its load balancer, via a StackReference."""

from pathlib import Path

import pulumi

from components import AppImage, AppImageArgs, FargateService, FargateServiceArgs, ServiceSpec

config = pulumi.Config()
path_pattern = config.get("pathPattern") or "/api"
spec = ServiceSpec(
    desired_count=config.get_int("desiredCount") or 2,
    path_patterns=(path_pattern, f"{path_pattern}/*"),
    listener_rule_priority=config.get_int("listenerRulePriority") or 200,
    environment={"BASE_PATH": path_pattern},
)
platform = pulumi.StackReference(config.require("platformStack"))
stack = pulumi.get_stack().lower()

image = AppImage(
    f"{stack}-api",
    AppImageArgs(context=Path(__file__).resolve().parents[2] / "docker", dockerfile="Dockerfile.graviton"),
)
service = FargateService(
    f"{stack}-api",
    FargateServiceArgs(
        spec=spec,
        image_ref=image.image_ref,
        cluster_arn=platform.require_output("cluster_arn"),
        vpc_id=platform.require_output("vpc_id"),
        subnet_ids=platform.require_output("task_subnet_ids"),
        assign_public_ip=platform.require_output("assign_public_ip"),
        listener_arn=platform.require_output("listener_arn"),
        load_balancer_security_group_id=platform.require_output("load_balancer_security_group_id"),
    ),
)

pulumi.export("url", pulumi.Output.format("{0}{1}/", platform.require_output("url"), path_pattern))
pulumi.export("service_name", service.service_name)
pulumi.export("image_ref", image.image_ref)
