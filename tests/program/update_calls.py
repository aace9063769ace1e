"""What the provider calls to change, in place, each input the programs set that updates its resource
(``tools/replace_inputs.py``, ``IN_PLACE``): per type, the operations of its Update (the same files as
``provider_calls``' rows, each row's Update function) for a change of that input alone. Every operation here
(or an action its row ``authorizes``) is one of the type's row, but the call of a change the deployer is
refused (``tools/deployer_updates.py``), which no deploy's row lists. An input whose change makes no AWS call
(a provider-side setting such as ``forceDestroy``) maps to none.
"""

from __future__ import annotations

from tests.program.provider_calls import COMPONENT_CHILDREN, COMPONENT_RESOURCES, RESOURCES, Calls

_EC2_TAGS = ("ec2:CreateTags", "ec2:DeleteTags")
_RULE = ("ec2:ModifySecurityGroupRules",)
# vpc_security_group_{ingress,egress}_rule.go Update: ModifySecurityGroupRules; tags through updateTags.
_SECURITY_GROUP_RULE = {"description": _RULE, "fromPort": _RULE, "ipProtocol": _RULE, "toPort": _RULE,
                        "tags": _EC2_TAGS}  # fmt: skip
# pulumi-docker-build provider/internal/image.go Update: a rebuild and push, as Create.
_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
         "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")  # fmt: skip
_IMAGE_INPUTS = ("buildArgs", "builder", "cacheFrom", "cacheTo", "context", "dockerfile", "exports", "network",
                 "platforms", "push", "registries", "secrets", "tags")  # fmt: skip


