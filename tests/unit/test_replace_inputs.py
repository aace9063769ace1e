"""The replace-on-change table (``tools/replace_inputs.py``): each row names inputs the SDKs have, and the
helpers read, compare and classify them as the engine's diff would."""

import importlib
import inspect
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.replace_inputs import (
    COMPONENT,
    IN_PLACE,
    MISSING,
    NEW_LAYOUT,
    REPLACE_ON_CHANGE,
    REWEIGHTED_RULE,
    changed,
    kind,
    knock_on,
    refused,
    replace_inputs,
    rule,
    unclassified,
    value_at,
)


def _args_class(type_token: str) -> type:
    """The SDK's ``<Resource>Args`` for a type token (``aws:lambda/permission:Permission`` is
    ``pulumi_aws.lambda_.PermissionArgs``)."""
    package, module, name = type_token.split(":")
    sdk = {"aws": "pulumi_aws", "awsx": "pulumi_awsx", "docker-build": "pulumi_docker_build"}[package]
    module = module.split("/")[0]
    path = sdk if module == "index" else f"{sdk}.{module}_" if module == "lambda" else f"{sdk}.{module}"
    found = importlib.import_module(path)
    # Where a nested type takes ``<Resource>Args``, the resource's own is ``<Resource>InitArgs``.
    return getattr(found, f"{name}InitArgs", None) or getattr(found, f"{name}Args")


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


@pytest.mark.parametrize("type_token", sorted(REPLACE_ON_CHANGE))
def test_every_replace_on_change_input_is_an_input_of_the_sdk_resource(type_token: str) -> None:
    replaces = REPLACE_ON_CHANGE[type_token]
    parameters = inspect.signature(_args_class(type_token).__init__).parameters
    paths = (*replaces.inputs, *replaces.source_kind, *replaces.each_deploy, *replaces.relayout)
    assert {_snake(path.split(".")[0]) for path in paths} <= parameters.keys()


@pytest.mark.parametrize("type_token", sorted(IN_PLACE))
def test_every_in_place_input_is_an_input_of_the_sdk_resource_its_row_does_not_name(type_token: str) -> None:
    parameters = inspect.signature(_args_class(type_token).__init__).parameters
    assert {_snake(key) for key in IN_PLACE[type_token]} <= parameters.keys()
    assert unclassified(type_token, IN_PLACE[type_token]) == set()
    row = REPLACE_ON_CHANGE[type_token]
    assert not set(IN_PLACE[type_token]) & {p.split(".")[0] for p in (*row.inputs, *row.each_deploy, *row.relayout)}


@pytest.mark.parametrize("type_token", sorted(t for t in REPLACE_ON_CHANGE if t.startswith("aws:")))
def test_a_type_replaces_on_region_exactly_when_its_sdk_args_take_a_region(type_token: str) -> None:
    """Provider v6 gives every regional resource a ``region`` whose change replaces it."""
    takes_region = "region" in inspect.signature(_args_class(type_token).__init__).parameters
    assert ("region" in REPLACE_ON_CHANGE[type_token].inputs) == takes_region


@pytest.mark.parametrize(
    ("type_token", "path"),
    [
        ("aws:lb/targetGroup:TargetGroup", "targetControlPort"),
        ("aws:s3/bucket:Bucket", "objectLockEnabled"),
        ("aws:s3/bucket:Bucket", "bucketNamespace"),
        ("aws:lambda/function:Function", "durableConfig"),
    ],
)
def test_an_attribute_made_force_new_after_the_row_s_file_replaces_it_too(type_token: str, path: str) -> None:
    assert path in REPLACE_ON_CHANGE[type_token].inputs


def test_an_input_neither_the_row_nor_the_in_place_list_names_is_unclassified() -> None:
    assert unclassified("aws:ecs/service:Service", ["cluster", "desiredCount", "availabilityZoneRebalancing"]) == {
        "availabilityZoneRebalancing"
    }


