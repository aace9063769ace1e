"""The worker example: an SQS queue and a worker with no load balancer in the dev stack's cluster, on
FARGATE_SPOT, scaled on backlog per task; its app loses no message through a stop."""

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from graviton_node_components import ConfigError
from graviton_node_components.observability.task_counter_handler import emf_documents
from graviton_node_components.testing import RecordingMocks, Run, main_program, run_mocked, run_program, stack_config

from tests.models import aws_api
from tests.models.aws_contract import CONTRACT
from tests.models.cloudwatch import MetricId, emf_metrics, published_by_aws
from tests.models.sqs_redrive import MAX_VISIBILITY, MAX_VISIBILITY_SECONDS, RECEIVE_COUNT, Message, hidden_throughout
from tests.models.target_tracking import metric_value, settle, settled_capacity
from tests.program.stacks import STACKS, recorded_run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "worker"
PLATFORM = "acme/graviton-node/dev"
#: The stack file the example ships (Pulumi.worker-dev.yaml).
STACK = STACKS["worker"]
QUEUE = frozenset({("QueueName", f"{STACK}-graviton-node-worker-jobs")})
VISIBLE = ("AWS/SQS", "ApproximateNumberOfMessagesVisible", QUEUE)


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


@pytest.fixture(scope="module")
def worker(platform: Run) -> Run:
    return run_program(EXAMPLE, STACK, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}))


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
    queue, dead = queues[f"{STACK}-graviton-node-worker-jobs"], queues[f"{STACK}-graviton-node-worker-jobs-dlq"]
    redrive = json.loads(queue["redrivePolicy"])
    dead_arn = worker.mocks.find("aws:sqs/queue:Queue", f"{STACK}-jobs-dlq").outputs["arn"]
    assert redrive == {"deadLetterTargetArn": dead_arn, "maxReceiveCount": 5}
    assert "redrivePolicy" not in dead


def test_the_sqs_rules_the_model_plays_are_botocores_words() -> None:
    for quote in (RECEIVE_COUNT, MAX_VISIBILITY):
        assert quote.says in aws_api.documentation(quote.service, quote.where), str(quote)


def queue_inputs(run: Run) -> dict[str, Any]:
    return run.mocks.find("aws:sqs/queue:Queue", f"{STACK}-jobs").inputs


@pytest.mark.parametrize(
    "returns",
    [
        ["failed"] * 5,
        ["released at a stop"] * 5,
        ["visibility expired"] * 5,
        ["failed", "released at a stop", "visibility expired", "released at a stop", "failed"],
    ],
)
def test_a_message_goes_aside_on_the_receive_after_max_receive_count_whatever_returned_it(
    worker: Run, returns: list[str]
) -> None:
    """SQS counts receives, not failures: a stop's release and an expired visibility count as a failure does."""
    message = Message(json.loads(queue_inputs(worker)["redrivePolicy"])["maxReceiveCount"])
    for _ in returns:
        assert message.receive()
    assert not message.receive() and message.dead_lettered and message.receives == len(returns)


