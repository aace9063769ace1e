from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cost import (
    DEFAULT_RATES,
    DEFAULT_VPC_AZS,
    INCLUDED,
    NOT_INCLUDED,
    StackShape,
    check_default_vpc_azs,
    cost_warnings,
    estimate,
    parse_rate_overrides,
    stack_cost,
    stack_shape,
)
from components.errors import ConfigError
from components.network.network_spec import NetworkArgs
from components.service.capacity_strategy import build_strategy
from components.service.service_spec import ServiceSpec

ALL_ON_DEMAND = build_strategy(fargate_base=0, fargate_weight=1, spot_base=0, spot_weight=0, use_spot=False)
ALL_SPOT = build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)
DEFAULT = build_strategy(fargate_base=1, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)


def test_one_vcpu_two_gb_arm_on_demand_for_730_hours_is_0_03950_times_730() -> None:
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_ON_DEMAND)
    assert cost.monthly_usd == Decimal("28.84")  # 0.03950 * 730 = 28.835
    assert cost.x86_on_demand_monthly_usd == Decimal("36.04")  # 0.04937 * 730 = 36.0401


def test_one_vcpu_two_gb_arm_spot_uses_the_spot_snapshot() -> None:
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    assert cost.monthly_usd == Decimal("9.18")  # (0.01031 + 2 * 0.001133) * 730 = 9.18048


def test_graviton_and_spot_savings_are_told_apart_each_against_the_step_before() -> None:
    """x86 on-demand -> Graviton on-demand -> Graviton on Spot: Graviton is not credited with Spot's discount."""
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    assert (cost.x86_on_demand_monthly_usd, cost.arm_on_demand_monthly_usd, cost.monthly_usd) == (
        Decimal("36.04"), Decimal("28.84"), Decimal("9.18"),
    )  # fmt: skip
    assert cost.graviton_saving_percent == Decimal("20.0")  # (36.0401 - 28.835) / 36.0401 = 19.99 %
    assert cost.spot_saving_percent == Decimal("68.2")  # (28.835 - 9.18048) / 28.835 = 68.16 %


def test_the_default_split_bills_the_base_on_demand_and_the_rest_on_spot() -> None:
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=3, strategy=DEFAULT)
    assert (cost.tasks_on_demand, cost.tasks_spot) == (1, 2)
    assert cost.monthly_usd == Decimal("47.20")  # 28.835 + 2 * 9.18048 = 47.19596
    assert cost.x86_on_demand_monthly_usd == Decimal("108.12")  # 3 * 36.0401


def test_quarter_vcpu_half_gb_matches_a_hand_calculation() -> None:
    cost = estimate(cpu=256, memory_mib=512, desired_count=2, strategy=ALL_ON_DEMAND)
    assert cost.monthly_usd == Decimal("14.42")  # 2 * (0.25 * 0.03238 + 0.5 * 0.00356) * 730 = 14.4175


def test_overrides_replace_single_rates() -> None:
    rates = parse_rate_overrides(("armSpotVcpuHour=0.02", "armSpotGbHour=0.002"))
    assert rates["armSpotVcpuHour"] == Decimal("0.02")
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT, rates=rates)
    assert cost.monthly_usd == Decimal("17.52")  # (0.02 + 0.004) * 730


@pytest.mark.parametrize(
    "entry",
    [
        "armSpotVcpuHour",
        "nope=0.1",
        "armSpotVcpuHour=abc",
        "armSpotVcpuHour=-1",
        "armSpotVcpuHour=0",
        "armSpotGbHour=NaN",
    ],
)
def test_bad_rate_overrides_name_the_key_and_the_allowed_names(entry: str) -> None:
    with pytest.raises(ConfigError, match="armOnDemandVcpuHour") as error:
        parse_rate_overrides((entry,))
    assert error.value.key == "costRateOverrides"


def test_an_estimate_for_no_tasks_is_zero() -> None:
    cost = estimate(cpu=1024, memory_mib=2048, desired_count=0, strategy=DEFAULT)
    assert (cost.monthly_usd, cost.graviton_saving_percent, cost.spot_saving_percent) == (0, 0, 0)


@given(st.integers(0, 50), st.integers(0, 10), st.integers(0, 10), st.integers(1, 10))
def test_arm_never_costs_more_than_x86_on_demand(desired: int, base: int, od_weight: int, spot_weight: int) -> None:
    strategy = build_strategy(
        fargate_base=base, fargate_weight=od_weight, spot_base=0, spot_weight=spot_weight, use_spot=True
    )
    cost = estimate(cpu=2048, memory_mib=4096, desired_count=desired, strategy=strategy, rates=DEFAULT_RATES)
    assert cost.monthly_usd <= cost.arm_on_demand_monthly_usd <= cost.x86_on_demand_monthly_usd
    assert Decimal("0") <= cost.spot_saving_percent <= Decimal("100")


