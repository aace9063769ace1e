"""A second service in the platform stack's cluster, behind its load balancer, via a StackReference."""

from pathlib import Path

import pulumi
from graviton_node_components import (
    AppImage,
    AppImageArgs,
    ConfigError,
    ExistingCluster,
    FargateService,
    FargateServiceArgs,
    ImageSpec,
    Route,
    RouteSpec,
    ServiceSpec,
    built,
)

config = pulumi.Config()
stack = pulumi.get_stack().lower()
# A stack name that would make a name AWS refuses fails here, before anything is registered.
FargateService.check_name(f"{stack}-api", "stack", stack)
# Defaults only where a key is unset: a value the user gave, 0 included, is always honoured.
path_pattern = config.get("pathPattern", "/api")
platform = pulumi.StackReference(config.require("platformStack"))
idle_timeout = config.get_int("idleTimeoutSeconds", 60)


def _platform_idle_timeout(output: float) -> int:
    """The platform's idle timeout, refused unless this stack's config repeats it: a keep-alive set under
    a longer one lets the ALB reuse a connection the app has closed (a 502). A stack output's number
    arrives as a float."""
    platform_idle = int(output)
    if platform_idle != idle_timeout:
        allowed = f"{platform_idle}, the platform load balancer's idle timeout (its idle_timeout_seconds output)"
        raise ConfigError("idleTimeoutSeconds", idle_timeout, allowed)
    return platform_idle


#: The package's errors name its fields; this program's config keys set them.
KEYS = {
    "RouteSpec.path_patterns": "pathPattern",
    "RouteSpec.listener_rule_priority": "listenerRulePriority",
    "ServiceSpec.desired_count": "desiredCount",
}
spec = built(
    lambda: ServiceSpec(
        desired_count=config.get_int("desiredCount", 2),
        environment={"BASE_PATH": path_pattern},
        route=RouteSpec(
            path_patterns=(path_pattern, f"{path_pattern}/*"),
            # Unique on the platform's listener and only its owner knows which are free: no default, the
            # stack names its own (1-49999; the platform's catch-all holds 50000).
            listener_rule_priority=config.require_int("listenerRulePriority"),
        ),
    ),
    KEYS,
)

image = AppImage(
    f"{stack}-api",
    AppImageArgs(
        spec=ImageSpec(context=Path(__file__).resolve().parents[2] / "docker", dockerfile="Dockerfile.graviton")
    ),
)
service = FargateService(
    f"{stack}-api",
    FargateServiceArgs(
        spec=spec,
        image_ref=image.image_ref,
        cluster=ExistingCluster(arn=platform.require_output("cluster_arn")),
        vpc_id=platform.require_output("vpc_id"),
        subnet_ids=platform.require_output("task_subnet_ids"),
        assign_public_ip=platform.require_output("assign_public_ip"),
        route=Route(
            listener_arn=platform.require_output("listener_arn"),
            load_balancer_security_group_id=platform.require_output("load_balancer_security_group_id"),
            # The platform's load balancer sets the idle timeout (its idle_timeout_seconds output); the
            # app's keep-alive must outlast it, and the environment is checked as plain text: this stack's
            # config repeats it, and a value other than the platform's is refused (below).
            idle_timeout_seconds=idle_timeout,
        ),
    ),
)

pulumi.export("url", pulumi.Output.format("{0}{1}/", platform.require_output("url"), path_pattern))
pulumi.export("service_name", service.service_name)
pulumi.export("image_ref", image.image_ref)
# Known from the stack reference in a preview already: a mismatch fails it.
pulumi.export("idle_timeout_seconds", platform.require_output("idle_timeout_seconds").apply(_platform_idle_timeout))