@pytest.mark.parametrize("type_token", sorted(REPLACE_ON_CHANGE))
def test_every_row_cites_the_source_it_was_read_from(type_token: str) -> None:
    source = REPLACE_ON_CHANGE[type_token].source
    assert source.startswith(("internal/service/", "pulumi/pulumi-awsx ", "pulumi/pulumi-docker-build "))


def test_a_project_component_is_never_replaced_and_an_unknown_type_has_no_row() -> None:
    assert rule("graviton-node:service:Cluster", "graviton-node") is COMPONENT
    assert rule("aws:ec2/instance:Instance", "graviton-node") is None


def test_a_path_reads_through_one_item_blocks_and_an_unset_input_is_missing() -> None:
    inputs = {"deploymentController": {"type": "ECS"}, "cluster": "arn"}
    assert value_at(inputs, "deploymentController.type") == "ECS"
    assert value_at(inputs, "deploymentController.other") is MISSING
    assert value_at(inputs, "cluster.type") is MISSING


def test_a_rule_records_its_inputs_and_which_source_kind_a_security_group_rule_has() -> None:
    ingress = REPLACE_ON_CHANGE["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"]
    inputs = {"securityGroupId": "sg-1", "cidrIpv4": "0.0.0.0/0", "fromPort": 443}
    assert replace_inputs(ingress, inputs) == {"securityGroupId": "sg-1", "source kind": ["cidrIpv4"]}


def test_a_security_group_s_description_and_a_target_group_s_port_replace_it() -> None:
    group, target = (
        REPLACE_ON_CHANGE[t] for t in ("aws:ec2/securityGroup:SecurityGroup", "aws:lb/targetGroup:TargetGroup")
    )
    assert kind(group, ["description"]) == "-/+"
    assert kind(target, ["port"]) == "-/+"
    assert "kmsKeyId" not in REPLACE_ON_CHANGE["aws:cloudwatch/logGroup:LogGroup"].inputs


def test_a_task_definition_change_is_a_new_revision_and_an_index_s_new_tag_a_new_build() -> None:
    task = REPLACE_ON_CHANGE["aws:ecs/taskDefinition:TaskDefinition"]
    index = REPLACE_ON_CHANGE["docker-build:index:Index"]
    assert kind(task, ["cpu", "containerDefinitions"]) == "new revision"
    assert kind(index, ["tag"]) == "new build"
    assert kind(index, ["tag", "registry.address"]) == "-/+"
    assert kind(None, []) == "-/+"


def test_a_service_s_capacity_provider_strategy_and_deployment_controller_update_it_in_place() -> None:
    service = REPLACE_ON_CHANGE["aws:ecs/service:Service"]
    assert not {"capacityProviderStrategies", "deploymentController.type"} & set(service.inputs)


@given(st.permutations(["a.example.com", "b.example.com", "c.example.com"]))
def test_a_set_typed_input_in_another_order_is_no_change_but_another_item_is(names: list[str]) -> None:
    certificate = REPLACE_ON_CHANGE["aws:acm/certificate:Certificate"]
    before = {"subjectAlternativeNames": ["a.example.com", "b.example.com", "c.example.com"]}
    assert changed(before, {"subjectAlternativeNames": names}, certificate) == []
    assert changed(before, {"subjectAlternativeNames": [*names[:2], "d.example.com"]}, certificate) != []


def test_a_replacement_knocks_on_through_replace_on_change_inputs_only_and_transitively() -> None:
    kept = {
        "sg": ("aws:ec2/securityGroup:SecurityGroup", {"vpcId": "ref:vpc#id"}),
        "rule": ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"securityGroupId": "ref:sg#id"}),
        # Its load balancer stays: the listener stays.
        "listener": ("aws:lb/listener:Listener", {"loadBalancerArn": "ref:alb#arn"}),
        "task": ("aws:ecs/taskDefinition:TaskDefinition", {"executionRoleArn": "ref:role#arn"}),
    }
    assert knock_on(kept, ["vpc", "certificate", "role"], "p") == {
        "sg": ("vpcId", "vpc"),
        "rule": ("securityGroupId", "sg"),
        "task": ("executionRoleArn", "role"),
    }


