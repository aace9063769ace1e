"""The inputs whose change makes the engine replace a resource that keeps its URN and its AWS names.

Pulumi replaces a resource (``-/+``: create the new one, delete the old) when its provider's diff says so.
pulumi-aws 7 bridges hashicorp/terraform-provider-aws (v6): an attribute marked ``ForceNew: true``
(terraform-plugin-sdk) or given a ``RequiresReplace`` plan modifier (terraform-plugin-framework) forces a
new resource when it changes, and a few ``CustomizeDiff`` functions force one on a condition. Each row below
is read from the resource's source, ``internal/service/<svc>/<resource>.go``, and names Pulumi's inputs:
the camelCase of the Terraform attribute, pluralised for a repeatable block (``capacity_provider_strategy``
is ``capacityProviderStrategies``), and a dotted path where ``ForceNew`` sits on an attribute of a
one-item block (``deploymentController.type``). A block that is itself ``ForceNew`` is named whole.

Provider version: pulumi-aws 7.51.1 (uv.lock) bridges a v6 release at or after v6.37.0 (its ``s3.Bucket``
takes ``bucket_namespace``, added there by PR #46917). The rows were read from the files the search index
stores, each at the commit its comment names; most commits are older than that release, so an
attribute made ``ForceNew`` since would be missing from a row. What holds them to 7.51.1: every input a
row names is an input of the 7.51.1 SDK's Args; every regional type replaces on ``region``; and every
input the programs of ``tests/program/stacks.py`` set is classified (``IN_PLACE`` lists the rest, read
from the same files), so an input set for the first time fails a test until it is read and placed. The
attributes added after a row's file, and why the row still holds: the ECS service's (read at 8a0b630,
the schema 7.51.1 has); the target group's ``target_control_port`` and the bucket's
``bucket_namespace`` (both ForceNew, added to the rows); the function's ``durable_config`` (a
CustomizeDiff forces a new function when it is added or removed: a row) and
``capacity_provider_config`` (no ForceNew at 0156d84): none of these is set by the programs.
``tests/unit/test_replace_inputs.py`` holds these checks that need no program run.

Pure: no Pulumi import; ``tools/urns.py`` records these inputs' values in the URN baseline and
``tools/plan.py --diff`` compares them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from components.edge.alb_rules import ECS_WEIGHTS

PROVIDER = "hashicorp/terraform-provider-aws"


@dataclass(frozen=True)
class Replaces:
    """What replaces one resource type."""

    source: str
    """Where the rule is read: a file of ``PROVIDER`` (``internal/service/...``) or another repository's."""
    inputs: tuple[str, ...] = ()
    """Inputs (dotted paths into one-item blocks) a change to which replaces the resource."""
    source_kind: tuple[str, ...] = ()
    """Inputs of which exactly one is set: a change of *which* one replaces the resource."""
    each_deploy: tuple[str, ...] = ()
    """Inputs that change with every deploy of new code or settings, and replace the resource by design
    (a task definition's new revision, a new build's index tag): listed apart, as ``each_deploy_is``."""
    each_deploy_is: str = ""
    """What a change to ``each_deploy`` alone is called: ``new revision``, ``new build``."""
    unordered: tuple[str, ...] = ()
    """Inputs the provider holds as a set (``schema.TypeSet``): the same items in another order are no
    change."""
    delete_first: bool = False
    """pulumi-aws replaces it delete-before-create (``DeleteBeforeReplace`` in its provider/resource_overrides.go):
    between the two, the resource does not exist."""
    relayout: tuple[str, ...] = ()
    """A component's inputs that lay its children out anew (awsx's subnets) while what its dependents take
    from it (the VPC's ID) stays: listed apart, as ``new layout``; ``refused`` says when AWS refuses it."""


#: What a project's own component needs: nothing. A ComponentResource has no provider and no diff of its
#: own; what moves with it is its children's URNs, which the aliases keep.
COMPONENT = Replaces(source="pulumi: a ComponentResource is never replaced on its inputs")
#: A resource that is read (``pulumi.StackReference``), not owned: it is never created or replaced.
READ = "pulumi:pulumi:StackReference"
_NAMES = ("name", "namePrefix")
_S3_BUCKET_CHILD = ("bucket", "expectedBucketOwner")

