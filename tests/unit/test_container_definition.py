"""The container definition, read straight from the spec: no mocks, no Pulumi."""

import pytest

from components.errors import ConfigError
from components.service.container_definition import RUN_AS, container_definition
from components.service.service_spec import HealthCheck, ServiceSpec
from components.service.sidecar import Sidecar

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64


def define(spec: ServiceSpec | None = None) -> dict:
    return container_definition(spec or ServiceSpec(), image=IMAGE, log_group="svc-logs", region="eu-west-1")


def test_the_container_runs_the_pinned_image_as_uid_1000_on_a_read_only_root_with_an_init() -> None:
    container = define()
    assert (container["image"], container["user"], container["essential"]) == (IMAGE, RUN_AS, True)
    assert container["readonlyRootFilesystem"] is True
    assert container["linuxParameters"] == {"initProcessEnabled": True}


def test_ecs_exec_is_what_makes_the_root_writable() -> None:
    assert define(ServiceSpec(enable_execute_command=True))["readonlyRootFilesystem"] is False


def test_the_port_environment_and_health_check_follow_the_spec() -> None:
    spec = ServiceSpec(container_port=8080, health_check=HealthCheck(path="/ready", timeout_seconds=3, retries=4))
    container = define(spec)
    assert container["portMappings"][0]["containerPort"] == container["portMappings"][0]["hostPort"] == 8080
    env = {item["name"]: item["value"] for item in container["environment"]}
    assert env == spec.container_environment()
    assert [item["name"] for item in container["environment"]] == sorted(env)
    check = container["healthCheck"]
    assert (check["timeout"], check["retries"]) == (3, 4) and "timeout:2000" in check["command"][3]


def test_a_port_is_judged_only_where_the_task_maps_it() -> None:
    """With no health check the app serves no HTTP: no port mapping, no ``PORT``, so no port to refuse,
    and a sidecar may take the number."""
    unserved = ServiceSpec(health_check=None, container_port=0)
    container = define(unserved)
    assert "portMappings" not in container
    assert "PORT" not in {item["name"] for item in container["environment"]}
    collector = Sidecar(name="otel", image=IMAGE, memory=128, port_mappings=(3000,))
    assert ServiceSpec(health_check=None, sidecars=(collector,))
    with pytest.raises(ConfigError) as error:
        ServiceSpec(container_port=0)
    assert error.value.key == "ServiceSpec.container_port"
    with pytest.raises(ConfigError) as error:
        ServiceSpec(sidecars=(collector,))
    assert (error.value.key, error.value.value) == ("ServiceSpec.sidecars", [3000])


@pytest.mark.parametrize("port", [1, 80, 443, 1023])
def test_the_app_running_as_uid_1000_takes_no_port_below_1024_which_it_could_not_bind(port: int) -> None:
    with pytest.raises(ConfigError) as error:
        ServiceSpec(container_port=port)
    assert (error.value.key, error.value.value) == ("ServiceSpec.container_port", port)
    assert error.value.allowed.startswith("a port from 1024 to 65535: the container runs as a user other than root")
    assert define(ServiceSpec(container_port=1024))["portMappings"][0]["containerPort"] == 1024


def test_logs_go_to_the_log_group_in_the_region_without_blocking_the_app() -> None:
    options = define()["logConfiguration"]["options"]
    assert (options["awslogs-group"], options["awslogs-region"], options["mode"]) == (
        "svc-logs",
        "eu-west-1",
        "non-blocking",
    )


def test_the_stop_timeout_is_the_specs() -> None:
    assert define(ServiceSpec(stop_timeout_seconds=100))["stopTimeout"] == 100