def test_the_app_is_told_the_queues_visibility_timeout_and_its_heartbeat_hides_work_up_to_twelve_hours(
    worker: Run,
) -> None:
    """One value for the queue and the app's heartbeat: work longer than the timeout is received once."""
    (container,) = json.loads(worker.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    env = {item["name"]: item["value"] for item in container["environment"]}
    visibility = int(queue_inputs(worker)["visibilityTimeoutSeconds"])  # the engine's numbers are floats
    assert env["VISIBILITY_TIMEOUT_SECONDS"] == str(visibility)
    assert all(hidden_throughout(visibility, work) for work in (1, visibility, 3 * visibility + 1, 3600))
    assert hidden_throughout(visibility, MAX_VISIBILITY_SECONDS - 1)
    assert not hidden_throughout(visibility, MAX_VISIBILITY_SECONDS + 1), "SQS hides a message 12 hours at most"


def test_the_app_knows_its_queue_and_has_the_whole_stop_to_finish_in(worker: Run) -> None:
    (container,) = json.loads(worker.mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert env["QUEUE_NAME"] == f"{STACK}-graviton-node-worker-jobs"
    assert container["stopTimeout"] == 120 and env["SHUTDOWN_TIMEOUT_MS"] == "115000"
    assert not {"KEEP_ALIVE_TIMEOUT_MS", "DRAIN_DELAY_MS"} & env.keys()


def test_the_task_role_may_receive_delete_and_release_on_its_queue_only(worker: Run) -> None:
    policy = worker.mocks.find("aws:iam/rolePolicy:RolePolicy", f"{STACK}-worker-queue").inputs
    task_role = worker.mocks.find("aws:iam/role:Role", f"{STACK}-worker-task-role")
    assert policy["role"] == task_role.outputs["name"]
    (statement,) = json.loads(policy["policy"])["Statement"]
    queue_arn = worker.mocks.find("aws:sqs/queue:Queue", f"{STACK}-jobs").outputs["arn"]
    assert statement["Resource"] == queue_arn
    assert sorted(statement["Action"]) == [
        "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage",
    ]  # fmt: skip


def scaling_metrics(run: Run) -> list[MetricId]:
    """Every metric a scaling policy of the worker reads: its target tracking's, its alarms'."""
    asked: list[MetricId] = []
    for policy in run.mocks.inputs_of("aws:appautoscaling/policy:Policy"):
        tracking = policy.get("targetTrackingScalingPolicyConfiguration") or {}
        for metric in (tracking.get("customizedMetricSpecification") or {}).get("metrics", []):
            if "metricStat" in metric:
                m = metric["metricStat"]["metric"]
                dimensions = frozenset((d["name"], d["value"]) for d in m.get("dimensions", []))
                asked.append((m["namespace"], m["metricName"], dimensions))
    policy_arns = {r.outputs["arn"] for r in run.mocks.resources if r.type == "aws:appautoscaling/policy:Policy"}
    for alarm in run.mocks.inputs_of("aws:cloudwatch/metricAlarm:MetricAlarm"):
        if policy_arns & set(alarm.get("alarmActions", [])):
            asked.append((alarm["namespace"], alarm["metricName"], frozenset(alarm["dimensions"].items())))
    return asked


def counted_by_the_worker(run: Run) -> set[MetricId]:
    """The metrics the worker's own TaskCounter publishes: its handler's EMF documents for the service and
    cluster its function is given, one per provider of the service's strategy, as CloudWatch reads them."""
    (function,) = run.mocks.inputs_of("aws:lambda/function:Function")
    env = function["environment"]["variables"]
    service = run.mocks.one("aws:ecs/service:Service")
    assert (env["CLUSTER"], env["SERVICE"]) == (service.inputs["cluster"].rsplit("/", 1)[1], service.outputs["name"])
    providers = {item["capacityProvider"]: 0 for item in service.inputs["capacityProviderStrategies"]}
    documents = emf_documents(env["NAMESPACE"], env["CLUSTER"], env["SERVICE"], 1, providers, 1_700_000_000_000)
    return {metric for document in documents for metric, _ in emf_metrics(json.dumps(document))}


def test_every_metric_the_backlog_scaling_reads_exists_on_the_platforms_cluster(worker: Run, platform: Run) -> None:
    """ECS counts a service's running tasks only with Container Insights on, which the dev platform has
    off: the worker counts its own, and reads nothing else that AWS does not publish."""
    (cluster,) = platform.mocks.inputs_of("aws:ecs/cluster:Cluster")
    insights = {s["name"]: s["value"] for s in cluster["settings"]}["containerInsights"] != "disabled"
    asked, counted = scaling_metrics(worker), counted_by_the_worker(worker)
    assert not insights and VISIBLE in asked
    assert {m for m in asked if m[1] == "RunningTasks"} == {m for m in counted if m[1] == "RunningTasks"}
    assert [m for m in asked if not published_by_aws(m, container_insights=insights) and m not in counted] == []


def backlog_policy(run: Run) -> dict[str, Any]:
    (policy,) = run.mocks.inputs_of("aws:appautoscaling/policy:Policy")
    return policy


def test_one_target_tracking_policy_keeps_visible_messages_per_running_task_at_backlog_per_task(worker: Run) -> None:
    """No step alarms repeating on an absolute count, no CPU target vetoing scale-in."""
    policy = backlog_policy(worker)
    assert policy["policyType"] == "TargetTrackingScaling"
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 10 and "predefinedMetricSpecification" not in tracking
    queries = tracking["customizedMetricSpecification"]["metrics"]
    spot, on_demand = sorted((m for m in counted_by_the_worker(worker) if m[1] == "RunningTasks"),
                             key=lambda m: dict(m[2])["CapacityProvider"], reverse=True)  # fmt: skip
    assert metric_value(queries, {VISIBLE: 45, spot: 3, on_demand: 0}) == 15
    assert metric_value(queries, {VISIBLE: 45, spot: 2, on_demand: 1}) == 15
    assert metric_value(queries, {VISIBLE: 45, spot: 0, on_demand: 0}) == 45
    assert worker.mocks.inputs_of("aws:cloudwatch/metricAlarm:MetricAlarm") == []


@pytest.mark.parametrize(
    ("backlog", "tasks"), [(0, 1), (10, 1), (11, 2), (15, 2), (30, 3), (45, 5), (99, 10), (5000, 10)]
)
def test_the_recorded_policy_settles_at_the_backlog_over_backlog_per_task_within_min_and_max_count(
    worker: Run, backlog: int, tasks: int
) -> None:
    """A steady 15 messages keep 2 tasks, not one more every cooldown up to maxCount."""
    running = sorted(m for m in counted_by_the_worker(worker) if m[1] == "RunningTasks")

    def on_spot(count: int) -> Mapping[MetricId, float]:
        spot = {m: count if dict(m[2])["CapacityProvider"] == "FARGATE_SPOT" else 0 for m in running}
        return {VISIBLE: backlog} | spot

    target = worker.mocks.one("aws:appautoscaling/target:Target").inputs
    low, high = int(target["minCapacity"]), int(target["maxCapacity"])
    assert settled_capacity(backlog, 10, low, high) == tasks
    for start in range(low, high + 1):
        assert settle(backlog_policy(worker), on_spot, start, low, high) == tasks


def test_backlog_per_task_is_the_policys_target(platform: Run) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    run = run_program(EXAMPLE, STACK, {"backlogPerTask": "25"}, mocks=mocks)
    assert backlog_policy(run)["targetTrackingScalingPolicyConfiguration"]["targetValue"] == 25


def test_the_backlog_policy_acts_on_the_services_own_scalable_target_after_it_exists(worker: Run) -> None:
    target = worker.mocks.one("aws:appautoscaling/target:Target")
    policy = worker.mocks.find("aws:appautoscaling/policy:Policy", f"{STACK}-worker-backlog")
    assert policy.inputs["resourceId"] == target.inputs["resourceId"]
    assert target.urn in policy.dependencies


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
        run_program(EXAMPLE, STACK, overrides, mocks=mocks)
    assert (error.value.key, error.value.value) == (key, value)
    assert str(error.value).startswith(f"config '{key}': got {value}; allowed: ")
    assert mocks.resources == []


def test_a_count_that_is_no_integer_fails_in_its_own_key_with_the_others_and_nothing_registered(platform: Run) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, {"minCount": "x", "backlogPerTask": "1.5", "maxCount": "0"}, mocks=mocks)
    assert {(one.key, one.value) for one in error.value.errors} == {
        ("minCount", "x"), ("backlogPerTask", "1.5"), ("maxCount", 0),
    }  # fmt: skip
    assert mocks.resources == []


def test_its_mistakes_are_reported_together_in_its_own_keys(platform: Run) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, {"backlogPerTask": "0", "minCount": "5", "maxCount": "2"}, mocks=mocks)
    assert {(one.key, one.value) for one in error.value.errors} == {("backlogPerTask", 0), ("maxCount", 2)}
    assert mocks.resources == []


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_worker_app_loses_no_message_through_a_stop() -> None:
    result = subprocess.run(["node", "--test"], cwd=EXAMPLE / "app", capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def pushed_tag(run: Run) -> str:
    """The tag of the image the worker pushes (its task definition's image)."""
    (pushed,) = [image for image in run.mocks.inputs_of("docker-build:index:Image") if image.get("push")]
    (ref,) = pushed["tags"]
    return ref.rsplit(":", 1)[1]


def test_the_build_context_is_the_app_alone_no_python_project_or_virtualenv(worker: Run) -> None:
    (pushed,) = [image for image in worker.mocks.inputs_of("docker-build:index:Image") if image.get("push")]
    context = (EXAMPLE / pushed["context"]["location"]).resolve()
    assert context == EXAMPLE / "app"
    assert (EXAMPLE / pushed["dockerfile"]["location"]).resolve() == context / "Dockerfile"
    sent = [p for p in context.rglob("*") if "node_modules" not in p.parts]
    assert {"Dockerfile", ".dockerignore", "package.json", "package-lock.json", "worker.js"} <= {p.name for p in sent}
    project = {"README.md", "Pulumi.yaml", f"Pulumi.{STACK}.yaml", "requirements.txt", ".venv"}
    assert [p for p in sent if p.name in project or p.suffix == ".py"] == []


def test_editing_the_program_its_docs_stacks_or_virtualenv_keeps_the_image_and_the_app_changes_it(
    platform: Run, tmp_path: Path
) -> None:
    """The tag hashes every file of the build context: only the app's own files may be in it, or every edit
    of the Pulumi project would push a new image and roll the service."""
    copy = tmp_path / "worker"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("node_modules", ".venv", "__pycache__"))

    def tag() -> str:
        return pushed_tag(run_program(copy, STACK, mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs})))

    before = tag()
    for name in ("__main__.py", "README.md", "Pulumi.yaml", f"Pulumi.{STACK}.yaml"):
        with (copy / name).open("a") as file:
            file.write("\n# edited\n")
    (copy / ".venv" / "bin").mkdir(parents=True)
    (copy / ".venv" / "bin" / "python").write_text("a pip change\n")
    assert tag() == before
    with (copy / "app" / "worker.js").open("a") as file:
        file.write("\n// edited\n")
    assert tag() != before


