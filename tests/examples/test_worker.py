"""The worker example: an SQS queue and a worker with no load balancer in the dev stack's cluster, on
FARGATE_SPOT, scaled on backlog per task; its app loses no message through a stop."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from graviton_node_components import ConfigError
from graviton_node_components.testing import RecordingMocks, Run, run_program

from tests.program.stacks import recorded_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worker"
PLATFORM = "acme/graviton-node/dev"


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


@pytest.fixture(scope="module")
def worker(platform: Run) -> Run:
    return run_program(EXAMPLE, "dev", mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))


def test_it_runs_in_the_platforms_cluster_with_no_load_balancer_all_on_spot(worker: Run, platform: Run) -> None:
    for absent in ("aws:lb/targetGroup:TargetGroup", "aws:lb/listenerRule:ListenerRule",
                   "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ecs/cluster:Cluster"):  # fmt: skip
        assert worker.mocks.inputs_of(absent) == [], absent
    service = worker.mocks.one("aws:ecs/service:Service").inputs
    assert service["cluster"] == platform.outputs["cluster_arn"] and not service.get("loadBalancers")
    strategy = {item["capacityProvider"]: item for item in service["capacityProviderStrategies"]}
    assert strategy["FARGATE_SPOT"]["weight"] == 1 and strategy["FARGATE"] == {
        "capacityProvider": "FARGATE",
        "weight": 0,
    }


def test_a_message_that_keeps_failing_goes_to_the_dead_letter_queue(worker: Run) -> None:
    queues = {q["name"]: q for q in worker.mocks.inputs_of("aws:sqs/queue:Queue")}
    queue, dead = queues["dev-graviton-node-worker-jobs"], queues["dev-graviton-node-worker-jobs-dlq"]
    redrive = json.loads(queue["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": worker.mocks.find("aws:sqs/queue:Queue", "dev-jobs-dlq").outputs["arn"],
                       "maxReceiveCount": 5}  # fmt: skip
    assert "redrivePolicy" not in dead


def test_the_app_knows_its_queue_and_has_the_whole_stop_to_finish_in(worker: Run) -> None:
    (container,) = json.loads(worker.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert env["QUEUE_NAME"] == "dev-graviton-node-worker-jobs"
    assert container["stopTimeout"] == 120 and env["SHUTDOWN_TIMEOUT_MS"] == "115000"
    assert not {"KEEP_ALIVE_TIMEOUT_MS", "DRAIN_DELAY_MS"} & env.keys()


def test_the_task_role_may_receive_delete_and_release_on_its_queue_only(worker: Run) -> None:
    policy = worker.mocks.find("aws:iam/rolePolicy:RolePolicy", "dev-worker-queue").inputs
    task_role = worker.mocks.find("aws:iam/role:Role", "dev-worker-task-role")
    assert policy["role"] == task_role.outputs["name"]
    (statement,) = json.loads(policy["policy"])["Statement"]
    queue_arn = worker.mocks.find("aws:sqs/queue:Queue", "dev-jobs").outputs["arn"]
    assert statement["Resource"] == queue_arn
    assert sorted(statement["Action"]) == [
        "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage",
    ]  # fmt: skip


def test_it_scales_on_backlog_per_task_on_the_services_own_scalable_target(worker: Run) -> None:
    target = worker.mocks.one("aws:appautoscaling/target:Target").inputs
    policy = worker.mocks.find("aws:appautoscaling/policy:Policy", "dev-worker-backlog").inputs
    assert policy["resourceId"] == target["resourceId"]
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 10
    metrics = {m["id"]: m for m in tracking["customizedMetricSpecification"]["metrics"]}
    assert metrics["backlog"]["expression"] == "visible / running" and metrics["backlog"]["returnData"] is True
    visible = metrics["visible"]["metricStat"]["metric"]
    assert (visible["namespace"], visible["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert visible["dimensions"] == [{"name": "QueueName", "value": "dev-graviton-node-worker-jobs"}]
    running = metrics["running"]["metricStat"]["metric"]
    cluster, service = target["resourceId"].split("/")[1:]
    assert running["dimensions"] == [
        {"name": "ClusterName", "value": cluster},
        {"name": "ServiceName", "value": service},
    ]


@pytest.mark.parametrize(
    ("overrides", "key", "value"),
    [
        ({"minCount": "0"}, "minCount", 0),
        ({"minCount": "-1", "maxCount": "3"}, "minCount", -1),
        ({"backlogPerTask": "0"}, "backlogPerTask", 0),
        ({"minCount": "5", "maxCount": "2"}, "maxCount", 2),
    ],
)
def test_a_count_or_target_the_backlog_scaling_cannot_work_with_fails_with_nothing_registered(
    platform: Run, overrides: dict[str, str], key: str, value: int
) -> None:
    """The example's error, as installed: ``graviton_node_components``'s ConfigError."""
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, "dev", overrides, mocks=mocks)
    assert (error.value.key, error.value.value) == (key, value)
    assert str(error.value).startswith(f"config '{key}': got {value}; allowed: ")
    assert mocks.resources == []


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_worker_app_loses_no_message_through_a_stop() -> None:
    result = subprocess.run(["node", "--test"], cwd=EXAMPLE / "app", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
