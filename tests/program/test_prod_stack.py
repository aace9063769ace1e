"""The whole program on the prod stack's real config (Pulumi.yaml defaults + Pulumi.prod.yaml)."""

import json
from typing import Any

import pytest

from components.observability.alarm_rules import ALARMS_PER_TARGET_TRACKING_POLICY
from tests.components.builders import published_metrics
from tests.models.cloudwatch import alarm_metrics
from tests.program.stacks import recorded_run
from tools.offline import Run

SERVICE = "aws:ecs/service:Service"


@pytest.fixture(scope="module")
def prod() -> Run:
    return recorded_run("prod")


def test_prod_keeps_two_tasks_on_demand_and_the_rest_on_spot(prod: Run) -> None:
    service = prod.mocks.one(SERVICE).inputs
    assert service["capacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 2},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    assert service["desiredCount"] == 6
    cost = prod.outputs["cost_estimate"]
    assert (cost["tasks_on_demand"], cost["tasks_spot"]) == (2, 4)


def test_prod_runs_larger_tasks_with_the_heap_sized_to_them(prod: Run) -> None:
    task = prod.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs
    assert (task["cpu"], task["memory"]) == ("2048", "4096")
    (container,) = json.loads(task["containerDefinitions"])
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert env["NODE_OPTIONS"] == "--max-old-space-size=2867"


def test_prod_builds_its_own_vpc_across_three_azs_with_a_nat_gateway_each(prod: Run) -> None:
    vpc = prod.mocks.one("awsx:ec2:Vpc").inputs
    assert (vpc["numberOfAvailabilityZones"], vpc["natGateways"]) == (3, {"strategy": "OnePerAz"})
    network = prod.mocks.one(SERVICE).inputs["networkConfiguration"]
    assert network["subnets"] == ["subnet-0prv1", "subnet-0prv2", "subnet-0prv3"]
    assert network["assignPublicIp"] is False
    balancer = prod.mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert balancer["subnets"] == ["subnet-0pub1", "subnet-0pub2", "subnet-0pub3"]  # one public subnet per AZ


def test_prod_keeps_logs_a_year_and_never_force_deletes_images(prod: Run) -> None:
    assert prod.mocks.find("aws:cloudwatch/logGroup:LogGroup", "prod-app-logs").inputs["retentionInDays"] == 365
    repo = prod.mocks.find("aws:ecr/repository:Repository", "prod-app-repo").inputs
    assert repo["forceDelete"] is False


def test_prod_exports_its_access_log_bucket_which_a_destroy_deletes_with_its_logs_once_unprotected(
    prod: Run,
) -> None:
    """The README's destroy steps: copy the logs out of ``access_log_bucket`` before the destroy, as turning
    ``deletionProtection`` off lets it delete the bucket however full (S3 ``forceDestroy``)."""
    alb = prod.mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert prod.outputs["access_log_bucket"] == alb["accessLogs"]["bucket"]
    assert prod.mocks.one("aws:s3/bucket:Bucket").inputs["forceDestroy"] is False
    unprotected = recorded_run("prod", {"deletionProtection": "false"})
    assert unprotected.mocks.one("aws:s3/bucket:Bucket").inputs["forceDestroy"] is True


def test_prod_uses_enhanced_container_insights(prod: Run) -> None:
    settings = prod.mocks.one("aws:ecs/cluster:Cluster").inputs["settings"]
    assert settings == [{"name": "containerInsights", "value": "enhanced"}]


def metrics_read(policy: dict[str, Any]) -> int:
    """The metrics a target-tracking policy (so each of its alarms) reads: its queries' metrics, or one."""
    customized = policy["targetTrackingScalingPolicyConfiguration"].get("customizedMetricSpecification")
    return sum("metricStat" in query for query in customized["metrics"]) if customized else 1


def test_the_prod_estimate_prices_the_whole_stack_line_by_line() -> None:
    run = recorded_run("prod")
    cost = run.outputs["cost_estimate"]
    lines = {line["item"]: (line["quantity"], line["monthly_usd"]) for line in cost["lines"]}
    assert lines["NAT gateways"] == (3, 98.55)  # OnePerAz over 3 AZs: 3 * 0.045 * 730
    assert lines["public IPv4 addresses"] == (6, 21.90)  # 3 ALB nodes + 3 NAT EIPs; tasks are private
    # Billed per metric an alarm reads: 9 of ours (the 5xx ratio reads 2, below-desired 3; the load
    # balancer's 5xx and the silent counter's one each) and the canary's second target group's 5xx,
    # unhealthy and response-time alarms: 16; 2 one-metric alarms for the CPU policy, and 2 reading both
    # target groups' request counts and healthy targets (4 metrics) for the requests policy.
    assert lines["alarms"] == (26, 2.60)
    tracking = [
        p for p in run.mocks.inputs_of("aws:appautoscaling/policy:Policy") if p["policyType"] == "TargetTrackingScaling"
    ]
    read = [
        metric
        for alarm in run.mocks.inputs_of("aws:cloudwatch/metricAlarm:MetricAlarm")
        for metric in alarm_metrics(alarm)
    ]
    assert len(read) + ALARMS_PER_TARGET_TRACKING_POLICY * sum(map(metrics_read, tracking)) == 26
    assert lines["dashboards"] == (1, 3.00)
    assert lines["custom metrics"] == (4, 1.20)  # Spot count, desired, running on FARGATE and on FARGATE_SPOT
    assert len(published_metrics(run.mocks)) == 4
    assert lines["task counter function"] == (43_800, 0.15)
    assert cost["total_monthly_usd"] == round(sum(m for _, m in lines.values()), 2)


def test_a_prod_deploy_is_a_canary_that_doubles_the_tasks_mostly_on_spot_for_its_shift_and_bake(prod: Run) -> None:
    peak = prod.outputs["deployment"]
    # Review 19 #8: prod autoscales up to 20 tasks, so a deploy may start from 20 (not desiredCount's 6)
    # and run 40; each revision places its 2-task FARGATE base and the rest on Spot.
    assert (peak["peak_tasks"], peak["peak_on_demand"], peak["peak_spot"]) == (40, 4, 36)
    # At 2 vCPU a task: what the on-demand and the Spot vCPU quotas must hold (README, "How a deploy rolls out").
    assert (peak["peak_on_demand_vcpu"], peak["peak_spot_vcpu"]) == (8, 72)
    # 10 minutes to start, a 10-minute canary, the unhealthy-target alarm's 14-minute bake (longer than the
    # canary's own 10), 10 minutes' margin.
    assert peak["overlap_minutes"] == 44
    assert peak["strategy"].startswith("canary: 10 % for 10 min")
