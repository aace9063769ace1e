"""The stack's configuration: one table of keys and a parser into a frozen ``Settings``.

This is the program's own config layer, not part of the installable components package: other
projects build their args from their own config.

``CONFIG_KEYS`` is the single source of truth: tests keep ``Pulumi.yaml``'s typed ``config:`` block and
the README's table in step with it. ``load_settings`` validates every value before the program
registers a single resource, raising ``ConfigError`` with the key, the value and what is allowed.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import functools
import importlib.util
import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar

from components import validation as check
from components.autonames import AUTONAMING_KEY, check_autonaming
from components.cost import DEFAULT_RATES
from components.edge.alb_rules import LAST_PRIORITY
from components.edge.domain import Domain
from components.edge.elb_log_delivery import log_delivery_principal
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.edge.route_spec import RouteSpec
from components.edge.smoke_test_rules import SmokeTestSpec, check_smoke_test
from components.errors import DIGITS, HIDDEN, KEPT_SECRET, SECRET_KEYS, ConfigError, boolean, integer, raise_any, redact
from components.iam_policies import LOAD_BALANCER_GROUP_TAG, STACK_TAG, role_path
from components.iam_quotas import INLINE_ROLE_POLICIES
from components.image.image_spec import ImageSpec
from components.naming import account_unique
from components.network.fargate_zones import fargate_zone_ids
from components.network.network_spec import NetworkSpec
from components.network.region_zones import region_azs
from components.network.subnet_capacity import check_task_addresses
from components.observability.alarm_rules import Alarms
from components.observability.unhealthy_window import check_grace_period
from components.secrets_key import check_deployer_role_arn
from components.security_group_quota import SecurityGroupQuota
from components.service.autoscaling_rules import Autoscaling, parse_schedule
from components.service.capacity_strategy import build_strategy
from components.service.cluster_spec import ClusterSpec, ExistingCluster
from components.service.container_definition import TASK_DEFINITION_MAX_BYTES, task_definition_size
from components.service.deploy_time import check_deploy_time
from components.service.deployment_strategy import (
    MAKE_ONE,
    DeploymentStrategy,
    check_rollback,
    parse_percent,
    parse_test_header,
)
from components.service.env_tuning import Tuning, parse_environment
from components.service.fargate_service_args import FargateServiceArgs
from components.service.secrets import (
    check_project_stores,
    check_within_stack,
    execution_policy_size,
    parse_references,
    parse_values,
    resource_arn,
)
from components.service.service_access import ServiceAccess
from components.service.service_spec import DEFAULT_STRATEGY, HealthCheck, ServiceSpec
from components.tag_rules import check_default_tags

#: The project: ``dockerContext`` is relative to it.
PROJECT = Path(__file__).resolve().parent
ConfigType = Literal["string", "integer", "boolean", "array"]
ConfigValue = str | int | bool | tuple[str, ...]
T = TypeVar("T")


#: The specs whose fields config keys set: their defaults are the keys' defaults, their errors the keys'.
SPECS: Mapping[str, type] = {
    spec.__name__: spec
    for spec in (
        ServiceSpec, HealthCheck, Tuning, ServiceAccess, FargateServiceArgs, ClusterSpec, ExistingCluster, Autoscaling,
        Alarms, LoadBalancerSpec, Domain, NetworkSpec, DeploymentStrategy, RouteSpec, ImageSpec, SmokeTestSpec,
        SecurityGroupQuota,
    )
}  # fmt: skip
#: A key's ``default`` when it is its first field's default.
FROM_SPEC: ConfigValue = "(the spec's default)"


def spec_default(path: str) -> Any:
    """The default of a spec field named ``Spec.field``."""
    spec, name = path.split(".")
    found = next(f for f in dataclasses.fields(SPECS[spec]) if f.name == name)
    return found.default_factory() if found.default is dataclasses.MISSING else found.default  # type: ignore[misc]


def config_value(value: Any) -> ConfigValue:
    """A spec's value as config spells it: None (a policy off) as 0, a decimal as its digits, a collection as a
    tuple of strings."""
    if value is None:
        return 0
    if isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    return tuple(str(item) for item in value)


@dataclass(frozen=True)
class ConfigKey:
    """One key of the stack's config, as declared in Pulumi.yaml, and the spec fields it sets."""

    name: str
    type: ConfigType
    default: ConfigValue
    description: str
    fields: tuple[str, ...] = ()
    """The spec fields (``Spec.field``, or a package function's ``function.argument``) the key sets: an error
    or warning naming one is this key's. With ``FROM_SPEC``
    the default is the first field's; the strategy's keys (one ``ServiceSpec.strategy``) and the build
    context (required: the program's is ``docker``) spell theirs out, and a test holds them to the spec's."""

    def __post_init__(self) -> None:
        if self.default == FROM_SPEC:
            object.__setattr__(self, "default", config_value(spec_default(self.fields[0])))


CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("dockerContext", "string", "docker", "Build context: a folder of the project, relative to it, holding the app and its Dockerfile; every file below it is part of the image tag. Default: the sample app in docker/.", ("ImageSpec.context",)),
    ConfigKey("dockerfile", "string", FROM_SPEC, "Dockerfile to build, relative to dockerContext and inside it: the sample's Dockerfile (multi-arch) or Dockerfile.graviton (arm64 only), or your own. LABEL graviton-node.platforms in its final stage limits platforms.", ("ImageSpec.dockerfile",)),
    ConfigKey("platforms", "array", FROM_SPEC, "Image platforms; must include linux/arm64. Two platforms build one cached image each, joined by an index.", ("ImageSpec.platforms",)),
    ConfigKey("keepBuilds", "integer", FROM_SPEC, "Builds the ECR lifecycle policy keeps, newest pushed first (each with its per-platform images); failed deploys count too, so the running image expires after that many pushes that did not replace it (docs/images.md).", ("ImageSpec.keep_builds",)),
    ConfigKey("forceDelete", "boolean", FROM_SPEC, "Let pulumi destroy delete the ECR repositories even when they hold images.", ("ImageSpec.force_delete",)),
    ConfigKey("npmCaBundle", "string", "", "Path to a CA bundle handed to npm in the build as the npm_ca secret (TLS-intercepting proxies); empty for none."),
    ConfigKey("npmrcFile", "string", "", "Path to an .npmrc (a private registry and its token) handed to npm ci in the build as the npmrc secret, mounted at /root/.npmrc for that step only: never in a layer, the cache or the tag, in the state only encrypted (a secret); outside dockerContext; empty for none."),
    ConfigKey("taskEgressPorts", "array", FROM_SPEC, "TCP ports the tasks may reach anywhere, 443 among them (ECR, CloudWatch Logs and AWS APIs; without it no task starts). List 443 with a port your app calls (e.g. 443 and 5432). Each takes an outbound rule on the tasks' security group: at most securityGroupRulesQuota.", ("ServiceAccess.egress_ports",)),
    ConfigKey("clusterArn", "string", "", "ARN of an existing ECS cluster with FARGATE and FARGATE_SPOT associated; empty creates one. Fill the deployer, boundary and operator documents with --cluster-name <its name> (docs/iam.md).", ("ExistingCluster.arn",)),
    ConfigKey("containerInsights", "string", FROM_SPEC, "Container Insights on a created cluster: enhanced, enabled or disabled.", ("ClusterSpec.container_insights",)),
    ConfigKey("cpu", "integer", FROM_SPEC, "Task CPU units (256-16384, a Fargate size).", ("ServiceSpec.cpu",)),
    ConfigKey("memory", "integer", FROM_SPEC, "Task memory in MiB; must fit the Fargate table for cpu.", ("ServiceSpec.memory",)),
    ConfigKey("desiredCount", "integer", FROM_SPEC, "Tasks the service keeps running (0-5000).", ("ServiceSpec.desired_count",)),
    ConfigKey("autoscaling", "boolean", False, "Scale the service between minCount and maxCount by the targets and schedules below; pulumi up then never resets the running count to desiredCount. minCount through scalingSchedules are checked even while it is off; desiredCount is held to minCount..maxCount only when it is on.", ("ServiceSpec.autoscaling",)),
    ConfigKey("minCount", "integer", FROM_SPEC, "Fewest tasks when autoscaling (0-5000, at most desiredCount). With scalingSchedules the schedules own the range: minCount..maxCount is the range the service starts with and bounds every schedule's range, and a deploy never resets the range a schedule has set.", ("Autoscaling.min_count",)),
    ConfigKey("maxCount", "integer", FROM_SPEC, "Most tasks when autoscaling (at least desiredCount, at most 5000); with scalingSchedules, see minCount. Tasks beyond the FARGATE base run on Spot.", ("Autoscaling.max_count",)),
    ConfigKey("cpuTargetPercent", "integer", FROM_SPEC, "Target average CPU utilisation (1-99: target tracking scales out only above it, and utilisation is never above 100, so at 100 it could never scale out); 0 for no CPU policy.", ("Autoscaling.cpu_target_percent",)),
    ConfigKey("memoryTargetPercent", "integer", FROM_SPEC, "Target average memory utilisation (1-99, as cpuTargetPercent); 0 for no memory policy.", ("Autoscaling.memory_target_percent",)),
    ConfigKey("requestsPerTarget", "integer", FROM_SPEC, "Target ALB requests per task per minute (1-1000000); 0 for none.", ("Autoscaling.requests_per_target",)),
    ConfigKey("scaleInCooldownSeconds", "integer", FROM_SPEC, "Seconds after a scale-in before the next (0-86400).", ("Autoscaling.scale_in_cooldown_seconds",)),
    ConfigKey("scaleOutCooldownSeconds", "integer", FROM_SPEC, "Seconds after a scale-out before the next (0-86400).", ("Autoscaling.scale_out_cooldown_seconds",)),
    ConfigKey("scalingSchedules", "array", FROM_SPEC, "Scheduled task ranges as EXPRESSION=MIN..MAX[@TIMEZONE], e.g. cron(0 8 ? * MON-FRI *)=4..20@Europe/Berlin: EXPRESSION is at(yyyy-mm-ddThh:mm:ss), rate(1 day) or rate(N days) (also minute, hour), or cron(minutes hours day-of-month month day-of-week year) with ? in exactly one day field; TIMEZONE an IANA name (default UTC); MIN..MAX within minCount..maxCount. At most 200 (Application Auto Scaling's scheduled actions per scalable target, not adjustable). A changed range applies when its schedule next runs.", ("Autoscaling.schedules",)),
    ConfigKey("alarms", "boolean", False, "CloudWatch alarms on CPU, memory, target 5xx, the load balancer's own 5xx, unhealthy targets, response time, Spot interruptions, tasks below the desired count and the task counter gone quiet (the target 5xx and unhealthy ones roll back a deployment; required with a canary, linear or blueGreen deploymentStrategy), a task counter by capacity provider, and a dashboard.", ("FargateServiceArgs.alarms",)),
    ConfigKey("alarmCpuPercent", "integer", FROM_SPEC, "Alarm when average service CPU stays above this for 3 minutes (1-99: it fires above the value, and the metric never reads over 100).", ("Alarms.cpu_percent",)),
    ConfigKey("alarmMemoryPercent", "integer", FROM_SPEC, "Alarm when average service memory stays above this for 3 minutes (1-99: it fires above the value, and the metric never reads over 100).", ("Alarms.memory_percent",)),
    ConfigKey("alarm5xxPercent", "integer", FROM_SPEC, "Alarm (and roll back a deployment) when more than this percent of a target group's requests answer 5xx in 2 running minutes with requests (1-99: at 100 it could never fire, the 5xx being among the requests): CloudWatch skips a minute without any; minutes with fewer than 2 requests count as 0 %. Replaces alarm5xxPerMinute.", ("Alarms.target_5xx_percent",)),
    ConfigKey("alarmResponseTimeMs", "integer", FROM_SPEC, "Alarm when p95 target response time stays above this for 5 minutes (1-60000 ms).", ("Alarms.response_time_ms",)),
    ConfigKey("alarmSpotInterruptionsPerHour", "integer", FROM_SPEC, "With alarms: alarm above this many Spot interruptions of the service's tasks in an hour (1-1000); each is also sent to the topic.", ("Alarms.spot_interruptions_per_hour",)),
    ConfigKey("alarmEmails", "array", FROM_SPEC, "E-mail addresses an SNS topic sends alarms to (needs alarms: true); empty creates no topic. Each confirms its subscription within 48 hours (SNS deletes it after); tools/deploy.sh names any not confirmed.", ("Alarms.emails",)),
    ConfigKey("containerPort", "integer", FROM_SPEC, "Port the app listens on (1024-65535: the app runs as uid 1000, and on Fargate a user other than root cannot bind a lower port; the load balancer still listens on 80 and 443). A deployed stack's target groups keep the port they were created with (ECS registers each task with this one); its security-group rules move to the new port before the new tasks start, so requests fail until they are healthy.", ("ServiceSpec.container_port",)),
    ConfigKey("platformVersion", "string", FROM_SPEC, "Fargate platform version: 1.4.0 or LATEST (ARM64 on Spot needs 1.4.0+).", ("ServiceSpec.platform_version",)),
    ConfigKey("useSpot", "boolean", True, "Include FARGATE_SPOT in the capacity-provider strategy.", ("build_strategy.use_spot",)),
    ConfigKey("fargateBase", "integer", 1, "On-demand (FARGATE) tasks placed before weights apply.", ("ServiceSpec.strategy[FARGATE].base",)),
    ConfigKey("fargateWeight", "integer", 0, "FARGATE share of the tasks beyond the base (0-1000).", ("ServiceSpec.strategy[FARGATE].weight",)),
    ConfigKey("spotBase", "integer", 0, "FARGATE_SPOT base; only one provider may have a base.", ("ServiceSpec.strategy[FARGATE_SPOT].base",)),
    ConfigKey("spotWeight", "integer", 1, "FARGATE_SPOT share of the tasks beyond the base (0-1000).", ("ServiceSpec.strategy[FARGATE_SPOT].weight",)),
    ConfigKey("stopTimeoutSeconds", "integer", FROM_SPEC, "Seconds between SIGTERM and SIGKILL (2-120, Fargate's maximum).", ("ServiceSpec.stop_timeout_seconds",)),
    ConfigKey("logRetentionDays", "integer", FROM_SPEC, "CloudWatch Logs retention in days (a CloudWatch retention value).", ("ServiceSpec.log_retention_days",)),
    ConfigKey("healthCheckPath", "string", FROM_SPEC, "HTTP path the container and load-balancer health checks request, as the app sees it: no . or .. segments, no leading //, no trailing ?.", ("HealthCheck.path",)),
    ConfigKey("healthCheckIntervalSeconds", "integer", FROM_SPEC, "Container health check interval (5-300).", ("HealthCheck.interval_seconds",)),
    ConfigKey("healthCheckTimeoutSeconds", "integer", FROM_SPEC, "Container health check timeout (2-60).", ("HealthCheck.timeout_seconds",)),
    ConfigKey("healthCheckRetries", "integer", FROM_SPEC, "Container health check retries (1-10).", ("HealthCheck.retries",)),
    ConfigKey("healthCheckStartPeriodSeconds", "integer", FROM_SPEC, "Container health check start period (0-300).", ("HealthCheck.start_period_seconds",)),
    ConfigKey("healthCheckGracePeriodSeconds", "integer", FROM_SPEC, "Seconds the service ignores load-balancer health checks after a task starts; the unhealthy-target alarm waits it out too, and the time a deployment takes to start its tasks (10 minutes a wave), and a deploy waits for both: it must end within 45 minutes (at most 420 with alarms and one rolling wave, as with the default minHealthyPercent and maxPercent; README, How long pulumi up waits).", ("RouteSpec.health_check_grace_period_seconds",)),
    ConfigKey("minHealthyPercent", "integer", FROM_SPEC, "Deployment minimum healthy percent (0-100).", ("ServiceSpec.min_healthy_percent",)),
    ConfigKey("maxPercent", "integer", FROM_SPEC, "Deployment maximum percent (above minHealthyPercent, at most 2147483647: ECS takes a 32-bit integer). ECS rounds it down and minHealthyPercent up, so a rolling deploy must be able to start or stop a task at every count the service may run: one task needs 200, or minHealthyPercent 0.", ("ServiceSpec.max_percent",)),
    ConfigKey("deploymentStrategy", "string", FROM_SPEC, "How a new revision takes traffic: rolling (tasks replaced batch by batch), canary, linear or blueGreen (ECS shifts the listener rule's weights between two target groups; the old revision stays up to take traffic back), which need alarms: true, since only their deployment alarms roll them back. docs/decisions.md, Deploys.", ("DeploymentStrategy.kind",)),
    ConfigKey("canaryPercent", "string", "10", "canary: share of production traffic the new revision takes first, 0.1-100 in steps of 0.1.", ("DeploymentStrategy.canary_percent",)),
    ConfigKey("canaryBakeMinutes", "integer", FROM_SPEC, "canary: minutes at that share before the rest moves (0-1440).", ("DeploymentStrategy.canary_bake_minutes",)),
    ConfigKey("linearStepPercent", "string", "20", "linear: share moved at each step, 3-100 in steps of 0.1.", ("DeploymentStrategy.step_percent",)),
    ConfigKey("linearStepMinutes", "integer", FROM_SPEC, "linear: minutes between steps (0-1440).", ("DeploymentStrategy.step_minutes",)),
    ConfigKey("deploymentBakeMinutes", "integer", FROM_SPEC, "canary, linear, blueGreen: minutes the old revision keeps running after all traffic has moved, ready to take it back (0-1440).", ("DeploymentStrategy.bake_minutes",)),
    ConfigKey("deploymentTestHeader", "string", "", "canary, linear, blueGreen: NAME=VALUE of a header that sends a request to the new revision before production traffic moves (a test listener rule, reachable from allowedCidrs only); empty for none. Its value is the only gate, and ELB compares it case-insensitively: set it with --secret (refused otherwise), at least 32 characters, 6 of them different once case is folded, e.g. pulumi config set --secret deploymentTestHeader \"x-deploy-test=$(openssl rand -hex 16)\". Add or remove it in a pulumi up that keeps listenerRulePriority: the test rule takes the priority 1 before it (Troubleshooting, PriorityInUse).", ("RouteSpec.test_header",)),
    ConfigKey("deploymentSmokeTest", "boolean", False, "canary, linear, blueGreen with deploymentTestHeader: before production traffic moves, a Lambda function requests deploymentSmokeTestPath through the test rule and rolls the deployment back unless the new revision answers 2xx within 10 s (an ECS lifecycle hook at POST_TEST_TRAFFIC_SHIFT). It calls from outside the VPC, so allowedCidrs must hold 0.0.0.0/0. docs/decisions.md, The smoke test.", ("SmokeTest",)),
    ConfigKey("deploymentSmokeTestPath", "string", "", "The path the smoke test requests; empty for healthCheckPath.", ("SmokeTestSpec.path",)),
    ConfigKey("enableExecuteCommand", "boolean", FROM_SPEC, "Enable ECS Exec: shells in the tasks' app container, run as root whatever the container's user, logged to CloudWatch (what ran; who opened a session is in CloudTrail). Turns off the app container's read-only root: the exec agent writes into the container (sidecars keep theirs, so Exec cannot reach them). Gives the task role ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel, logs:DescribeLogGroups, logs:CreateLogStream, logs:PutLogEvents and logs:DescribeLogStreams on the session log, and kms:Decrypt on execKmsKeyArn (docs/decisions.md, Network and security; ECS Exec).", ("ServiceSpec.enable_execute_command",)),
    ConfigKey("execKmsKeyArn", "string", FROM_SPEC, "With enableExecuteCommand: KMS key in the stack's region encrypting the sessions, and on a created cluster their CloudWatch log (its key policy must admit CloudWatch Logs: docs/decisions.md, ECS Exec); with clusterArn, the key that cluster's ECS Exec uses, which the task role may then decrypt with; empty for none.", ("ClusterSpec.exec_kms_key_arn", "ExistingCluster.exec_kms_key_arn")),
    ConfigKey("permissionsBoundaryArn", "string", FROM_SPEC, "Managed policy every IAM role the stack creates carries as its permissions boundary (docs/iam-boundary.json, created once per stack: README, AWS permissions); empty for the deploying account's graviton-node-boundary-<stack>.", ("ServiceAccess.permissions_boundary_arn",)),
    ConfigKey("secrets", "array", FROM_SPEC, "Container secrets as NAME=ARN: an SSM parameter ARN or a Secrets Manager ARN with its 6-character suffix (NAME-AbCdEf, with :json-key:: for one key); injected as ECS secrets, never plain environment.", ("ServiceAccess.secrets",)),
    ConfigKey("secretValues", "array", FROM_SPEC, "Secret values as NAME=value, set with pulumi config set --secret; stored as SSM SecureString parameters (standard tier: each value at most 4096 bytes, with no text wrapped in {{...}}) and injected like secrets.", ("ServiceAccess.secret_value_names", "FargateServiceArgs.secret_values")),
    ConfigKey("deployerRoleArn", "string", FROM_SPEC, "With secretValues: the ARN of the IAM role that deploys the stack (as aws iam get-role --query Role.Arn prints it, path included; outside /graviton-node/; in the stack's account), which the values' KMS key policy names: KMS creates a key only with a policy that lets its creator change it (docs/iam.md, The secrets key).", ("ServiceAccess.deployer_role_arn",)),
    ConfigKey("secretsKmsKeyArns", "array", FROM_SPEC, "Customer-managed KMS keys the referenced secrets are encrypted with; the execution role may decrypt with exactly these.", ("ServiceAccess.secret_kms_key_arns",)),
    ConfigKey("writablePaths", "array", FROM_SPEC, "Absolute folders the app may write to (e.g. /tmp; not / and nothing under /proc, where runc mounts only procfs), each a bind mount on the task's ephemeral storage (at least 20 GiB, shared with the image), emptied when the task stops; the root stays read-only. The image must create each, owned by uid 1000, and declare it with VOLUME (docs/app-contract.md).", ("ServiceSpec.writable_paths",)),
    ConfigKey("environment", "array", FROM_SPEC, "Extra container environment as NAME=value strings, each value non-empty (ECS drops an empty one: the app would see it unset and every up would redeploy), plain in AWS (set with --secret it is refused: secrets go in secretValues); NODE_OPTIONS keeps its flags: only those Node 22 allows there and none that stop Node or its health check (--watch, --inspect-brk, ...; docs/app-contract.md), and no heap ceiling (it is derived from memory). With the secrets and the provider's default tags they must fit ECS's 64 KiB task definition (sized in us-east-1 when aws:region is unset).", ("ServiceSpec.environment",)),
    ConfigKey("heapPercent", "integer", FROM_SPEC, "V8 heap ceiling as a percentage of container memory (10-90, and at most what the memory holds at a full heap: 70 at 512 MiB, 79 at 1024, 83 at 2048, 86 at 4096, 88 at the largest; the error names it).", ("Tuning.heap_percent",)),
    ConfigKey("uvThreadpoolSize", "integer", FROM_SPEC, "UV_THREADPOOL_SIZE (1-1024).", ("Tuning.uv_threadpool_size",)),
    ConfigKey("mallocArenaMax", "integer", FROM_SPEC, "MALLOC_ARENA_MAX, glibc malloc arenas (1-64).", ("Tuning.malloc_arena_max",)),
    ConfigKey("listenerPort", "integer", FROM_SPEC, "Load-balancer HTTP listener port; with a domain it answers a 301 to HTTPS on 443.", ("LoadBalancerSpec.listener_port",)),
    ConfigKey("domainName", "string", "", "Serve HTTPS on this domain (e.g. app.example.com; lower case, an internationalised name in its xn-- form such as app.xn--p1ai); empty keeps the stack HTTP-only.", ("Domain.name",)),
    ConfigKey("hostedZoneId", "string", FROM_SPEC, "Route 53 hosted zone of domainName, named as it or a parent of it (public, unless certificateArn is given): validates the certificate and gets the alias record.", ("Domain.hosted_zone_id",)),
    ConfigKey("certificateArn", "string", FROM_SPEC, "An existing ACM certificate for domainName in the stack's region; empty requests a DNS-validated one (needs hostedZoneId).", ("Domain.certificate_arn",)),
    ConfigKey("allowedCidrs", "array", FROM_SPEC, "IPv4 CIDRs allowed to reach the listener port (the load balancer is IPv4-only); nothing else is open. Each takes an inbound rule per open port (two with a domain) on the load balancer's security group, which holds securityGroupRulesQuota; a change adds the new CIDRs' rules before it removes the old ones, so old and new together must fit it (else change a few at a time).", ("LoadBalancerSpec.allowed_cidrs",)),
    ConfigKey("securityGroupRulesQuota", "integer", FROM_SPEC, "Rules per security group and direction the account allows (60-1000): the Amazon VPC quota 'Inbound or outbound rules per security group', default 60, adjustable. allowedCidrs times open ports and taskEgressPorts are held to it; set it only after raising the quota in Service Quotas.", ("SecurityGroupQuota.rules",)),
    ConfigKey("deregistrationDelaySeconds", "integer", FROM_SPEC, "Target-group draining time (0-90), kept well under Spot's two-minute warning.", ("RouteSpec.deregistration_delay_seconds",)),
    ConfigKey("pathPatterns", "array", FROM_SPEC, "Listener-rule path patterns routed to this service (1-3, the ALB's limit).", ("RouteSpec.path_patterns",)),
    ConfigKey("listenerRulePriority", "integer", LAST_PRIORITY, "Listener-rule priority (1-50000). A catch-all such as /* must take 50000, the last, so that other stacks' rules (1-49999) are evaluated first. With deploymentTestHeader, change it by 2 or more at a time: its test rule sits 1 before it, and a rule moved onto the other's old priority is refused in one of the orders pulumi up moves them in (PriorityInUse; tools/plan.py --diff marks it !!).", ("RouteSpec.listener_rule_priority",)),
    ConfigKey("accessLogs", "boolean", FROM_SPEC, "Load-balancer access logs to an S3 bucket of the stack's own (encrypted, private, expiring).", ("LoadBalancerSpec.access_logs",)),
    ConfigKey("accessLogRetentionDays", "integer", FROM_SPEC, "Days access logs are kept (1-3650).", ("LoadBalancerSpec.access_log_retention_days",)),
    ConfigKey("deletionProtection", "boolean", FROM_SPEC, "Load-balancer deletion protection: until it is turned off and applied, pulumi destroy fails at the load balancer, after deleting what depends on it (the service and its scaling, listeners and rules, alarms, dashboard, DNS alias), and stops there with the rest standing, the VPC's NAT gateways too (README, 7. Destroy). Also keeps the access-log bucket: turning accessLogs off leaves it in AWS, expiring its logs.", ("LoadBalancerSpec.deletion_protection",)),
    ConfigKey("idleTimeoutSeconds", "integer", FROM_SPEC, "Load-balancer idle timeout (1-4000 s). The app's keep-alive is above 4000 s whatever it is, so a change rolls no task and the running tasks never close a connection the load balancer may reuse.", ("LoadBalancerSpec.idle_timeout_seconds",)),
    ConfigKey("vpc", "string", FROM_SPEC, "Networking: default (the default VPC), new (an awsx VPC) or existing (vpcId and subnets). Chosen for good at the first deploy: another value (or another vpcCidr or vpcId) cannot be applied to a deployed stack, whose load balancer stays in its VPC; destroy the stack and deploy it again. Only a new VPC's addresses are held to the task counts (vpcCidr): a default or existing VPC's free addresses are known to AWS alone, and a deployment short of them leaves tasks unplaced.", ("NetworkSpec.mode",)),
    ConfigKey("vpcCidr", "string", FROM_SPEC, "CIDR of a new VPC (/16 to /24; /23 or larger with 5 or 6 availabilityZones, as EC2 creates subnets of /28 or larger; ELB recommends /27 public subnets for the load balancer: /24 with 2 AZs, /23 with 3 or 4, /22 with 5 or 6, or larger, and the plan warns below). Its task subnets must hold a deployment's peak, one address a task: maxPercent of desiredCount (of maxCount with autoscaling), twice it with a shifting deploymentStrategy, within all task subnets together, less 5 addresses a subnet (8 more where natStrategy None shares them with the load balancer).", ("NetworkSpec.vpc_cidr",)),
    ConfigKey("availabilityZones", "integer", FROM_SPEC, "Availability zones of a new VPC (2-6). A deployed stack takes only 3 <-> 4 or 5 <-> 6 (each AZ keeps its subnets); any other change resizes subnets EC2 cannot replace in place (plan --diff: cannot be applied): destroy the stack and deploy it again. At most 2 in us-west-1 and cn-north-1 and 3 in ap-northeast-1, where Fargate runs in some AZs only (README, Regions where Fargate runs in some AZs).", ("NetworkSpec.availability_zones",)),
    ConfigKey("natStrategy", "string", FROM_SPEC, "NAT gateways of a new VPC: None (tasks in public subnets), Single or OnePerAz (one per AZ). Each takes an Elastic IP address: at most elasticIpQuota.", ("NetworkSpec.nat_strategy",)),
    ConfigKey("elasticIpQuota", "integer", FROM_SPEC, "Elastic IP addresses a new VPC's NAT gateways may take (0 or more): the Amazon VPC quota 'Elastic IP addresses per Region', default 5, adjustable, less the addresses the Region already holds. natStrategy OnePerAz with more availabilityZones than this is refused; set it only after raising the quota in Service Quotas.", ("NetworkSpec.elastic_ip_quota",)),
    ConfigKey("vpcId", "string", FROM_SPEC, "Existing VPC ID (vpc: existing).", ("NetworkSpec.vpc_id",)),
    ConfigKey("publicSubnetIds", "array", FROM_SPEC, "Existing public subnets for the load balancer, two or more distinct IDs in different AZs (vpc: existing; a repeated ID counts once, as the provider sends it).", ("NetworkSpec.public_subnet_ids",)),
    ConfigKey("taskSubnetIds", "array", FROM_SPEC, "Existing private subnets for tasks, at most 16 distinct IDs (ECS's limit; a repeated ID counts once); empty runs tasks in the public subnets with a public IP. They need a NAT route, or VPC endpoints for ECR (ecr.api, ecr.dkr), S3 (gateway), CloudWatch Logs and, with secrets, SSM, Secrets Manager and KMS: tasks pull, log and read secrets through them; with enableExecuteCommand also ssmmessages (ECS guide, VPC endpoints: Session Manager), and KMS with execKmsKeyArn. Interface endpoints with private DNS need the VPC's enableDnsSupport and enableDnsHostnames on (EC2 CreateVpcEndpoint, PrivateDnsEnabled). Their free addresses must hold a deployment's peak (one a task), which nothing checks before a deploy.", ("NetworkSpec.task_subnet_ids",)),
    ConfigKey("costRateOverrides", "array", (), "Cost-table overrides as name=USD, e.g. armSpotVcpuHour=0.0101.", ("estimate.rates",)),
    ConfigKey("costDefaultVpcAzs", "integer", 0, "For the cost estimate with vpc: default, the default VPC's default subnets the load balancer takes, each with a billed public IPv4 address (one per AZ; in us-west-1, ap-northeast-1 and cn-north-1 those in Fargate's AZs only); 0 assumes the region's AZs (us-east-1's six; elsewhere three, the fewest a region has) and says so.", ("stack_shape.default_vpc_azs",)),
)  # fmt: skip

