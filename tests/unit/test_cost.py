from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cost import DEFAULT_RATES, cost_warnings, estimate
from components.errors import ConfigError
from components.service.capacity_strategy import build_strategy
from settings import parse_rate_overrides

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


@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-7", None])
def test_a_stack_outside_the_tables_region_is_warned_that_the_rates_are_us_east_1s(region: str | None) -> None:
    (warning,) = cost_warnings(region=region, rates=DEFAULT_RATES)
    assert "19 of the 19 rates are us-east-1's" in warning and "set estimate.rates" in warning
    assert (region or "not set") in warning


def test_no_rate_warning_in_the_tables_region_or_with_every_rate_overridden() -> None:
    assert cost_warnings(region="us-east-1", rates=DEFAULT_RATES) == ()
    own = parse_rate_overrides(tuple(f"{name}={value * 2}" for name, value in DEFAULT_RATES.items()))
    assert cost_warnings(region="eu-west-1", rates=own) == ()
    partly = parse_rate_overrides(("armSpotVcpuHour=0.011",))
    assert "18 of the 19" in cost_warnings(region="eu-west-1", rates=partly)[0]


def test_a_split_by_weight_into_part_of_a_task_is_warned_with_both_whole_splits_priced() -> None:
    halves = build_strategy(fargate_base=0, fargate_weight=1, spot_base=0, spot_weight=1, use_spot=True)
    (warning,) = estimate(cpu=1024, memory_mib=2048, desired_count=3, strategy=halves).split_warnings
    # 2 Spot + 1 on-demand: 2 * 9.18048 + 28.835 = 47.196; 1 Spot + 2 on-demand: 9.18048 + 2 * 28.835 = 66.85
    assert "the weights give FARGATE_SPOT 1.5 of the 3 tasks, priced so" in warning
    assert "the compute is $47.20 a month with 2 on FARGATE_SPOT, $66.85 with 1" in warning
    assert estimate(cpu=1024, memory_mib=2048, desired_count=3, strategy=halves).monthly_usd == Decimal("57.02")


def test_a_split_into_whole_tasks_is_not_warned() -> None:
    assert estimate(cpu=1024, memory_mib=2048, desired_count=3, strategy=DEFAULT).split_warnings == ()
    assert estimate(cpu=1024, memory_mib=2048, desired_count=4, strategy=ALL_SPOT).split_warnings == ()