_ROWS: dict[str, Replaces] = {
    # acm/certificate.go at 01661ea: domain_name, subject_alternative_names, validation_method,
    # validation_option, key_algorithm, certificate_authority_arn are ForceNew.
    "aws:acm/certificate:Certificate": Replaces(
        "internal/service/acm/certificate.go",
        (
            "certificateAuthorityArn",
            "domainName",
            "keyAlgorithm",
            "subjectAlternativeNames",
            "validationMethod",
            "validationOptions",
        ),
        # subject_alternative_names and validation_option are TypeSet.
        unordered=("subjectAlternativeNames", "validationOptions"),
    ),
    # acm/certificate_validation.go at 004eea7: both arguments ForceNew (no Update function);
    # validation_record_fqdns is TypeSet.
    "aws:acm/certificateValidation:CertificateValidation": Replaces(
        "internal/service/acm/certificate_validation.go",
        ("certificateArn", "validationRecordFqdns"),
        unordered=("validationRecordFqdns",),
    ),
    # appautoscaling/policy.go at 048320e: name, resource_id, scalable_dimension, service_namespace.
    "aws:appautoscaling/policy:Policy": Replaces(
        "internal/service/appautoscaling/policy.go", ("name", "resourceId", "scalableDimension", "serviceNamespace")
    ),
    # appautoscaling/scheduled_action.go at 048320e: the same four; schedule and the action update in place.
    "aws:appautoscaling/scheduledAction:ScheduledAction": Replaces(
        "internal/service/appautoscaling/scheduled_action.go",
        ("name", "resourceId", "scalableDimension", "serviceNamespace"),
    ),
    # appautoscaling/target.go at 0105d21: resource_id, scalable_dimension, service_namespace.
    "aws:appautoscaling/target:Target": Replaces(
        "internal/service/appautoscaling/target.go", ("resourceId", "scalableDimension", "serviceNamespace")
    ),
    # cloudwatch/dashboard.go at 0620f2a: dashboard_name.
    "aws:cloudwatch/dashboard:Dashboard": Replaces("internal/service/cloudwatch/dashboard.go", ("dashboardName",)),
    # events/rule.go at 0cdab4a: event_bus_name, name, name_prefix.
    "aws:cloudwatch/eventRule:EventRule": Replaces("internal/service/events/rule.go", ("eventBusName", *_NAMES)),
    # events/target.go at 0762c41: event_bus_name, rule, target_id (arn updates in place).
    "aws:cloudwatch/eventTarget:EventTarget": Replaces(
        "internal/service/events/target.go", ("eventBusName", "rule", "targetId")
    ),
    # logs/group.go at 0073593: log_group_class, name, name_prefix. kms_key_id is not: a change calls
    # AssociateKmsKey/DisassociateKmsKey in Update.
    "aws:cloudwatch/logGroup:LogGroup": Replaces("internal/service/logs/group.go", ("logGroupClass", *_NAMES)),
    # logs/metric_filter.go at 0f14e6f: log_group_name, name.
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": Replaces(
        "internal/service/logs/metric_filter.go", ("logGroupName", "name")
    ),
    # logs/resource_policy.go at 00a3530: policy_name, resource_arn.
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": Replaces(
        "internal/service/logs/resource_policy.go", ("policyName", "resourceArn")
    ),
    # cloudwatch/metric_alarm.go at 055611a: alarm_name only (Pulumi's ``name``).
    "aws:cloudwatch/metricAlarm:MetricAlarm": Replaces("internal/service/cloudwatch/metric_alarm.go", ("name",)),
    # ec2/vpc_security_group.go at 0160692: description, name, name_prefix, vpc_id.
    "aws:ec2/securityGroup:SecurityGroup": Replaces(
        "internal/service/ec2/vpc_security_group.go", ("description", *_NAMES, "vpcId")
    ),
    # ecr/lifecycle_policy.go at 00a3530: policy and repository (the resource has no Update). pulumi/pulumi-aws
    # provider/resource_overrides.go at 015d343 sets DeleteBeforeReplace for it (one policy per repository),
    # the only type of these rows it does so for.
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": Replaces(
        "internal/service/ecr/lifecycle_policy.go", ("policy", "repository"), delete_first=True
    ),
    # ecr/repository.go at 0072eea: encryption_configuration (and its encryption_type, kms_key), name.
    "aws:ecr/repository:Repository": Replaces(
        "internal/service/ecr/repository.go", ("encryptionConfigurations", "name")
    ),
    # ecs/cluster.go at 00a3530: name; configuration and setting update in place (UpdateCluster).
    "aws:ecs/cluster:Cluster": Replaces("internal/service/ecs/cluster.go", ("name",)),
    # ecs/cluster_capacity_providers.go at 0619e62: cluster_name.
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": Replaces(
        "internal/service/ecs/cluster_capacity_providers.go", ("clusterName",)
    ),
    # ecs/service.go at 8a0b630 (the schema with force_delete and sigint_rollback, which pulumi-aws 7.51.1
    # bridges): cluster, iam_role, launch_type, name, scheduling_strategy are ForceNew.
    # deployment_controller.type is not; capacityProviderStrategyCustomizeDiff only refuses a
    # capacity_provider_strategy change without force_new_deployment (the service sets it), so a new
    # strategy updates the service in place (PR #43533 took its ForceNew out).
    "aws:ecs/service:Service": Replaces(
        "internal/service/ecs/service.go", ("cluster", "iamRole", "launchType", "name", "schedulingStrategy")
    ),
    # ecs/task_definition.go at 04fc21d: every argument but tags and skip_destroy is ForceNew (those
    # pulumi-aws 7 still has: inference_accelerator went in provider v6): a change registers a new
    # revision, as every deploy of a new image does.
    "aws:ecs/taskDefinition:TaskDefinition": Replaces(
        "internal/service/ecs/task_definition.go",
        each_deploy=(
            "containerDefinitions",
            "cpu",
            "ephemeralStorage",
            "executionRoleArn",
            "family",
            "ipcMode",
            "memory",
            "networkMode",
            "pidMode",
            "placementConstraints",
            "proxyConfiguration",
            "requiresCompatibilities",
            "runtimePlatform",
            "taskRoleArn",
            "volumes",
        ),
        each_deploy_is="new revision",
        # placement_constraints, requires_compatibilities and volume are TypeSet.
        unordered=("placementConstraints", "requiresCompatibilities", "volumes"),
    ),
    # iam/role.go at 0040ea6: name, name_prefix, path.
    "aws:iam/role:Role": Replaces("internal/service/iam/role.go", (*_NAMES, "path")),
    # iam/role_policy.go at 02f97af: name, name_prefix, role.
    "aws:iam/rolePolicy:RolePolicy": Replaces("internal/service/iam/role_policy.go", (*_NAMES, "role")),
    # kms/alias.go at 01c0800: name, name_prefix (target_key_id updates in place).
    "aws:kms/alias:Alias": Replaces("internal/service/kms/alias.go", _NAMES),
    # kms/key.go at 00a3530: custom_key_store_id, customer_master_key_spec, key_usage, multi_region,
    # xks_key_id.
    "aws:kms/key:Key": Replaces(
        "internal/service/kms/key.go",
        ("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"),
    ),
    # lambda/function.go at 0156d84: function_name, package_type, tenancy_config; CustomizeDiff
    # ForceNewIfChange("durable_config") when the block is added or removed (a change within it updates in
    # place: held here as replacing). capacity_provider_config has no ForceNew.
    "aws:lambda/function:Function": Replaces(
        "internal/service/lambda/function.go", ("durableConfig", "name", "packageType", "tenancyConfig")
    ),
    # lambda/permission.go at 04592f0: every argument (the resource has no Update).
    "aws:lambda/permission:Permission": Replaces(
        "internal/service/lambda/permission.go",
        (
            "action",
            "eventSourceToken",
            "function",
            "functionUrlAuthType",
            "principal",
            "principalOrgId",
            "qualifier",
            "sourceAccount",
            "sourceArn",
            "statementId",
            "statementIdPrefix",
        ),
    ),
    # elbv2/listener.go at 01c0800: load_balancer_arn only.
    "aws:lb/listener:Listener": Replaces("internal/service/elbv2/listener.go", ("loadBalancerArn",)),
    # elbv2/listener_rule.go at 032c4f0: listener_arn (priority is explicitly ForceNew: false).
    "aws:lb/listenerRule:ListenerRule": Replaces("internal/service/elbv2/listener_rule.go", ("listenerArn",)),
    # elbv2/load_balancer.go at 00edc94: customer_owned_ipv4_pool, internal, load_balancer_type, name,
    # name_prefix.
    "aws:lb/loadBalancer:LoadBalancer": Replaces(
        "internal/service/elbv2/load_balancer.go",
        ("customerOwnedIpv4Pool", "internal", "loadBalancerType", *_NAMES),
    ),
    # elbv2/target_group.go at 013cfb4: ip_address_type, name, name_prefix, port, protocol,
    # protocol_version, target_type, vpc_id; target_control_port is ForceNew since PR #45270 ("cannot be
    # modified after creation", AWS's target optimizer docs).
    "aws:lb/targetGroup:TargetGroup": Replaces(
        "internal/service/elbv2/target_group.go",
        (
            "ipAddressType",
            *_NAMES,
            "port",
            "protocol",
            "protocolVersion",
            "targetControlPort",
            "targetType",
            "vpcId",
        ),
    ),
    # route53/record.go at 00655c1: name, zone_id (type and records update through UPSERT).
    "aws:route53/record:Record": Replaces("internal/service/route53/record.go", ("name", "zoneId")),
    # s3/bucket.go at 0070bcd: bucket, bucket_prefix, object_lock_enabled; bucket_namespace is "Forces new
    # resource" since PR #46917 (v6.37.0).
    "aws:s3/bucket:Bucket": Replaces(
        "internal/service/s3/bucket.go", ("bucket", "bucketNamespace", "bucketPrefix", "objectLockEnabled")
    ),
    # s3/bucket_lifecycle_configuration.go at 0160692: RequiresReplace on bucket, expected_bucket_owner.
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": Replaces(
        "internal/service/s3/bucket_lifecycle_configuration.go", _S3_BUCKET_CHILD
    ),
    # s3/bucket_ownership_controls.go at 01c0800: bucket.
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": Replaces(
        "internal/service/s3/bucket_ownership_controls.go", ("bucket",)
    ),
    # s3/bucket_policy.go at 0073593: bucket.
    "aws:s3/bucketPolicy:BucketPolicy": Replaces("internal/service/s3/bucket_policy.go", ("bucket",)),
    # s3/bucket_public_access_block.go at 0160692: bucket.
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": Replaces(
        "internal/service/s3/bucket_public_access_block.go", ("bucket",)
    ),
    # s3/bucket_server_side_encryption_configuration.go at 0160692: bucket, expected_bucket_owner.
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": Replaces(
        "internal/service/s3/bucket_server_side_encryption_configuration.go", _S3_BUCKET_CHILD
    ),
    # sns/topic.go at 00a3530: fifo_topic, name, name_prefix.
    "aws:sns/topic:Topic": Replaces("internal/service/sns/topic.go", ("fifoTopic", *_NAMES)),
    # sns/topic_policy.go at 00a3530: arn.
    "aws:sns/topicPolicy:TopicPolicy": Replaces("internal/service/sns/topic_policy.go", ("arn",)),
    # sns/topic_subscription.go at 04a2e6e: endpoint, protocol, topic_arn (Pulumi's ``topic``).
    "aws:sns/topicSubscription:TopicSubscription": Replaces(
        "internal/service/sns/topic_subscription.go", ("endpoint", "protocol", "topic")
    ),
    # sqs/queue.go at 00a3530: fifo_queue, name, name_prefix.
    "aws:sqs/queue:Queue": Replaces("internal/service/sqs/queue.go", ("fifoQueue", *_NAMES)),
    # ssm/parameter.go at 0073593: data_type, name (tier forces one only from Advanced to Standard, which
    # this program never sets).
    "aws:ssm/parameter:Parameter": Replaces("internal/service/ssm/parameter.go", ("dataType", "name")),
    # ec2/vpc_security_group_ingress_rule.go at 00a3220: RequiresReplace on security_group_id, and
    # ModifyPlan replaces the rule when its source kind changes ("you cannot change the rule's source
    # type"): cidr_ipv4, cidr_ipv6, prefix_list_id or referenced_security_group_id.
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": Replaces(
        "internal/service/ec2/vpc_security_group_ingress_rule.go",
        ("securityGroupId",),
        source_kind=("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"),
    ),
    # ec2/vpc_security_group_egress_rule.go at 050ac11: the egress rule embeds resourceSecurityGroupRule,
    # the ingress rule's schema and ModifyPlan.
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": Replaces(
        "internal/service/ec2/vpc_security_group_egress_rule.go",
        ("securityGroupId",),
        source_kind=("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"),
    ),
    # pulumi/pulumi-awsx awsx/ec2/vpc.ts at e60adf3: cidrBlock is the aws.ec2.Vpc's, ForceNew
    # (ec2/vpc.go): a new VPC, a new ID. The others lay out each aws.ec2.Subnet's cidrBlock and zone
    # (ForceNew, ec2/vpc_subnet.go) in the same VPC, the subnets named by their AZ's place
    # (subnetDistributorLegacy.ts): the VPC's ID stays, and ``refused`` says when EC2 refuses the subnets.
    "awsx:ec2:Vpc": Replaces(
        "pulumi/pulumi-awsx awsx/ec2/vpc.ts",
        ("cidrBlock",),
        relayout=("availabilityZoneNames", "numberOfAvailabilityZones", "subnetSpecs", "subnetStrategy"),
    ),
    # pulumi/pulumi-docker-build provider/internal/image.go at 7bad76a: Image.Diff reports every change
    # as an update (a rebuild); nothing replaces an image.
    "docker-build:index:Image": Replaces("pulumi/pulumi-docker-build provider/internal/image.go"),
    # pulumi/pulumi-docker-build provider/internal/index.go at 7bad76a: Index.Diff replaces on a new tag
    # or a changed registry address. The tag is the build's (components/image/build_tag.py: it changes
    # exactly when the build context or settings do), so every new build replaces the index.
    "docker-build:index:Index": Replaces(
        "pulumi/pulumi-docker-build provider/internal/index.go",
        ("registry.address",),
        each_deploy=("tag",),
        each_deploy_is="new build",
    ),
}