@given(
    st.integers(1, 50), st.integers(0, 10), st.integers(0, 10), st.integers(1, 10), st.sampled_from([256, 1024, 4096])
)
def test_graviton_saves_the_same_whatever_the_split_and_spot_saves_nothing_without_spot_tasks(
    desired: int, base: int, od_weight: int, spot_weight: int, cpu: int
) -> None:
    def cost(use_spot: bool):
        # Without Spot the on-demand provider takes every task, so it needs a weight of its own.
        strategy = build_strategy(fargate_base=base, fargate_weight=od_weight if use_spot else 1, spot_base=0,
                                  spot_weight=spot_weight if use_spot else 0, use_spot=use_spot)  # fmt: skip
        return estimate(cpu=cpu, memory_mib=cpu * 2, desired_count=desired, strategy=strategy)

    with_spot, without = cost(True), cost(False)
    assert with_spot.graviton_saving_percent == without.graviton_saving_percent
    assert (without.spot_saving_percent, without.monthly_usd) == (0, without.arm_on_demand_monthly_usd)
    assert (with_spot.spot_saving_percent > 0) == (with_spot.tasks_spot > 0)


def test_every_line_of_the_dev_stack_matches_a_hand_calculation() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    shape = StackShape(load_balancer_azs=3, public_task_ips=1, nat_gateways=0, alarms=0)
    cost = stack_cost(compute, shape)
    assert [(line.item, line.quantity, line.monthly_usd) for line in cost.lines] == [
        ("Graviton compute", 1, Decimal("9.18")),
        ("load balancer", 1, Decimal("16.43")),  # 0.0225 * 730 = 16.425
        ("load balancer capacity units", 1, Decimal("5.84")),  # 0.008 * 730
        ("public IPv4 addresses", 4, Decimal("14.60")),  # (3 ALB nodes + 1 task) * 0.005 * 730
    ]
    assert cost.total_usd == Decimal("46.05")
    assert cost.x86_total_usd == Decimal("72.91")  # 46.05 - 9.18 + 36.04


def test_nat_gateways_their_addresses_alarms_and_dashboards_are_billed() -> None:
    compute = estimate(cpu=2048, memory_mib=4096, desired_count=6, strategy=DEFAULT)
    shape = StackShape(load_balancer_azs=3, public_task_ips=0, nat_gateways=3, alarms=9, dashboards=1)
    lines = {line.item: line for line in stack_cost(compute, shape).lines}
    assert lines["NAT gateways"].monthly_usd == Decimal("98.55")  # 3 * 0.045 * 730
    assert lines["public IPv4 addresses"].quantity == 6  # 3 ALB nodes + 3 NAT Elastic IPs
    assert lines["public IPv4 addresses"].monthly_usd == Decimal("21.90")
    assert lines["alarms"].monthly_usd == Decimal("0.90")  # 9 * 0.10
    assert lines["dashboards"].monthly_usd == Decimal("3.00")


def test_the_monitorings_custom_metrics_and_counter_runs_are_billed() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=2, strategy=DEFAULT)
    shape = StackShape(load_balancer_azs=2, public_task_ips=0, nat_gateways=0, alarms=6, dashboards=1,
                       custom_metrics=4, task_counter=True)  # fmt: skip
    lines = {line.item: line for line in stack_cost(compute, shape).lines}
    assert lines["custom metrics"].monthly_usd == Decimal("1.20")  # 4 * 0.30
    counter = lines["task counter function"]
    assert counter.quantity == 43_800  # one a minute for 730 hours
    # Each run: 0.20 per million requests + 0.125 GB-s at 0.0000133334 = 0.000001866675 USD.
    assert counter.unit_usd == Decimal("0.000001866675")
    assert counter.monthly_usd == Decimal("0.08")  # 43800 * 0.000001866675 = 0.0818


def test_the_lcu_assumption_and_the_rates_are_stated_and_overridable() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    shape = StackShape(load_balancer_azs=2, public_task_ips=0, nat_gateways=0, alarms=0, lcus=Decimal(3))
    rates = parse_rate_overrides(("albHour=0.03",))
    cost = stack_cost(compute, shape, rates)
    lines = {line.item: line.monthly_usd for line in cost.lines}
    assert lines["load balancer"] == Decimal("21.90") and lines["load balancer capacity units"] == Decimal("17.52")
    assert cost.assumptions[0] == "3 LCU on average"


