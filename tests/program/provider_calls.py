"""The AWS calls a deploy makes, resource type by resource type, and the IAM actions they need.

Read from the Terraform AWS provider that pulumi-aws 7.51 bridges (hashicorp/terraform-provider-aws,
``internal/service/<svc>/<resource>.go``): each row lists the API operations of the resource's
Create, Read, Update (for the arguments this program sets) and Delete, and of its tagging. Tags: the
provider reads them after every Read (from the resource's own Describe output, or the service's
``listTags`` in ``tags_gen.go``) and sets them on create and update (``updateTags``: Tag/Untag). This
program sets no tags, but an ``aws:defaultTags`` provider setting (``tags_all``) makes every resource
tagged, and a later removal untags it; tag-on-create also needs the service's tag action.

Operations are ``<IAM service prefix>:<Operation>`` as botocore names them (a test checks each
against botocore's service model). Most authorize the IAM action of the same name; where they do not,
``ACTIONS_OF`` says which, with its source. ``authorizes`` holds what AWS checks on the caller with no
call of its own (``iam:PassRole``, service-linked roles, the target checks of Application Auto Scaling).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calls:
    """What one resource type, invoke or provider step calls, and what else AWS checks on the caller."""

    operations: tuple[str, ...]
    """API operations the provider makes, ``<IAM prefix>:<Operation>``."""
    authorizes: tuple[str, ...] = ()
    """IAM actions checked besides each operation's own (no operation of that name exists)."""


#: Operations whose IAM action is not ``<prefix>:<Operation>``.
ACTIONS_OF: dict[str, tuple[str, ...]] = {
    # Service Authorization Reference, Amazon S3, "API operations defined by Amazon S3"
    # (docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html), and the S3 User
    # Guide, "Required permissions for Amazon S3 API operations" (using-with-s3-policy-actions.html).
    "s3:HeadBucket": ("s3:ListBucket",),
    "s3:GetBucketCors": ("s3:GetBucketCORS",),
    "s3:GetBucketAccelerateConfiguration": ("s3:GetAccelerateConfiguration",),
    "s3:GetBucketReplication": ("s3:GetReplicationConfiguration",),
    "s3:GetBucketEncryption": ("s3:GetEncryptionConfiguration",),
    "s3:PutBucketEncryption": ("s3:PutEncryptionConfiguration",),
    "s3:DeleteBucketEncryption": ("s3:PutEncryptionConfiguration",),
    "s3:GetBucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration",),
    "s3:PutBucketLifecycleConfiguration": ("s3:PutLifecycleConfiguration",),
    "s3:DeleteBucketLifecycle": ("s3:PutLifecycleConfiguration",),
    "s3:GetObjectLockConfiguration": ("s3:GetBucketObjectLockConfiguration",),
    "s3:GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock",),
    "s3:PutPublicAccessBlock": ("s3:PutBucketPublicAccessBlock",),
    "s3:DeletePublicAccessBlock": ("s3:PutBucketPublicAccessBlock",),
    "s3:DeleteBucketOwnershipControls": ("s3:PutBucketOwnershipControls",),
    "s3:DeleteBucketTagging": ("s3:PutBucketTagging",),
    "s3:ListObjectVersions": ("s3:ListBucketVersions",),
    # emptyBucket deletes object versions by version ID: s3:DeleteObjectVersion, and s3:DeleteObject.
    "s3:DeleteObjects": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
    # S3 Control's tag operations on a general purpose bucket authorize as s3: actions (Amazon S3 API Reference,
    # ListTagsForResource (S3 Control): "For general purpose buckets ... you must have the
    # s3:ListTagsForResource permission"; the same for TagResource and UntagResource).
    "s3control:ListTagsForResource": ("s3:ListTagsForResource",),
    "s3control:TagResource": ("s3:TagResource",),
    "s3control:UntagResource": ("s3:UntagResource",),
}

# ECR authorizes the Docker Registry HTTP API a push, pull or delete uses as these actions (Amazon ECR
# User Guide, "Private repository policies" / "Pushing an image": push needs BatchCheckLayerAvailability,
# InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload, PutImage, BatchGetImage; pulling a layer
# GetDownloadUrlForLayer; DELETE of a manifest BatchDeleteImage).
_REGISTRY_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                  "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage")  # fmt: skip

