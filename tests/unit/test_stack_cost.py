"""The whole stack's month (``stack_cost``): each line matches a hand calculation, and the load balancer's
addresses are counted from its subnets, the default VPC's said to be assumed unless given."""

import re
from decimal import Decimal

import pytest

from components.cost import INCLUDED, NOT_INCLUDED, estimate
from components.errors import ConfigError
from components.mock_answers import invoke_answer
from components.network.fargate_zones import FARGATE_ZONE_IDS
from components.network.network_spec import NetworkSpec
from components.network.region_zones import region_azs
from components.service.capacity_strategy import build_strategy
from components.service.service_spec import ServiceSpec
from components.stack_cost import StackShape, stack_cost
from components.stack_shape import stack_shape
from settings import check_default_vpc_azs, parse_rate_overrides
from tests.components.test_fargate_zones import subnets_of

ALL_SPOT = build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)
DEFAULT = build_strategy(fargate_base=1, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True)


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
    # Each run: 0.20 per million requests + 0.25 GB-s at 0.0000133334 = 0.00000353335 USD.
    assert counter.unit_usd == Decimal("0.00000353335")
    assert counter.monthly_usd == Decimal("0.15")  # 43800 * 0.00000353335 = 0.1548


def test_the_lcu_assumption_and_the_rates_are_stated_and_overridable() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    shape = StackShape(load_balancer_azs=2, public_task_ips=0, nat_gateways=0, alarms=0, lcus=Decimal(3))
    rates = parse_rate_overrides(("albHour=0.03",))
    cost = stack_cost(compute, shape, rates)
    lines = {line.item: line.monthly_usd for line in cost.lines}
    assert lines["load balancer"] == Decimal("21.90") and lines["load balancer capacity units"] == Decimal("17.52")
    assert cost.assumptions[0] == "3 LCU on average"


DEV_SERVICE = ServiceSpec(desired_count=1, strategy=ALL_SPOT)


def ipv4_line(network: NetworkSpec, **shape: object):
    built, assumptions = stack_shape(
        network=network,
        service=DEV_SERVICE,
        alarms=None,
        **shape,  # type: ignore[arg-type]
    )
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    lines = {line.item: line for line in stack_cost(compute, built).lines}
    return lines["public IPv4 addresses"], assumptions


