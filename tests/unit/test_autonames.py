"""An auto-named child's name is accepted exactly when the provider's auto-name and AWS would both take it:
the provider's maximum (pulumi-aws provider/resources.go ``AutoName``; 255 where a resource says nothing,
``setAutonaming``) and botocore's shape for the name, with Pulumi's ``-`` and 7 random characters added."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from components.autonames import RULES, check_autonames
from components.edge.alb_rules import AUTONAME_SUFFIX
from components.errors import ConfigError
from tests.models.aws_api import documentation, shape_at, shape_problems

#: pulumi-aws provider/resources.go: AutoName maxima other than the default 255.
PROVIDER_MOST = {
    "aws:iam/role:Role": 64,
    "aws:lambda/function:Function": 64,
    "aws:lambda/permission:Permission": 100,
    "aws:cloudwatch/eventRule:EventRule": 64,
    "aws:lb/loadBalancer:LoadBalancer": 32,
    "aws:lb/targetGroup:TargetGroup": 32,
}
#: The name's botocore shape, where its maximum (and pattern) is data.
SHAPES = {
    "aws:iam/role:Role": ("iam", "CreateRole:RoleName"),
    "aws:ecr/repository:Repository": ("ecr", "CreateRepository:repositoryName"),
    "aws:iam/rolePolicy:RolePolicy": ("iam", "PutRolePolicy:PolicyName"),
    "aws:lambda/permission:Permission": ("lambda", "AddPermission:StatementId"),
    "aws:cloudwatch/eventRule:EventRule": ("events", "PutRule:Name"),
    "aws:cloudwatch/eventTarget:EventTarget": ("events", "PutTargets:Targets[].Id"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "CreateLogGroup:logGroupName"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("logs", "PutMetricFilter:filterName"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch", "PutMetricAlarm:AlarmName"),
    "aws:appautoscaling/policy:Policy": ("application-autoscaling", "PutScalingPolicy:PolicyName"),
    "aws:appautoscaling/scheduledAction:ScheduledAction": (
        "application-autoscaling",
        "PutScheduledAction:ScheduledActionName",
    ),
}
#: Where botocore says the maximum in words only.
DOCUMENTED = {
    "aws:lambda/function:Function": ("lambda", "CreateFunction:FunctionName", "limited to 64 characters", 64),
    "aws:sns/topic:Topic": ("sns", "CreateTopic:Name", "between 1 and 256 characters long", 256),
    "aws:ecs/service:Service": ("ecs", "CreateService:serviceName", "Up to 255 letters", 255),
    "aws:ecs/cluster:Cluster": ("ecs", "CreateCluster:clusterName", "Up to 255 letters", 255),
    "aws:lb/loadBalancer:LoadBalancer": ("elbv2", "CreateLoadBalancer:Name", "a maximum of 32 characters", 32),
    "aws:lb/targetGroup:TargetGroup": ("elbv2", "CreateTargetGroup:Name", "a maximum of 32 characters", 32),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "CreateSecurityGroup:GroupName", "Up to 255 characters", 255),
}


def aws_most(type_token: str) -> int:
    if type_token in SHAPES:
        return shape_at(*SHAPES[type_token]).metadata["max"]
    service, where, says, most = DOCUMENTED[type_token]
    assert says in documentation(service, where)
    return most


def test_each_rule_is_the_shorter_of_the_providers_auto_name_and_awss_name() -> None:
    assert set(RULES) == set(SHAPES) | set(DOCUMENTED)
    for type_token, rule in RULES.items():
        assert rule.most == min(PROVIDER_MOST.get(type_token, 255), aws_most(type_token)), type_token


@given(
    st.sampled_from(sorted(SHAPES)),
    st.text(st.sampled_from("aZ09-_.:/=@+,#| é\x7f\n*"), min_size=1, max_size=12)
    | st.from_regex(r"[a-z0-9][a-z0-9._/-]{0,10}", fullmatch=True),
    st.just(0) | st.integers(0, 260),
)
@example("aws:ecr/repository:Repository", "0-", 0)  # '0-' ends '0--0a1b2c3', which ECR takes
def test_a_name_is_accepted_exactly_when_the_provider_and_aws_would_take_its_auto_name(
    type_token: str, text: str, padding: int
) -> None:
    name = "a" * padding + text
    autoname = f"{name}-0a1b2c3"
    aws_takes = not shape_problems(shape_at(*SHAPES[type_token]), autoname, "name")
    provider_takes = len(autoname) <= PROVIDER_MOST.get(type_token, 255)
    try:
        check_autonames("name", name, [(type_token, name)])
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == (aws_takes and provider_takes)
    assert len(autoname) == len(name) + AUTONAME_SUFFIX
