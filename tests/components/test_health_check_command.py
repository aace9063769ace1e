"""The container health check, run with real node against a real server, as ECS runs it in the task.

The path travels through the container environment the task definition gives, never through the
script's source, so a quote in it is requested literally and cannot change the code that runs.
"""

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from components.errors import ConfigError
from components.service.cluster_spec import ExistingCluster
from components.service.fargate_service import FargateService, FargateServiceArgs
from components.service.service_spec import HealthCheck, ServiceSpec
from tests.unit import node_app
from tools.offline import RecordingMocks

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node runs the health check")


class Server:
    """A server that records the paths it was asked for and answers 200 on one path, 404 elsewhere."""

    def __init__(self, healthy_path: str, delay: float = 0.0) -> None:
        self.requested: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requested.append(self.path)
                if delay:
                    threading.Event().wait(delay)
                self.send_response(200 if self.path == healthy_path else 404)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def free_port() -> int:
    return node_app.free_port()


def task_container(mocked, port: int, path: str, timeout_seconds: int = 5) -> dict:
    spec = ServiceSpec(container_port=port, health_check=HealthCheck(path=path, timeout_seconds=timeout_seconds))
    mocks: RecordingMocks = mocked(
        lambda: FargateService(
            "svc",
            FargateServiceArgs(
                spec=spec,
                image_ref="repo:tag@sha256:" + "a" * 64,
                cluster=ExistingCluster(arn="arn:aws:ecs:us-east-1:123456789012:cluster/c"),
                vpc_id="vpc-1",
                subnet_ids=["subnet-1"],
                assign_public_ip=True,
            ),
        )
    )
    (definition,) = json.loads(mocks.one("aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    return definition


def run_health_check(definition: dict, port: int) -> subprocess.CompletedProcess[str]:
    """ECS runs the CMD inside the container, whose environment is the task definition's."""
    env = {item["name"]: item["value"] for item in definition["environment"]}
    env["PORT"] = str(port)
    command = definition["healthCheck"]["command"]
    assert command[0] == "CMD"
    return subprocess.run(command[1:], env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    "path",
    ["/health", "/it's-ok", "/x');process.exit(0);('", "/a?b=c&d=e"],
    ids=["plain", "quote", "injection-attempt", "query"],
)
def test_the_health_check_requests_exactly_the_configured_path(mocked, path: str) -> None:
    healthy = Server(healthy_path=path)
    definition = task_container(mocked, healthy.port, path)
    assert path not in definition["healthCheck"]["command"][3]
    assert run_health_check(definition, healthy.port).returncode == 0
    assert healthy.requested == [path]


def test_an_injection_attempt_does_not_make_an_unhealthy_app_pass(mocked) -> None:
    path = "/x');process.exit(0);('"
    unhealthy = Server(healthy_path="/somewhere-else")
    result = run_health_check(task_container(mocked, unhealthy.port, path), unhealthy.port)
    assert result.returncode == 1
    assert unhealthy.requested == [path]


def test_a_hanging_app_fails_the_check_inside_ecs_timeout(mocked) -> None:
    slow = Server(healthy_path="/health", delay=10)
    definition = task_container(mocked, slow.port, "/health", timeout_seconds=2)
    result = run_health_check(definition, slow.port)
    assert result.returncode == 1


def test_nothing_listening_fails_the_check(mocked, free_port: int) -> None:
    assert run_health_check(task_container(mocked, free_port, "/health"), free_port).returncode == 1


@pytest.mark.parametrize("path", ["/back\\slash", '/say"hi"', "/with space", "health", "/" + "a" * 1024])
def test_paths_a_url_cannot_carry_are_refused_naming_the_key(path: str) -> None:
    with pytest.raises(ConfigError) as error:
        HealthCheck(path=path)
    assert (error.value.key, error.value.value) == ("HealthCheck.path", path)
