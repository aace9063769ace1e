"""A sidecar is one argument: an OpenTelemetry collector beside the app, in the same task."""

import json
import re

import pytest

from components.errors import ConfigError
from components.observability.alarm_rules import Alarms
from components.service.container_definition import RUN_AS
from components.service.env_tuning import Tuning, tuned_environment
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from components.service.sidecar import Sidecar
from tests.components.builders import IMAGE, LB_SUFFIX, service
from tests.models import iam
from tests.models.aws_contract import CONTRACT
from tests.models.iam import Request
from tools.deployer_policy import document, fill
from tools.offline import ROOT, RecordingMocks

#: In the stack's own ECR (``dev-*``): the default permissions boundary lets the task pull only those.
COLLECTOR_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-otel-collector:0.120.0@sha256:" + "b" * 64
COLLECTOR = Sidecar(
    name="otel-collector",
    image=COLLECTOR_IMAGE,
    memory=256,
    cpu=128,
    port_mappings=(4317,),
    health_check=("CMD", "/healthcheck"),
    depends_on=(("app", "START"),),
    environment={"OTEL_LOG_LEVEL": "info"},
)
SPEC = ServiceSpec(cpu=1024, memory=2048, sidecars=(COLLECTOR,))


@pytest.fixture(scope="module")
def with_collector(mocked) -> RecordingMocks:
    return mocked(lambda: service(SPEC))


@pytest.fixture(scope="module")
def task(with_collector: RecordingMocks) -> dict:
    return with_collector.one("aws:ecs/taskDefinition:TaskDefinition").inputs


def containers(task: dict) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(task["containerDefinitions"])}


def test_the_task_runs_the_app_and_the_collector_within_the_task_size(task: dict) -> None:
    app, collector = containers(task)["app"], containers(task)["otel-collector"]
    assert (task["cpu"], task["memory"]) == ("1024", "2048")
    assert app["memory"] + collector["memory"] == 2048 and collector["memory"] == 256
    assert collector["image"] == COLLECTOR_IMAGE and collector["essential"] is False
    assert collector["dependsOn"] == [{"containerName": "app", "condition": "START"}]
    assert collector["portMappings"] == [{"containerPort": 4317, "hostPort": 4317, "protocol": "tcp"}]
    assert collector["healthCheck"] == {"command": ["CMD", "/healthcheck"]}
    assert collector["logConfiguration"]["options"]["awslogs-stream-prefix"] == "otel-collector"


def test_the_collector_runs_unprivileged_on_a_read_only_root_stops_in_time_and_never_blocks_on_logs(
    task: dict,
) -> None:
    collector = containers(task)["otel-collector"]
    assert (collector["user"], collector["readonlyRootFilesystem"], collector["stopTimeout"]) == (RUN_AS, True, 30)
    assert collector["logConfiguration"]["options"]["mode"] == "non-blocking"


def test_a_sidecar_s_user_root_and_stop_timeout_are_its_own() -> None:
    proxy = Sidecar(name="proxy", image=COLLECTOR_IMAGE, memory=64, user="10001:10001", readonly_root=False,
                    stop_timeout_seconds=2).definition(log_group="logs", region="us-east-1")  # fmt: skip
    assert (proxy["user"], proxy["readonlyRootFilesystem"], proxy["stopTimeout"]) == ("10001:10001", False, 2)


def test_the_task_definition_with_a_sidecar_passes_the_rules_aws_documents_for_it(task: dict) -> None:
    problems, _ = CONTRACT.problems("aws:ecs/taskDefinition:TaskDefinition", "svc-task", task)
    assert problems == []


def test_the_heap_is_tuned_to_the_app_container_s_memory_not_the_task_s(task: dict) -> None:
    env = {e["name"]: e["value"] for e in containers(task)["app"]["environment"]}
    heap = {memory: tuned_environment({}, container_memory_mib=memory, tuning=Tuning())["NODE_OPTIONS"]
            for memory in (2048, 2048 - 256)}  # fmt: skip
    assert env["NODE_OPTIONS"] == heap[2048 - 256] != heap[2048]


