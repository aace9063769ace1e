"""``pulumi destroy`` of a deployed stack, modelled: the engine's delete waves and where it stops
(``tests/models/pulumi_delete.py``) over the state as the engine holds it, the awsx VPC's own resources
included (``tests/models/awsx_vpc.py``); what a targeted ``up`` touches (``tests/models/pulumi_targets.py``);
and Route 53 records two stacks of one domain share (``tests/models/route53.py``). README "7. Destroy" is
held to them."""

import dataclasses
import re

from tests.models.awsx_vpc import EIP, NAT_GATEWAY, with_children
from tests.models.pulumi_delete import Deletion, destroy, with_stack_and_providers
from tests.models.pulumi_targets import targeted, untargeted_creates
from tests.models.route53 import HostedZone, RecordSetExistsError
from tests.program.stacks import recorded_run, run_config
from tools.offline import ROOT, Registered, Run, run_program

README = " ".join((ROOT / "README.md").read_text().split())
RECORD = "aws:route53/record:Record"
#: What each resource a protected prod destroy leaves is called in README's list of them.
LEFT_AS = {
    "aws:lb/loadBalancer:LoadBalancer": "the load balancer and its security group",
    "aws:ec2/securityGroup:SecurityGroup": "security group",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "the rules between the groups",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "the rules between the groups",
    "aws:ec2/vpc:Vpc": "the whole VPC",
    "aws:ec2/subnet:Subnet": "its subnets",
    "aws:ec2/routeTable:RouteTable": "route tables",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route tables",
    "aws:ec2/route:Route": "route tables",
    "aws:ec2/internetGateway:InternetGateway": "internet gateway",
    NAT_GATEWAY: "NAT gateways",
    EIP: "Elastic IPs",
    "aws:ecs/cluster:Cluster": "the cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "the cluster",
    "aws:ecs/taskDefinition:TaskDefinition": "the task definition",
    "aws:lb/targetGroup:TargetGroup": "the target groups",
    "aws:ecr/repository:Repository": "the repositories and their images",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "the repositories",
    "docker-build:index:Image": "the repositories and their images",
    "aws:cloudwatch/logGroup:LogGroup": "the log groups",
    "aws:iam/role:Role": "the roles",
    "aws:iam/rolePolicy:RolePolicy": "the roles",
    "aws:cloudwatch/eventRule:EventRule": "the task counter's schedule",
    "aws:sns/topic:Topic": "the alarm topic",
    # In a later wave than the load balancer's in some registration orders (the state's order, which the
    # timing of resolved inputs decides): the README says they may be left.
    "aws:sns/topicPolicy:TopicPolicy": "the monitoring topic's policy",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "Spot-count metric filter",
    "aws:sns/topicSubscription:TopicSubscription": "the alarm topic",
    "aws:acm/certificate:Certificate": "the certificate and its validation record",
    "aws:acm/certificateValidation:CertificateValidation": "the certificate and its validation record",
    RECORD: "the certificate and its validation record",
    **{
        f"aws:s3/{kind}": "the log bucket, its settings and its logs"
        for kind in (
            "bucket:Bucket",
            "bucketPolicy:BucketPolicy",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        )
    },
}
GONE = "the service and its scaling, the listeners and their rules, the alarms, dashboard and DNS alias are gone"
GONE_TYPES = (
    "aws:ecs/service:Service",
    "aws:appautoscaling/target:Target",
    "aws:appautoscaling/policy:Policy",
    "aws:appautoscaling/scheduledAction:ScheduledAction",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/dashboard:Dashboard",
)


def state_of(run: Run) -> list[Registered]:
    """What the engine's state holds of a deployed ``run``: the stack, the default providers, and each awsx
    VPC with the resources it made."""
    return with_stack_and_providers(with_children(run.mocks.resources))


def holding(run: Run) -> set[str]:
    """A deployed stack's buckets (logs once the load balancer writes) and repositories (images once built)."""
    kinds = ("aws:s3/bucket:Bucket", "aws:ecr/repository:Repository")
    return {r.name for r in run.mocks.resources if r.type in kinds}


def protected_prod_destroy() -> Deletion:
    return destroy(state_of(run_config("prod")), holding(run_config("prod")))


def test_a_protected_destroy_stops_at_the_load_balancer_and_never_reaches_the_vpcs_nat_gateways() -> None:
    result = protected_prod_destroy()
    assert result.error == "deleting ELBv2 Load Balancer (prod-web-alb): OperationNotPermitted"
    kept = [r.type for r in result.kept]
    assert (kept.count(NAT_GATEWAY), kept.count(EIP)) == (3, 3)
    assert not {r.name for r in result.kept if r.type == NAT_GATEWAY} & result.attempted


def test_the_readme_names_all_a_protected_prod_destroy_leaves() -> None:
    kept = {r.type for r in protected_prod_destroy().kept}
    assert sorted(kept - set(LEFT_AS)) == []
    assert [LEFT_AS[kind] for kind in sorted(kept) if LEFT_AS[kind] not in README] == []


def test_the_readme_names_only_what_a_protected_prod_destroy_deletes_as_gone() -> None:
    kept = {r.type for r in protected_prod_destroy().kept}
    assert GONE in README
    assert kept & set(GONE_TYPES) == set()
    assert "prod-web-domain-alias" not in {r.name for r in protected_prod_destroy().kept}


