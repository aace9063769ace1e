"""A second service in the platform stack's cluster, behind its load balancer, via a StackReference."""

from pathlib import Path

import pulumi
from graviton_node_components import (
    LAST_PRIORITY,
    AppImage,
    AppImageArgs,
    ConfigError,
    ExistingCluster,
    FargateService,
    FargateServiceArgs,
    ImageSpec,
    Mistakes,
    Route,
    RouteSpec,
    ServiceSpec,
    boolean,
    check_autonaming,
    integer,
    names_apart,
    stack_reference_names,
)

config = pulumi.Config()
stack = pulumi.get_stack().lower()
# A stack name that would make a name AWS refuses fails here, before anything is registered.
FargateService.check_name(f"{stack}-api", "stack", stack)
# Defaults only where a key is unset: a value the user gave, 0 included, is always honoured.
path_pattern = config.get("pathPattern", "/api")

#: The package's errors name its fields; this program's config keys set them.
KEYS = {
    "RouteSpec.path_patterns": "pathPattern",
    "RouteSpec.listener_rule_priority": "listenerRulePriority",
    "ServiceSpec.desired_count": "desiredCount",
}
# Every mistake at once, in this stack's keys: each part is built on its own (the route before the spec
# that holds it), a part in error standing in as a default so that the parts after it are still judged.
mistakes = Mistakes(KEYS)
desired_count = mistakes.part(lambda: integer("desiredCount", config.get("desiredCount"), 2), lambda: 2)
# Off by default, as the platform's: the images ECR holds are not deleted unless asked for. A destroy needs it on
# (and applied by an up first): ECR refuses to delete a repository holding images (RepositoryNotEmptyException),
# and the pushed builds are retained on delete, so the repository is never empty (README, "Destroy").
force_delete = mistakes.part(lambda: boolean("forceDelete", config.get("forceDelete"), False), lambda: False)
# The package checks the names Pulumi makes by default, and the deployer documents allow the stack's <stack>-*
# names: another pulumi:autonaming (a pattern, verbatim, disabled) is refused, in Pulumi's key.
mistakes.part(lambda: check_autonaming(pulumi.Config("pulumi").get("autonaming")), lambda: None)


# Unique on the platform's listener and only its owner knows which are free: no default, the stack names
# its own (1-49998). The platform's own rules hold the last two: its catch-all 50000 and, with
# deploymentTestHeader, its test rule the one before (a platform's test header is not among its outputs).
PLATFORM_PRIORITIES = (LAST_PRIORITY - 1, LAST_PRIORITY)


def below_the_platforms_rules() -> int:
    value = integer("listenerRulePriority", config.get("listenerRulePriority"))
    if value in PLATFORM_PRIORITIES:
        # ELB CreateRule refuses a priority another rule of the listener holds (PriorityInUse), after the
        # image was built and pushed: refused here instead.
        raise ConfigError(
            "listenerRulePriority",
            value,
            f"1-{LAST_PRIORITY - 2}: the platform's catch-all holds {LAST_PRIORITY} and its test rule "
            f"(deploymentTestHeader) {LAST_PRIORITY - 1}",
        )
    return value


priority = mistakes.part(below_the_platforms_rules, lambda: 1)
route = mistakes.part(
    lambda: RouteSpec(path_patterns=(path_pattern, f"{path_pattern}/*"), listener_rule_priority=priority),
    lambda: RouteSpec(listener_rule_priority=50_000),  # the catch-all: a stand-in every rule accepts
)
spec = mistakes.part(
    # An empty pattern is the route's mistake, said once: no empty BASE_PATH for ECS to drop beside it.
    lambda: ServiceSpec(
        desired_count=desired_count, environment={"BASE_PATH": path_pattern} if path_pattern else {}, route=route
    ),
    lambda: ServiceSpec(route=route),
)
# What the spec needs of this stack (a sidecar's image it may pull), before anything is registered.
mistakes.part(lambda: FargateService.check_spec(spec, stack), lambda: None)
mistakes.raise_any()

# Registered only once the spec is built: a config mistake registers nothing, not even the reference.
# The deployer documents keep a joining stack apart from the platform by name (docs/iam.md): a
# stack named as the platform still deploys, told once per preview what its deployer may reach.
platform_project, platform_stack = stack_reference_names(config.require("platformStack"), pulumi.get_project())
if overlap := names_apart(stack, platform_stack, pulumi.get_project(), platform_project):
    pulumi.log.warn(f"platformStack: {overlap}")
platform = pulumi.StackReference(config.require("platformStack"))
image = AppImage(
    f"{stack}-api",
    AppImageArgs(
        spec=ImageSpec(
            context=Path(__file__).resolve().parents[2] / "docker",
            dockerfile="Dockerfile.graviton",
            force_delete=force_delete,
        )
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
            # The platform's load balancer sets (and its spec judged) the idle timeout the app's keep-alive
            # must outlast; a stack output's number arrives as a float.
            idle_timeout_seconds=platform.require_output("idle_timeout_seconds").apply(int),
            # The platform's own service alarms on the load balancer's 5xx; with alarms here, no second copy.
            alarm_on_load_balancer=False,
        ),
    ),
)

pulumi.export("url", pulumi.Output.format("{0}{1}/", platform.require_output("url"), path_pattern))
pulumi.export("service_name", service.service_name)
# What tools/rollout_check.sh --cwd reads: a failed deploy leaves the state recording a revision ECS does not run.
pulumi.export("task_definition_arn", service.task_definition_arn)
pulumi.export("cluster_arn", service.cluster_arn)
pulumi.export("image_ref", image.image_ref)