@pytest.mark.parametrize(
    ("network", "addresses", "note"),
    [
        (NetworkSpec(mode="new", availability_zones=4, nat_strategy="Single"), 5, "4 load balancer AZs; 1 NAT gateway"),
        (NetworkSpec(mode="new", availability_zones=2, nat_strategy="None"), 3, "2 load balancer AZs; 1 task"),
        (
            NetworkSpec(
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
    network: NetworkSpec, addresses: int, note: str
) -> None:
    line, assumptions = ipv4_line(network)
    assert (line.quantity, line.note) == (addresses, note)
    assert not any("default VPC" in a for a in assumptions)


def test_the_default_vpcs_count_is_the_regions_azs_said_beside_the_figure_with_how_to_set_it() -> None:
    line, assumptions = ipv4_line(NetworkSpec(), region="us-east-1")
    assert (line.quantity, line.note) == (7, "6 load balancer AZs, assumed; 1 task")  # use1-az1 to use1-az6
    (assumed,) = assumptions
    assert "in 6 AZs, us-east-1's count" in assumed
    assert (
        "set stack_shape.default_vpc_azs" in assumed and "--region us-east-1" in assumed and "default-for-az" in assumed
    )


@pytest.mark.parametrize("region", ["eu-west-1", None])
def test_a_region_without_a_count_here_is_assumed_at_the_three_azs_aws_gives_every_region(region: str | None) -> None:
    line, (assumed,) = ipv4_line(NetworkSpec(), region=region)
    assert (line.quantity, line.note) == (4, "3 load balancer AZs, assumed; 1 task")
    assert "the fewest a region has" in assumed and f"--region {region or '<region>'}" in assumed


@pytest.mark.parametrize("region", sorted(FARGATE_ZONE_IDS))
def test_where_fargate_runs_in_some_azs_the_load_balancer_is_assumed_in_those_only(region: str) -> None:
    line, (assumed,) = ipv4_line(NetworkSpec(region=region), region=region)
    fargate, counted = len(FARGATE_ZONE_IDS[region]), region_azs(region)[0]
    assert line.quantity == min(fargate, counted) + 1
    assert (f"in {fargate} AZs, those of Fargate's AZs in {region}" in assumed) == (fargate < counted)


@pytest.mark.parametrize("region", sorted(FARGATE_ZONE_IDS))
def test_the_count_command_counts_what_the_load_balancer_takes_where_fargate_runs_in_some_azs(region: str) -> None:
    _, (assumed,) = ipv4_line(NetworkSpec(region=region), region=region)
    command = re.search(r"`(aws ec2 describe-subnets [^`]*)`", assumed)
    assert command
    filters = [
        {"name": name, "values": values.split(",")}
        for name, values in re.findall(r"Name=([\w-]+),Values=(\S+)", command[1])
    ]
    counted = len(invoke_answer("aws:ec2/getSubnets:getSubnets", {"filters": filters}, region, "111122223333")["ids"])
    assert counted == len(subnets_of(region)["public"])
    assert check_default_vpc_azs(counted, "default", region) == counted
    with pytest.raises(ConfigError, match=f"at most {len(FARGATE_ZONE_IDS[region])} in {region}") as error:
        check_default_vpc_azs(len(FARGATE_ZONE_IDS[region]) + 1, "default", region)
    assert error.value.key == "costDefaultVpcAzs"


def test_a_count_above_the_regions_own_azs_is_refused_where_the_count_is_known() -> None:
    assert check_default_vpc_azs(6, "default", "us-east-1") == 6
    with pytest.raises(ConfigError, match="at most 6 in us-east-1") as error:
        check_default_vpc_azs(7, "default", "us-east-1")
    assert error.value.key == "costDefaultVpcAzs"
    assert check_default_vpc_azs(7, "default", "eu-west-1") == 7  # no count of eu-west-1's here


def test_the_default_vpcs_count_given_is_used_and_not_called_an_assumption() -> None:
    line, assumptions = ipv4_line(NetworkSpec(), default_vpc_azs=6)
    assert (line.quantity, line.note, assumptions) == (7, "6 load balancer AZs; 1 task", ())


@pytest.mark.parametrize("count", [1, -1])
def test_a_default_vpc_count_no_load_balancer_can_have_is_refused(count: int) -> None:
    with pytest.raises(ConfigError, match="2 or more") as error:
        check_default_vpc_azs(count)
    assert error.value.key == "costDefaultVpcAzs"


@pytest.mark.parametrize("mode", ["new", "existing"])
def test_a_default_vpc_count_beside_a_vpc_whose_subnets_are_counted_is_refused_not_ignored(mode: str) -> None:
    with pytest.raises(ConfigError, match=f"0 with vpc: {mode}") as error:
        check_default_vpc_azs(3, mode)
    assert error.value.key == "costDefaultVpcAzs"


def test_every_figure_says_what_it_includes_and_leaves_out() -> None:
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    shape = StackShape(load_balancer_azs=2, public_task_ips=0, nat_gateways=0, alarms=0)
    output = stack_cost(compute, shape).as_output()
    assert (output["included"], output["not_included"]) == (INCLUDED, NOT_INCLUDED)
    assert "data transfer" in NOT_INCLUDED and "free tier" in NOT_INCLUDED
    assert "Container Insights' metrics" in INCLUDED and "performance log events" in NOT_INCLUDED


def insights(setting: str | None, *, tasks: int = 6, containers: int = 1, checked: int = 1):
    compute = estimate(cpu=2048, memory_mib=4096, desired_count=tasks, strategy=DEFAULT)
    shape = StackShape(load_balancer_azs=3, public_task_ips=0, nat_gateways=0, alarms=0, container_insights=setting,
                       tasks=tasks, containers=containers, health_checked=checked)  # fmt: skip
    cost = stack_cost(compute, shape)
    return {line.item: line for line in cost.lines}.get("Container Insights metrics"), cost.warnings


def test_enhanced_container_insights_is_its_metrics_at_the_ci_ecs_rate_with_the_open_question_said() -> None:
    line, warnings = insights("enhanced")
    assert line is not None
    # 56 + 26 per task + 20 per container + 20 per task's container, + 1 + 2 + 2 per task for the health check.
    assert (line.quantity, line.unit_usd) == (56 + 26 * 6 + 20 + 20 * 6 + 1 + 2 + 2 * 6, Decimal("0.07"))
    assert line.monthly_usd == Decimal("25.69")  # 367 * 0.07
    assert "6 tasks of 1 container, 1 with a health check" in line.note
    rate, prorated = warnings
    assert "as third-party captures show it: no AWS page states it" in rate
    assert "37 metrics plain Container Insights publishes" in rate and "add $8.51 a month" in rate  # 37 * 0.23
    # A seventh task's own: 13 task metrics and 10 container metrics by service and by family, and the health one.
    assert "prorated by the hour" in prorated and "adds 48 metrics, $3.36" in prorated
    assert "a deployment starts 6 (288 metrics, $20.16)" in prorated
    cheaper = stack_cost(estimate(cpu=256, memory_mib=512, desired_count=1, strategy=DEFAULT),
                         StackShape(load_balancer_azs=1, public_task_ips=0, nat_gateways=0, alarms=0,
                                    container_insights="enhanced", tasks=1, health_checked=1),
                         parse_rate_overrides(("customMetricMonth=0.05",)))  # fmt: skip
    assert "would take off $0.74 a month" in cheaper.warnings[0]  # 37 * (0.05 - 0.07)


def test_plain_container_insights_is_its_metrics_as_custom_metrics_without_a_warning() -> None:
    line, warnings = insights("enabled", tasks=20, containers=3)
    assert line is not None and warnings == ()
    assert (line.quantity, line.unit_usd, line.monthly_usd) == (37, Decimal("0.30"), Decimal("11.10"))
    assert line.note == "enabled: 20 tasks of 3 containers, all month"
    single, _ = insights("enhanced", tasks=1, checked=0)
    assert single is not None and single.note == "enhanced: 1 task of 1 container, 0 with a health check, all month"


def test_no_container_insights_is_no_line_and_an_existing_clusters_is_said_to_be_unpriced() -> None:
    assert insights("disabled") == (None, ())
    line, (warning,) = insights(None, tasks=2, containers=2, checked=0)
    assert line is None
    # The cluster's own metrics (ClusterName alone) are the cluster's owner's: this service adds the rest.
    assert "existing cluster" in warning
    assert "(25 plain, $7.50 a month; 203 with enhanced observability, $14.21)" in warning  # 25 * 0.30, 203 * 0.07
    assert insights("enhanced", tasks=0) == (None, ())  # nothing runs, nothing is published


def test_the_shape_counts_the_services_containers_and_health_checks() -> None:
    from components.service.sidecar import Sidecar

    network = NetworkSpec(mode="new", availability_zones=2, nat_strategy="None")
    sidecars = (Sidecar(name="proxy", image=f"proxy:1@sha256:{'a' * 64}", memory=64, health_check=("CMD", "true")),
                Sidecar(name="agent", image=f"agent:1@sha256:{'b' * 64}", memory=64))  # fmt: skip
    service = ServiceSpec(desired_count=3, sidecars=sidecars)
    shape = stack_shape(network=network, service=service, alarms=None, container_insights="enhanced")[0]
    assert (shape.container_insights, shape.tasks, shape.containers, shape.health_checked) == ("enhanced", 3, 3, 2)
    unchecked = ServiceSpec(desired_count=1, health_check=None)
    assert stack_shape(network=network, service=unchecked, alarms=None)[0].health_checked == 0


def test_the_scaling_policies_and_the_second_target_group_s_alarms_come_from_the_service_itself() -> None:
    """The service holds its autoscaling and its route's deployment: nothing else to pass, nothing to disagree."""
    from components.edge.route_spec import RouteSpec
    from components.observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY, Alarms, alarm_definitions
    from components.service.autoscaling_rules import Autoscaling
    from components.service.deployment_strategy import DeploymentStrategy

    network = NetworkSpec(mode="new", availability_zones=2, nat_strategy="None")
    rolling = ServiceSpec(route=RouteSpec(listener_rule_priority=50000))
    canary = RouteSpec(
        listener_rule_priority=50000, deployment=DeploymentStrategy(kind="canary", canary_percent=Decimal(10))
    )
    scaled = ServiceSpec(route=canary, autoscaling=Autoscaling(min_count=1, max_count=4, cpu_target_percent=50))
    base = stack_shape(network=network, service=rolling, alarms=Alarms())[0].alarms
    target = sum(d.metrics for d in alarm_definitions(Alarms()) if d.watches == "target")
    assert stack_shape(network=network, service=scaled, alarms=Alarms())[0].alarms == (
        base + target + ALARMS_PER_TARGET_TRACKING_POLICY
    )


def test_a_shifting_services_requests_policy_bills_each_of_its_alarms_both_target_groups_metrics() -> None:
    """Its alarms read metric math over both groups' RequestCount and HealthyHostCount, four metrics;
    CloudWatch bills an alarm per metric it reads (``cost`` module)."""
    from components.edge.route_spec import RouteSpec
    from components.observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY
    from components.service.autoscaling_rules import Autoscaling
    from components.service.deployment_strategy import DeploymentStrategy

    network = NetworkSpec(mode="new", availability_zones=2, nat_strategy="None")
    scaling = Autoscaling(min_count=1, max_count=4, cpu_target_percent=None, requests_per_target=500)
    canary = RouteSpec(
        listener_rule_priority=50000, deployment=DeploymentStrategy(kind="canary", canary_percent=Decimal(10))
    )
    rolling = RouteSpec(listener_rule_priority=50000)
    metrics = {
        route.deployment.kind: stack_shape(network=network, service=ServiceSpec(route=route, autoscaling=scaling),
                                           alarms=None)[0].alarms
        for route in (rolling, canary)
    }  # fmt: skip
    assert metrics == {"rolling": ALARMS_PER_TARGET_TRACKING_POLICY, "canary": 4 * ALARMS_PER_TARGET_TRACKING_POLICY}


def test_the_secret_values_key_is_a_dollar_a_month_with_its_later_rotations_said() -> None:
    """AWS KMS pricing: $1 a key-month; each of the first two yearly rotations adds as much again."""
    network = NetworkSpec(mode="new", availability_zones=2, nat_strategy="None")
    shape = stack_shape(network=network, service=DEV_SERVICE, alarms=None, secrets_key=True)[0]
    compute = estimate(cpu=1024, memory_mib=2048, desired_count=1, strategy=ALL_SPOT)
    key = {line.item: line for line in stack_cost(compute, shape).lines}["KMS keys"]
    assert (key.quantity, key.monthly_usd) == (1, Decimal("1.00"))
    assert key.note == "a key's first year: each of its first two yearly rotations adds $1.00 a month"
    keyless = stack_shape(network=network, service=DEV_SERVICE, alarms=None)[0]
    assert "KMS keys" not in {line.item for line in stack_cost(compute, keyless).lines}