KEYS_BY_NAME: Mapping[str, ConfigKey] = {key.name: key for key in CONFIG_KEYS}
#: The keys the program keeps secret: those setting a field the components send to AWS only as a secret
#: (``KEPT_SECRET``). Any other key is read as plain text, so one set with ``--secret`` is refused.
KEPT_SECRET_KEYS: tuple[str, ...] = tuple(key.name for key in CONFIG_KEYS if KEPT_SECRET & set(key.fields))
#: Spec field -> the config key that sets it: the one table between the package's names and the program's.
FIELD_KEYS: Mapping[str, str] = {field: key.name for key in CONFIG_KEYS for field in key.fields}
# A field named whole, not the end of a key (``SmokeTest`` in ``deploymentSmokeTest``).
_FIELD_NAMES = re.compile(
    r"(?<![A-Za-z0-9_])(?:"
    + "|".join(re.escape(f) for f in sorted(FIELD_KEYS, key=len, reverse=True))
    + r")(?![A-Za-z0-9_])"
)


def parse_rate_overrides(entries: tuple[str, ...]) -> dict[str, Decimal]:
    """The rate table with ``costRateOverrides`` (``name=USD`` strings) applied: this program's config text,
    parsed here (the package's ``cost`` holds the table)."""
    rates = dict(DEFAULT_RATES)
    allowed = f"name=USD with name one of {', '.join(DEFAULT_RATES)} and USD > 0"
    for entry in entries:
        name, _, value = entry.partition("=")
        try:
            amount = Decimal(value)
        except ArithmeticError:
            raise ConfigError("costRateOverrides", entry, allowed) from None
        if name not in DEFAULT_RATES or not amount.is_finite() or amount <= 0:
            raise ConfigError("costRateOverrides", entry, allowed)
        rates[name] = amount
    return rates