def config_of(project: str) -> dict[str, str]:
    """The shipped stack file's config, as a copy of the example under another project name reads it."""
    return {key.replace("graviton-node-worker:", f"{project}:"): v for key, v in stack_config(EXAMPLE, STACK).items()}


@pytest.mark.parametrize("project", ["acme.worker", "graviton-node-worker"])
def test_its_queue_names_are_ones_sqs_creates_whatever_the_project_is_called(platform: Run, project: str) -> None:
    """A Pulumi project name may hold a period; a queue name may not (the AWS input contract's SQS rule)."""
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    run_mocked(main_program(EXAMPLE), config_of(project), STACK, mocks, project)
    queues = [r for r in mocks.resources if r.type == "aws:sqs/queue:Queue"]
    assert {q.inputs["name"] for q in queues} == {f"{STACK}-{project.replace('.', '-')}-jobs{d}" for d in ("", "-dlq")}
    assert [p for q in queues for p in CONTRACT.problems(q.type, q.name, q.inputs)[0]] == []


def test_a_project_too_long_for_the_queue_names_fails_naming_the_stack_with_nothing_registered(platform: Run) -> None:
    project = "graviton-node-worker-for-the-acme-corporation-billing-and-payments-team"
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(EXAMPLE), config_of(project), STACK, mocks, project)
    assert (error.value.key, error.value.value) == ("stack", STACK)
    assert "80 SQS allows" in error.value.allowed
    assert mocks.resources == []


