"""The second-service example joins the dev stack's cluster and load balancer via a stack reference."""

import json
from pathlib import Path

import pytest
import yaml
from graviton_node_components import ConfigError
from graviton_node_components.testing import RecordingMocks, Run, run_program, stack_config

from components.service.app_contract import KEEP_ALIVE_MARGIN_MS
from tests.program.stacks import STACKS, recorded_run, run_config
from tools.offline import run_program as run_platform

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "second-service"
PLATFORM = "acme/graviton-node/dev"
#: The stack file the example ships (Pulumi.api-dev.yaml).
STACK = STACKS["second-service"]


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


@pytest.fixture(scope="module")
def example(platform: Run) -> Run:
    return run_config("second-service")


def test_its_readme_tells_a_copy_elsewhere_to_point_the_context_at_its_own_app() -> None:
    """The context is this repository's docker/, found from where the example sits: the README quotes the
    very expression the program builds it with."""
    context = 'Path(__file__).resolve().parents[2] / "docker"'
    readme = " ".join((EXAMPLE / "README.md").read_text().split())
    assert context in (EXAMPLE / "__main__.py").read_text()
    assert "A copy of this example outside this repository must point `context` at its own app" in readme
    assert f"`{context}`" in readme


def test_it_reads_the_platform_stack_named_in_its_config(example: Run) -> None:
    assert example.mocks.one("pulumi:pulumi:StackReference").inputs["name"] == PLATFORM


def test_it_creates_no_cluster_and_runs_in_the_platforms(example: Run, platform: Run) -> None:
    assert example.mocks.inputs_of("aws:ecs/cluster:Cluster") == []
    assert example.mocks.inputs_of("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders") == []
    service = example.mocks.one("aws:ecs/service:Service").inputs
    assert service["cluster"] == platform.outputs["cluster_arn"]
    assert service["networkConfiguration"]["subnets"] == platform.outputs["task_subnet_ids"]
    assert service["networkConfiguration"]["assignPublicIp"] == platform.outputs["assign_public_ip"]


def test_it_adds_its_own_rule_under_api_to_the_platforms_listener(example: Run, platform: Run) -> None:
    rule = example.mocks.one("aws:lb/listenerRule:ListenerRule").inputs
    assert rule["listenerArn"] == platform.outputs["listener_arn"]
    assert rule["conditions"] == [{"pathPattern": {"values": ["/api", "/api/*"]}}]
    assert rule["priority"] == 200


def test_its_tasks_admit_only_the_platforms_load_balancer(example: Run, platform: Run) -> None:
    ingress = example.mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs
    assert ingress["referencedSecurityGroupId"] == platform.outputs["load_balancer_security_group_id"]
    egress = example.mocks.find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", f"{STACK}-api-alb-egress")
    assert egress.inputs["securityGroupId"] == platform.outputs["load_balancer_security_group_id"]


def test_the_app_serves_under_the_path_and_the_url_points_there(example: Run, platform: Run) -> None:
    assert example.outputs["url"] == platform.outputs["url"] + "/api/"
    task = example.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"]
    assert '{"name": "BASE_PATH", "value": "/api"}' in task


def test_it_builds_its_own_arm64_image_in_its_own_repository(example: Run) -> None:
    assert example.mocks.find("docker-build:index:Image", f"{STACK}-api-image").inputs["platforms"] == ["linux/arm64"]
    assert example.outputs["image_ref"].split("/")[1].startswith(f"{STACK}-api-repo:build-")


# Unset, the stack file's desiredCount (1) applies.
@pytest.mark.parametrize(("config", "expected"), [({"desiredCount": "0"}, 0), ({"desiredCount": "5"}, 5), ({}, 1)])
def test_every_given_value_is_honoured_zero_included(platform: Run, config: dict[str, str], expected: int) -> None:
    run = run_program(EXAMPLE, STACK, config, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))
    assert run.mocks.one("aws:ecs/service:Service").inputs["desiredCount"] == expected