def test_the_execution_role_may_pull_the_app_s_image_and_the_collector_s(with_collector: RecordingMocks) -> None:
    policy = json.loads(with_collector.find("aws:iam/rolePolicy:RolePolicy", "svc-exec-policy").inputs["policy"])
    (pull,) = [s for s in policy["Statement"] if s["Sid"] == "PullTheImage"]
    assert pull["Resource"] == [
        "arn:aws:ecr:us-east-1:123456789012:repository/app",
        "arn:aws:ecr:us-east-1:123456789012:repository/dev-otel-collector",
    ]
    assert IMAGE.split("/")[1].startswith("app:")


@pytest.mark.parametrize(
    ("build", "key"),
    [
        # What they leave the app is judged with its heap (env_tuning.check_app_memory_floor): memory's error.
        (lambda: ServiceSpec(memory=2048, sidecars=(Sidecar(name="big", image=COLLECTOR_IMAGE, memory=2045),)),
         "ServiceSpec.memory"),
        (lambda: ServiceSpec(cpu=1024,
                             sidecars=(Sidecar(name="busy", image=COLLECTOR_IMAGE, memory=64, cpu=1024),)),
         "ServiceSpec.sidecars"),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="app", image=COLLECTOR_IMAGE, memory=64),)),
         "ServiceSpec.sidecars"),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="p", image=COLLECTOR_IMAGE, memory=64, port_mappings=(3000,)),)),
         "ServiceSpec.sidecars"),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="w", image=COLLECTOR_IMAGE, memory=64,
                                               depends_on=(("nowhere", "START"),)),)), "ServiceSpec.sidecars"),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="a", image=COLLECTOR_IMAGE, memory=64),
                                       Sidecar(name="b", image=COLLECTOR_IMAGE, memory=64,
                                               depends_on=(("a", "HEALTHY"),)))), "ServiceSpec.sidecars"),
        # ContainerDependency HEALTHY needs the named container's health check: a worker's app may have none.
        (lambda: ServiceSpec(health_check=None, sidecars=(Sidecar(name="w", image=COLLECTOR_IMAGE, memory=64,
                                                                  depends_on=(("app", "HEALTHY"),)),)),
         "ServiceSpec.sidecars"),
        # Never root, so no port below 1024 (validation.UNPRIVILEGED_PORT_START).
        *((lambda p=p: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, port_mappings=(p,)),
           "Sidecar.port_mappings") for p in (80, 443, 1023)),
        (lambda: Sidecar(name="x", image="otel/collector:latest", memory=64), "Sidecar.image"),
        (lambda: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=5), "Sidecar.memory"),
        (lambda: Sidecar(name="x y", image=COLLECTOR_IMAGE, memory=64), "Sidecar.name"),
        (lambda: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, depends_on=(("app", "READY"),)),
         "Sidecar.depends_on"),
        *((lambda user=user: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, user=user), "Sidecar.user")
          for user in ("", "0", "000:1000", "root", "root:1000", "1000:0", "1000:root", "node:root", " 1000", "a:b:c",
                       "1000:", "10001", "otel")),
        (lambda: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, readonly_root="false"),  # type: ignore[arg-type]
         "Sidecar.readonly_root"),
        *((lambda t=t: Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, stop_timeout_seconds=t),
           "Sidecar.stop_timeout_seconds") for t in (0, 1, 121)),
        # ECS ContainerDependency: COMPLETE and SUCCESS "can't be set on an essential container".
        *((lambda condition=condition: ServiceSpec(sidecars=(Sidecar(name="w", image=COLLECTOR_IMAGE, memory=64,
                                                                     depends_on=(("app", condition),)),)),
           "ServiceSpec.sidecars") for condition in ("COMPLETE", "SUCCESS")),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="a", image=COLLECTOR_IMAGE, memory=64, essential=True),
                                       Sidecar(name="b", image=COLLECTOR_IMAGE, memory=64,
                                               depends_on=(("a", "SUCCESS"),)))), "ServiceSpec.sidecars"),
        (lambda: ServiceSpec(sidecars=(Sidecar(name="a", image=COLLECTOR_IMAGE, memory=64,
                                               depends_on=(("b", "START"),)),
                                       Sidecar(name="b", image=COLLECTOR_IMAGE, memory=64,
                                               depends_on=(("a", "START"),)))), "ServiceSpec.sidecars"),
    ],
)  # fmt: skip
def test_a_sidecar_ecs_would_refuse_or_that_does_not_fit_the_task_is_refused(build, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        build()
    assert error.value.key == key


@pytest.mark.parametrize("user", ["1000:1000", "10001:10001", "65534:65534"])
def test_an_unprivileged_uid_and_gid_are_accepted(user: str) -> None:
    assert Sidecar(name="x", image=COLLECTOR_IMAGE, memory=64, user=user).user == user


def test_a_service_without_sidecars_registers_the_app_container_as_before(mocked) -> None:
    (app,) = json.loads(mocked(service).one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert "memory" not in app  # the task's memory is all the app's


def test_a_run_to_completion_sidecar_may_be_waited_for_when_it_is_not_essential() -> None:
    setup = Sidecar(name="setup", image=COLLECTOR_IMAGE, memory=64)  # not essential, the default
    waiting = Sidecar(name="b", image=COLLECTOR_IMAGE, memory=64, depends_on=(("setup", "SUCCESS"),))
    assert ServiceSpec(sidecars=(setup, waiting)).sidecars == (setup, waiting)


OTEL = Sidecar(name="otel", image=COLLECTOR_IMAGE, memory=64, health_check=("CMD", "/healthcheck"))
SETUP = Sidecar(name="setup", image=COLLECTOR_IMAGE, memory=64)


@pytest.mark.parametrize(
    ("sidecars", "app_depends_on"),
    [
        ((OTEL,), (("nowhere", "START"),)),  # not a container of the task
        ((OTEL,), (("app", "START"),)),  # the app itself
        ((OTEL,), (("otel", "READY"),)),  # not a ContainerCondition
        ((SETUP,), (("setup", "HEALTHY"),)),  # HEALTHY needs a health check
        ((Sidecar(name="init", image=COLLECTOR_IMAGE, memory=64, essential=True),), (("init", "SUCCESS"),)),
        ((Sidecar(name="init", image=COLLECTOR_IMAGE, memory=64, essential=True),), (("init", "COMPLETE"),)),
        # a cycle through the app: it waits for otel, which waits for it
        ((Sidecar(name="otel", image=COLLECTOR_IMAGE, memory=64, depends_on=(("app", "START"),)),),
         (("otel", "START"),)),
    ],
)  # fmt: skip
def test_an_app_dependency_ecs_would_refuse_or_that_could_never_start_is_refused(sidecars, app_depends_on) -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(sidecars=sidecars, app_depends_on=app_depends_on)
    assert error.value.key == "ServiceSpec.app_depends_on"


@pytest.fixture(scope="module")
def app_waits_for_collector(mocked) -> dict[str, dict]:
    spec = ServiceSpec(sidecars=(OTEL, SETUP), app_depends_on=(("otel", "HEALTHY"), ("setup", "SUCCESS")))
    return containers(mocked(lambda: service(spec)).one("aws:ecs/taskDefinition:TaskDefinition").inputs)


def test_the_app_waits_for_a_healthy_collector_and_a_finished_setup_in_its_task_definition(
    app_waits_for_collector: dict[str, dict],
) -> None:
    assert app_waits_for_collector["app"]["dependsOn"] == [
        {"containerName": "otel", "condition": "HEALTHY"},
        {"containerName": "setup", "condition": "SUCCESS"},
    ]
    assert "healthCheck" in app_waits_for_collector["otel"]
    assert app_waits_for_collector["setup"]["essential"] is False


def test_an_app_that_waits_for_nothing_has_no_depends_on(task: dict) -> None:
    assert "dependsOn" not in containers(task)["app"]


ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
DIGEST = "@sha256:" + "c" * 64
#: The default boundary of the mocks' stack (project graviton-node, stack dev), as its owner creates it.
DEV_BOUNDARY = fill(
    document("boundary"), {"ACCOUNT": "123456789012", "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "dev"}
)


def pull_requests(image: str) -> list[Request]:
    account, region, repository = image.split(".")[0], image.split(".")[3], image.split("/", 1)[1].split(":")[0]
    arn = f"arn:aws:ecr:{region}:{account}:repository/{repository}"
    return [Request(action, arn) for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")]


@pytest.mark.parametrize(
    "image",
    [COLLECTOR_IMAGE, f"{ECR}/otel-collector:1{DIGEST}", f"{ECR}/prod-otel:1{DIGEST}",
     f"{ECR}/dev:1{DIGEST}", f"{ECR.replace('123456789012', '210987654321')}/otel:1{DIGEST}"],
)  # fmt: skip
def test_a_sidecar_the_default_boundary_keeps_from_being_pulled_is_refused_naming_its_image(mocked, image: str) -> None:
    """The execution role's policy AND the boundary decide (a boundary caps the policy): either the
    service is refused before it registers anything, naming ``Sidecar.image``, or the two allow the pull."""
    spec = ServiceSpec(sidecars=(Sidecar(name="otel", image=image, memory=128),))
    try:
        recorded = mocked(lambda: service(spec))
    except ConfigError as error:
        assert (error.key, error.value) == ("Sidecar.image", image) and "dev-*" in error.allowed
        return
    exec_policy = recorded.find("aws:iam/rolePolicy:RolePolicy", "svc-exec-policy").inputs["policy"]
    for request in pull_requests(image):
        assert iam.role_allows([exec_policy], request, DEV_BOUNDARY), request


def test_a_sidecar_in_another_repository_is_taken_with_a_boundary_of_one_s_own(mocked) -> None:
    image = f"{ECR}/otel-collector:1{DIGEST}"
    spec = ServiceSpec(sidecars=(Sidecar(name="otel", image=image, memory=128),))
    own = "arn:aws:iam::123456789012:policy/my-boundary"
    recorded = mocked(lambda: service(spec, permissions_boundary_arn=own))
    exec_policy = recorded.find("aws:iam/rolePolicy:RolePolicy", "svc-exec-policy").inputs["policy"]
    # The owner's boundary is theirs to write; the role's own policy must still allow the pull.
    for request in pull_requests(image):
        assert iam.role_allows([exec_policy], request), request


def test_a_public_sidecar_image_needs_no_ecr_permission_and_is_taken_under_the_default_boundary(mocked) -> None:
    image = f"public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0{DIGEST}"
    recorded = mocked(lambda: service(ServiceSpec(sidecars=(Sidecar(name="otel", image=image, memory=128),))))
    assert recorded.one("aws:ecs/taskDefinition:TaskDefinition")


def test_the_memory_alarm_watches_the_app_s_share_of_the_task(mocked) -> None:
    """The collector holds 256 of the task's 2048 MiB: the app at 80 % of its 1792 is 70 % of the task."""
    recorded = mocked(lambda: service(SPEC, alarms=Alarms(memory_percent=80), load_balancer_arn_suffix=LB_SUFFIX))
    alarm = recorded.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarms-memory").inputs
    assert (alarm["metricName"], alarm["threshold"]) == ("MemoryUtilization", 70)
    assert "80 % of its own 1792 MiB" in alarm["alarmDescription"]


def test_a_program_learns_a_sidecar_it_cannot_pull_before_its_first_resource() -> None:
    """``FargateService.check_spec`` is a plain call, like ``check_name``: no engine, nothing registered yet,
    so a program runs it before the image, network or cluster the service comes after."""
    from components.service.fargate_service import FargateService

    image = f"{ECR}/otel-collector:1{DIGEST}"
    spec = ServiceSpec(sidecars=(Sidecar(name="otel", image=image, memory=128),))
    with pytest.raises(ConfigError) as error:
        FargateService.check_spec(spec, "dev")
    assert (error.value.key, error.value.value) == ("Sidecar.image", image)
    FargateService.check_spec(spec, "otel")  # the stack's own repositories, otel-*
    own = ServiceAccess(permissions_boundary_arn="arn:aws:iam::123456789012:policy/my-boundary")
    FargateService.check_spec(ServiceSpec(sidecars=spec.sidecars, access=own), "dev")


@pytest.mark.parametrize(
    "program", ["__main__.py", "examples/second-service/__main__.py", "examples/worker/__main__.py"]
)
def test_every_program_checks_its_service_s_spec_before_its_first_resource(program: str) -> None:
    """Each calls ``FargateService.check_spec`` above the line that creates its first resource (a component
    or an ``aws.`` resource assigned to a name), as it does ``check_name``."""
    text = (ROOT / program).read_text()
    first_resource = re.search(r"^\w+ = (\(\n\s+)?(aws\.\w+\.\w+|AppImage|Network|LoadBalancer|Cluster)\(", text, re.M)
    assert first_resource is not None
    assert 0 <= text.find("FargateService.check_spec(") < first_resource.start()


def test_a_sidecar_stopped_with_the_app_before_it_has_drained_is_warned_of_naming_the_fix(
    with_collector: RecordingMocks,
) -> None:
    """The collector waits for the app at start, so at shutdown ECS reverses that and stops it first: SIGTERM
    with the app, SIGKILL after 30 s while the app may drain and finish for up to 115 s."""
    (warning,) = [w for w in with_collector.warnings if "otel-collector" in w]
    assert "ServiceSpec.app_depends_on (('otel-collector', 'START'),)" in warning


@pytest.mark.parametrize(
    "spec",
    [
        ServiceSpec(
            sidecars=(Sidecar(name="otel", image=COLLECTOR_IMAGE, memory=64),), app_depends_on=(("otel", "START"),)
        ),
        ServiceSpec(
            sidecars=(
                Sidecar(name="router", image=COLLECTOR_IMAGE, memory=64),
                Sidecar(name="otel", image=COLLECTOR_IMAGE, memory=64, depends_on=(("router", "START"),)),
            ),
            app_depends_on=(("otel", "START"),),
        ),
        ServiceSpec(sidecars=(Sidecar(name="proxy", image=COLLECTOR_IMAGE, memory=64, stop_timeout_seconds=120),)),
    ],
    ids=["the-app-waits-for-it", "the-app-waits-for-it-through-another", "it-may-outlast-the-app"],
)
def test_a_sidecar_ecs_stops_after_the_app_is_not_warned_of(spec: ServiceSpec, mocked) -> None:
    assert spec.sidecars_stopped_first() == ()
    assert not [w for w in mocked(lambda: service(spec)).warnings if "sidecar" in w]


def test_the_dashboard_draws_the_memory_alarm_where_the_alarm_fires_with_a_sidecar(mocked) -> None:
    """The alarm compares the task's MemoryUtilization with the app's share of its percent
    (``memory_threshold``): a line at the configured percent would sit above the point that alarms."""
    mocks = mocked(lambda: service(SPEC, alarms=Alarms(memory_percent=80), load_balancer_arn_suffix=LB_SUFFIX))
    alarm = mocks.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarms-memory").inputs
    body = json.loads(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    (widget,) = [w for w in body["widgets"] if w["properties"]["title"].startswith("CPU and memory")]
    lines = {line["label"]: line["value"] for line in widget["properties"]["annotations"]["horizontal"]}
    assert alarm["threshold"] == 80 * (2048 - 256) // 2048 == 70
    assert lines["memory alarm"] == alarm["threshold"]
    cpu = mocks.find("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-alarms-cpu").inputs
    assert lines["CPU alarm"] == cpu["threshold"]
