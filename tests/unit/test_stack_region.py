"""What must live in the stack's region is checked against it, in every region AWS has, and not at all
when the region is unknown."""

import functools

import pytest
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.iam_policies import ecr_repository_arn
from components.validation import (
    PARTITION_DNS_SUFFIXES,
    PARTITION_REGIONS,
    arn_partition,
    arn_region,
    in_partition,
    in_region,
    partition_of,
    policy_arn,
)


@functools.cache
def regions() -> list[str]:
    """Every region of every partition in botocore's endpoint data."""
    return sorted(
        {region for partition in Loader().load_data("endpoints")["partitions"] for region in partition["regions"]}
    )


def key_in(region: str) -> str:
    return f"arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_the_endpoint_data_knows_many_regions() -> None:
    assert {"us-east-1", "eu-west-1", "ap-southeast-5", "us-gov-west-1"} <= set(regions())


@given(stack=st.sampled_from(regions()), other=st.sampled_from(regions()))
def test_an_arn_is_accepted_exactly_when_it_lies_in_the_stacks_region(stack: str, other: str) -> None:
    arn = key_in(other)
    assert arn_region(arn) == other
    if other == stack:
        assert in_region("execKmsKeyArn", arn, stack, "a key in the stack's region") == arn
    else:
        with pytest.raises(ConfigError) as error:
            in_region("execKmsKeyArn", arn, stack, "a key in the stack's region")
        assert (error.value.key, error.value.value, error.value.allowed) == (
            "execKmsKeyArn", arn, "a key in the stack's region",
        )  # fmt: skip


@given(other=st.sampled_from(regions()))
def test_with_no_region_known_nothing_is_refused(other: str) -> None:
    assert in_region("certificateArn", key_in(other), None, "unused") == key_in(other)


def test_an_empty_value_is_never_refused() -> None:
    assert in_region("certificateArn", "", "eu-west-1", "unused") == ""


def test_an_arn_without_a_region_field_is_not_in_any_region() -> None:
    assert arn_region("arn:aws:kms:key/1234") == ""
    with pytest.raises(ConfigError):
        in_region("execKmsKeyArn", "arn:aws:kms:key/1234", "us-east-1", "a key in us-east-1")


def test_each_partition_is_named_by_botocores_own_region_pattern() -> None:
    data = Loader().load_data("endpoints")["partitions"]
    assert dict(PARTITION_REGIONS) == {p["partition"]: p["regionRegex"] for p in data}


def test_every_region_lies_in_the_partition_botocore_lists_it_under() -> None:
    listed = {region: p["partition"] for p in Loader().load_data("endpoints")["partitions"] for region in p["regions"]}
    assert {region: partition_of(region) for region in listed} == listed


@given(stack=st.sampled_from(regions()), other=st.sampled_from(regions()))
def test_an_arn_is_accepted_exactly_when_it_lies_in_the_stacks_partition(stack: str, other: str) -> None:
    arn = key_in(other).replace("arn:aws:", f"arn:{partition_of(other)}:")
    assert arn_partition(arn) == partition_of(other)
    if partition_of(other) == partition_of(stack):
        assert in_partition("secretsKmsKeyArns", arn, arn, stack) == arn
    else:
        with pytest.raises(ConfigError) as error:
            in_partition("secretsKmsKeyArns", arn, arn, stack)
        assert (error.value.key, error.value.value) == ("secretsKmsKeyArns", arn)
        assert f"the stack's partition {partition_of(stack)}" in error.value.allowed


def test_a_partition_is_checked_only_when_the_stacks_region_is_known() -> None:
    assert in_partition("secrets", "DB=arn:aws-cn:ssm:x", "arn:aws-cn:ssm:x", None) == "DB=arn:aws-cn:ssm:x"
    assert in_partition("secrets", "", "", "us-east-1") == ""


def test_each_partitions_dns_suffix_is_botocores() -> None:
    data = Loader().load_data("endpoints")["partitions"]
    assert {p["partition"]: p["dnsSuffix"] for p in data} == PARTITION_DNS_SUFFIXES


@pytest.mark.parametrize("partition", [partition for partition, _ in PARTITION_REGIONS])
def test_a_policy_arn_of_every_partition_is_one(partition: str) -> None:
    """IAM writes a policy's ARN in its own partition (arn:aws-iso:iam::…); an account's and AWS's alike."""
    for arn in (f"arn:{partition}:iam::123456789012:policy/teams/boundary", f"arn:{partition}:iam::aws:policy/x"):
        assert policy_arn("permissionsBoundaryArn", arn) == arn


@pytest.mark.parametrize("value", ["arn:aws-xx:iam::123456789012:policy/x", "arn:azure:iam::123456789012:policy/x"])
def test_a_policy_arn_of_no_partition_is_refused(value: str) -> None:
    with pytest.raises(ConfigError):
        policy_arn("permissionsBoundaryArn", value)


@pytest.mark.parametrize(("partition", "suffix"), sorted(PARTITION_DNS_SUFFIXES.items()))
def test_an_ecr_image_in_every_partition_names_its_repository(partition: str, suffix: str) -> None:
    """The execution role's PullTheImage statement is built from this ARN: without it, no pull."""
    region = next(r for r in regions() if partition_of(r) == partition)
    image = f"123456789012.dkr.ecr.{region}.{suffix}/dev-app-repo:v1@sha256:{'0' * 64}"
    assert ecr_repository_arn(image, partition) == f"arn:{partition}:ecr:{region}:123456789012:repository/dev-app-repo"


def test_an_image_outside_ecr_names_no_repository() -> None:
    assert ecr_repository_arn("public.ecr.aws/docker/library/node:22", "aws") is None
    assert ecr_repository_arn("123456789012.dkr.ecr.us-east-1.example.com/app:1", "aws") is None