def test_a_stack_name_too_long_for_a_target_group_deploys_a_worker_which_has_none(platform: Run) -> None:
    """The 32 characters of a target group's name bind a routed service's stack name (16 at most with its
    suffix); a worker registers no target group, so a longer stack name is no mistake for it."""
    stack = "worker-staging-eu"
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    run_mocked(main_program(EXAMPLE), config_of("graviton-node-worker"), stack, mocks, "graviton-node-worker")
    sent_to_aws = [r for r in mocks.resources if not r.type.startswith("graviton-node:")]
    assert not [r for r in sent_to_aws if r.type == "aws:lb/targetGroup:TargetGroup"]
    assert [p for r in sent_to_aws for p in CONTRACT.problems(r.type, r.name, r.inputs)[0]] == []


def test_a_stack_name_too_long_for_the_task_counters_function_fails_naming_the_stack_with_nothing_registered(
    platform: Run,
) -> None:
    """The counter's function, ``<stack>-worker-task-count-function`` and Pulumi's 8, must fit Lambda's 64."""
    stack = "worker-staging-eu-central-0001"
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(EXAMPLE), config_of("graviton-node-worker"), stack, mocks, "graviton-node-worker")
    assert (error.value.key, error.value.value) == ("stack", stack)
    assert "at most 29 characters" in error.value.allowed and "Lambda function name" in error.value.allowed
    assert mocks.resources == []


def test_a_force_delete_that_is_no_boolean_fails_in_its_own_key_with_the_others_and_nothing_registered(
    platform: Run,
) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLE, STACK, {"forceDelete": "on", "minCount": "x"}, mocks=mocks)
    assert {(one.key, one.value) for one in error.value.errors} == {("forceDelete", "on"), ("minCount", "x")}
    assert mocks.resources == []
