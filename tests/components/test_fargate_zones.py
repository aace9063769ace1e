"""Where Fargate runs in some AZs only, the tasks keep to them: a new VPC takes no more AZs than Fargate has
there, and only AZs whose IDs Fargate lists (names map to IDs per account), and the default VPC's tasks use
only its subnets in those AZs (ECS Developer Guide, "Supported Regions for Amazon ECS on AWS Fargate")."""

from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.mock_answers import DEFAULT_SUBNETS, ZONES, zone_id, zone_name
from components.network.fargate_zones import FARGATE_ZONE_IDS, fargate_zone_ids, new_vpc_zone_names
from components.network.network import Network, NetworkSpec
from settings import load_settings
from tests.models import elb_zones
from tools.offline import RecordingMocks, run_mocked, run_program

AZS = "aws:index/getAvailabilityZones:getAvailabilityZones"


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
    assert seen["tasks"]
    assert {zone_of(region, s) for s in seen["tasks"]} <= set(FARGATE_ZONE_IDS[region])
    assert [s for s in DEFAULT_SUBNETS if zone_of(region, s) in FARGATE_ZONE_IDS[region]] == seen["tasks"]


@pytest.mark.parametrize("region", sorted(FARGATE_ZONE_IDS))
def test_the_default_vpc_s_load_balancer_gets_subnets_elb_takes_and_its_targets_azs(region: str) -> None:
    seen = subnets_of(region)
    zones = [zone_of(region, s) for s in seen["public"]]
    assert elb_zones.refuses(zones) == ""
    assert {zone_of(region, s) for s in seen["tasks"]} <= set(zones)


def test_the_elb_model_refuses_the_legacy_azs_and_a_single_az() -> None:
    every_default_subnet = [zone_of("us-west-1", s) for s in DEFAULT_SUBNETS]
    assert "usw1-az2" in elb_zones.refuses(every_default_subnet)
    assert "at least 2" in elb_zones.refuses(["apne1-az1"])


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


class OlderAccount(RecordingMocks):
    """An account whose AZ names map to ``ids`` in its own order (names sorted, as the data source gives them)."""

    def __init__(self, region: str, ids: list[str]) -> None:
        super().__init__(region=region)
        self.ids = ids

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token != AZS:
            return super().call(args)
        self.calls.append((args.token, dict(args.args)))
        self.answers.append({"id": self.region, "zoneIds": self.ids,
                             "names": [zone_name(self.region, az) for az in range(1, len(self.ids) + 1)]})  # fmt: skip
        return self.answers[-1], []


def awsx_zone_ids(vpc: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    """The AZ IDs awsx lays the VPC's subnets in: the names given, or the account's first
    ``numberOfAvailabilityZones`` names (``getDefaultAzs``, pulumi-awsx ec2/vpc.ts)."""
    by_name = dict(zip(answer["names"], answer["zoneIds"], strict=True))
    names = vpc.get("availabilityZoneNames") or answer["names"][: int(vpc["numberOfAvailabilityZones"])]
    assert not (vpc.get("availabilityZoneNames") and vpc.get("numberOfAvailabilityZones")), "awsx takes one of them"
    return [by_name[name] for name in names]


def new_vpc_in(region: str, azs: int, mocks: RecordingMocks) -> dict[str, Any]:
    def build() -> None:
        Network("net", NetworkSpec(mode="new", availability_zones=azs, region=region))

    run_mocked(build, mocks=mocks)
    return mocks.find("awsx:ec2:Vpc", "net-vpc").inputs


@pytest.mark.parametrize(
    ("region", "azs"), [(r, azs) for r, ids in FARGATE_ZONE_IDS.items() for azs in range(2, len(ids) + 1)]
)
def test_a_new_vpc_lays_its_subnets_only_in_the_azs_fargate_runs_in(region: str, azs: int) -> None:
    mocks = RecordingMocks(region=region)
    vpc = new_vpc_in(region, azs, mocks)
    zones = awsx_zone_ids(vpc, mocks.answers[[token for token, _ in mocks.calls].index(AZS)])
    assert len(zones) == azs and set(zones) <= set(FARGATE_ZONE_IDS[region])
    assert len(mocks.find("awsx:ec2:Vpc", "net-vpc").outputs["publicSubnetIds"]) == azs


def test_where_awsx_s_own_pick_is_fargate_s_the_vpc_keeps_its_count_so_a_live_stack_s_inputs_do_not_change() -> None:
    mocks = RecordingMocks(region="ap-northeast-1")
    vpc = new_vpc_in("ap-northeast-1", 2, mocks)  # apne1-az1, apne1-az2: both Fargate's
    assert vpc["numberOfAvailabilityZones"] == 2 and "availabilityZoneNames" not in vpc
    vpc = new_vpc_in("us-west-1", 2, RecordingMocks(region="us-west-1"))  # usw1-az2 is not
    assert vpc["availabilityZoneNames"] == ["us-west-1a", "us-west-1c"] and "numberOfAvailabilityZones" not in vpc


def test_an_older_account_s_names_are_matched_by_their_ids() -> None:
    mocks = OlderAccount("us-west-1", ["usw1-az3", "usw1-az2", "usw1-az1"])
    vpc = new_vpc_in("us-west-1", 2, mocks)
    assert vpc["availabilityZoneNames"] == ["us-west-1a", "us-west-1c"]
    assert awsx_zone_ids(vpc, mocks.answers[-1]) == ["usw1-az3", "usw1-az1"]


def test_elsewhere_a_new_vpc_takes_awsx_s_pick_without_a_lookup() -> None:
    mocks = RecordingMocks(region="eu-west-1")
    vpc = new_vpc_in("eu-west-1", 3, mocks)
    assert vpc["numberOfAvailabilityZones"] == 3 and mocks.calls == []


def test_an_account_with_too_few_of_fargate_s_azs_is_refused_naming_the_key_before_anything_is_registered() -> None:
    mocks = OlderAccount("us-west-1", ["usw1-az1", "usw1-az2"])
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"vpc": "new", "availabilityZones": "2", "aws:region": "us-west-1"}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("availabilityZones", 2)
    assert "no count (a new VPC takes 2 or more) in this account" in error.value.allowed
    assert "us-west-1a" in error.value.allowed and "another region" in error.value.allowed
    assert mocks.resources == []


@given(
    st.sampled_from(sorted(FARGATE_ZONE_IDS)).flatmap(
        lambda region: st.tuples(
            st.just(region),
            st.permutations([zone_id(region, az) for az in range(1, ZONES + 1)]).flatmap(
                lambda ids: st.integers(1, len(ids)).map(lambda n: ids[:n])
            ),
            st.integers(2, len(FARGATE_ZONE_IDS[region])),
        )
    )
)
def test_the_names_are_the_first_of_fargate_s_azs_in_the_account_s_order(case: tuple[str, list[str], int]) -> None:
    region, ids, count = case
    names = [zone_name(region, az) for az in range(1, len(ids) + 1)]
    fargate = FARGATE_ZONE_IDS[region]
    picked = new_vpc_zone_names(names, ids, fargate, count)
    ours = [name for name, zone in zip(names, ids, strict=True) if zone in fargate]
    assert list(picked) == ours[:count]
    assert new_vpc_zone_names(names, ids, (), count) == tuple(names[:count])
