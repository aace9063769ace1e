"""The pack decides at preview: the real program (dev, prod, maximal) previewed as a first deploy and as a
replacement of its network and load balancer, through pulumi_policy's own analyzer, as the CLI runs it
(``preview.py``). A rule the SDK reports as "can't run ... during preview" is skipped there, and a stack
rule only runs in ``up`` once every resource is created: so every rule that can decide must, and those
that cannot wait on a value that is the verdict itself (a policy document built from ARNs, container
definitions holding the image digest)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.mock_records import Registered
from tests.policy.preview import PreviewMocks, Report, analyze, preview_run
from tests.policy.test_policy_pack import stack_policy_config, with_ecs_exec_allowed
from tools.offline import run_mocked

UNKNOWN = pulumi.runtime.rpc.UNKNOWN
#: What the network and the load balancer are made of: a replacement of them answers new IDs and ARNs.
NETWORK = (
    "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/targetGroup:TargetGroup",
)  # fmt: skip
SCENARIOS = {"first-deploy": lambda _type, _name: True, "network-replaced": lambda t, _name: t in NETWORK}
#: The rules about what the world reaches: none may wait for `up`, where a stack rule runs after the fact.
REACH = {
    "no-world-open-ingress",
    "world-open-only-on-load-balancers",
    "elb-https-only",
    "elb-https-only-listener-rules",
}
#: Rules whose verdict is a value a first deploy only knows once created: a policy document naming new
#: ARNs, container definitions holding the image digest, a permission's source ARN, a bucket's policy.
WAITS_FOR_ITS_VALUE = {
    "containers-graceful-non-root", "ecs-containers-hardened", "iam-least-privilege", "lambda-not-public",
    "log-resource-policy-scoped", "resource-policy-not-public", "s3-tls-only",
}  # fmt: skip


def config_of(program: str) -> dict[str, Any]:
    if program == "dev":
        return stack_policy_config("dev")
    prod = stack_policy_config("prod")
    return with_ecs_exec_allowed(prod) if program == "maximal" else prod


def skipped(report: Report) -> set[str]:
    return {message.split(":", 1)[0] for message in report.cannot_run}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("program", ["dev", "prod", "maximal"])
def test_a_preview_runs_every_rule_about_reach_and_finds_the_program_compliant(program: str, scenario: str) -> None:
    report = analyze(preview_run(program, SCENARIOS[scenario]).mocks.resources, config_of(program))
    assert report.mandatory == []
    assert skipped(report) <= WAITS_FOR_ITS_VALUE
    assert not skipped(report) & REACH


def test_a_replaced_network_leaves_only_the_policies_built_from_its_arns_to_wait() -> None:
    report = analyze(preview_run("prod", SCENARIOS["network-replaced"]).mocks.resources, config_of("prod"))
    assert skipped(report) == {"iam-least-privilege"}


def crafted() -> None:
    """A world-open SSH port and a world-open 443 on a new group no load balancer uses, and a forwarding
    rule on a new HTTP listener that redirects by default."""
    vpc = "vpc-0123456789abcdef0"
    alb_sg = aws.ec2.SecurityGroup("alb-sg", vpc_id=vpc)
    task_sg = aws.ec2.SecurityGroup("task-sg", vpc_id=vpc)
    for port in (22, 443):
        aws.vpc.SecurityGroupIngressRule(f"task-{port}", security_group_id=task_sg.id, cidr_ipv4="0.0.0.0/0",
                                         ip_protocol="tcp", from_port=port, to_port=port)  # fmt: skip
    alb = aws.lb.LoadBalancer("alb", security_groups=[alb_sg.id], subnets=["subnet-1", "subnet-2"])
    redirect = aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301")
    to_https = aws.lb.ListenerDefaultActionArgs(type="redirect", redirect=redirect)
    http = aws.lb.Listener("http", load_balancer_arn=alb.arn, port=80, protocol="HTTP", default_actions=[to_https])
    target = aws.lb.TargetGroup("app", port=3000, protocol="HTTP", vpc_id=vpc, target_type="ip")
    aws.lb.ListenerRule("api", listener_arn=http.arn, priority=10,
                        actions=[{"type": "forward", "target_group_arn": target.arn}],
                        conditions=[{"path_pattern": {"values": ["/*"]}}])  # fmt: skip


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:prod::graviton-node::{resource_type}::{name}"


def test_crafted_violations_on_resources_the_preview_creates_are_caught_by_the_preview() -> None:
    run = run_mocked(crafted, {"aws:region": "us-east-1"}, "prod", PreviewMocks(), preview=True)
    report = analyze(run.mocks.resources, config_of("prod"))
    assert report.cannot_run == []
    assert [m.split(";")[0] for m in report.mandatory if m.split(":")[0] in REACH] == [
        "no-world-open-ingress: Ingress from 0.0.0.0/0 on tcp ports 22-22",
        "world-open-only-on-load-balancers: Port 443 is open to 0.0.0.0/0 on task-sg, which no load balancer uses",
        "elb-https-only-listener-rules: Listener rule api on the HTTP listener http serves plain HTTP",
    ]


def ingress(name: str, group: str, depends: list[str]) -> Registered:
    props = {"securityGroupId": group, "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}
    rule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    return Registered(
        rule, name, props, urn=urn(rule, name), id=name,
        property_dependencies={"securityGroupId": depends},
    )  # fmt: skip


def test_a_group_that_neither_its_id_nor_its_urn_names_waits_for_up_and_the_rest_is_still_decided() -> None:
    """An unknown group ID that came from no group of the stack cannot be told apart from the load
    balancer's: the SDK reports the rule "can't run" (advisory) and ``up`` decides it with the ID known.
    What the rule could decide is still reported at its level."""
    resources = [ingress("from-elsewhere", UNKNOWN, []), ingress("on-a-known-group", "sg-task", [])]
    report = analyze(resources, config_of("prod"))
    assert [m.split(":")[0] for m in report.cannot_run] == ["world-open-only-on-load-balancers"]
    assert "string value at .securityGroupId can't be known during preview" in report.cannot_run[0]
    assert [m.split(",")[0] for m in report.mandatory] == [
        "world-open-only-on-load-balancers: Port 443 is open to 0.0.0.0/0 on sg-task"
    ]


def bucket(name: str, arn: str, policy: str | None = None) -> list[Registered]:
    """A bucket, and its policy where given (on the bucket's URN, as the program passes ``bucket.id``)."""
    own = Registered("aws:s3/bucket:Bucket", name, {"bucket": name}, urn=urn("aws:s3/bucket:Bucket", name), id=name)
    own.outputs = {"arn": arn}
    if policy is None:
        return [own]
    props = {"bucket": UNKNOWN if arn == UNKNOWN else name, "policy": policy}
    depends = {"bucket": [own.urn], "policy": [own.urn]}
    policy_type = "aws:s3/bucketPolicy:BucketPolicy"
    return [own, Registered(policy_type, f"{name}-policy", props, urn=urn(policy_type, f"{name}-policy"),
                            id=f"{name}-policy", property_dependencies=depends)]  # fmt: skip


def test_a_bucket_the_preview_creates_waits_for_up_and_an_existing_bucket_without_tls_is_still_caught() -> None:
    resources = [*bucket("new-logs", UNKNOWN, UNKNOWN), *bucket("old-logs", "arn:aws:s3:::old-logs")]
    report = analyze(resources, config_of("prod"))
    assert "s3-tls-only" in skipped(report)
    assert [m.split(";")[0] for m in report.mandatory if m.startswith("s3-tls-only")] == [
        "s3-tls-only: S3 bucket arn:aws:s3:::old-logs takes plain-HTTP requests"
    ]


def test_a_log_policy_on_a_log_group_the_preview_creates_is_attached_to_it() -> None:
    log_policy = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
    document = '{"Statement": []}'
    props = {"policyName": "events", "resourceArn": UNKNOWN, "policyDocument": document}
    report = analyze([Registered(log_policy, "events", props, urn=urn(log_policy, "events"))], config_of("prod"))
    assert [m for m in report.cannot_run + report.mandatory if m.startswith("log-resource-policy-scoped")] == []
