"""The whole program on the dev stack's real config (Pulumi.yaml defaults + Pulumi.dev.yaml)."""

import json
from collections import Counter
from decimal import Decimal

import pytest

from components.cost import estimate
from components.service.capacity_strategy import build_strategy
from tests.program.stacks import recorded_run
from tools.offline import Run


@pytest.fixture(scope="module")
def dev() -> Run:
    return recorded_run("dev")


def test_the_dev_stack_registers_the_image_the_network_the_load_balancer_and_the_service(dev: Run) -> None:
    counts = Counter(r.type for r in dev.mocks.resources)
    assert counts == {
        "graviton-node:app_image:AppImage": 1,
        "graviton-node:network:Network": 1,
        "graviton-node:load_balancer:LoadBalancer": 1,
        "graviton-node:cluster:Cluster": 1,
        "graviton-node:fargate_service:FargateService": 1,
        "graviton-node:fargate_task:FargateTask": 1,
        "graviton-node:service_route:ServiceRoute": 1,
        "aws:ecr/repository:Repository": 2,
        "aws:ecr/lifecyclePolicy:LifecyclePolicy": 2,
        "docker-build:index:Image": 2,
        "aws:ec2/securityGroup:SecurityGroup": 2,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 2,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 2,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/listener:Listener": 1,
        "aws:lb/listenerRule:ListenerRule": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        "aws:ecs/cluster:Cluster": 1,
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:iam/role:Role": 2,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:ecs/taskDefinition:TaskDefinition": 1,
        "aws:ecs/service:Service": 1,
    }


def test_the_program_registers_no_raw_resources_at_the_top_level(dev: Run) -> None:
    top = [r for r in dev.mocks.resources if r.parent.endswith("pulumi:pulumi:Stack::graviton-node-dev")]
    assert {r.type.split(":")[0] for r in top} == {"graviton-node"}


def test_dev_runs_all_spot_with_no_on_demand_base(dev: Run) -> None:
    strategy = dev.mocks.one("aws:ecs/service:Service").inputs["capacityProviderStrategies"]
    assert strategy == [{"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    assert dev.mocks.one("aws:ecs/service:Service").inputs["desiredCount"] == 1


def test_dev_builds_the_graviton_dockerfile_for_arm64(dev: Run) -> None:
    build = dev.mocks.find("docker-build:index:Image", "dev-app-image").inputs
    assert build["dockerfile"]["location"] == "docker/Dockerfile.graviton"
    assert build["platforms"] == ["linux/arm64"]


def test_the_task_definition_runs_the_exported_image_ref(dev: Run) -> None:
    (container,) = json.loads(dev.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert container["image"] == dev.outputs["image_ref"]
    assert "@sha256:" in dev.outputs["image_ref"]


def test_the_stack_exports_what_the_readme_promises(dev: Run) -> None:
    assert set(dev.outputs) == {
        "url", "image_ref", "repository_url", "platforms", "cluster_name", "cluster_arn", "service_name",
        "task_definition_arn", "log_group_name", "environment", "cost_estimate", "deployment",
        "vpc_id", "task_subnet_ids", "assign_public_ip", "listener_arn", "load_balancer_security_group_id",
        "idle_timeout_seconds", "load_balancer_arn_suffix",
    }  # fmt: skip
    assert dev.outputs["url"].startswith("http://dev-web-alb")
    assert dev.outputs["repository_url"].endswith("/dev-app-repo")
    assert (dev.outputs["cluster_name"], dev.outputs["service_name"]) == ("dev-app-cluster", "dev-app-svc")


def test_the_exported_cost_is_the_estimate_for_the_dev_sizing_and_split(dev: Run) -> None:
    expected = estimate(
        cpu=1024,
        memory_mib=2048,
        desired_count=1,
        strategy=build_strategy(fargate_base=0, fargate_weight=0, spot_base=0, spot_weight=1, use_spot=True),
    )
    cost = dev.outputs["cost_estimate"]
    assert Decimal(str(cost["monthly_usd"])) == expected.monthly_usd == Decimal("9.18")
    assert cost["x86_on_demand_monthly_usd"] == 36.04
    assert cost["rates_as_of"] == "2026-09"


def test_every_child_is_named_after_its_component(dev: Run) -> None:
    """``<component>-<role>``; a component a service is built of (its task, its route) shares its name,
    so that their children keep the names they had when the service created them itself."""
    by_urn = {r.urn: r for r in dev.mocks.resources}
    for resource in dev.mocks.resources:
        parent = by_urn.get(resource.parent)
        if parent is not None:
            shares = resource.name == parent.name and resource.type.startswith("graviton-node:")
            assert shares or resource.name.startswith(parent.name + "-"), resource.name