_values = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 3) | st.text(max_size=2))


@given(_values, _values)
def test_changed_lists_exactly_the_paths_whose_values_differ(
    before: dict[str, object], after: dict[str, object]
) -> None:
    paths = [path for path, _, _ in changed(before, after)]
    assert paths == sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert changed(before, before) == []


VPC = "awsx:ec2:Vpc"


@given(st.integers(2, 6), st.integers(2, 6))
def test_another_az_count_is_refused_exactly_when_it_changes_each_az_s_block_as_awsx_lays_them_out(
    was: int, now: int
) -> None:
    """EC2 refuses a subnet overlapping another of its VPC; awsx replaces each kept AZ's subnets
    create-before-delete under the same names (tests/models/awsx_subnets.py lays them out)."""
    from tests.models.awsx_subnets import default_subnets

    before, after = default_subnets("10.0.0.0/16", was), default_subnets("10.0.0.0/16", now)
    overlapping = any(
        old != new and old.overlaps(new)
        for kind_ in ("private", "public")
        for old, new in zip(before[kind_], after[kind_], strict=False)
    )
    values = {"cidrBlock": "10.0.0.0/16"}
    reason = refused(VPC, {**values, "numberOfAvailabilityZones": was}, {**values, "numberOfAvailabilityZones": now})
    assert bool(reason) == overlapping
    assert kind(REPLACE_ON_CHANGE[VPC], ["numberOfAvailabilityZones"]) == NEW_LAYOUT


def test_a_new_vpc_cidr_replaces_the_vpc_whose_new_subnets_overlap_nothing() -> None:
    before = {"cidrBlock": "10.0.0.0/16", "numberOfAvailabilityZones": 3}
    after = {"cidrBlock": "10.1.0.0/16", "numberOfAvailabilityZones": 2}
    assert refused(VPC, before, after) == ""
    assert kind(REPLACE_ON_CHANGE[VPC], ["cidrBlock", "numberOfAvailabilityZones"]) == "-/+"


def test_only_the_ecr_lifecycle_policy_is_replaced_delete_first_by_pulumi_aws() -> None:
    """pulumi-aws's provider/resource_overrides.go sets DeleteBeforeReplace for none of the other types."""
    assert {token for token, row in REPLACE_ON_CHANGE.items() if row.delete_first} == {
        "aws:ecr/lifecyclePolicy:LifecyclePolicy"
    }


RULE = "aws:lb/listenerRule:ListenerRule"
SHIFTING = ["actions[0].forward.targetGroups[0]", "actions[0].forward.targetGroups[1]"]


@pytest.mark.parametrize(
    ("before", "after", "knocked_on", "ignore_changes", "why"),
    [
        ({"listenerArn": "http"}, {"listenerArn": "https"}, [], SHIFTING, REWEIGHTED_RULE),
        ({}, {}, ["listenerArn"], SHIFTING, REWEIGHTED_RULE),
        ({"listenerArn": "http"}, {"listenerArn": "https"}, [], [], ""),  # rolling: its one group has the tasks
        ({"listenerArn": "http"}, {"listenerArn": "http"}, [], SHIFTING, ""),
    ],
    ids=["moved", "knocked-on", "rolling", "kept"],
)
def test_a_rule_ecs_moves_the_weights_of_is_not_moved_to_another_listener_unwarned(
    before: dict[str, str], after: dict[str, str], knocked_on: list[str], ignore_changes: list[str], why: str
) -> None:
    assert refused(RULE, before, after, knocked_on, ignore_changes) == why