def check_default_vpc_azs(count: int, vpc_mode: str = "default", region: str | None = None) -> int:
    """``costDefaultVpcAzs``: 0 (unknown), or the default subnets the load balancer takes. An ALB takes
    subnets in at least two AZs (botocore elbv2 ``CreateLoadBalancerInput.Subnets``: "[Application Load
    Balancers] You must specify subnets from at least two Availability Zones"). With a new or existing
    VPC the estimate counts the subnets the load balancer is given: a count here would be ignored. Where
    Fargate runs in some AZs only, the load balancer takes the default subnets in those (``Network``)."""
    if count != 0 and vpc_mode != "default":
        raise ConfigError(
            "costDefaultVpcAzs", count, f"0 with vpc: {vpc_mode} (the estimate counts the load balancer's own "
            "subnets); a count only with vpc: default"
        )  # fmt: skip
    if count != 0 and count < 2:
        raise ConfigError(
            "costDefaultVpcAzs", count, "0 (unknown: the region's AZs are assumed and the plan says so) or the "
            "number of the default VPC's default subnets, 2 or more (an ALB spans two AZs at least)"
        )  # fmt: skip
    azs, known = region_azs(region)
    if known and count > azs:
        raise ConfigError(
            "costDefaultVpcAzs", count, f"at most {azs} in {region}: a default VPC has one default subnet per AZ"
        )
    if (zones := fargate_zone_ids(region or "")) and count > len(zones):
        raise ConfigError(
            "costDefaultVpcAzs", count, f"at most {len(zones)} in {region}: the load balancer takes only the "
            f"default subnets in Fargate's AZs there ({', '.join(zones)})"
        )  # fmt: skip
    return count


def config_error(error: ConfigError) -> ConfigError:
    """The package's error about a spec field as an error about the config key that sets it, the other
    fields it mentions named by their keys too."""
    return ConfigError(
        FIELD_KEYS.get(error.key, error.key), error.value, _FIELD_NAMES.sub(lambda m: FIELD_KEYS[m[0]], error.allowed)
    )


#: A config key named in an error's text (not as part of a longer name or a ``Spec.field``).
_KEY_NAMES = re.compile(
    r"(?<![A-Za-z0-9_.-])("
    + "|".join(re.escape(k) for k in sorted(KEYS_BY_NAME, key=len, reverse=True))
    + r")(?![A-Za-z0-9_-])"
)


def named_keys(error: ConfigError) -> set[str]:
    """The config keys an error is about: its own and each key its text names. A cross-key check names
    every key it compares (house style), so this is the set of values the check needed."""
    mapped = config_error(error)
    return {mapped.key, *_KEY_NAMES.findall(mapped.allowed)}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the program needs from config, validated. Each field's key and default: ``CONFIG_KEYS``."""

    image: ImageSpec
    """The app's image; its build context is ``dockerContext`` below the project."""
    build_secret_files: Mapping[str, str]
    """The files handed to the build as BuildKit secrets, by secret id (``BUILD_SECRET_FILES``): their content
    is the secret, read by ``__main__`` into ``pulumi.Output.secret``; a path here is plain."""
    cluster: ClusterSpec | ExistingCluster
    """The cluster the stack creates, or the existing one ``clusterArn`` names."""
    secret_values: Mapping[str, str]
    """Plain text here, secret everywhere else: ``__main__`` wraps each in ``pulumi.Output.secret``."""
    alarms: Alarms | None
    service: ServiceSpec
    """The service, with its route through the stack's load balancer, its scaling and its access."""
    smoke_test: SmokeTestSpec | None
    """The deployment's smoke test (``deploymentSmokeTest``): the path it requests (``deploymentSmokeTestPath``,
    else the health check path), its log retention the service's; None without one."""
    load_balancer: LoadBalancerSpec
    network: NetworkSpec
    cost_rates: Mapping[str, Decimal]
    cost_default_vpc_azs: int
    """``costDefaultVpcAzs``: the default VPC's AZs for the cost estimate, 0 when unknown."""

    @property
    def route(self) -> RouteSpec:
        """The service's route: this program's service always has one, through its own load balancer."""
        assert self.service.route is not None, "load_settings builds the service with a route"
        return self.service.route