DEV_SERVICE = ServiceSpec(desired_count=1, strategy=ALL_SPOT)


def ipv4_line(network: NetworkArgs, **shape: object):
    built, assumptions = stack_shape(
        network=network,
        service=DEV_SERVICE,
        alarms=None,
        autoscaling=None,
        **shape,  # type: ignore[arg-type]
    )
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    lines = {line.item: line for line in stack_cost(compute, built).lines}
    return lines["public IPv4 addresses"], assumptions


@pytest.mark.parametrize(
    ("network", "addresses", "note"),
    [
        (NetworkArgs(mode="new", availability_zones=4, nat_strategy="Single"), 5, "4 load balancer AZs; 1 NAT gateway"),
        (NetworkArgs(mode="new", availability_zones=2, nat_strategy="None"), 3, "2 load balancer AZs; 1 task"),
        (
            NetworkArgs(
                mode="existing",
                vpc_id="vpc-1",
                public_subnet_ids=("subnet-1", "subnet-2", "subnet-3"),
                task_subnet_ids=("subnet-9",),
            ),
            3,
            "3 load balancer AZs",
        ),
    ],
)
def test_the_load_balancers_addresses_are_counted_from_the_subnets_it_is_given(
    network: NetworkArgs, addresses: int, note: str
) -> None:
    line, assumptions = ipv4_line(network)
    assert (line.quantity, line.note) == (addresses, note)
    assert not any("default VPC" in a for a in assumptions)


def test_the_default_vpcs_count_is_an_assumption_said_beside_the_figure_with_how_to_set_it() -> None:
    line, assumptions = ipv4_line(NetworkArgs(), region="eu-west-1")
    assert (line.quantity, line.note) == (DEFAULT_VPC_AZS + 1, f"{DEFAULT_VPC_AZS} load balancer AZs, assumed; 1 task")
    (assumed,) = assumptions
    assert "costDefaultVpcAzs" in assumed and "--region eu-west-1" in assumed and "default-for-az" in assumed


def test_the_default_vpcs_count_given_is_used_and_not_called_an_assumption() -> None:
    line, assumptions = ipv4_line(NetworkArgs(), default_vpc_azs=6)
    assert (line.quantity, line.note, assumptions) == (7, "6 load balancer AZs; 1 task", ())


@pytest.mark.parametrize("count", [1, -1])
def test_a_default_vpc_count_no_load_balancer_can_have_is_refused(count: int) -> None:
    with pytest.raises(ConfigError, match="2 or more") as error:
        check_default_vpc_azs(count)
    assert error.value.key == "costDefaultVpcAzs"


def test_every_figure_says_what_it_includes_and_leaves_out() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    shape = StackShape(load_balancer_azs=2, public_task_ips=0, nat_gateways=0, alarms=0)
    output = stack_cost(compute, shape).as_output()
    assert (output["included"], output["not_included"]) == (INCLUDED, NOT_INCLUDED)
    assert "data transfer" in NOT_INCLUDED and "Container Insights" in NOT_INCLUDED and "free tier" in NOT_INCLUDED


@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-7", None])
def test_a_stack_outside_the_tables_region_is_warned_that_the_rates_are_us_east_1s(region: str | None) -> None:
    (warning,) = cost_warnings(region=region, rates=DEFAULT_RATES, container_insights="disabled")
    assert "17 of the 17 rates are us-east-1's" in warning and "costRateOverrides" in warning
    assert (region or "not set") in warning


def test_no_rate_warning_in_the_tables_region_or_with_every_rate_overridden() -> None:
    assert cost_warnings(region="us-east-1", rates=DEFAULT_RATES, container_insights="disabled") == ()
    own = parse_rate_overrides(tuple(f"{name}={value * 2}" for name, value in DEFAULT_RATES.items()))
    assert cost_warnings(region="eu-west-1", rates=own, container_insights="disabled") == ()
    partly = parse_rate_overrides(("armSpotVcpuHour=0.011",))
    assert "16 of the 17" in cost_warnings(region="eu-west-1", rates=partly, container_insights="disabled")[0]


@pytest.mark.parametrize(("setting", "basis"), [("enhanced", "per observation"), ("enabled", "custom metrics")])
def test_container_insights_when_on_is_said_to_be_unpriced_with_its_billing_basis(setting: str, basis: str) -> None:
    (warning,) = cost_warnings(region="us-east-1", rates=DEFAULT_RATES, container_insights=setting)
    assert basis in warning and "not priced here" in warning