def _all(inputs: tuple[str, ...], operations: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(inputs, operations)


#: Resource type -> input -> the operations its in-place change makes.
UPDATE_CALLS: dict[str, dict[str, tuple[str, ...]]] = {
    # appautoscaling/policy.go, scheduled_action.go: resourcePolicyPut, resourceScheduledActionPut;
    # target.go resourceTargetPut (RegisterScalableTarget again), tags through updateTags.
    "aws:appautoscaling/policy:Policy": _all(("policyType", "targetTrackingScalingPolicyConfiguration",
                                              "stepScalingPolicyConfiguration"),
                                             ("application-autoscaling:PutScalingPolicy", "cloudwatch:DescribeAlarms",
                                              "cloudwatch:PutMetricAlarm")),
    "aws:appautoscaling/scheduledAction:ScheduledAction": _all(("scalableTargetAction", "schedule", "timezone"),
                                                               ("application-autoscaling:PutScheduledAction",)),
    "aws:appautoscaling/target:Target": {
        **_all(("maxCapacity", "minCapacity"), ("application-autoscaling:RegisterScalableTarget",
                                                "ecs:DescribeServices", "ecs:UpdateService")),
        "tags": ("application-autoscaling:TagResource", "application-autoscaling:UntagResource"),
    },
    # cloudwatch/dashboard.go, events/rule.go, events/target.go, logs/metric_filter.go, logs/resource_policy.go,
    # cloudwatch/metric_alarm.go: each Update puts the whole resource again.
    "aws:cloudwatch/dashboard:Dashboard": {"dashboardBody": ("cloudwatch:PutDashboard",)},
    "aws:cloudwatch/eventRule:EventRule": _all(("description", "eventPattern", "scheduleExpression"),
                                               ("events:PutRule",)),
    "aws:cloudwatch/eventTarget:EventTarget": {"arn": ("events:PutTargets",)},
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _all(("metricTransformation", "pattern"),
                                                           ("logs:PutMetricFilter",)),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {"policyDocument": ("logs:PutResourcePolicy",)},
    "aws:cloudwatch/metricAlarm:MetricAlarm": _all(
        ("alarmActions", "alarmDescription", "comparisonOperator", "datapointsToAlarm", "dimensions",
         "evaluationPeriods", "extendedStatistic", "metricName", "metricQueries", "namespace", "okActions",
         "period", "statistic", "threshold", "treatMissingData"),
        ("cloudwatch:PutMetricAlarm",),
    ),
    # logs/group.go resourceGroupUpdate: retention_in_days PutRetentionPolicy, kms_key_id AssociateKmsKey or
    # DisassociateKmsKey.
    "aws:cloudwatch/logGroup:LogGroup": {
        "retentionInDays": ("logs:PutRetentionPolicy",),
        "kmsKeyId": ("logs:AssociateKmsKey", "logs:DisassociateKmsKey"),
    },
    "aws:ec2/securityGroup:SecurityGroup": {"tags": _EC2_TAGS},
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _SECURITY_GROUP_RULE,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _SECURITY_GROUP_RULE,
    # ecr/repository.go resourceRepositoryUpdate: image_tag_mutability (and its exclusion filters)
    # PutImageTagMutability, image_scanning_configuration PutImageScanningConfiguration; force_delete is the
    # provider's own.
    "aws:ecr/repository:Repository": {
        "forceDelete": (),
        "imageScanningConfiguration": ("ecr:PutImageScanningConfiguration",),
        **_all(("imageTagMutability", "imageTagMutabilityExclusionFilters"), ("ecr:PutImageTagMutability",)),
    },
    # ecs/cluster.go resourceClusterUpdate: UpdateCluster; cluster_capacity_providers.go Put.
    "aws:ecs/cluster:Cluster": _all(("configuration", "settings"), ("ecs:UpdateCluster",)),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": _all(
        ("capacityProviders", "defaultCapacityProviderStrategies"), ("ecs:PutClusterCapacityProviders",)
    ),
    # ecs/service.go resourceServiceUpdate: every change but the tags' is one UpdateService (passing a
    # shifting deployment's role), then waitServiceStable; tags through updateTags.
    "aws:ecs/service:Service": {
        **_all(
            ("alarms", "capacityProviderStrategies", "deploymentCircuitBreaker", "deploymentConfiguration",
             "deploymentMaximumPercent", "deploymentMinimumHealthyPercent", "desiredCount", "enableEcsManagedTags",
             "enableExecuteCommand", "forceNewDeployment", "healthCheckGracePeriodSeconds", "loadBalancers",
             "networkConfiguration", "platformVersion", "propagateTags", "taskDefinition", "waitForSteadyState"),
            ("ecs:UpdateService", "ecs:DescribeServices", "ecs:ListServiceDeployments",
             "ecs:DescribeServiceDeployments", "iam:PassRole"),
        ),
        "tags": ("ecs:TagResource", "ecs:UntagResource"),
    },
    # iam/role.go resourceRoleUpdate: assume_role_policy UpdateAssumeRolePolicy; permissions_boundary
    # PutRolePermissionsBoundary (DeleteRolePermissionsBoundary when emptied, which the programs never do).
    "aws:iam/role:Role": {
        "assumeRolePolicy": ("iam:UpdateAssumeRolePolicy",),
        "permissionsBoundary": ("iam:PutRolePermissionsBoundary",),
    },
    "aws:iam/rolePolicy:RolePolicy": {"policy": ("iam:PutRolePolicy",)},
    # kms/alias.go resourceAliasUpdate: UpdateAlias. kms/key.go resourceKeyUpdate: UpdateKeyDescription,
    # EnableKeyRotation or DisableKeyRotation, PutKeyPolicy; tags through updateTags.
    "aws:kms/alias:Alias": {"targetKeyId": ("kms:UpdateAlias",)},
    "aws:kms/key:Key": {
        "description": ("kms:UpdateKeyDescription",),
        "enableKeyRotation": ("kms:EnableKeyRotation", "kms:DisableKeyRotation"),
        "policy": ("kms:PutKeyPolicy",),
        "tags": ("kms:TagResource", "kms:UntagResource"),
    },
    # lambda/function.go resourceFunctionUpdate: the code and architectures UpdateFunctionCode, the rest
    # UpdateFunctionConfiguration (a new role passed).
    "aws:lambda/function:Function": {
        **_all(("architectures", "code"), ("lambda:UpdateFunctionCode",)),
        **_all(("environment", "handler", "loggingConfig", "memorySize", "role", "runtime", "timeout"),
               ("lambda:UpdateFunctionConfiguration", "iam:PassRole")),
    },
    # elbv2/listener.go resourceListenerUpdate: ModifyListener. listener_rule.go resourceListenerRuleUpdate:
    # priority SetRulePriorities, actions and conditions ModifyRule; tags AddTags/RemoveTags.
    "aws:lb/listener:Listener": _all(("certificateArn", "defaultActions", "port", "protocol", "sslPolicy"),
                                     ("elasticloadbalancing:ModifyListener",)),
    "aws:lb/listenerRule:ListenerRule": {
        **_all(("actions", "conditions"), ("elasticloadbalancing:ModifyRule",)),
        "priority": ("elasticloadbalancing:SetRulePriorities",),
        "tags": ("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"),
    },
    # elbv2/load_balancer.go resourceLoadBalancerUpdate: attributes ModifyLoadBalancerAttributes, security
    # groups SetSecurityGroups, subnets SetSubnets, ip_address_type SetIpAddressType.
    "aws:lb/loadBalancer:LoadBalancer": {
        **_all(("accessLogs", "desyncMitigationMode", "dropInvalidHeaderFields", "enableDeletionProtection",
                "idleTimeout"), ("elasticloadbalancing:ModifyLoadBalancerAttributes",)),
        "ipAddressType": ("elasticloadbalancing:SetIpAddressType",),
        "securityGroups": ("elasticloadbalancing:SetSecurityGroups",),
        "subnets": ("elasticloadbalancing:SetSubnets",),
    },
    # elbv2/target_group.go resourceTargetGroupUpdate: health_check ModifyTargetGroup, deregistration_delay
    # ModifyTargetGroupAttributes.
    "aws:lb/targetGroup:TargetGroup": {
        "deregistrationDelay": ("elasticloadbalancing:ModifyTargetGroupAttributes",),
        "healthCheck": ("elasticloadbalancing:ModifyTargetGroup",),
    },
    # route53/record.go resourceRecordUpdate: ChangeResourceRecordSets, waitChangeInsync.
    "aws:route53/record:Record": _all(("aliases", "allowOverwrite", "records", "ttl", "type"),
                                      ("route53:ChangeResourceRecordSets", "route53:GetChange")),
    # s3/bucket.go: force_destroy is the provider's own; each bucket_* resource's Update puts it again.
    "aws:s3/bucket:Bucket": {"forceDestroy": ()},
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "rules": ("s3:PutBucketLifecycleConfiguration",)
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {"rule": ("s3:PutBucketOwnershipControls",)},
    "aws:s3/bucketPolicy:BucketPolicy": {"policy": ("s3:PutBucketPolicy",)},
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _all(
        ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"),
        ("s3:PutPublicAccessBlock",),
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "rules": ("s3:PutBucketEncryption",)
    },
    # sns/topic_policy.go resourceTopicPolicyUpsert; sqs/queue.go resourceQueueUpdate: SetQueueAttributes;
    # ssm/parameter.go resourceParameterUpdate: PutParameter with Overwrite.
    "aws:sns/topicPolicy:TopicPolicy": {"policy": ("sns:SetTopicAttributes",)},
    "aws:sqs/queue:Queue": _all(("messageRetentionSeconds", "redrivePolicy", "sqsManagedSseEnabled",
                                 "visibilityTimeoutSeconds"), ("sqs:SetQueueAttributes",)),
    "aws:ssm/parameter:Parameter": _all(("keyId", "type", "value"), ("ssm:PutParameter", "kms:Encrypt")),
    # pulumi-awsx awsx/ec2/vpc.ts: enable_dns_hostnames is the VPC's ModifyVpcAttribute (ec2/vpc_.go
    # resourceVPCUpdate); another NAT gateway count creates or deletes gateways, their addresses and routes;
    # tags are each child's (vpc.ts sharedTags), changed through updateTags.
    "awsx:ec2:Vpc": {
        "enableDnsHostnames": ("ec2:ModifyVpcAttribute",),
        "tags": _EC2_TAGS,
        "natGateways": ("ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:AllocateAddress", "ec2:ReleaseAddress",
                        "ec2:DisassociateAddress", "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"),
    },
    # pulumi-docker-build 0.0.22: an Image's every change rebuilds and pushes (buildOnPreview and
    # ignoreSecretsInDiffCalculation are the provider's own); index.go Update: imagetools create again.
    "docker-build:index:Image": {**_all(_IMAGE_INPUTS, _PUSH), "buildOnPreview": (),
                                 "ignoreSecretsInDiffCalculation": ()},
    "docker-build:index:Index": _all(("push", "sources"), ("ecr:BatchGetImage", "ecr:PutImage")),
}  # fmt: skip


def row_of(type_token: str) -> Calls:
    """The ``provider_calls`` row of ``type_token``: a component's is its children's together."""
    if type_token in COMPONENT_CHILDREN:
        children, _ = COMPONENT_CHILDREN[type_token]
        return Calls(tuple(op for child in children for op in COMPONENT_RESOURCES[child].operations))
    return RESOURCES[type_token]