class _Reader:
    """Typed access to raw config strings (as ``pulumi.Config.get`` returns them), with defaults.

    A value that fails a check is recorded in ``errors`` and its key is read as the key's default from
    then on (``failed``), so the other keys are still checked and every mistake is reported at once. The
    values of ``secret`` keys are never quoted in a hint.
    """

    def __init__(self, raw: Mapping[str, str | None], secret: frozenset[str] = frozenset()) -> None:
        self._raw = raw
        self._secret = secret
        self.errors: list[ConfigError] = []
        self.failed: set[str] = set()
        """Keys whose value failed a check, read as their defaults from then on."""

    def _default(self, name: str) -> ConfigValue:
        return KEYS_BY_NAME[name].default

    def _value(self, name: str) -> str | None:
        return None if name in self.failed else self._raw.get(name)

    def fail(self, error: ConfigError) -> None:
        """Record ``error``; its key is read as its default from then on."""
        self.errors.append(error)
        self.failed.add(error.key)

    def string(self, name: str) -> str:
        value = self._value(name)
        return str(self._default(name)) if value is None else value

    def integer(self, name: str) -> int:
        default = self._default(name)
        assert isinstance(default, int)
        try:
            return integer(name, self._value(name), default)
        except ConfigError as error:
            self.fail(error)
            return default

    def boolean(self, name: str) -> bool:
        default = bool(self._default(name))
        try:
            return boolean(name, self._value(name), default)
        except ConfigError as error:
            self.fail(error)
            return default

    def array(self, name: str) -> tuple[str, ...]:
        value = self._value(name)
        default = self._default(name)
        assert isinstance(default, tuple)
        if value is None:
            return default
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            items = None
        if items is None and value.lstrip().startswith("["):
            # Meant as a list: the fix is its JSON (each item quoted), not a one-item list of the text.
            self.fail(ConfigError(name, value, 'a list of strings in JSON, e.g. ["a", "b"]: this is not valid JSON'))
            return default
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            example = "VALUE" if isinstance(items, list) or name in self._secret else value
            # The keys the program keeps secret are set as secrets (alarmEmails: people's addresses).
            secret = "--secret " if name in self._secret or name in KEPT_SECRET_KEYS else ""
            self.fail(
                ConfigError(
                    name,
                    value,
                    f'a list of strings, e.g. ["a", "b"]; set one item with: pulumi config set {secret}--path '
                    f"'{name}[0]' {example}",
                )
            )
            return default
        return tuple(items)

    def part(self, build: Callable[[], T], fallback: Callable[[], T], *, repair: bool = True) -> T:
        """``build()``, its mistakes recorded and their keys read as defaults until it builds, so the
        checks after a mistake still run; ``fallback()`` where defaults cannot make it build.

        A mistake that names a key which had already failed (an error names every key it compares:
        ``named_keys``) compared that key's stand-in default, not the user's value: that cross check is
        skipped, not reported. With ``repair`` (for a value later checks read) the other keys such a check
        compares are read as defaults too until it builds; later checks naming them are skipped then."""
        while True:
            try:
                return build()
            except ConfigError as error:
                before, stand_ins = set(self.failed), set[str]()
                for one in error.errors:
                    named = named_keys(one)
                    if named & before:
                        stand_ins |= named
                    else:
                        self.fail(config_error(one))
                if self.failed == before:
                    if not repair or stand_ins <= self.failed:
                        return fallback()
                    self.failed |= stand_ins


def _service(r: _Reader, secret_value_names: tuple[str, ...], quota: SecurityGroupQuota) -> ServiceSpec:
    health_check = r.part(
        lambda: HealthCheck(
            path=r.string("healthCheckPath"),
            interval_seconds=r.integer("healthCheckIntervalSeconds"),
            timeout_seconds=r.integer("healthCheckTimeoutSeconds"),
            retries=r.integer("healthCheckRetries"),
            start_period_seconds=r.integer("healthCheckStartPeriodSeconds"),
        ),
        HealthCheck,
    )
    # Strategy, environment, tuning, route, scaling and access are read inside the spec's build: a value its checks
    # refuse (its own, or one joining two of its parts) is read as its default when the spec is built again.
    return r.part(
        lambda: ServiceSpec(
            cpu=r.integer("cpu"),
            memory=r.integer("memory"),
            desired_count=r.integer("desiredCount"),
            container_port=r.integer("containerPort"),
            platform_version=r.string("platformVersion"),
            strategy=r.part(
                lambda: build_strategy(
                    fargate_base=r.integer("fargateBase"),
                    fargate_weight=r.integer("fargateWeight"),
                    spot_base=r.integer("spotBase"),
                    spot_weight=r.integer("spotWeight"),
                    use_spot=r.boolean("useSpot"),
                ),
                lambda: DEFAULT_STRATEGY,
            ),
            stop_timeout_seconds=r.integer("stopTimeoutSeconds"),
            log_retention_days=r.integer("logRetentionDays"),
            health_check=health_check,
            min_healthy_percent=r.integer("minHealthyPercent"),
            max_percent=r.integer("maxPercent"),
            enable_execute_command=r.boolean("enableExecuteCommand"),
            environment=r.part(lambda: parse_environment(r.array("environment")), dict),
            tuning=Tuning(
                heap_percent=r.integer("heapPercent"),
                uv_threadpool_size=r.integer("uvThreadpoolSize"),
                malloc_arena_max=r.integer("mallocArenaMax"),
            ),
            writable_paths=r.array("writablePaths"),
            # The stack always has a route: its own load balancer's catch-all, unless its keys say otherwise.
            route=r.part(lambda: _route(r), lambda: RouteSpec(listener_rule_priority=LAST_PRIORITY)),
            # A range that cannot be built keeps minCount as given for the check of desiredCount against it
            # (with autoscaling on: off, minCount bounds nothing).
            autoscaling=r.part(
                lambda: _autoscaling(r), lambda: _stand_in_range(r) if r.boolean("autoscaling") else None, repair=False
            ),
            access=r.part(lambda: _access(r, secret_value_names, quota), ServiceAccess),
        ),
        ServiceSpec,
    )


def _route(r: _Reader) -> RouteSpec:
    return RouteSpec(
        listener_rule_priority=r.integer("listenerRulePriority"),
        path_patterns=r.array("pathPatterns"),
        deregistration_delay_seconds=r.integer("deregistrationDelaySeconds"),
        health_check_grace_period_seconds=r.integer("healthCheckGracePeriodSeconds"),
        deployment=r.part(lambda: _deployment(r), DeploymentStrategy),
        test_header=r.part(lambda: parse_test_header(r.string("deploymentTestHeader")), lambda: None),
    )


def _deployment(r: _Reader) -> DeploymentStrategy:
    # Every key is read (and type-checked) whatever the strategy.
    return DeploymentStrategy(
        kind=r.string("deploymentStrategy"),
        canary_percent=parse_percent("canaryPercent", r.string("canaryPercent")),
        canary_bake_minutes=r.integer("canaryBakeMinutes"),
        step_percent=parse_percent("linearStepPercent", r.string("linearStepPercent")),
        step_minutes=r.integer("linearStepMinutes"),
        bake_minutes=r.integer("deploymentBakeMinutes"),
    )


def _access(r: _Reader, secret_value_names: tuple[str, ...], quota: SecurityGroupQuota) -> ServiceAccess:
    return ServiceAccess(
        egress_ports=r.part(lambda: _ports(r, "taskEgressPorts"), lambda: (443,)),
        security_group_quota=quota,
        secrets=r.part(lambda: parse_references(r.array("secrets")), dict),
        secret_value_names=secret_value_names,
        secret_kms_key_arns=r.array("secretsKmsKeyArns"),
        permissions_boundary_arn=r.string("permissionsBoundaryArn"),
        deployer_role_arn=r.string("deployerRoleArn"),
    )


def _smoke_test(r: _Reader, service: ServiceSpec) -> SmokeTestSpec | None:
    """The smoke test's spec (a path given is held to its form even with the test off), and the rules joining
    it to the route and the load balancer, which meet only here (``check_smoke_test``). The service's route
    is the catch-all default when its keys are in error: the path is then held to its patterns (``/*``),
    which take every path."""
    enabled, path = r.boolean("deploymentSmokeTest"), r.string("deploymentSmokeTestPath")
    route, health_check = service.route, service.health_check
    request_path = path or (health_check.path if health_check is not None else "")
    found: list[ConfigError] = []
    try:
        spec = SmokeTestSpec(path=request_path, service=service) if enabled or path else None
    except ConfigError as error:
        found, spec = error.errors, None
    try:
        check_smoke_test(
            enabled=enabled,
            strategy=route.deployment if route is not None else None,
            test_header=bool(r.string("deploymentTestHeader")),
            allowed_cidrs=r.array("allowedCidrs"),
            request_path=request_path,
            # A path that is no path is refused for its form alone.
            path_patterns=route.path_patterns if route is not None and not found else (),
        )
    except ConfigError as error:
        found += error.errors
    raise_any(found)
    return spec if enabled else None


def _autoscaling(r: _Reader) -> Autoscaling | None:
    # Every key is read and judged whether or not autoscaling is on: a bad range waiting in the stack file
    # is reported now, not on the day autoscaling is turned on.
    enabled = r.boolean("autoscaling")
    min_count, max_count = r.integer("minCount"), r.integer("maxCount")
    cpu, memory, requests = (
        r.integer(n) or None for n in ("cpuTargetPercent", "memoryTargetPercent", "requestsPerTarget")
    )
    scale_in, scale_out = r.integer("scaleInCooldownSeconds"), r.integer("scaleOutCooldownSeconds")
    schedules = r.array("scalingSchedules")
    scaling = Autoscaling(
        min_count=min_count,
        max_count=max_count,
        cpu_target_percent=cpu,  # 0 in config turns a policy off
        memory_target_percent=memory,
        requests_per_target=requests,
        scale_in_cooldown_seconds=scale_in,
        scale_out_cooldown_seconds=scale_out,
        schedules=tuple(parse_schedule(entry) for entry in schedules),
        # Off, nothing need scale: only the keys' own ranges and the schedules' fit are judged.
        own_policies=not enabled,
    )
    return scaling if enabled else None


def _stand_in_range(r: _Reader) -> Autoscaling:
    """A range from ``minCount`` (valid: a refused one reads as its default) to as many, when ``maxCount``
    cannot hold it: ``desiredCount`` is still held to ``minCount``, and a check naming ``maxCount``, which
    failed, is skipped (``_Reader.part``)."""
    return dataclasses.replace(Autoscaling(), min_count=r.integer("minCount"), max_count=r.integer("minCount"))


def _alarms(r: _Reader) -> Alarms | None:
    # Every key is read (and type-checked) whether or not alarms are on.
    enabled = r.boolean("alarms")
    alarms = Alarms(
        cpu_percent=r.integer("alarmCpuPercent"),
        memory_percent=r.integer("alarmMemoryPercent"),
        target_5xx_percent=r.integer("alarm5xxPercent"),
        response_time_ms=r.integer("alarmResponseTimeMs"),
        spot_interruptions_per_hour=r.integer("alarmSpotInterruptionsPerHour"),
        emails=r.array("alarmEmails"),
    )
    if alarms.emails and not enabled:
        # Only the alarms send to the topic: without them the addresses would be dropped, unsaid.
        raise ConfigError(
            "alarmEmails", list(alarms.emails), "empty, as it needs alarms: true (only alarms send to it)"
        )
    return alarms if enabled else None