def test_what_goes_on_billing_is_named_as_the_plans_lines_for_prod_name_it() -> None:
    billed = (
        "The load balancer, the NAT gateways and the public IPv4 addresses (the load balancer's and the "
        "gateways') go on billing by the hour, as the plan's lines of those names."
    )
    lines = {line["item"] for line in recorded_run("prod").outputs["cost_estimate"]["lines"]}
    assert billed in README
    assert {"load balancer", "NAT gateways", "public IPv4 addresses"} <= lines


def readme_targets() -> list[str]:
    lines = (ROOT / "README.md").read_text().splitlines()
    (command,) = [line for line in lines if "pulumi up --stack prod --target" in line]
    return re.findall(r"--target '([^']+)'", command)


def test_the_readmes_targeted_up_after_a_protected_destroy_changes_what_it_must_and_creates_nothing() -> None:
    """The targets name each resource still standing whose inputs or options protection off changes, and
    no other; none is missing from the state and none depends on a resource the destroy deleted."""
    result, off = protected_prod_destroy(), run_program("prod", {"deletionProtection": "false", "forceDelete": "true"})
    before = {r.urn: r for r in run_config("prod").mocks.resources}
    standing = {r.urn for r in result.state}
    changed = {
        r.urn
        for r in off.mocks.resources
        if r.urn in standing
        and (r.inputs, r.retain_on_delete) != (before[r.urn].inputs, before[r.urn].retain_on_delete)
    }
    assert {r.urn for r in targeted(readme_targets(), off.mocks.resources)} == changed
    assert untargeted_creates(readme_targets(), off.mocks.resources, result.state) == []


def test_after_the_targeted_up_the_destroy_deletes_all_but_what_is_retained() -> None:
    """The last build's image index and the certificate's validation record (README, "What a destroy leaves").
    The state's order is the order registrations reached the engine, which varies: a retained resource the
    first destroy reached left the state then, and stays in AWS as surely as one the second leaves."""
    result, off = protected_prod_destroy(), run_program("prod", {"deletionProtection": "false", "forceDelete": "true"})
    updated = {r.urn: r for r in targeted(readme_targets(), off.mocks.resources)}
    state = [updated.get(r.urn, r) for r in result.state]
    again = destroy(state, holding(off))
    left_before = [r for r in result.kept if r.urn not in {s.urn for s in state}]
    assert again.error == ""
    assert {(r.type, r.name) for r in [*left_before, *again.kept]} == {
        ("docker-build:index:Image", "prod-app-image"),
        (RECORD, "prod-web-domain-validation"),
    }


def _domain_stack(region: str) -> Run:
    return run_program(
        "dev", {"domainName": "app.example.com", "hostedZoneId": "Z0123456789EXAMPLE", "aws:region": region}
    )


def _deploy(zone: HostedZone, run: Run) -> list[Registered]:
    """Create ``run``'s records in ``zone``: those the zone accepted (the stack's state holds no other)."""
    created = []
    for record in (r for r in run.mocks.resources if r.type == RECORD):
        try:
            zone.create(record.inputs)
        except RecordSetExistsError:
            continue
        created.append(record)
    return created


def test_two_stacks_of_one_domain_write_one_validation_record_and_the_second_gets_no_alias() -> None:
    zone, first, second = HostedZone(), _domain_stack("us-east-1"), _domain_stack("eu-west-1")
    _deploy(zone, first)
    assert [r.name for r in _deploy(zone, second)] == ["dev-web-domain-validation"]
    assert len(zone.records) == 2


def _validation_record_left_after_destroying_the_second(retained: bool = True) -> bool:
    """Two stacks of one domain deployed, the second destroyed: is the first's validation record there?"""
    zone, first, second = HostedZone(), _domain_stack("us-east-1"), _domain_stack("eu-west-1")
    _deploy(zone, first)
    in_state = {r.urn for r in _deploy(zone, second)}
    state = [
        r if retained or r.type != RECORD else dataclasses.replace(r, retain_on_delete=False)
        for r in state_of(second)
        if r.type != RECORD or r.urn in in_state
    ]
    result = destroy(state, holding(second))
    assert result.error == ""
    kept = {r.urn for r in result.kept}
    for record in (r for r in state if r.type == RECORD and r.urn not in kept):
        zone.delete(record.inputs)
    (validation,) = [r for r in first.mocks.resources if r.name == "dev-web-domain-validation"]
    return HostedZone.key(validation.inputs) in zone.records


def test_destroying_one_of_two_stacks_of_one_domain_leaves_the_validation_record_the_other_renews_with() -> None:
    assert _validation_record_left_after_destroying_the_second()


def test_without_retain_on_delete_that_destroy_deletes_the_other_stacks_validation_record() -> None:
    """The model is not vacuous: the record as registered before, not retained."""
    assert not _validation_record_left_after_destroying_the_second(retained=False)


def test_the_readme_says_never_to_rename_a_deployed_stack_but_to_destroy_and_deploy_under_the_new_name() -> None:
    assert "**Never rename a deployed stack** (`pulumi stack rename`)" in README
    assert "destroy it and deploy it under the new one, with that name's boundary and deployer documents" in README