def test_the_apps_keep_alive_outlasts_the_platforms_idle_timeout(example: Run, platform: Run) -> None:
    task = json.loads(example.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])[0]
    env = {item["name"]: item["value"] for item in task["environment"]}
    assert int(env["KEEP_ALIVE_TIMEOUT_MS"]) > platform.outputs["idle_timeout_seconds"] * 1000


def test_on_an_https_platform_it_attaches_to_the_https_listener_and_its_url_is_https() -> None:
    platform = run_platform("dev", {"domainName": "app.example.com", "hostedZoneId": "Z0123456789ABC"})
    https = platform.mocks.find("aws:lb/listener:Listener", "dev-web-https")
    assert platform.outputs["listener_arn"] == https.outputs["arn"]
    run = run_program(EXAMPLE, STACK, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))
    rule = run.mocks.one("aws:lb/listenerRule:ListenerRule").inputs
    assert rule["listenerArn"] == platform.outputs["listener_arn"]
    assert run.outputs["url"] == "https://app.example.com/api/"


def test_the_apps_keep_alive_outlasts_the_platforms_idle_timeout_whatever_it_is(platform: Run) -> None:
    """The platform's load balancer idles 300 s: nothing in this stack's config repeats it, and its app's
    keep-alive outlasts it, as it outlasts any idle timeout the ALB allows (so a platform that raises it
    needs no redeploy here)."""
    longer = {**platform.outputs, "idle_timeout_seconds": 300.0}  # a stack output's number is a float
    run = run_program(EXAMPLE, STACK, mocks=RecordingMocks(stack_outputs={PLATFORM: longer}))
    task = json.loads(run.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])[0]
    env = {item["name"]: item["value"] for item in task["environment"]}
    assert env["KEEP_ALIVE_TIMEOUT_MS"] == str(4000 * 1000 + KEEP_ALIVE_MARGIN_MS)


def test_its_config_has_no_idle_timeout_of_its_own() -> None:
    assert not any(key.endswith("idleTimeoutSeconds") for key in stack_config(EXAMPLE, STACK))
    assert "idleTimeoutSeconds" not in (EXAMPLE / "Pulumi.yaml").read_text()


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ({"desiredCount": "-1"}, "desiredCount"),
        ({"desiredCount": "x"}, "desiredCount"),
        ({"listenerRulePriority": "0"}, "listenerRulePriority"),
        ({"listenerRulePriority": "first"}, "listenerRulePriority"),
        ({"listenerRulePriority": "50000"}, "listenerRulePriority"),  # the platform's catch-all's
        ({"listenerRulePriority": "49999"}, "listenerRulePriority"),  # the platform's test rule's
        ({"pathPattern": ""}, "pathPattern"),  # its route's pattern, said once (not the app's BASE_PATH too)
    ],
)
def test_a_mistake_names_the_example_s_own_config_key_and_registers_nothing(
    platform: Run, config: dict[str, str], key: str
) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, config, mocks=mocks)
    assert [one.key for one in error.value.errors] == [key]
    assert mocks.resources == []


@pytest.mark.parametrize(
    "config",
    [{"desiredCount": "-1", "listenerRulePriority": "0"}, {"desiredCount": "x", "listenerRulePriority": "y"}],
)
def test_mistakes_in_the_service_and_in_its_route_are_reported_together(platform: Run, config: dict[str, str]) -> None:
    """Two specs, one inside the other: each is built on its own, so neither hides the other's mistake."""
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, config, mocks=mocks)
    assert sorted(one.key for one in error.value.errors) == ["desiredCount", "listenerRulePriority"]
    assert mocks.resources == []


def test_force_delete_is_off_unless_a_stack_sets_it_and_a_value_that_is_no_boolean_fails_in_its_key(
    platform: Run,
) -> None:
    assert yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["config"]["forceDelete"]["default"] is False
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, {"forceDelete": "yes", "desiredCount": "x"}, mocks=mocks)
    assert sorted(one.key for one in error.value.errors) == ["desiredCount", "forceDelete"]
    assert mocks.resources == []