#: Why ``environment`` set with ``--secret`` is refused: encrypting the stack file would not keep it secret.
ENVIRONMENT_IS_PLAIN = (
    "a plain environment (set without --secret): ECS shows it to anyone who may describe the task definition "
    "(botocore ecs ContainerDefinition.environment: not for sensitive information), and the stack output "
    "environment holds it; put a secret in secretValues (pulumi config set --secret --path 'secretValues[0]' "
    "NAME=value), which becomes an SSM SecureString the task reads as the same variable"
)


#: Keys secret however they were set: the package's ``SECRET_KEYS`` and the test header, whose plain value is
#: refused (``_secrecy``) and, like a secret's, never shown.
ALWAYS_SECRET = SECRET_KEYS | {"deploymentTestHeader"}
#: Why ``deploymentTestHeader`` set without ``--secret`` is refused: the stack file, committed, would hold it.
TEST_HEADER_IS_PLAIN = (
    "a header set with --secret: its value gates a revision not yet tested (with deploymentSmokeTest, whose "
    "listener is open to everyone, it is the only gate), and without --secret the stack file holds it in plain "
    f'text: pulumi config set --secret deploymentTestHeader "{MAKE_ONE}"'
)


def plain_in_state(key: str) -> str:
    """Why ``key``, set with ``--secret``, is refused: the program would not keep it secret."""
    return (
        f"{key} set without --secret: the program reads it as plain text, so the state, previews and pull-request "
        f"comments would show it whatever the stack file holds; only {', '.join(KEPT_SECRET_KEYS)} are kept secret"
    )


def _secrecy(r: _Reader, secret_keys: frozenset[str]) -> None:
    """A key set with ``--secret`` that the program does not keep secret is refused, and a test header set
    without it. Neither error shows the value."""
    for key in sorted(secret_keys & KEYS_BY_NAME.keys() - set(KEPT_SECRET_KEYS)):
        r.fail(ConfigError(key, HIDDEN, ENVIRONMENT_IS_PLAIN if key == "environment" else plain_in_state(key)))
    if r.string("deploymentTestHeader") and "deploymentTestHeader" not in secret_keys:
        r.fail(ConfigError("deploymentTestHeader", HIDDEN, TEST_HEADER_IS_PLAIN))


def _secret_values(r: _Reader, secret_keys: frozenset[str]) -> dict[str, str]:
    values = parse_values(r.array("secretValues"))
    if values and "secretValues" not in secret_keys:
        # Never echo the value: it is sitting in plain text in the stack file.
        raise ConfigError(
            "secretValues", HIDDEN, "values set with pulumi config set --secret, so the stack file holds them encrypted"
        )
    return values


def _access_logs(r: _Reader, region: str | None) -> bool:
    """Here too, not only when the load balancer builds its bucket policy: a region where ELB documents no
    log delivery fails before anything is registered."""
    enabled = r.boolean("accessLogs")
    partition = check.partition_of(region) if region else None
    if enabled and region and partition:
        log_delivery_principal(region=region, partition=partition)
    return enabled


def _domain(r: _Reader, region: str | None) -> Domain | None:
    name, zone, certificate = r.string("domainName"), r.string("hostedZoneId"), r.string("certificateArn")
    if not name:
        if zone or certificate:
            raise ConfigError("domainName", "", "a domain, since hostedZoneId or certificateArn is set")
        return None
    domain = Domain(name=name, hosted_zone_id=zone, certificate_arn=certificate)
    # ACM certificates are regional and cannot be copied between regions; a listener given another
    # region's fails with CertificateNotFound (ACM User Guide, "Supported Regions").
    check.in_region(
        "certificateArn",
        certificate,
        region,
        f"an ACM certificate in the stack's region {region} (arn:aws:acm:{region}:ACCOUNT:certificate/ID): "
        "a load balancer takes certificates of its own region only",
    )
    return domain


def _load_balancer(r: _Reader, region: str | None, quota: SecurityGroupQuota) -> LoadBalancerSpec:
    access_logs = r.part(lambda: _access_logs(r, region), bool)
    domain = r.part(lambda: _domain(r, region), lambda: None)
    return r.part(
        lambda: LoadBalancerSpec(
            listener_port=r.integer("listenerPort"),
            allowed_cidrs=r.array("allowedCidrs"),
            idle_timeout_seconds=r.integer("idleTimeoutSeconds"),
            access_logs=access_logs,
            access_log_retention_days=r.integer("accessLogRetentionDays"),
            deletion_protection=r.boolean("deletionProtection"),
            domain=domain,
            security_group_quota=quota,
        ),
        LoadBalancerSpec,
    )


def _cluster(r: _Reader, service: ServiceSpec, region: str | None) -> ClusterSpec | ExistingCluster:
    """The cluster ``clusterArn`` names (its ECS Exec key the service's to decrypt with), else the one the
    stack creates (its key encrypting the sessions and their log)."""
    key, arn, insights = r.string("execKmsKeyArn"), r.string("clusterArn"), r.string("containerInsights")
    cluster = (
        ExistingCluster(arn=arn, exec_kms_key_arn=key)
        if arn
        else ClusterSpec(container_insights=insights, service=service, exec_kms_key_arn=key)
    )
    if arn and insights != KEYS_BY_NAME["containerInsights"].default:
        # Container Insights is a setting of the cluster (ECS ClusterSetting), which its own stack sets: a value
        # here would be ignored, silently.
        raise ConfigError("containerInsights", insights, "unset with clusterArn (the existing cluster's own setting)")
    # The session log group is created with this key, and CloudWatch Logs uses a key only in its own
    # region (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS", step 2).
    check.in_region(
        "execKmsKeyArn",
        key,
        region,
        f"a KMS key in the stack's region {region} (arn:aws:kms:{region}:ACCOUNT:key/ID): CloudWatch Logs "
        "encrypts the session log group only with a key of its own region",
    )
    return cluster


#: The keys whose values name AWS resources by ARN (``secrets``: ``NAME=ARN`` entries).
ARN_KEYS = (
    "certificateArn", "clusterArn", "deployerRoleArn", "execKmsKeyArn", "permissionsBoundaryArn", "secrets",
    "secretsKmsKeyArns",
)  # fmt: skip


def _in_partition(r: _Reader, region: str | None) -> None:
    """Every ARN the config names lies in the stack's partition (``check.in_partition``); a key already
    in error reads as its default, so it is not reported twice."""
    for key in ARN_KEYS:
        values = r.array(key) if KEYS_BY_NAME[key].type == "array" else (r.string(key),)
        for value in values:
            arn = value.partition("=")[2] if key == "secrets" else value
            try:
                check.in_partition(key, value, arn, region)
            except ConfigError as error:
                r.fail(error)


def _docker_context(value: str, project: Path) -> Path:
    """``dockerContext``: a folder below the project, named relative to it. docker-build is handed it
    relative to the project (``project_relative``), so a folder outside would build whatever sits at
    that place beside each checkout."""
    allowed = "a folder of the project, relative to it and below it (no '..'), e.g. docker or services/api"
    relative = PurePosixPath(value)
    if not value or relative.is_absolute() or ".." in relative.parts:
        raise ConfigError("dockerContext", value, allowed)
    path = project / relative
    resolved, project_resolved = path.resolve(), project.resolve()
    if resolved == project_resolved:
        # Its .venv would be hashed into every image tag, and a local backend's .pulumi-state, rewritten
        # by every deploy, would rebuild the image on every deploy.
        raise ConfigError(
            "dockerContext",
            value,
            f"{allowed}; not the project itself, whose .venv and state files would be part of every image tag",
        )
    if not resolved.is_relative_to(project_resolved):
        raise ConfigError("dockerContext", value, f"{allowed}; it links to {resolved}, outside the project")
    if not path.is_dir():
        raise ConfigError("dockerContext", value, f"{allowed}; there is no such folder in {project}")
    return path


@dataclass(frozen=True)
class BuildSecretFile:
    """A config key naming a file whose content reaches the build as a BuildKit secret."""

    secret_id: str
    """The Dockerfiles' ``RUN --mount=type=secret,id=...``."""
    allowed: str
    credential: bool
    """Whether the content is a credential: such a file may not lie in the build context, where it would be
    hashed into the image tag and sent to BuildKit as a file a ``COPY`` can put in a layer."""


BUILD_SECRET_FILES: Mapping[str, BuildSecretFile] = {
    "npmCaBundle": BuildSecretFile("npm_ca", "empty, or the path of a readable PEM bundle", credential=False),
    "npmrcFile": BuildSecretFile(
        "npmrc", "empty, or the path of a readable .npmrc outside dockerContext", credential=True
    ),
}


def _build_secret_files(r: _Reader, project: Path, context: Path) -> dict[str, str]:
    """Each ``BUILD_SECRET_FILES`` key set, as secret id -> path (relative to the project, where ``pulumi up``
    runs): checked here, so a missing file fails before anything is registered."""
    files: dict[str, str] = {}
    for key, file in BUILD_SECRET_FILES.items():
        value = r.string(key)
        path = project / value
        if not value:
            continue
        if not (path.is_file() and os.access(path, os.R_OK)):
            r.fail(ConfigError(key, value, f"{file.allowed}; there is no readable file at {path}"))
        # Not against a refused dockerContext's stand-in, the sample's folder.
        elif file.credential and "dockerContext" not in r.failed and path.resolve().is_relative_to(context.resolve()):
            r.fail(ConfigError(key, value, f"{file.allowed}; it is inside dockerContext ({context})"))
        else:
            files[file.secret_id] = str(path)
    return files


