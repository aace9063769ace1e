"""Where Fargate runs in some AZs only, the tasks keep to them: a new VPC takes no more AZs than Fargate has
there, and the default VPC's tasks use only its subnets in those AZs (ECS Developer Guide, "Supported
Regions for Amazon ECS on AWS Fargate")."""

import pytest

from components.errors import ConfigError
from components.mock_answers import DEFAULT_SUBNETS, zone_id
from components.network.fargate_zones import FARGATE_ZONE_IDS, fargate_zone_ids
from components.network.network import Network, NetworkSpec
from settings import load_settings
from tools.offline import RecordingMocks, run_mocked


def subnets_of(region: str) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}

    def build() -> None:
        net = Network("net", NetworkSpec(region=region))
        net.public_subnet_ids.apply(lambda ids: seen.__setitem__("public", list(ids)))
        net.task_subnet_ids.apply(lambda ids: seen.__setitem__("tasks", list(ids)))

    run_mocked(build, mocks=RecordingMocks(region=region))
    return seen


def zone_of(region: str, subnet: str) -> str:
    """The AZ ID the mock account's default subnet sits in."""
    return zone_id(region, DEFAULT_SUBNETS.index(subnet) + 1)


def test_the_table_is_the_guide_s_three_restricted_regions_by_az_id() -> None:
    assert FARGATE_ZONE_IDS == {
        "us-west-1": ("usw1-az1", "usw1-az3"),
        "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
        "cn-north-1": ("cnn1-az1", "cnn1-az2"),
    }
    assert fargate_zone_ids("us-east-1") == fargate_zone_ids("") == ()


@pytest.mark.parametrize("region", sorted(FARGATE_ZONE_IDS))
def test_the_default_vpc_s_tasks_run_only_in_the_azs_fargate_runs_in(region: str) -> None:
    seen = subnets_of(region)
    assert seen["public"] == list(DEFAULT_SUBNETS)
    assert seen["tasks"]
    assert {zone_of(region, s) for s in seen["tasks"]} <= set(FARGATE_ZONE_IDS[region])
    assert [s for s in DEFAULT_SUBNETS if zone_of(region, s) in FARGATE_ZONE_IDS[region]] == seen["tasks"]


def test_elsewhere_the_default_vpc_s_tasks_use_every_default_subnet_with_the_same_lookup_as_before() -> None:
    mocks = RecordingMocks(region="eu-west-1")
    seen: dict[str, list[str]] = {}

    def build() -> None:
        net = Network("net", NetworkSpec(region="eu-west-1"))
        net.task_subnet_ids.apply(lambda ids: seen.__setitem__("tasks", list(ids)))

    run_mocked(build, mocks=mocks)
    assert seen["tasks"] == list(DEFAULT_SUBNETS)
    assert [token for token, _ in mocks.calls] == ["aws:ec2/getVpc:getVpc", "aws:ec2/getSubnets:getSubnets"]


@pytest.mark.parametrize(("region", "azs"), [(r, len(ids)) for r, ids in FARGATE_ZONE_IDS.items()])
def test_a_new_vpc_takes_at_most_as_many_azs_as_fargate_runs_in(region: str, azs: int) -> None:
    assert NetworkSpec(mode="new", availability_zones=azs, region=region).availability_zones == azs
    with pytest.raises(ConfigError) as error:
        NetworkSpec(mode="new", availability_zones=azs + 1, region=region)
    assert (error.value.key, error.value.value) == ("NetworkSpec.availability_zones", azs + 1)
    assert f"at most {azs} in {region}" in error.value.allowed
    assert all(zone in error.value.allowed for zone in FARGATE_ZONE_IDS[region])


def test_the_stack_s_region_reaches_the_check_and_the_error_names_the_config_key() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"vpc": "new", "availabilityZones": "3"}, region="cn-north-1")
    assert "availabilityZones" in str(error.value)
    assert "usw1" not in str(error.value) and "cnn1-az1, cnn1-az2" in str(error.value)
    assert load_settings({"vpc": "new", "availabilityZones": "3"}, region="cn-northwest-1").network.region == (
        "cn-northwest-1"
    )
