"""docs/iam-deployer.json allows every API call the stacks' resources need to be created and destroyed.

The table is what each resource's create/delete calls (the AWS provider's CRUD for it); a resource
type the program starts to register without a row here fails the test, so the document keeps up.
"""

import fnmatch
import json
from pathlib import Path

import pytest

from tools.offline import run_program

POLICY = json.loads((Path(__file__).resolve().parents[2] / "docs" / "iam-deployer.json").read_text())
ECR_PUSH = ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage"]  # fmt: skip
NEEDS: dict[str, list[str]] = {
    "aws:ecr/repository:Repository": ["ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories",
                                      "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration"],
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy",
                                                "ecr:DeleteLifecyclePolicy"],
    "docker-build:index:Image": ECR_PUSH,
    "docker-build:index:Index": ECR_PUSH,
    "aws:ecs/cluster:Cluster": ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters"],
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ["ecs:PutClusterCapacityProviders"],
    "aws:ecs/taskDefinition:TaskDefinition": ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition",
                                              "ecs:DescribeTaskDefinition", "iam:PassRole"],
    "aws:ecs/service:Service": ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService",
                                "ecs:DescribeServices", "iam:CreateServiceLinkedRole"],
    "aws:cloudwatch/logGroup:LogGroup": ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup",
                                         "logs:DescribeLogGroups"],
    "aws:iam/role:Role": ["iam:CreateRole", "iam:GetRole", "iam:DeleteRole", "iam:ListRolePolicies",
                          "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
    "aws:iam/rolePolicy:RolePolicy": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    "aws:ec2/securityGroup:SecurityGroup": ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
                                            "ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupEgress"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["ec2:AuthorizeSecurityGroupIngress",
                                                                  "ec2:RevokeSecurityGroupIngress",
                                                                  "ec2:DescribeSecurityGroupRules"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["ec2:AuthorizeSecurityGroupEgress",
                                                                "ec2:RevokeSecurityGroupEgress",
                                                                "ec2:DescribeSecurityGroupRules"],
    "aws:lb/loadBalancer:LoadBalancer": ["elasticloadbalancing:CreateLoadBalancer",
                                         "elasticloadbalancing:DeleteLoadBalancer",
                                         "elasticloadbalancing:ModifyLoadBalancerAttributes",
                                         "elasticloadbalancing:DescribeLoadBalancers",
                                         "iam:CreateServiceLinkedRole"],
    "aws:lb/listener:Listener": ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                                 "elasticloadbalancing:DescribeListeners"],
    "aws:lb/listenerRule:ListenerRule": ["elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
                                         "elasticloadbalancing:DescribeRules"],
    "aws:lb/targetGroup:TargetGroup": ["elasticloadbalancing:CreateTargetGroup",
                                       "elasticloadbalancing:DeleteTargetGroup",
                                       "elasticloadbalancing:ModifyTargetGroupAttributes",
                                       "elasticloadbalancing:DescribeTargetGroups"],
    "aws:s3/bucket:Bucket": ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketPolicy"],
    "aws:s3/bucketPolicy:BucketPolicy": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["s3:PutBucketOwnershipControls"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "s3:PutEncryptionConfiguration"
    ],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["s3:PutLifecycleConfiguration"],
    "aws:appautoscaling/target:Target": ["application-autoscaling:RegisterScalableTarget",
                                         "application-autoscaling:DeregisterScalableTarget",
                                         "application-autoscaling:DescribeScalableTargets",
                                         "iam:CreateServiceLinkedRole"],
    "aws:appautoscaling/policy:Policy": ["application-autoscaling:PutScalingPolicy",
                                         "application-autoscaling:DeleteScalingPolicy",
                                         "application-autoscaling:DescribeScalingPolicies",
                                         "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
    "aws:appautoscaling/scheduledAction:ScheduledAction": ["application-autoscaling:PutScheduledAction",
                                                           "application-autoscaling:DeleteScheduledAction",
                                                           "application-autoscaling:DescribeScheduledActions"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms",
                                               "cloudwatch:DescribeAlarms"],
    "aws:sns/topic:Topic": ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes"],
    "aws:sns/topicPolicy:TopicPolicy": ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
    "aws:sns/topicSubscription:TopicSubscription": ["sns:Subscribe", "sns:Unsubscribe",
                                                    "sns:GetSubscriptionAttributes"],
    "aws:acm/certificate:Certificate": ["acm:RequestCertificate", "acm:DescribeCertificate", "acm:DeleteCertificate",
                                        "acm:ListTagsForCertificate"],
    "aws:acm/certificateValidation:CertificateValidation": ["acm:DescribeCertificate"],
    "aws:route53/record:Record": ["route53:ChangeResourceRecordSets", "route53:GetChange",
                                  "route53:ListResourceRecordSets", "route53:GetHostedZone"],
    "aws:ssm/parameter:Parameter": ["ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
                                    "ssm:DescribeParameters", "ssm:ListTagsForResource"],
    "aws:cloudwatch/eventRule:EventRule": ["events:PutRule", "events:DeleteRule", "events:DescribeRule"],
    "aws:cloudwatch/eventTarget:EventTarget": ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy",
                                                           "logs:DescribeResourcePolicies"],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ["logs:PutMetricFilter", "logs:DeleteMetricFilter",
                                                       "logs:DescribeMetricFilters"],
    "aws:lambda/function:Function": ["lambda:CreateFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode",
                                     "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
                                     "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig",
                                     "iam:PassRole"],
    "aws:lambda/permission:Permission": ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    "aws:cloudwatch/dashboard:Dashboard": ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard",
                                           "cloudwatch:DeleteDashboards"],
    "awsx:ec2:Vpc": ["ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
                     "ec2:CreateRouteTable", "ec2:CreateRoute", "ec2:AssociateRouteTable", "ec2:AllocateAddress",
                     "ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:ReleaseAddress", "ec2:DeleteVpc"],
}  # fmt: skip
GET_VPC = ["ec2:DescribeVpcs", "ec2:DescribeSubnets"]


def allowed(action: str) -> bool:
    return any(
        statement["Effect"] == "Allow" and any(fnmatch.fnmatchcase(action, pattern) for pattern in statement["Action"])
        for statement in POLICY["Statement"]
    )


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [
        ("dev", {}),
        ("prod", {}),
        ("dev", {"enableExecuteCommand": "true"}),
        ("dev", {"vpc": "new"}),
        ("dev", {"secretValues": '["TOKEN=x"]'}),
    ],
    ids=["dev", "prod", "dev-exec", "dev-new-vpc", "dev-secret-values"],
)
def test_the_deployer_policy_allows_every_call_the_stack_needs(stack: str, overrides: dict[str, str]) -> None:
    run = run_program(stack, overrides, secret_keys=["secretValues"])
    types = {r.type for r in run.mocks.resources if not r.type.startswith("graviton-node:")}
    assert types <= NEEDS.keys(), f"no row for {sorted(types - NEEDS.keys())}: add what it calls"
    needed = {action for t in types for action in NEEDS[t]} | set(GET_VPC)
    assert sorted(a for a in needed if not allowed(a)) == []


def test_pass_role_is_limited_to_handing_roles_to_ecs_tasks_and_the_task_counter() -> None:
    (statement,) = [s for s in POLICY["Statement"] if "iam:PassRole" in s["Action"]]
    assert statement["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"]}
    }