#: The AWS types with no ``region`` input: global services (IAM, Route 53) are not per Region.
GLOBAL = frozenset({"aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:route53/record:Record"})
#: Every row; a regional AWS type replaces on ``region`` as well. Provider v6's enhanced region support
#: (https://hashicorp.github.io/terraform-provider-aws/enhanced-region-support, the v6 upgrade guide) adds
#: a top-level ``region`` to every regional resource: "Changing the value of `region` will force resource
#: replacement". pulumi-aws 7's Args take it.
REPLACE_ON_CHANGE: dict[str, Replaces] = {
    token: replace(row, inputs=(*row.inputs, "region")) if token.startswith("aws:") and token not in GLOBAL else row
    for token, row in _ROWS.items()
}

#: The other inputs the programs of ``tests/program/stacks.py`` set, per type: each updates the resource
#: in place (read from the same file as the type's row: no ForceNew, no RequiresReplace, no CustomizeDiff
#: forcing a new one for the values set). An input set for the first time belongs here or in the row.
IN_PLACE: dict[str, tuple[str, ...]] = {
    # policy.go: policy_type is Optional with a default, the configurations update through PutScalingPolicy.
    "aws:appautoscaling/policy:Policy": (
        "policyType",
        "stepScalingPolicyConfiguration",
        "targetTrackingScalingPolicyConfiguration",
    ),
    "aws:appautoscaling/scheduledAction:ScheduledAction": ("scalableTargetAction", "schedule", "timezone"),
    "aws:appautoscaling/target:Target": ("maxCapacity", "minCapacity", "tags"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardBody",),
    "aws:cloudwatch/eventRule:EventRule": ("description", "eventPattern", "scheduleExpression"),
    "aws:cloudwatch/eventTarget:EventTarget": ("arn",),
    "aws:cloudwatch/logGroup:LogGroup": ("kmsKeyId", "retentionInDays"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("metricTransformation", "pattern"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "alarmActions",
        "alarmDescription",
        "comparisonOperator",
        "datapointsToAlarm",
        "dimensions",
        "evaluationPeriods",
        "extendedStatistic",
        "metricName",
        "metricQueries",
        "namespace",
        "okActions",
        "period",
        "statistic",
        "threshold",
        "treatMissingData",
    ),
    "aws:ec2/securityGroup:SecurityGroup": ("tags",),
    "aws:ecr/repository:Repository": (
        "forceDelete",
        "imageScanningConfiguration",
        "imageTagMutability",
        "imageTagMutabilityExclusionFilters",
    ),
    "aws:ecs/cluster:Cluster": ("configuration", "settings"),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": (
        "capacityProviders",
        "defaultCapacityProviderStrategies",
    ),
    # service.go at 8a0b630: load_balancer and network_configuration have no ForceNew (UpdateService).
    "aws:ecs/service:Service": (
        "alarms",
        "capacityProviderStrategies",
        "deploymentCircuitBreaker",
        "deploymentConfiguration",
        "deploymentMaximumPercent",
        "deploymentMinimumHealthyPercent",
        "desiredCount",
        "enableEcsManagedTags",
        "enableExecuteCommand",
        "forceNewDeployment",
        "healthCheckGracePeriodSeconds",
        "loadBalancers",
        "networkConfiguration",
        "platformVersion",
        "propagateTags",
        "tags",
        "taskDefinition",
        "waitForSteadyState",
    ),
    "aws:iam/role:Role": ("assumeRolePolicy", "permissionsBoundary"),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:kms/alias:Alias": ("targetKeyId",),
    "aws:kms/key:Key": ("description", "enableKeyRotation", "policy", "tags"),
    # function.go at 0156d84: code through UpdateFunctionCode, the rest UpdateFunctionConfiguration.
    "aws:lambda/function:Function": (
        "architectures",
        "code",
        "environment",
        "handler",
        "loggingConfig",
        "memorySize",
        "role",
        "runtime",
        "timeout",
    ),
    "aws:lb/listener:Listener": ("certificateArn", "defaultActions", "port", "protocol", "sslPolicy"),
    # listener_rule.go: tags are tftags.TagsSchema() (@Tags, no ForceNew), changed by AddTags/RemoveTags.
    "aws:lb/listenerRule:ListenerRule": ("actions", "conditions", "priority", "tags"),
    # load_balancer.go: subnets and security groups change in place on an application load balancer (its
    # CustomizeDiff forces a new one only for a network load balancer's).
    "aws:lb/loadBalancer:LoadBalancer": (
        "accessLogs",
        "desyncMitigationMode",
        "dropInvalidHeaderFields",
        "enableDeletionProtection",
        "idleTimeout",
        "ipAddressType",
        "securityGroups",
        "subnets",
    ),
    "aws:lb/targetGroup:TargetGroup": ("deregistrationDelay", "healthCheck"),
    "aws:route53/record:Record": ("aliases", "allowOverwrite", "records", "ttl", "type"),
    "aws:s3/bucket:Bucket": ("forceDestroy",),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("rules",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("rule",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ("rules",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:sqs/queue:Queue": (
        "messageRetentionSeconds",
        "redrivePolicy",
        "sqsManagedSseEnabled",
        "visibilityTimeoutSeconds",
    ),
    # ssm/parameter.go at 0073593: type, key_id and value go to PutParameter with Overwrite in Update.
    "aws:ssm/parameter:Parameter": ("keyId", "type", "value"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (
        "description",
        "fromPort",
        "ipProtocol",
        "tags",
        "toPort",
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "description",
        "fromPort",
        "ipProtocol",
        "tags",
        "toPort",
    ),
    # vpc.ts: neither lays out the VPC's or the subnets' CIDRs or zones. tags reach each child's tags (vpc.ts
    # sharedTags), which no child replaces on: tftags.TagsSchema(), not ForceNew, in ec2/vpc_.go, vpc_subnet.go,
    # vpc_route_table.go, vpc_internet_gateway.go, ec2_eip.go, vpc_nat_gateway.go; updateTags changes them.
    "awsx:ec2:Vpc": ("enableDnsHostnames", "natGateways", "tags"),
    # image.go: every change is an update (a rebuild).
    "docker-build:index:Image": (
        "buildArgs",
        "buildOnPreview",
        "builder",
        "cacheFrom",
        "cacheTo",
        "context",
        "dockerfile",
        "exports",
        "ignoreSecretsInDiffCalculation",
        "network",
        "platforms",
        "push",
        "registries",
        "secrets",
        "tags",
    ),
    # index.go: only the tag and the registry's address replace it.
    "docker-build:index:Index": ("push", "sources"),
}


def unclassified(type_token: str, keys: Iterable[str]) -> set[str]:
    """The input ``keys`` of a ``type_token`` resource neither its row (a path's first key) nor ``IN_PLACE``
    names."""
    row = REPLACE_ON_CHANGE.get(type_token, Replaces(source=""))
    named = {path.split(".")[0] for path in (*row.inputs, *row.source_kind, *row.each_deploy, *row.relayout)}
    return set(keys) - named - set(IN_PLACE.get(type_token, ()))


MISSING = object()
"""An input the resource does not set."""


def rule(type_token: str, project: str) -> Replaces | None:
    """The row for ``type_token``; ``COMPONENT`` for a component of ``project``'s own package; ``None``
    for a type with no row (a test requires one for every type a program registers)."""
    if type_token.startswith(f"{project}:"):
        return COMPONENT
    return REPLACE_ON_CHANGE.get(type_token)


def value_at(inputs: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of ``inputs`` (through one-item blocks), or ``MISSING``."""
    value: Any = inputs
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def replace_inputs(replaces: Replaces, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The values of ``replaces``' inputs that ``inputs`` sets, by path; ``source kind`` names which of
    the source-kind inputs is set."""
    found = {path: value_at(inputs, path) for path in (*replaces.inputs, *replaces.each_deploy, *replaces.relayout)}
    values = {path: value for path, value in found.items() if value is not MISSING}
    kinds = [path for path in replaces.source_kind if value_at(inputs, path) is not MISSING]
    if kinds:
        values["source kind"] = kinds
    return values


NEW_LAYOUT = "new layout"
"""What a change to a component's ``relayout`` inputs alone is called."""


def kind(replaces: Replaces | None, paths: Iterable[str]) -> str:
    """What changing ``paths`` does: ``-/+`` if any replaces the resource (or the type has no row), else
    what each deploy does, or ``new layout`` for its children."""
    paths = set(paths)
    if replaces is not None and paths and paths <= set(replaces.relayout):
        return NEW_LAYOUT
    if replaces is None or not paths <= set(replaces.each_deploy):
        return "-/+"
    return replaces.each_deploy_is


def _next_pow2(count: int) -> int:
    return 1 << (count - 1).bit_length()


#: Why a security group cannot be replaced in another VPC (``refused``).
MOVED_GROUP = (
    "the stack's security groups would be replaced in another VPC, while its load balancer stays in the VPC it "
    "was created in, and EC2 deletes no group a network interface uses or another group's rule references "
    "(another stack's too; DeleteSecurityGroup: DependencyViolation): destroy the stack and deploy it again"
)


#: Why a shifting strategy's listener rule (ECS moves its weights; the program ignores them) cannot be
#: replaced safely (``refused``).
REWEIGHTED_RULE = (
    "the rule is created anew on the other listener with the program's weights, all to -tg, not the ones ECS "
    "left (unless a refresh since the last shifting deployment read them into the state): after an odd number "
    "of shifting deployments the tasks are in -tg-alt and the new rule sends all "
    "traffic to the empty -tg (503) until the next deployment. Read the production rule's weights first and, "
    'if -tg-alt has them, run one more shifting deployment before this change (README, "How a deploy rolls out", '
    "Known limits)"
)


def refused(
    type_token: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    knocked_on: Iterable[str] = (),
    ignore_changes: Iterable[str] = (),
) -> str:
    """Why AWS refuses what a change of a resource's recorded replace-on-change values (``before`` ->
    ``after``, or the ``knocked_on`` paths that take a replaced resource's output) does, or what it breaks,
    or ``""``; ``ignore_changes`` are the resource's (the old one's where known).

    A listener rule ECS moves the weights of (its target groups ignored) whose listener changes (a domain
    added or removed moves it between the HTTP and the HTTPS listener): ``REWEIGHTED_RULE``, an outage
    the stack cannot see offline, as going back to ``rolling`` (docs/decisions.md, "Back from a shifting
    strategy"). A security group whose VPC changes (``vpc``, ``vpcId``, ``vpcCidr``): ``MOVED_GROUP``. An awsx VPC's
    subnets are named by their AZ's place and replaced create-before-delete, and EC2 creates no subnet
    overlapping another of its VPC (CreateSubnet: InvalidSubnet.Conflict): its legacy layout gives each AZ
    ``1/nextPow2(AZs)`` of the VPC (subnetDistributorLegacy.ts), so a count that changes ``nextPow2``
    (2 <-> 3, 4 <-> 5) gives every kept AZ's subnets another size at the same start; 3 <-> 4 and 5 <-> 6
    add or remove the last AZ's. A new VPC CIDR is a new VPC: its subnets overlap nothing."""
    if type_token == "aws:ec2/securityGroup:SecurityGroup" and (
        "vpcId" in knocked_on or before.get("vpcId") != after.get("vpcId")
    ):
        return MOVED_GROUP
    if (
        type_token == "aws:lb/listenerRule:ListenerRule"
        and ("listenerArn" in knocked_on or before.get("listenerArn") != after.get("listenerArn"))
        and any(path.startswith(f"{ECS_WEIGHTS}[") for path in ignore_changes)
    ):
        return REWEIGHTED_RULE
    row = REPLACE_ON_CHANGE.get(type_token)
    if row is None or not row.relayout or before.get("cidrBlock") != after.get("cidrBlock"):
        return ""
    changes = {path for path in row.relayout if before.get(path) != after.get(path)}
    was, now = before.get("numberOfAvailabilityZones"), after.get("numberOfAvailabilityZones")
    if changes == {"numberOfAvailabilityZones"} and was and now and _next_pow2(int(was)) == _next_pow2(int(now)):
        return ""
    if not changes:
        return ""
    return (
        "its subnets are laid out anew under the same names and replaced create-before-delete; EC2 creates "
        "no subnet overlapping another in its VPC (InvalidSubnet.Conflict): destroy the stack and deploy "
        "it again, or keep the AZ count (3 <-> 4 and 5 <-> 6 keep each AZ's block)"
    )


def _in_order(value: Any) -> Any:
    """A set-typed input's items in one order (their JSON's), so two orders of one set compare equal."""
    return sorted(value, key=lambda item: json.dumps(item, sort_keys=True)) if isinstance(value, list) else value


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any], replaces: Replaces | None = None
) -> list[tuple[str, Any, Any]]:
    """``(path, before, after)`` for each replace-on-change input whose value differs (``None`` for one
    set on one side only), sorted by path; ``replaces``' set-typed inputs are compared (and given) in one
    order."""
    unordered = set(replaces.unordered) if replaces else set()

    def value(inputs: Mapping[str, Any], path: str) -> Any:
        return _in_order(inputs.get(path)) if path in unordered else inputs.get(path)

    return [
        (path, value(before, path), value(after, path))
        for path in sorted(before.keys() | after.keys())
        if value(before, path) != value(after, path)
    ]


def _references(value: Any) -> Iterator[str]:
    """The URNs a recorded value names as its source (``ref:<urn>#<output>``, ``tools/urns.py``)."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, str) and value.startswith("ref:"):
        yield value[len("ref:") :].rpartition("#")[0]


def knock_on(
    kept: Mapping[str, tuple[str, Mapping[str, Any]]], replaced: Iterable[str], project: str
) -> dict[str, tuple[str, str]]:
    """``urn -> (path, replaced URN)`` for each ``kept`` resource (``urn -> (type, replace-on-change
    values)``) replaced because an input its provider replaces it on (``each_deploy`` ones too: a task
    definition's new revision) takes an output of a replaced one: the new resource's ID or ARN is another
    value (the engine's ``calculateDependentReplacements``, and a ForceNew diff on the changed value).
    Transitive; ``replaced`` are the URNs replaced on their own. ``kind(row, [path])`` says what each is."""
    found: dict[str, tuple[str, str]] = {}
    gone = set(replaced)
    while True:
        more = {
            urn: (path, source)
            for urn, (type_token, values) in kept.items()
            if urn not in gone
            for row in [rule(type_token, project) or Replaces(source="")]
            for path in (*row.inputs, *row.each_deploy, *row.relayout)
            for source in _references(values.get(path))
            if source in gone
        }
        if not more:
            return found
        found.update(more)
        gone |= more.keys()
