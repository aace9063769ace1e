"""The app's share of a contended CPU beside sidecars, played on ECS's CPU shares (tests/models/ecs_cpu.py)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.container_definition import container_definitions
from components.service.fargate_sizing import VALID_CPU, valid_memory
from components.service.service_spec import ServiceSpec
from components.service.sidecar import Sidecar
from tests.models import aws_api
from tests.models.ecs_cpu import LOW_VALUES, SHARED_RATIO, contended_share, registration_problems, shares

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64
SIDECAR_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-otel:1@sha256:" + "b" * 64


def containers(spec: ServiceSpec) -> list[dict]:
    return container_definitions(spec, image=IMAGE, log_group="svc-logs", region="eu-west-1")


def spec_with(task_cpu: int, sidecar_cpus: list[int]) -> ServiceSpec:
    sidecars = tuple(
        Sidecar(name=f"s{i}", image=SIDECAR_IMAGE, memory=64, cpu=cpu) for i, cpu in enumerate(sidecar_cpus)
    )
    return ServiceSpec(cpu=task_cpu, memory=max(valid_memory(task_cpu)), sidecars=sidecars)


def test_the_cpu_rules_the_model_plays_are_botocores_words() -> None:
    for quote in (SHARED_RATIO, LOW_VALUES):
        assert quote.says in aws_api.documentation(quote.service, quote.where), str(quote)


def test_beside_a_sidecar_of_512_units_the_app_gets_the_other_512_and_half_a_contended_cpu() -> None:
    app, sidecar = containers(spec_with(1024, [512]))
    assert (app["cpu"], sidecar["cpu"]) == (512, 512)
    assert contended_share([app, sidecar], "app") == 0.5


def test_with_no_sidecar_reserving_cpu_the_app_is_left_unset_and_every_container_shares_alike() -> None:
    app, *sidecars = containers(spec_with(1024, [0, 0]))
    assert "cpu" not in app
    assert contended_share([app, *sidecars], "app") == 1 / 3


@given(st.sampled_from(VALID_CPU), st.lists(st.integers(0, 16 * 1024), min_size=1, max_size=3))
def test_every_accepted_sidecar_cpu_leaves_the_app_at_least_what_the_sidecars_shares_leave(
    task_cpu: int, sidecar_cpus: list[int]
) -> None:
    """A sidecar of 0 or 1 unit still takes 2 shares (LOW_VALUES), so the bound counts shares, not units."""
    assume(any(sidecar_cpus))
    try:
        spec = spec_with(task_cpu, sidecar_cpus)
    except ConfigError:
        assume(False)
    app, *sidecars = containers(spec)
    assert registration_problems(task_cpu, [app, *sidecars]) == []
    assert contended_share([app, *sidecars], "app") >= (task_cpu - sum(map(shares, sidecars))) / task_cpu
    assert app["cpu"] + sum(sidecar["cpu"] for sidecar in sidecars) == task_cpu
