"""The smoke test under mocks: the function outside the VPC calling the test route, the role ECS invokes
it with, and the service's lifecycle hook that names both."""

import json
from decimal import Decimal

import pulumi_aws as aws
import pytest

from components.edge import smoke_test
from components.edge.route_spec import RouteSpec
from components.edge.smoke_test import SmokeTest, SmokeTestArgs
from components.edge.smoke_test_rules import FUNCTION_TIMEOUT_SECONDS, INVOKE, STAGE, SmokeTestSpec
from components.errors import ConfigError
from components.observability import task_counter
from components.observability.alarm_rules import Alarms
from components.service.deployment_strategy import DeploymentStrategy
from tests.components.builders import LB_SUFFIX, TEST_HEADER, service
from tests.models.iam import Request, role_allows
from tools.offline import RecordingMocks, run_mocked

SERVICE = "aws:ecs/service:Service"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
CANARY = DeploymentStrategy(kind="canary", canary_percent=Decimal(10))
ROUTE = RouteSpec(listener_rule_priority=50000, deployment=CANARY, test_header=TEST_HEADER)


@pytest.fixture(scope="module")
def smoke(mocked) -> RecordingMocks:
    def build() -> None:
        test = SmokeTest(
            "svc-smoke",
            SmokeTestArgs(url="https://app.example.com", route=ROUTE, spec=SmokeTestSpec(path="/health?deep=1")),
        )
        service(
            deployment=DeploymentStrategy(kind="canary", canary_percent=Decimal(10)),
            test_header=TEST_HEADER,
            lifecycle_hooks=[test.lifecycle_hook],
            # A canary rolls back only on its deployment alarms (check_rollback).
            alarms=Alarms(),
            load_balancer_arn_suffix=LB_SUFFIX,
        )

    return mocked(build)


def by_name(mocks: RecordingMocks, name: str):
    (found,) = [r for r in mocks.resources if r.name == name]
    return found


def test_the_service_runs_the_smoke_test_after_the_test_shift_with_the_role_ecs_assumes(smoke: RecordingMocks) -> None:
    (hook,) = smoke.one(SERVICE).inputs["deploymentConfiguration"]["lifecycleHooks"]
    assert hook == {
        "hookTargetArn": by_name(smoke, "svc-smoke-function").outputs["arn"],
        "roleArn": by_name(smoke, "svc-smoke-hook-role").outputs["arn"],
        "lifecycleStages": [STAGE],
    }


def test_the_function_requests_the_test_route_from_outside_the_vpc(smoke: RecordingMocks) -> None:
    function = by_name(smoke, "svc-smoke-function").inputs  # the alarms' task counter is another
    assert "vpcConfig" not in function
    assert function["environment"]["variables"] == {
        "URL": "https://app.example.com/health?deep=1",
        "HEADER_NAME": TEST_HEADER[0],
        "HEADER_VALUE": TEST_HEADER[1],
        "TIMEOUT_SECONDS": "10",
    }
    assert function["timeout"] == FUNCTION_TIMEOUT_SECONDS
    assert function["handler"] == "smoke_test_handler.handler"


def test_ecs_may_assume_the_hook_role_and_invoke_only_this_function(smoke: RecordingMocks) -> None:
    role = by_name(smoke, "svc-smoke-hook-role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "ecs.amazonaws.com"}
    assert "aws:SourceAccount" in statement["Condition"]["StringEqualsIfExists"]
    policy = by_name(smoke, "svc-smoke-hook-policy").inputs["policy"]
    arn = by_name(smoke, "svc-smoke-function").outputs["arn"]
    assert role_allows([policy], Request(INVOKE, arn))
    assert not role_allows([policy], Request(INVOKE, arn.replace("svc-smoke", "svc-other")))


def test_the_functions_own_role_is_lambdas_and_writes_only_its_log_group(smoke: RecordingMocks) -> None:
    role = by_name(smoke, "svc-smoke-role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert role.inputs["path"] and role.inputs["permissionsBoundary"]
    logs = by_name(smoke, "svc-smoke-logs").outputs["arn"]
    (allowed,) = json.loads(by_name(smoke, "svc-smoke-policy").inputs["policy"])["Statement"]
    assert allowed["Resource"] == f"{logs}:log-stream:*"


def test_a_service_without_hooks_sends_none(mocked) -> None:
    canary = DeploymentStrategy(kind="canary")
    mocks = mocked(lambda: service(deployment=canary, alarms=Alarms(), load_balancer_arn_suffix=LB_SUFFIX))
    assert "lifecycleHooks" not in mocks.one(SERVICE).inputs["deploymentConfiguration"]


def test_a_smoke_test_needs_a_route_with_a_test_rule_and_registers_nothing_without_one() -> None:
    """The review's reproduction: a route that rolls has no test rule for the request to go through."""
    mocks = RecordingMocks()

    def program() -> None:
        rolling = RouteSpec(listener_rule_priority=50000)
        SmokeTest("s", SmokeTestArgs(url="http://x", route=rolling, spec=SmokeTestSpec(path="/health")))

    with pytest.raises(ConfigError) as error:
        run_mocked(program, {"aws:region": "us-east-1"}, mocks=mocks)
    assert error.value.key == "SmokeTestArgs.route"
    assert mocks.resources == []


def test_both_functions_run_the_newest_python_the_provider_accepts() -> None:
    """The provider refuses a runtime its enum lacks (terraform-provider-aws lambda/function.go,
    ``enum.Validate[awstypes.Runtime]``), which the SDK's ``lambda_.Runtime`` mirrors, even where Lambda's own
    API (botocore) lists a newer one."""
    pythons = [runtime.value for runtime in aws.lambda_.Runtime if runtime.value.startswith("python3.")]
    newest = max(pythons, key=lambda name: int(name.removeprefix("python3.")))
    assert smoke_test.RUNTIME == task_counter.RUNTIME == newest