# ELBv2's tags: elbv2/tags_gen.go listTags (DescribeTags), updateTags (AddTags, RemoveTags).
_ELB_TAGS = ("elasticloadbalancing:DescribeTags", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
# EC2 reads tags from each Describe* output; ec2/tags_gen.go updateTags (CreateTags, DeleteTags). A security
# group and a rule get theirs in the create request (vpc_security_group.go resourceSecurityGroupCreate,
# vpc_security_group_egress_rule.go/..._ingress_rule.go create: TagSpecifications: getTagSpecificationsIn),
# which IAM authorizes as ec2:CreateTags with ec2:CreateAction (tests/program/deploy_requests.py).
_EC2_TAGS = ("ec2:CreateTags", "ec2:DeleteTags")

#: The provider itself, before any resource: the account ID of every ARN it builds.
#: internal/conns/config.go: ConfigureProvider -> GetAwsAccountIDAndPartition (sts:GetCallerIdentity).
PROVIDER = Calls(("sts:GetCallerIdentity",))

#: Invoke token -> what its Terraform data source calls.
INVOKES: dict[str, Calls] = {
    # sts/caller_identity_data_source.go: dataSourceCallerIdentityRead
    "aws:index/getCallerIdentity:getCallerIdentity": Calls(("sts:GetCallerIdentity",)),
    # meta/region_data_source.go, meta/partition_data_source.go: the provider's own region and partition data
    "aws:index/getRegion:getRegion": Calls(()),
    "aws:index/getPartition:getPartition": Calls(()),
    # ec2/vpc_data_source.go: dataSourceVPCRead (findVPC, findVPCAttribute, findVPCMainRouteTable)
    "aws:ec2/getVpc:getVpc": Calls(("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeRouteTables")),
    # ec2/vpc_subnets_data_source.go: dataSourceSubnetsRead
    "aws:ec2/getSubnets:getSubnets": Calls(("ec2:DescribeSubnets",)),
    # ecr/authorization_token_data_source.go: dataSourceAuthorizationTokenRead
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": Calls(("ecr:GetAuthorizationToken",)),
    # ec2/ec2_availability_zones_data_source.go: dataSourceAvailabilityZonesRead (awsx's Vpc, getDefaultAzs)
    "aws:index/getAvailabilityZones:getAvailabilityZones": Calls(("ec2:DescribeAvailabilityZones",)),
    # route53/zone_data_source.go: dataSourceZoneRead by zone_id (findHostedZoneByID, findHostedZoneNameServers;
    # a private zone's name servers by ListResourceRecordSets, findNameServersByZone), listTags
    "aws:route53/getZone:getZone": Calls(
        ("route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource")
    ),
}

#: Resource type -> what its provider calls.
RESOURCES: dict[str, Calls] = {
    # ecr/repository.go: resourceRepositoryCreate (tag-on-create: ecr:TagResource), resourceRepositoryRead,
    # resourceRepositoryUpdate, resourceRepositoryDelete (force_delete); ecr/tags_gen.go listTags, updateTags.
    "aws:ecr/repository:Repository": Calls(("ecr:CreateRepository", "ecr:DescribeRepositories",
        "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration", "ecr:DeleteRepository",
        "ecr:ListTagsForResource", "ecr:TagResource", "ecr:UntagResource")),
    # ecr/lifecycle_policy.go: resourceLifecyclePolicyCreate, resourceLifecyclePolicyRead, resourceLifecyclePolicyDelete
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": Calls(("ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy")),
    # pulumi-docker-build 0.0.22 provider/internal/image.go: Create (buildx push, registry cache import
    # and export), Read (cli.Inspect: GET manifest), Delete (cli.Delete: DELETE manifest, errors ignored).
    "docker-build:index:Image": Calls((*_REGISTRY_PUSH, "ecr:GetDownloadUrlForLayer", "ecr:BatchDeleteImage")),
    # provider/internal/index.go: Create/Update (buildx imagetools create), Read (cli.ManifestInspect: HEAD
    # manifest), Delete (cli.ManifestDelete).
    "docker-build:index:Index": Calls(("ecr:BatchGetImage", "ecr:PutImage", "ecr:BatchDeleteImage")),
    # ecs/cluster.go: resourceClusterCreate (retryClusterCreate, tag-on-create), resourceClusterRead
    # (findClusterByNameOrARN, tags from DescribeClusters), resourceClusterUpdate, resourceClusterDelete
    # (waitClusterDeleted); ecs/tags_gen.go updateTags. The first cluster creates AWSServiceRoleForECS.
    "aws:ecs/cluster:Cluster": Calls(("ecs:CreateCluster", "ecs:DescribeClusters", "ecs:UpdateCluster",
        "ecs:DeleteCluster", "ecs:TagResource", "ecs:UntagResource"), ("iam:CreateServiceLinkedRole",)),
    # ecs/cluster_capacity_providers.go: resourceClusterCapacityProvidersPut (waitClusterAvailable),
    # resourceClusterCapacityProvidersRead, resourceClusterCapacityProvidersDelete
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": Calls(("ecs:PutClusterCapacityProviders",
        "ecs:DescribeClusters")),
    # ecs/task_definition.go: resourceTaskDefinitionCreate (tag-on-create), resourceTaskDefinitionRead
    # (findTaskDefinitionByFamilyOrARN, tags included), resourceTaskDefinitionDelete; updateTags.
    # RegisterTaskDefinition passes the execution and task roles.
    "aws:ecs/taskDefinition:TaskDefinition": Calls(("ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition",
        "ecs:DeregisterTaskDefinition", "ecs:TagResource", "ecs:UntagResource"), ("iam:PassRole",)),
    # ecs/service.go: resourceServiceCreate (retryServiceCreate, tag-on-create), waitServiceStable
    # (wait_for_steady_state: statusServiceWaitForStable -> findPrimaryDeploymentARN ListServiceDeployments,
    # findDeploymentStatus DescribeServiceDeployments), resourceServiceRead (findServiceByTwoPartKeyWaitForActive),
    # resourceServiceUpdate, resourceServiceDelete (drain with UpdateService, DeleteService, waitServiceInactive).
    # A canary, linear or blue/green service passes ECS the role in loadBalancers[].advancedConfiguration.
    "aws:ecs/service:Service": Calls(("ecs:CreateService", "ecs:DescribeServices", "ecs:ListServiceDeployments",
        "ecs:DescribeServiceDeployments", "ecs:UpdateService", "ecs:DeleteService", "ecs:TagResource",
        "ecs:UntagResource"), ("iam:CreateServiceLinkedRole", "iam:PassRole")),
    # logs/group.go: resourceGroupCreate (PutRetentionPolicy), resourceGroupRead (findLogGroupByName),
    # resourceGroupUpdate (retention; kms_key_id: AssociateKmsKey/DisassociateKmsKey when execKmsKeyArn
    # changes), resourceGroupDelete; logs/tags_gen.go listTags, updateTags.
    "aws:cloudwatch/logGroup:LogGroup": Calls(("logs:CreateLogGroup", "logs:PutRetentionPolicy",
        "logs:DescribeLogGroups", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:DeleteLogGroup",
        "logs:ListTagsForResource", "logs:TagResource", "logs:UntagResource")),
    # iam/role.go: Create (retryCreateRole; tags on create need iam:TagRole), Read (FindRoleByName, tags
    # from GetRole; inline and attached policies), Update (UpdateAssumeRolePolicy), Delete (DeleteRole:
    # deleteRoleInstanceProfiles, findRoleAttachedPolicies, findRolePolicyNames); roleUpdateTags.
    "aws:iam/role:Role": Calls(("iam:CreateRole", "iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies", "iam:UpdateAssumeRolePolicy", "iam:ListInstanceProfilesForRole",
        "iam:DeleteRole", "iam:TagRole", "iam:UntagRole")),
    # iam/role_policy.go: resourceRolePolicyPut, resourceRolePolicyRead, resourceRolePolicyDelete
    "aws:iam/rolePolicy:RolePolicy": Calls(("iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy")),
    # ec2/vpc_security_group.go: resourceSecurityGroupCreate (revokes the default allow-all egress rule),
    # resourceSecurityGroupRead, resourceSecurityGroupDelete (deleteLingeringENIs, DeleteSecurityGroup).
    "aws:ec2/securityGroup:SecurityGroup": Calls(("ec2:CreateSecurityGroup", "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupEgress", "ec2:DescribeNetworkInterfaces", "ec2:DeleteSecurityGroup", *_EC2_TAGS)),
    # ec2/vpc_security_group_ingress_rule.go: securityGroupRuleResource Create/Read (findByID)/Update/Delete
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": Calls(("ec2:AuthorizeSecurityGroupIngress",
        "ec2:DescribeSecurityGroupRules", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
        *_EC2_TAGS)),
    # ec2/vpc_security_group_egress_rule.go: the same for egress
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": Calls(("ec2:AuthorizeSecurityGroupEgress",
        "ec2:DescribeSecurityGroupRules", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupEgress",
        *_EC2_TAGS)),
    # elbv2/load_balancer.go: resourceLoadBalancerCreate (modifyLoadBalancerAttributes, waitLoadBalancerActive),
    # resourceLoadBalancerRead (findLoadBalancerAttributesByARN), resourceLoadBalancerUpdate (SetSecurityGroups,
    # SetSubnets, SetIpAddressType), resourceLoadBalancerDelete (cleanupALBNetworkInterfaces; its failures are
    # only logged).
    # The first load balancer creates AWSServiceRoleForElasticLoadBalancing.
    "aws:lb/loadBalancer:LoadBalancer": Calls(("elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:DeleteLoadBalancer", "ec2:DescribeNetworkInterfaces",
        *_ELB_TAGS), ("iam:CreateServiceLinkedRole",)),
    # elbv2/listener.go: resourceListenerCreate (then modifyListenerAttributes: listenerAttributes.expand
    # always sends the HTTP/HTTPS listener's boolean attributes), resourceListenerRead, resourceListenerUpdate,
    # resourceListenerDelete
    "aws:lb/listener:Listener": Calls(("elasticloadbalancing:CreateListener",
        "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:DeleteListener", *_ELB_TAGS)),
    # elbv2/listener_rule.go: resourceListenerRuleCreate, resourceListenerRuleRead, resourceListenerRuleUpdate
    # (SetRulePriorities, ModifyRule), resourceListenerRuleDelete
    "aws:lb/listenerRule:ListenerRule": Calls(("elasticloadbalancing:CreateRule", "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:DeleteRule",
        *_ELB_TAGS)),
    # elbv2/target_group.go: resourceTargetGroupCreate (ModifyTargetGroupAttributes), resourceTargetGroupRead,
    # resourceTargetGroupUpdate (ModifyTargetGroup), resourceTargetGroupDelete
    "aws:lb/targetGroup:TargetGroup": Calls(("elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup", *_ELB_TAGS)),
    # s3/bucket.go: resourceBucketCreate (CreateBucket; tag-on-create retried without tags when
    # s3:TagResource is refused, then bucketCreateTags; findBucket: HeadBucket), resourceBucketRead (every
    # Get* below, findBucketRegion: manager.GetBucketRegion's HeadBucket), resourceBucketDelete (force_destroy:
    # s3/delete.go emptyBucket). Tags, since v6.23.0 (PR #45251, its CHANGELOG note; pulumi-aws from 7.13.0 on,
    # pulumi/pulumi-aws#6317): read and updated through S3 Control's ListTagsForResource, TagResource and
    # UntagResource, and only on their "is not authorized to perform" error (issue #45275), or where S3 Control
    # tagging is not served (MethodNotAllowed, UnsupportedArgument: issue #45784, PR #46122), through s3/tags.go's
    # GetBucketTagging, PutBucketTagging, DeleteBucketTagging. Both are modelled: the first is the one taken.
    "aws:s3/bucket:Bucket": Calls(("s3:CreateBucket", "s3:HeadBucket", "s3:GetBucketPolicy", "s3:GetBucketAcl",
        "s3:GetBucketCors", "s3:GetBucketWebsite", "s3:GetBucketVersioning", "s3:GetBucketAccelerateConfiguration",
        "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetBucketLifecycleConfiguration",
        "s3:GetBucketReplication", "s3:GetBucketEncryption", "s3:GetObjectLockConfiguration", "s3:DeleteBucket",
        "s3:ListObjectVersions", "s3:DeleteObjects", "s3control:ListTagsForResource", "s3control:TagResource",
        "s3control:UntagResource", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:DeleteBucketTagging")),
    # s3/bucket_policy.go: resourceBucketPolicyPut, resourceBucketPolicyRead (findBucketPolicy),
    # resourceBucketPolicyDelete
    "aws:s3/bucketPolicy:BucketPolicy": Calls(("s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy")),
    # s3/bucket_public_access_block.go: resourceBucketPublicAccessBlockCreate, ...Read, ...Update, ...Delete
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": Calls(("s3:PutPublicAccessBlock",
        "s3:GetPublicAccessBlock", "s3:DeletePublicAccessBlock")),
    # s3/bucket_ownership_controls.go: resourceBucketOwnershipControlsCreate, ...Read, ...Update, ...Delete
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": Calls(("s3:PutBucketOwnershipControls",
        "s3:GetBucketOwnershipControls", "s3:DeleteBucketOwnershipControls")),
    # s3/bucket_server_side_encryption_configuration.go: resourceBucketServerSideEncryptionConfigurationCreate,
    # ...Read, ...Update, ...Delete
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": Calls((
        "s3:PutBucketEncryption", "s3:GetBucketEncryption", "s3:DeleteBucketEncryption")),
    # s3/bucket_lifecycle_configuration.go: bucketLifecycleConfigurationResource Create/Read/Update/Delete
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": Calls(("s3:PutBucketLifecycleConfiguration",
        "s3:GetBucketLifecycleConfiguration", "s3:DeleteBucketLifecycle")),
    # appautoscaling/target.go: resourceTargetPut, resourceTargetRead, resourceTargetDelete; tags_gen.go.
    # Application Auto Scaling User Guide, "Permissions required for API actions on target services and
    # CloudWatch": RegisterScalableTarget on an ECS service checks ecs:DescribeServices and ecs:UpdateService;
    # the first target creates AWSServiceRoleForApplicationAutoScaling_ECSService.
    "aws:appautoscaling/target:Target": Calls(("application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DeregisterScalableTarget",
        "application-autoscaling:ListTagsForResource", "application-autoscaling:TagResource",
        "application-autoscaling:UntagResource"),
        ("ecs:DescribeServices", "ecs:UpdateService", "iam:CreateServiceLinkedRole")),
    # appautoscaling/policy.go: resourcePolicyPut, resourcePolicyRead, resourcePolicyDelete. The same guide:
    # target tracking PutScalingPolicy checks cloudwatch:DescribeAlarms and PutMetricAlarm, DeleteScalingPolicy
    # cloudwatch:DescribeAlarms and DeleteAlarms.
    "aws:appautoscaling/policy:Policy": Calls(("application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DescribeScalingPolicies", "application-autoscaling:DeleteScalingPolicy"),
        ("cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms")),
    # appautoscaling/scheduled_action.go: resourceScheduledActionPut, ...Read, ...Delete
    "aws:appautoscaling/scheduledAction:ScheduledAction": Calls(("application-autoscaling:PutScheduledAction",
        "application-autoscaling:DescribeScheduledActions", "application-autoscaling:DeleteScheduledAction")),
    # cloudwatch/metric_alarm.go: resourceMetricAlarmCreate (tag-on-create), ...Read, ...Update, ...Delete;
    # cloudwatch/tags_gen.go listTags, updateTags.
    "aws:cloudwatch/metricAlarm:MetricAlarm": Calls(("cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms",
        "cloudwatch:DeleteAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:TagResource",
        "cloudwatch:UntagResource")),
    # cloudwatch/dashboard.go: resourceDashboardPut, resourceDashboardRead, resourceDashboardDelete
    "aws:cloudwatch/dashboard:Dashboard": Calls(("cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
        "cloudwatch:DeleteDashboards")),
    # sns/topic.go: resourceTopicCreate (tag-on-create, putTopicAttributes), resourceTopicRead
    # (findTopicAttributesByARN), resourceTopicUpdate, resourceTopicDelete; sns/tags_gen.go.
    "aws:sns/topic:Topic": Calls(("sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes",
        "sns:DeleteTopic", "sns:ListTagsForResource", "sns:TagResource", "sns:UntagResource")),
    # sqs/queue.go: resourceQueueCreate (CreateQueue with its tags, waitQueueAttributesPropagated:
    # GetQueueAttributes), resourceQueueRead (findQueueAttributesByURL), resourceQueueUpdate
    # (SetQueueAttributes), resourceQueueDelete (DeleteQueue, waitQueueDeleted); sqs/tags_gen.go ListTags
    # (ListQueueTags), UpdateTags (TagQueue, UntagQueue). The worker example's queues.
    "aws:sqs/queue:Queue": Calls(("sqs:CreateQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes",
        "sqs:DeleteQueue", "sqs:ListQueueTags", "sqs:TagQueue", "sqs:UntagQueue")),
    # sns/topic_policy.go: resourceTopicPolicyUpsert, resourceTopicPolicyRead, resourceTopicPolicyDelete
    "aws:sns/topicPolicy:TopicPolicy": Calls(("sns:SetTopicAttributes", "sns:GetTopicAttributes")),
    # sns/topic_subscription.go: resourceTopicSubscriptionCreate, ...Read (findSubscriptionAttributesByARN),
    # ...Delete (Unsubscribe, waitSubscriptionDeleted)
    "aws:sns/topicSubscription:TopicSubscription": Calls(("sns:Subscribe", "sns:GetSubscriptionAttributes",
        "sns:Unsubscribe")),
    # acm/certificate.go: resourceCertificateCreate (tag-on-create), resourceCertificateRead, resourceCertificateDelete;
    # acm/tags_gen.go listTags (ListTagsForCertificate), updateTags (AddTagsToCertificate, RemoveTagsFromCertificate).
    "aws:acm/certificate:Certificate": Calls(("acm:RequestCertificate", "acm:DescribeCertificate",
        "acm:DeleteCertificate", "acm:ListTagsForCertificate", "acm:AddTagsToCertificate",
        "acm:RemoveTagsFromCertificate")),
    # acm/certificate_validation.go: resourceCertificateValidationCreate (waitCertificateIssued), ...Read
    "aws:acm/certificateValidation:CertificateValidation": Calls(("acm:DescribeCertificate",)),
    # route53/record.go: resourceRecordCreate (findHostedZoneByID, ChangeResourceRecordSets, waitChangeInsync),
    # resourceRecordRead (findResourceRecordSetByFourPartKey), resourceRecordUpdate, resourceRecordDelete
    "aws:route53/record:Record": Calls(("route53:GetHostedZone", "route53:ChangeResourceRecordSets",
        "route53:GetChange", "route53:ListResourceRecordSets")),
    # ssm/parameter.go: resourceParameterCreate (tag-on-create), resourceParameterRead (findParameterByName,
    # DescribeParameters for its metadata), resourceParameterUpdate, resourceParameterDelete;
    # ssm/tags_gen.go listTags, updateTags (AddTagsToResource, RemoveTagsFromResource).
    # With a customer-managed key SSM encrypts and decrypts as the caller: PutParameter needs kms:Encrypt and
    # GetParameter WithDecryption (every Read: findParameterByName(..., true)) kms:Decrypt, on the key (AWS
    # Systems Manager User Guide, "How AWS Systems Manager Parameter Store uses AWS KMS": standard parameters).
    "aws:ssm/parameter:Parameter": Calls(("ssm:PutParameter", "ssm:GetParameter", "ssm:DescribeParameters",
        "ssm:DeleteParameter", "ssm:ListTagsForResource", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"),
        ("kms:Encrypt", "kms:Decrypt")),
    # kms/key.go: resourceKeyCreate (CreateKey with its tags and policy; updateKeyRotationEnabled:
    # EnableKeyRotation, waited on with GetKeyRotationStatus; waitKeyPolicyPropagated: GetKeyPolicy;
    # waitTagsPropagated: ListResourceTags), resourceKeyRead (findKeyInfo: DescribeKey, GetKeyPolicy,
    # GetKeyRotationStatus, listTags), resourceKeyUpdate (UpdateKeyDescription, EnableKeyRotation or
    # DisableKeyRotation, PutKeyPolicy), resourceKeyDelete (ScheduleKeyDeletion, waitKeyDeleted: DescribeKey);
    # kms/tags_gen.go listTags (ListResourceTags), updateTags (TagResource, UntagResource).
    "aws:kms/key:Key": Calls(("kms:CreateKey", "kms:EnableKeyRotation", "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy", "kms:ListResourceTags", "kms:DescribeKey", "kms:UpdateKeyDescription",
        "kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource",
        "kms:UntagResource")),
    # kms/alias.go: resourceAliasCreate (CreateAlias), resourceAliasRead (findAliasByName: ListAliases),
    # resourceAliasUpdate (UpdateAlias), resourceAliasDelete (DeleteAlias).
    "aws:kms/alias:Alias": Calls(("kms:CreateAlias", "kms:ListAliases", "kms:UpdateAlias", "kms:DeleteAlias")),
    # events/rule.go: resourceRuleCreate (tag-on-create), resourceRuleRead, resourceRuleUpdate, resourceRuleDelete;
    # events/tags_gen.go.
    "aws:cloudwatch/eventRule:EventRule": Calls(("events:PutRule", "events:DescribeRule", "events:DeleteRule",
        "events:ListTagsForResource", "events:TagResource", "events:UntagResource")),
    # events/target.go: resourceTargetCreate, resourceTargetRead (findTargetByThreePartKey), resourceTargetDelete
    "aws:cloudwatch/eventTarget:EventTarget": Calls(("events:PutTargets", "events:ListTargetsByRule",
        "events:RemoveTargets")),
    # logs/resource_policy.go: resourceResourcePolicyPut, resourceResourcePolicyRead, resourceResourcePolicyDelete
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": Calls(("logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies", "logs:DeleteResourcePolicy")),
    # logs/metric_filter.go: resourceMetricFilterPut, resourceMetricFilterRead, resourceMetricFilterDelete
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": Calls(("logs:PutMetricFilter", "logs:DescribeMetricFilters",
        "logs:DeleteMetricFilter")),
    # lambda/function.go: resourceFunctionCreate (tag-on-create, passes the role), resourceFunctionRead
    # (findFunction, findLatestFunctionVersionByName, GetFunctionCodeSigningConfig; tags from GetFunction:
    # setTagsOut(ctx, output.Tags)), resourceFunctionUpdate (configuration, code), resourceFunctionDelete;
    # lambda/tags_gen.go updateTags. GetFunction returns a tagged function's tags only to a caller also
    # allowed lambda:ListTags (tests/models/lambda_tags.py), so ListTags is authorized with no call of its
    # own: without it every refresh reads the function untagged and every up tags it again.
    "aws:lambda/function:Function": Calls(("lambda:CreateFunction", "lambda:GetFunction",
        "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:UpdateFunctionConfiguration",
        "lambda:UpdateFunctionCode", "lambda:DeleteFunction", "lambda:TagResource", "lambda:UntagResource"),
        ("iam:PassRole", "lambda:ListTags")),
    # lambda/permission.go: resourcePermissionCreate, resourcePermissionRead (findPolicyStatementByTwoPartKey),
    # resourcePermissionDelete
    "aws:lambda/permission:Permission": Calls(("lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission")),
    # The platform stack's outputs, read from the Pulumi backend: no AWS call.
    "pulumi:pulumi:StackReference": Calls(()),
}  # fmt: skip

