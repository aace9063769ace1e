"""A Node.js service on Graviton: arm64 image in ECR, ARM64 Fargate on FARGATE_SPOT behind an ALB."""

from pathlib import Path

import pulumi
import pulumi_aws as aws
from pulumi.runtime.mocks import MockMonitor

from components.cost import cost_warnings, estimate
from components.deployment_cost import deployment_peak
from components.edge.https_domain import HttpsDomain
from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.service_route_args import Route
from components.edge.smoke_test import SmokeTest, SmokeTestArgs
from components.errors import ConfigError, collect, in_words, raise_any
from components.image.app_image import AppImage, AppImageArgs
from components.network.network import Network
from components.secrets_key import check_deployer_account
from components.service.cluster import Cluster
from components.service.cluster_spec import ExistingCluster
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.stack_cost import stack_cost
from components.stack_shape import stack_shape
from settings import FIELD_KEYS, placeholders, settings_from


def stack_config() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """Every key set in the stack's config, wherever the SDK reads config from: ``PULUMI_CONFIG`` under
    ``pulumi up``, ``set_all_config`` under the Automation API and mocks. The project's keys (prefix
    removed), which of the keys were set with ``--secret`` (other namespaces' by full name), and the keys
    of other namespaces by full name (``aws:region``). Reading every key, not only the known ones, is
    what lets a typo such as ``desiredcount``, ``aws:regoin`` or ``graviton-nod:cpu`` fail instead of
    being ignored."""
    prefix = f"{pulumi.get_project()}:"
    names = {**pulumi.runtime.config.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    config = pulumi.Config()
    values = {key.removeprefix(prefix): config.get(key.removeprefix(prefix)) for key in names if key.startswith(prefix)}
    # Secret keys arrive as PULUMI_CONFIG_SECRET_KEYS under `pulumi up`, through set_all_config otherwise.
    marked = set(pulumi.runtime.config.get_config_secret_keys_env())
    secret = frozenset(
        key.removeprefix(prefix)
        for key in names
        if key in marked or pulumi.runtime.config.is_config_secret(key)
    )  # fmt: skip
    others = {key: str(value) for key, value in names.items() if not key.startswith(prefix)}
    return {key: value for key, value in values.items() if value is not None}, secret, others


def stack_region() -> str | None:
    """The region the AWS provider deploys to, read as the provider reads it: ``aws:region``, else the
    ``AWS_REGION`` or ``AWS_DEFAULT_REGION`` environment variable (``pulumi_aws.config.region`` is the SDK's
    copy of the provider's schema default). None when none is set and only an AWS profile names the
    region: the provider reads the profile, the program does not, so the checks against the region
    are skipped rather than guessed."""
    return aws.config.region or None


# ECR repository names must be lower case; the stack name is the prefix of every resource name.
stack = pulumi.get_stack().lower()
region = stack_region()
project_keys, secret_keys, other_keys = stack_config()
# Pulumi.prod.yaml's documented placeholders (a domain, zone and account of the docs) are refused where
# resources are created: pulumi up. A preview (every pull request's, for each stack) and a run under mocks
# (tools/plan.py, the tests) create nothing and show a warning for each, so a copy whose prod is not set up
# yet still gets its previews.
deploying = not pulumi.runtime.is_dry_run() and not isinstance(pulumi.runtime.settings.get_monitor(), MockMonitor)
try:
    settings = settings_from(
        project_keys,
        secret_keys,
        region=region,
        stack=(pulumi.get_project(), stack),
        others=other_keys,
        deploying=deploying,
        project=Path(__file__).parent,
    )
except ConfigError as error:
    # The stack's name is named in the same run (with the one target group a strategy in error leaves);
    # collect raises them all, the bare raise only tells the type checker so.
    mistakes = error.errors
    collect(lambda: raise_any(mistakes), lambda: LoadBalancer.check_name(f"{stack}-web", "stack", stack),
            lambda: FargateService.check_name(f"{stack}-app", "stack", stack),
            lambda: AppImage.check_name(f"{stack}-app", "stack", stack))  # fmt: skip
    raise
# A deploy refuses placeholders (settings_from); a preview or a plan warns of each and runs on.
unset = [] if deploying else placeholders(project_keys, secret_keys)
for placeholder in unset:
    pulumi.log.warn(f"{placeholder} (a placeholder: pulumi up refuses it)")
# A placeholder domain or zone has no zone to look up yet: a copy's preview of prod still runs.
domain = None if {p.key for p in unset} & {"domainName", "hostedZoneId"} else settings.load_balancer.domain
# So is a placeholder deploying role, whose account is the docs' and not yet compared with the caller's.
deployer = "" if "deployerRoleArn" in {p.key for p in unset} else settings.service.access.deployer_role_arn
# A stack name that would make a name AWS refuses is the stack's mistake: it fails here, before anything
# is registered (each component knows its children's names), as does a new VPC's AZ count this account
# cannot give Fargate, a domain its hosted zone cannot hold and a deploying role of another account.
collect(
    lambda: LoadBalancer.check_name(f"{stack}-web", "stack", stack),
    lambda: FargateService.check_name(
        f"{stack}-app",
        "stack",
        stack,
        shifting=settings.route.deployment.shifts_traffic,
        monitored=settings.alarms is not None,
    ),
    lambda: FargateService.check_spec(settings.service, stack),
    lambda: AppImage.check_name(f"{stack}-app", "stack", stack),
    lambda: Network.zone_names(settings.network),
    lambda: HttpsDomain.check_zone(domain),
    # The secrets key grants the deploying role PutKeyPolicy: it must be of the stack's (the caller's) account.
    lambda: (
        deployer
        and check_deployer_account("ServiceAccess.deployer_role_arn", deployer, aws.get_caller_identity().account_id)
    ),
    keys=FIELD_KEYS,
)

# The buildx builder, its BuildKit image pinned by digest: tools/builder.sh (run by tools/deploy.sh) and
# the workflows' setup-buildx steps create it. A missing builder fails the build; no unpinned fallback.
BUILDER = "graviton-node"

# The files' content is the secret (a CA bundle, an .npmrc's token): secret in the state, never in a layer.
build_secrets: dict[str, pulumi.Input[str]] = {
    secret_id: pulumi.Output.secret(Path(path).read_text()) for secret_id, path in settings.build_secret_files.items()
}

image = AppImage(
    f"{stack}-app",
    AppImageArgs(spec=settings.image, build_secrets=build_secrets, builder=BUILDER),
)
if small := settings.network.small_load_balancer_subnets:
    pulumi.log.warn(f"vpcCidr: {in_words(small, FIELD_KEYS)}")
network = Network(f"{stack}-net", settings.network)
load_balancer = LoadBalancer(
    f"{stack}-web",
    # Its zone was checked above (or is a placeholder, with nothing to look up).
    LoadBalancerArgs(
        vpc_id=network.vpc_id, subnet_ids=network.public_subnet_ids, spec=settings.load_balancer, check_zone=False
    ),
)
# The cluster and the service share a name: the cluster's children keep the names (and URNs, by alias)
# they had when the service created them.
cluster = (
    settings.cluster if isinstance(settings.cluster, ExistingCluster) else Cluster(f"{stack}-app", settings.cluster)
)
# The smoke test calls the new revision through the test rule before production traffic moves.
smoke_test = (
    SmokeTest(
        f"{stack}-app-smoke",
        SmokeTestArgs(
            url=load_balancer.url,
            route=settings.route,
            spec=settings.smoke_test,
            permissions_boundary_arn=settings.service.access.permissions_boundary_arn,
        ),
    )
    if settings.smoke_test is not None
    else None
)
service = FargateService(
    f"{stack}-app",
    FargateServiceArgs(
        spec=settings.service,
        image_ref=image.image_ref,
        cluster=cluster,
        vpc_id=network.vpc_id,
        subnet_ids=network.task_subnet_ids,
        assign_public_ip=network.assign_public_ip,
        route=Route(
            listener_arn=load_balancer.listener_arn,
            load_balancer_security_group_id=load_balancer.security_group_id,
            load_balancer_arn_suffix=load_balancer.arn_suffix,
            idle_timeout_seconds=load_balancer.idle_timeout_seconds,
        ),
        secret_values={name: pulumi.Output.secret(value) for name, value in settings.secret_values.items()},
        alarms=settings.alarms,
        lifecycle_hooks=[smoke_test.lifecycle_hook] if smoke_test else [],
    ),
)
cost = estimate(
    cpu=settings.service.cpu,
    memory_mib=settings.service.memory,
    desired_count=settings.service.desired_count,
    strategy=settings.service.strategy,
    rates=settings.cost_rates,
)

pulumi.export("url", load_balancer.url)
pulumi.export("image_ref", image.image_ref)
pulumi.export("repository_url", image.repository_url)
pulumi.export("platforms", list(image.platforms))
pulumi.export("cluster_name", service.cluster_name)
pulumi.export("cluster_arn", service.cluster_arn)
pulumi.export("service_name", service.service_name)
# The revision this commit defines: tools/rollout_check.sh fails unless ECS runs it (a refresh may record the
# old one on the service after a failed deploy, never on the task definition).
pulumi.export("task_definition_arn", service.task_definition_arn)
pulumi.export("log_group_name", service.log_group_name)
if service.dashboard_url is not None:
    pulumi.export("dashboard_url", service.dashboard_url)
pulumi.export("environment", service.environment)
if service.alarm_topic_arn is not None:
    # tools/deploy.sh lists its subscriptions after the update: a lapsed one is named, not silent.
    pulumi.export("alarm_topic_arn", service.alarm_topic_arn)
if load_balancer.access_log_bucket is not None:
    pulumi.export("access_log_bucket", load_balancer.access_log_bucket)
shape, assumptions = stack_shape(
    network=settings.network,
    service=settings.service,
    alarms=settings.alarms,
    default_vpc_azs=settings.cost_default_vpc_azs,
    region=region,
    container_insights=None if isinstance(settings.cluster, ExistingCluster) else settings.cluster.container_insights,
    secrets_key=bool(settings.secret_values),
)
# The package's messages name its fields and arguments; this program's users know its keys.
assumptions = tuple(in_words(assumed, FIELD_KEYS) for assumed in assumptions)
warnings = tuple(
    in_words(warning, FIELD_KEYS)
    for warning in (*cost_warnings(region=region, rates=settings.cost_rates), *cost.split_warnings)
)
pulumi.export(
    "cost_estimate",
    cost.as_output()
    | stack_cost(cost, shape, settings.cost_rates, assumptions=assumptions, warnings=warnings).as_output(),
)
# A deployment's peak: blue/green, canary and linear run the old and new revisions side by side.
pulumi.export(
    "deployment",
    deployment_peak(
        deployment=settings.route.deployment,
        service=settings.service,
        max_count=settings.service.autoscaling.max_count if settings.service.autoscaling else None,
        rates=settings.cost_rates,
    ).as_output(),
)
# What another stack needs to run a second service in this cluster behind this load balancer.
pulumi.export("vpc_id", network.vpc_id)
pulumi.export("task_subnet_ids", network.task_subnet_ids)
pulumi.export("assign_public_ip", network.assign_public_ip)
pulumi.export("listener_arn", load_balancer.listener_arn)
pulumi.export("load_balancer_security_group_id", load_balancer.security_group_id)
pulumi.export("idle_timeout_seconds", load_balancer.idle_timeout_seconds)
pulumi.export("load_balancer_arn_suffix", load_balancer.arn_suffix)
