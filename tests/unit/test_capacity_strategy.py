from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.capacity_strategy import (
    FARGATE,
    FARGATE_SPOT,
    StrategyItem,
    build_strategy,
    split_tasks,
    validate_strategy,
    whole_splits,
)
from components.service.cluster_spec import ClusterSpec
from components.service.service_spec import ServiceSpec


def strategy(fargate_base=1, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True):
    return build_strategy(
        fargate_base=fargate_base,
        fargate_weight=fargate_weight,
        spot_base=spot_base,
        spot_weight=spot_weight,
        use_spot=use_spot,
    )


def test_the_default_keeps_one_on_demand_task_and_puts_the_rest_on_spot() -> None:
    assert strategy() == (
        StrategyItem(capacity_provider=FARGATE, base=1, weight=0),
        StrategyItem(capacity_provider=FARGATE_SPOT, base=0, weight=1),
    )


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"fargate_base": 1, "spot_base": 1}, "ServiceSpec.strategy[FARGATE_SPOT].base"),
        ({"fargate_weight": 0, "spot_weight": 0}, "ServiceSpec.strategy[FARGATE_SPOT].weight"),
        ({"fargate_base": -1}, "ServiceSpec.strategy[FARGATE].base"),
        ({"fargate_base": 100_001}, "ServiceSpec.strategy[FARGATE].base"),
        ({"spot_weight": 1001}, "ServiceSpec.strategy[FARGATE_SPOT].weight"),
        ({"fargate_weight": -1}, "ServiceSpec.strategy[FARGATE].weight"),
        ({"use_spot": False}, "build_strategy.use_spot"),
        ({"use_spot": False, "spot_weight": 0, "fargate_weight": 0}, "ServiceSpec.strategy[FARGATE].weight"),
    ],
)
def test_strategies_breaking_an_api_rule_name_the_key_when_the_spec_holding_them_is_built(
    kwargs: dict, key: str
) -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(strategy=strategy(**kwargs))
    assert error.value.key == key


def test_a_cluster_s_default_strategy_names_its_own_field() -> None:
    with pytest.raises(ConfigError) as error:
        ClusterSpec(default_strategy=(StrategyItem(capacity_provider=FARGATE, base=1),))
    assert error.value.key == "ClusterSpec.default_strategy[FARGATE].weight"


def test_fargate_spot_is_left_out_only_when_explicitly_disabled() -> None:
    on_demand_only = strategy(use_spot=False, spot_weight=0, fargate_weight=1)
    assert [item.capacity_provider for item in on_demand_only] == [FARGATE]


def test_a_hand_built_strategy_with_two_bases_is_rejected() -> None:
    items = (
        StrategyItem(capacity_provider=FARGATE, base=1, weight=1),
        StrategyItem(capacity_provider=FARGATE_SPOT, base=2, weight=1),
    )
    with pytest.raises(ConfigError, match="only one provider may have a base"):
        validate_strategy(items)


def test_an_unknown_provider_is_rejected() -> None:
    with pytest.raises(ConfigError):
        validate_strategy((StrategyItem(capacity_provider="EC2", weight=1),))


@pytest.mark.parametrize(
    ("desired", "expected"),
    [
        (0, {FARGATE: 0, FARGATE_SPOT: 0}),
        (1, {FARGATE: 1, FARGATE_SPOT: 0}),
        (2, {FARGATE: 1, FARGATE_SPOT: 1}),
        (5, {FARGATE: 1, FARGATE_SPOT: 4}),
    ],
)
def test_the_base_is_placed_first_and_the_rest_follows_weight(desired: int, expected: dict) -> None:
    assert split_tasks(desired, strategy()) == {k: Decimal(v) for k, v in expected.items()}


def test_weights_split_the_remainder_in_proportion() -> None:
    split = split_tasks(9, strategy(fargate_base=1, fargate_weight=1, spot_weight=3))
    assert split == {FARGATE: Decimal(3), FARGATE_SPOT: Decimal(6)}


def test_a_weighted_part_of_a_task_has_the_two_whole_splits_around_it() -> None:
    halves = strategy(fargate_base=0, fargate_weight=1, spot_weight=1)
    assert split_tasks(3, halves) == {FARGATE: Decimal("1.5"), FARGATE_SPOT: Decimal("1.5")}
    assert whole_splits(3, halves) == ({FARGATE: 2, FARGATE_SPOT: 1}, {FARGATE: 1, FARGATE_SPOT: 2})
    assert whole_splits(4, halves) == () and whole_splits(5, strategy()) == ()


@given(
    st.integers(0, 500),
    st.integers(0, 20),
    st.integers(0, 1000),
    st.integers(1, 1000),
)
@example(desired=237, base=8, fargate_weight=203, spot_weight=302)  # Decimal division once lost a task here
def test_every_task_is_placed_exactly_once(desired: int, base: int, fargate_weight: int, spot_weight: int) -> None:
    split = split_tasks(desired, strategy(fargate_base=base, fargate_weight=fargate_weight, spot_weight=spot_weight))
    assert sum(split.values()) == desired
    assert split[FARGATE] >= min(base, desired)


def test_a_cluster_made_for_a_service_takes_its_strategy_exec_and_retention_without_judging_them_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from components.service import cluster_spec

    service = ServiceSpec(strategy=strategy(fargate_base=2), enable_execute_command=True, log_retention_days=365)
    judged: list[str] = []
    monkeypatch.setattr(cluster_spec, "validate_strategy", lambda items, key: judged.append(key))
    monkeypatch.setattr(cluster_spec.check, "log_retention", lambda key, value: judged.append(key))
    cluster = ClusterSpec(service=service)
    assert (cluster.strategy, cluster.logs_sessions) == (service.strategy, True)
    assert (cluster.session_log_retention_days, judged) == (365, [])


def test_a_cluster_s_own_values_win_over_its_service_s_and_are_judged_under_its_own_fields() -> None:
    cluster = ClusterSpec(service=ServiceSpec(log_retention_days=365), exec_logging=False, log_retention_days=7)
    assert (cluster.logs_sessions, cluster.session_log_retention_days) == (False, 7)
    with pytest.raises(ConfigError) as error:
        ClusterSpec(service=ServiceSpec(), log_retention_days=4)
    assert error.value.key == "ClusterSpec.log_retention_days"


def test_a_cluster_alone_keeps_the_service_defaults() -> None:
    assert (ClusterSpec().strategy, ClusterSpec().logs_sessions) == (ServiceSpec().strategy, False)
    assert ClusterSpec().session_log_retention_days == ServiceSpec().log_retention_days