#: The operations of a resource's Read and Delete alone, for each type whose AWS name 0.5.0 changes
#: (``tests/program/test_urns_unchanged.py``, ``RENAMED_IN_0_5``): what a 0.4 stack's deployer calls on the
#: resource of the old name, read by every refresh while the state holds it (pending delete after a failed up
#: too: Pulumi refreshes every resource of the state) and deleted by the up that renames it.
READ_AND_DELETE: dict[str, tuple[str, ...]] = {
    # ecs/task_definition.go: resourceTaskDefinitionRead (findTaskDefinitionByFamilyOrARN, tags included),
    # resourceTaskDefinitionDelete
    "aws:ecs/taskDefinition:TaskDefinition": ("ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition"),
    # cloudwatch/dashboard.go: resourceDashboardRead (findDashboardByName), resourceDashboardDelete
    "aws:cloudwatch/dashboard:Dashboard": ("cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"),
}

#: Resources and invokes a remote component registers inside its own provider, where mocks cannot see them.
COMPONENT_CHILDREN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # pulumi-awsx awsx/ec2/vpc.ts: Vpc, per AZ a Subnet with its RouteTable, RouteTableAssociation and
    # Route, the InternetGateway, and per NAT gateway an Eip; getDefaultAzs (getAvailabilityZones).
    "awsx:ec2:Vpc": (
        ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable",
         "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route",
         "aws:ec2/internetGateway:InternetGateway", "aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway"),
        ("aws:index/getAvailabilityZones:getAvailabilityZones",),
    ),
}  # fmt: skip

