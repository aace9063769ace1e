"""Every setting AWS bounds takes AWS's edge and refuses one past it, naming itself.

Each expected edge is read from botocore (a shape's ``max``, or the sentence that states the bound:
``tests.models.aws_prose``), never from the program's own constant, so a bound that drifts from AWS's
fails here.
"""

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from components.edge.domain import Domain
from components.edge.smoke_test_rules import SmokeTestSpec
from components.errors import ConfigError
from components.observability.task_counter import TaskCounterArgs
from components.service.deployment_strategy import DeploymentStrategy
from components.service.fargate_task import FargateTaskArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import HealthCheck, ServiceSpec
from components.service.sidecar import Sidecar
from components.validation import log_retention
from tests.components.builders import CLUSTER_ARN, IMAGE
from tests.models.aws_api import Api, shape_at
from tests.models.aws_prose import stated_most, stated_range, stated_values

SIDECAR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0@sha256:" + "c" * 64

#: Each ``HealthCheck`` field and the botocore ecs ``HealthCheck`` member it fills.
HEALTH_CHECK = {"interval_seconds": "interval", "timeout_seconds": "timeout", "retries": "retries",
                "start_period_seconds": "startPeriod"}  # fmt: skip
#: (the setting, how a value of it is built, botocore's member whose documentation states its range, the
#: smallest step between its values)
NUMBERS: list[tuple[str, Callable[[Any], object], tuple[str, str], Decimal]] = [
    *((f"HealthCheck.{field}", lambda v, field=field: replace(HealthCheck(), **{field: int(v)}),
       ("ecs", f"HealthCheck.{member}"), Decimal(1)) for field, member in HEALTH_CHECK.items()),
    ("DeploymentStrategy.canary_percent", lambda v: DeploymentStrategy(kind="canary", canary_percent=v),
     ("ecs", "CanaryConfiguration.canaryPercent"), Decimal("0.1")),
    ("DeploymentStrategy.step_percent", lambda v: DeploymentStrategy(kind="linear", step_percent=v),
     ("ecs", "LinearConfiguration.stepPercent"), Decimal("0.1")),
]  # fmt: skip


def number_edges() -> list[Any]:
    cases = []
    for key, build, (service, where), step in NUMBERS:
        low, high = stated_range(service, where)
        edges = [(low, True), (high, True), (low - step, False), (high + step, False)]
        cases += [pytest.param(key, build, value, taken, id=f"{key}={value}") for value, taken in edges]
    return cases


def slashed(length: int) -> str:
    """A role path of ``length`` characters: ``/aaa.../``."""
    return "/" + "a" * (length - 2) + "/"


def dns_name(length: int) -> str:
    """A DNS name of ``length`` characters (labels of at most 63)."""
    return "a" * (length - len(".example.com")) + ".example.com"


#: (the setting, how a value of it is built from a length, its longest as botocore states it)
LENGTHS: list[tuple[str, Callable[[int], object], Callable[[], int]]] = [
    ("Sidecar.name", lambda n: Sidecar(name="a" * n, image=SIDECAR_IMAGE, memory=128),
     lambda: stated_most("ecs", "ContainerDefinition.name", "Up to {n} letters")),
    ("HealthCheck.path", lambda n: HealthCheck(path="/" + "a" * (n - 1)),
     lambda: shape_at("elbv2", "CreateTargetGroup:HealthCheckPath").metadata["max"]),
    ("SmokeTestSpec.path", lambda n: SmokeTestSpec(path="/" + "a" * (n - 1)),
     lambda: shape_at("elbv2", "CreateTargetGroup:HealthCheckPath").metadata["max"]),
    # A certificate the stack requests: its common name, not the SAN's 253 (the shape's max).
    ("Domain.name", lambda n: Domain(name=dns_name(n), hosted_zone_id="Z0123"),
     lambda: stated_most("acm", "RequestCertificate:DomainName", r"cannot exceed {n} octets")),
]  # fmt: skip

#: Every setting that takes a role's IAM path, and how a value of it is built.
ROLE_PATHS: dict[str, Callable[[str], object]] = {
    "SmokeTestSpec.role_path": lambda path: SmokeTestSpec(path="/health", role_path=path),
    "TaskCounterArgs.role_path": lambda path: TaskCounterArgs(
        cluster_arn=CLUSTER_ARN, cluster_name="dev-app", service_name="s", namespace="N", role_path=path
    ),
    "FargateTaskArgs.role_path": lambda path: FargateTaskArgs(
        spec=ServiceSpec(), image_ref=IMAGE, role_path=path, permissions_boundary_arn=""
    ),
    "ServiceAccess.role_path": lambda path: ServiceAccess(role_path=path),
}
ROLE_PATH = Api("iam", "CreateRole:Path")
ROLE_PATH_MAX = shape_at("iam", "CreateRole:Path").metadata["max"]


def taken(build: Callable[[Any], object], value: Any, key: str) -> bool:
    """Whether ``build(value)`` is accepted; a refusal must name ``key``."""
    try:
        build(value)
    except ConfigError as error:
        assert error.key == key, error
        return False
    return True


@pytest.mark.parametrize(("key", "build", "value", "accepted"), number_edges())
def test_a_number_ecs_bounds_takes_the_stated_edge_and_refuses_one_step_past_it(
    key: str, build: Callable[[Any], object], value: Decimal, accepted: bool
) -> None:
    assert taken(build, value, key) == accepted


@pytest.mark.parametrize(("key", "build", "longest"), LENGTHS, ids=[row[0] for row in LENGTHS])
def test_a_name_or_path_of_aws_s_longest_is_taken_and_one_character_more_refused(
    key: str, build: Callable[[int], object], longest: Callable[[], int]
) -> None:
    assert taken(build, longest(), key)
    assert not taken(build, longest() + 1, key)


@pytest.mark.parametrize("key", sorted(ROLE_PATHS))
@pytest.mark.parametrize(
    "path", [slashed(ROLE_PATH_MAX), slashed(ROLE_PATH_MAX + 1), "/", "//", "/a b/", "/a\x7f/", "/a/b/", "a/"]
)
def test_a_role_path_is_taken_exactly_when_iam_takes_it(key: str, path: str) -> None:
    """Modelled on botocore iam ``CreateRole:Path`` (``pathType``: its pattern and maximum)."""
    assert taken(ROLE_PATHS[key], path, key) == (ROLE_PATH.problems(path) == [])


def test_a_log_retention_is_taken_exactly_when_cloudwatch_lists_it() -> None:
    """botocore logs ``PutRetentionPolicy:retentionInDays``: "Possible values are: 1, 3, 5, ... and 3653."."""
    possible = stated_values("logs", "PutRetentionPolicy:retentionInDays")
    assert [days for days in range(max(possible) + 2) if taken(lambda d: log_retention("k", d), days, "k")] == list(
        possible
    )