def _ports(r: _Reader, name: str) -> tuple[int, ...]:
    values = r.array(name)
    if not all(DIGITS.fullmatch(value) for value in values):
        raise ConfigError(name, list(values), 'port numbers, e.g. ["443", "5432"]')
    return tuple(int(value) for value in values)


def nearest_key(name: str, known: Collection[str] = KEYS_BY_NAME.keys()) -> str | None:
    """The known key a typo most likely meant: same letters in another case, else the closest spelling."""
    by_lower = {key.lower(): key for key in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


#: Pulumi's own config keys (pulumi/pulumi: pkg/resource/deploy/default_providers.go reads
#: pulumi:disable-default-providers, sdk/go/common/workspace/project.go pulumi:tags,
#: pkg/cmd/pulumi/autonaming/config.go pulumi:autonaming, pkg/cmd/pulumi/project/newcmd/config.go pulumi:template).
PULUMI_KEYS = frozenset({"autonaming", "disable-default-providers", "tags", "template"})
#: The providers this program uses, by config namespace, and the SDK that declares each one's config.
PROVIDER_SDKS: Mapping[str, str] = {"aws": "pulumi_aws", "awsx": "pulumi_awsx", "docker-build": "pulumi_docker_build"}


@functools.cache
def provider_keys(sdk: str) -> frozenset[str]:
    """The config keys a provider declares, read from its SDK's generated ``config/vars.py`` (one
    ``__config__.get*('key')`` per variable of the provider's config schema), without importing it; none
    where the SDK has no config module (awsx)."""
    spec = importlib.util.find_spec(sdk)
    folders = list(spec.submodule_search_locations or []) if spec else []
    source = next((Path(f) / "config" / "vars.py" for f in folders if (Path(f) / "config" / "vars.py").is_file()), None)
    if source is None:
        return frozenset()
    return frozenset(
        node.args[0].value
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and ast.unparse(node.func.value) == "__config__"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def namespace_keys(project: str) -> dict[str, frozenset[str]]:
    """Every namespace a stack file of ``project`` may set keys in, with its keys."""
    return {
        project: frozenset(KEYS_BY_NAME),
        "pulumi": PULUMI_KEYS,
        **{namespace: provider_keys(sdk) for namespace, sdk in PROVIDER_SDKS.items()},
    }


#: Keys a release took away, with what replaces them: a stack still setting one is told how to migrate.
RETIRED_KEYS: Mapping[str, str] = {
    "alarm5xxPerMinute": "the 5xx alarm is now a share of each target group's requests (a count let a quiet "
    "service's failing canary through): remove it and set alarm5xxPercent (default 5) instead",
}


def _unknown_in_namespace(full: str, value: str, project: str) -> ConfigError | None:
    """An error for a key of another namespace than the project's that nothing declares, naming the nearest
    key that is declared (a misspelt namespace, a misspelt key, or both)."""
    known = namespace_keys(project)
    namespace, _, name = full.partition(":")
    if name in known.get(namespace, ()):
        return None
    meant_namespace = namespace if namespace in known else nearest_key(namespace, known)
    meant = nearest_key(name, known[meant_namespace]) if meant_namespace else None
    hint = f"did you mean '{meant_namespace}:{meant}'? " if meant else ""
    if namespace in PROVIDER_SDKS and not known[namespace]:
        where = f"none: the {namespace} provider reads no config ({PROVIDER_SDKS[namespace]} has no config module)"
    elif namespace in PROVIDER_SDKS:
        where = f"a key of the {namespace} provider's config ({PROVIDER_SDKS[namespace]}/config/vars.py)"
    elif namespace == "pulumi":
        where = "one of Pulumi's own keys: " + ", ".join(sorted(PULUMI_KEYS))
    else:
        where = "a key in a namespace this program reads: " + ", ".join(known)
    return ConfigError(full, value, hint + where)


#: AWS documentation's example account IDs (123456789012 in most services' guides, 111122223333 and
#: 444455556666 in IAM's): Pulumi.prod.yaml's ARNs use the first until a user sets their own.
EXAMPLE_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666"})
_ARN_ACCOUNT = re.compile(r"arn:aws[A-Za-z0-9_-]*:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*:([0-9]{12}):")
#: Names reserved for documentation: example.com, .net and .org, and the .example, .invalid, .test and
#: .localhost top-level domains (RFC 2606, sections 2 and 3); mail to them is never delivered.
_EXAMPLE_DOMAIN = re.compile(
    r"(?:^|[.@])(?:example\.(?:com|net|org)|[A-Za-z0-9_.-]*\.(?:example|invalid|test|localhost))$", re.I
)

#: How to find a domain's hosted zone: the public zones, to pick the domain's own or its nearest parent's.
#: Not ``list-hosted-zones-by-name --dns-name DOMAIN``: it starts the listing at DOMAIN in the order of
#: reversed labels (botocore route53 ListHostedZonesByName), so a subdomain's parent zone is not in it.
ZONE_HINT = (
    "the ID (after /hostedzone/) of the public zone named as the domain or its nearest parent, from "
    "aws route53 list-hosted-zones --query 'HostedZones[?Config.PrivateZone==`false`].[Id,Name]' --output text"
)


def _items(value: str) -> list[str]:
    """The items of an array key's JSON value; any other value as the one item."""
    try:
        items = json.loads(value)
    except json.JSONDecodeError:
        return [value]
    return [str(item) for item in items] if isinstance(items, list) else [value]


def placeholders(raw: Mapping[str, str | None], secret_keys: frozenset[str] = frozenset()) -> list[ConfigError]:
    """The documented placeholders still in the config (Pulumi.prod.yaml ships with them): a domain or an
    e-mail address under a name reserved for documentation, a hosted zone ID ending in EXAMPLE (AWS's
    convention for example IDs, as in AKIAIOSFODNN7EXAMPLE), an ARN in one of ``EXAMPLE_ACCOUNTS``. Each
    error says what to set instead. Secret keys are not looked into: no error quotes them."""
    found: list[ConfigError] = []
    for key, value in sorted(raw.items()):
        if value is None or key in secret_keys | ALWAYS_SECRET or key not in KEYS_BY_NAME:
            continue
        for index, item in enumerate(_items(value)):
            secret = "--secret " if key in KEPT_SECRET_KEYS else ""
            set_it = (
                f"pulumi config set {secret}--path '{key}[{index}]'"
                if KEYS_BY_NAME[key].type == "array"
                else f"pulumi config set {secret}{key}"
            )
            account = _ARN_ACCOUNT.search(item)
            if account and account[1] in EXAMPLE_ACCOUNTS:
                found.append(ConfigError(key, value, f"an ARN in your own account, not {account[1]} (AWS "
                                         f"documentation's example account): {set_it} ..."))  # fmt: skip
            elif key in ("domainName", "alarmEmails") and _EXAMPLE_DOMAIN.search(item):
                found.append(ConfigError(key, value, "your own domain: example.com and the .example, .invalid, "
                                         f".test and .localhost names are reserved (RFC 2606): {set_it} ..."))  # fmt: skip
            elif key == "hostedZoneId" and item.upper().endswith("EXAMPLE"):
                found.append(
                    ConfigError(key, value, f"your domain's Route 53 hosted zone ID: {ZONE_HINT}: {set_it} ...")
                )
    return found


def load_settings(
    raw: Mapping[str, str | None],
    secret_keys: frozenset[str] = frozenset(),
    *,
    region: str | None = None,
    stack: tuple[str, str] | None = None,
    project: Path = PROJECT,
    others: Mapping[str, str] | None = None,
    deploying: bool = False,
) -> Settings:
    """Parse and validate raw config strings (every key set in the project's namespace); a missing key
    takes its default. Every mistake is reported at once (``CombinedConfigError``, one line per key), an
    unknown key among them naming the nearest known key. ``others`` are the keys set in other namespaces,
    by full name (``aws:region``): one that neither a provider of the program nor Pulumi declares is an
    unknown key too. ``secret_keys`` are the keys set with ``--secret`` (``others``' by full name). ``region`` is the stack's AWS region; the keys that must name something in it
    (``execKmsKeyArn``, ``certificateArn``) are checked against it, and not at all when it is None
    (unknown before deploy: the provider then takes it from the AWS profile). ``stack`` is the
    (project, stack) the settings are for: with the default boundary, ``secrets`` must lie under that
    stack's prefixes (``check_within_stack``); None skips that check. ``project`` is the project's folder,
    which ``dockerContext`` is relative to. No error shows a secret key's value (``secret_keys`` and
    ``ALWAYS_SECRET``), nor quotes a part of one. ``deploying`` (a run that creates real resources)
    refuses the documented ``placeholders`` too."""
    secret = secret_keys | ALWAYS_SECRET
    r = _Reader(raw, secret)
    for name in sorted(set(raw) - KEYS_BY_NAME.keys()):
        guess = nearest_key(name)
        hint = f"did you mean '{guess}'? " if guess else ""
        allowed = RETIRED_KEYS.get(name) or f"{hint}a key declared in Pulumi.yaml's config block"
        r.errors.append(ConfigError(name, raw[name], allowed))
    for full, value in sorted((others or {}).items()):
        unknown = _unknown_in_namespace(full, HIDDEN if full in secret_keys else value, stack[0] if stack else "")
        if unknown is not None:
            r.errors.append(unknown)
    r.part(lambda: check_autonaming((others or {}).get(AUTONAMING_KEY)), lambda: None)
    if deploying:
        r.errors.extend(placeholders(raw, secret_keys))
    # First: a key refused here is read as its default by every check after.
    _secrecy(r, secret_keys)
    # Where a refused dockerContext leaves the spec the sample's folder, a Dockerfile missing there names the
    # context, so it is skipped (``_Reader.part``): only the Dockerfile's form is held against it then.
    default_context = project / str(KEYS_BY_NAME["dockerContext"].default)
    context = r.part(lambda: _docker_context(r.string("dockerContext"), project), lambda: default_context)
    build_secret_files = _build_secret_files(r, project, context)
    secret_values = r.part(lambda: _secret_values(r, secret_keys), dict)
    # One quota for every group: judged once, here.
    quota = r.part(lambda: SecurityGroupQuota(rules=r.integer("securityGroupRulesQuota")), SecurityGroupQuota)
    service = _service(r, tuple(secret_values), quota)
    settings = Settings(
        build_secret_files=build_secret_files,
        cluster=r.part(lambda: _cluster(r, service, region), ClusterSpec),
        service=service,
        # A strategy in error is no ground for refusing a smoke test as well: that check names
        # deploymentStrategy, so it is skipped (``_Reader.part``).
        smoke_test=r.part(lambda: _smoke_test(r, service), lambda: None),
        secret_values=secret_values,
        alarms=r.part(lambda: _alarms(r), lambda: None),
        load_balancer=_load_balancer(r, region, quota),
        network=r.part(
            lambda: NetworkSpec(
                mode=r.string("vpc"),
                vpc_cidr=r.string("vpcCidr"),
                availability_zones=r.integer("availabilityZones"),
                nat_strategy=r.string("natStrategy"),
                vpc_id=r.string("vpcId"),
                public_subnet_ids=r.array("publicSubnetIds"),
                task_subnet_ids=r.array("taskSubnetIds"),
                elastic_ip_quota=r.integer("elasticIpQuota"),
                region=region or "",
            ),
            NetworkSpec,
        ),
        cost_rates=r.part(lambda: parse_rate_overrides(r.array("costRateOverrides")), dict),
        cost_default_vpc_azs=r.part(
            lambda: check_default_vpc_azs(r.integer("costDefaultVpcAzs"), r.string("vpc"), region), lambda: 0
        ),
        image=r.part(
            lambda: ImageSpec(
                context=context,
                dockerfile=r.string("dockerfile"),
                platforms=r.array("platforms"),
                keep_builds=r.integer("keepBuilds"),
                force_delete=r.boolean("forceDelete"),
            ),
            lambda: ImageSpec(context=default_context),
        ),
    )
    # A shifting strategy rolls back only on the deployment alarms: judged with the other keys, not when the
    # service is built. A refused alarms key reads as off, so the check then names a failed key and is skipped.
    if (route := settings.service.route) is not None:
        r.part(lambda: check_rollback(route.deployment, alarms=settings.alarms is not None), lambda: None)
    # The deployment, alarm bake included, ends while the CI deploy's credentials last (``deploy_time``).
    r.part(lambda: check_deploy_time(settings.service, alarms=settings.alarms is not None), lambda: None)
    # CloudWatch's day bounds the same keys less tightly: after the 45 minutes, whose bound is the one a
    # mistake is told (a later error naming a failed key is skipped, ``_Reader.part``).
    r.part(lambda: check_grace_period(settings.service, alarms=settings.alarms is not None), lambda: None)
    # A new VPC's task subnets hold a deployment's peak, one address a task: the counts are the service's.
    r.part(lambda: check_task_addresses(settings.network, settings.service), lambda: None)
    _in_partition(r, region)
    # The provider passes default tags on unchecked: AWS would refuse them at the first create, after the push.
    default_tags = _default_tags(others or {})
    r.part(lambda: check_default_tags("aws:defaultTags", default_tags, OWN_TAG_KEYS), lambda: None)
    access = settings.service.access
    if stack and not access.permissions_boundary_arn:
        r.part(lambda: check_within_stack(access.secrets, *stack), lambda: None)
    if stack:
        r.part(lambda: check_project_stores(stack[0], "secretValues", settings.secret_values), lambda: None)
        if access.deployer_role_arn:  # outside the stack's project path, known only here
            path = access.role_path or role_path(*stack)
            deployer = "ServiceAccess.deployer_role_arn"
            r.part(lambda: check_deployer_role_arn(deployer, access.deployer_role_arn, path), lambda: None)
        r.part(lambda: _execution_policy_fits(settings, *stack, region), lambda: None)
        r.part(lambda: _task_definition_fits(settings, *stack, region, default_tags), lambda: None)
    raise_any(
        redact(
            [config_error(error) for error in r.errors],
            # Another namespace's secret key (``aws:defaultTags`` set with --secret) is hidden as well.
            {key: value for key, value in {**raw, **(others or {})}.items() if key in secret and value is not None},
        )
    )
    return settings


def _sized_task(project: str, stack: str, region: str | None) -> dict[str, str]:
    """Where the service's task lives, as the sizes computed before deploying take it: its name, the path of
    its stored secret values, its partition and region. A region not known yet (the AWS profile's) is sized
    as the shortest, 9 characters (``us-east-1``): what cannot fit there fits nowhere, and a longer one adds
    a few characters where the region is named."""
    name = f"{stack}-app"
    return {
        "name": name,
        "parameter_path": f"/{project}/{stack}/{name}",
        "partition": check.partition_of(region or "") or "aws",
        "region": region or "us-east-1",
    }


def _execution_policy_fits(settings: Settings, project: str, stack: str, region: str | None) -> None:
    """The service's execution role reads every secret, so its one inline policy names each: IAM refuses it
    over 10,240 characters (PutRolePolicy, after the image is pushed); its size is known now."""
    access = settings.service.access
    size = execution_policy_size(
        **_sized_task(project, stack, region),
        secret_arns=tuple(arn for arn in map(resource_arn, access.secrets.values()) if arn),
        secret_value_names=tuple(settings.secret_values),
        kms_key_arns=access.secret_kms_key_arns,
    )
    if size > INLINE_ROLE_POLICIES:
        raise ConfigError(
            "secrets" if access.secrets else "secretValues",
            sorted(access.secrets or settings.secret_values),
            f"fewer secrets (or secretValues): the execution role's policy naming each would be {size:,} characters, "
            f"over the {INLINE_ROLE_POLICIES:,} IAM allows a role's inline policies",
        )


def _task_definition_fits(
    settings: Settings, project: str, stack: str, region: str | None, tags: Mapping[str, str]
) -> None:
    """ECS refuses a task definition over 64 KiB (RegisterTaskDefinition, after the image is pushed); its
    size is known now, the provider's default tags with it (the region as ``_sized_task`` takes it). The
    error names the largest of the parts config adds, the environment, ``secrets`` or ``secretValues``."""
    service, place = settings.service, _sized_task(project, stack, region)

    def size(spec: ServiceSpec, secret_values: Mapping[str, str], tags: Mapping[str, str] = tags) -> int:
        return task_definition_size(
            spec,
            **place,
            family=account_unique(project, stack, place["name"]),
            role_path=spec.access.role_path or role_path(project, stack),
            secret_value_names=tuple(secret_values),
            idle_timeout_seconds=settings.load_balancer.idle_timeout_seconds,
            tags=tags,
        )

    whole = size(service, settings.secret_values)
    if whole <= TASK_DEFINITION_MAX_BYTES:
        return
    without = {
        "environment": (
            len(service.environment),
            size(dataclasses.replace(service, environment={}), settings.secret_values),
        ),
        "secrets": (
            len(service.access.secrets),
            size(
                dataclasses.replace(service, access=dataclasses.replace(service.access, secrets={})),
                settings.secret_values,
            ),
        ),
        "secretValues": (len(settings.secret_values), size(service, {})),
    }
    key, (entries, smallest) = min(without.items(), key=lambda item: item[1][1])
    tagged = f" (the provider's {len(tags)} default tags take {whole - size(service, settings.secret_values, {}):,})"
    raise ConfigError(
        key,
        f"{entries} entries, {whole - smallest:,} bytes of the task definition",
        f"a task definition within ECS's {TASK_DEFINITION_MAX_BYTES:,} bytes (Amazon ECS service quotas, "
        f'"Task definition max size"): it would take {whole:,}{tagged if tags else ""}; fewer or shorter entries',
    )


#: The tag keys the program's resources carry of their own, beside the default tags: the stack's on the
#: service, its security groups and rules, listener rule, key and scalable target; the role tag too on the
#: load balancer's security group (a test holds every resource the program registers to one of these); and
#: on a new VPC's subnets and route tables those awsx gives them (pulumi/pulumi-awsx awsx/ec2/vpc.ts:
#: ``Name`` and ``SubnetType``; an awsx component's children are not seen under mocks).
OWN_TAG_KEYS: tuple[tuple[str, ...], ...] = (
    (STACK_TAG,),
    (STACK_TAG, *LOAD_BALANCER_GROUP_TAG),
    ("Name", "SubnetType"),
)


def _default_tags(others: Mapping[str, str]) -> dict[str, str]:
    """The provider's default tags (``aws:defaultTags``, a JSON object with ``tags``), or none."""
    try:
        tags = json.loads(others.get("aws:defaultTags", "{}")).get("tags") or {}
    except (ValueError, AttributeError):
        return {}
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}


def settings_from(
    config: Mapping[str, str],
    secret_keys: frozenset[str] = frozenset(),
    *,
    region: str | None = None,
    stack: tuple[str, str] | None = None,
    project: Path = PROJECT,
    others: Mapping[str, str] | None = None,
    deploying: bool = False,
) -> Settings:
    """``load_settings`` over every key set in the project's namespace (``project:`` prefix removed) and
    ``others``, the keys of other namespaces, for a stack in ``region`` (None when unknown), ``stack``
    being its (project, stack name), of the project in the folder ``project``; ``deploying`` when the run
    creates real resources."""
    return load_settings(
        dict(config), secret_keys, region=region, stack=stack, project=project, others=others, deploying=deploying
    )