#: The children of ``COMPONENT_CHILDREN``: EC2 reads their tags from each Describe* output.
COMPONENT_RESOURCES: dict[str, Calls] = {
    # ec2/vpc_.go: resourceVPCCreate (ModifyVpcAttribute for enable_dns_hostnames), resourceVPCRead
    # (findVPCAttribute, findVPCMainRouteTable, findVPCDefaultNetworkACL, findVPCDefaultSecurityGroup),
    # resourceVPCDelete
    "aws:ec2/vpc:Vpc": Calls(("ec2:CreateVpc", "ec2:DescribeVpcs", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute",
        "ec2:DescribeRouteTables", "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups", "ec2:DeleteVpc",
        *_EC2_TAGS)),
    # ec2/vpc_subnet.go: resourceSubnetCreate (ModifySubnetAttribute: map_public_ip_on_launch), ...Read, ...Delete
    "aws:ec2/subnet:Subnet": Calls(("ec2:CreateSubnet", "ec2:DescribeSubnets", "ec2:ModifySubnetAttribute",
        "ec2:DeleteSubnet", *_EC2_TAGS)),
    # ec2/vpc_route_table.go: resourceRouteTableCreate, ...Read, ...Delete (disassociates, then deletes)
    "aws:ec2/routeTable:RouteTable": Calls(("ec2:CreateRouteTable", "ec2:DescribeRouteTables",
        "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable", *_EC2_TAGS)),
    # ec2/vpc_route_table_association.go: resourceRouteTableAssociationCreate, ...Read, ...Update
    # (ReplaceRouteTableAssociation), ...Delete
    "aws:ec2/routeTableAssociation:RouteTableAssociation": Calls(("ec2:AssociateRouteTable", "ec2:DescribeRouteTables",
        "ec2:ReplaceRouteTableAssociation", "ec2:DisassociateRouteTable")),
    # ec2/vpc_route.go: resourceRouteCreate, resourceRouteRead, resourceRouteUpdate (ReplaceRoute: a replaced
    # NAT gateway), resourceRouteDelete
    "aws:ec2/route:Route": Calls(("ec2:CreateRoute", "ec2:DescribeRouteTables", "ec2:ReplaceRoute",
        "ec2:DeleteRoute")),
    # ec2/vpc_internet_gateway.go: resourceInternetGatewayCreate (attachInternetGateway), ...Read, ...Delete
    # (detachInternetGateway)
    "aws:ec2/internetGateway:InternetGateway": Calls(("ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
        "ec2:DescribeInternetGateways", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway", *_EC2_TAGS)),
    # ec2/ec2_eip.go: resourceEIPCreate, resourceEIPRead (findEIPByAllocationID,
    # findEIPDomainNameAttributeByAllocationID), resourceEIPDelete (disassociateEIP, ReleaseAddress)
    "aws:ec2/eip:Eip": Calls(("ec2:AllocateAddress", "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute",
        "ec2:DisassociateAddress", "ec2:ReleaseAddress", *_EC2_TAGS)),
    # ec2/vpc_nat_gateway.go: resourceNATGatewayCreate (waitNATGatewayCreated), ...Read, ...Delete
    "aws:ec2/natGateway:NatGateway": Calls(("ec2:CreateNatGateway", "ec2:DescribeNatGateways",
        "ec2:DeleteNatGateway", *_EC2_TAGS)),
}  # fmt: skip


def iam_actions(calls: Calls) -> set[str]:
    """The IAM actions ``calls`` needs: each operation's own (renamed where ``ACTIONS_OF`` says) and ``authorizes``."""
    return {action for op in calls.operations for action in ACTIONS_OF.get(op, (op,))} | set(calls.authorizes)
