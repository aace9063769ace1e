"""Every environment the program sends holds only what ECS keeps (``kept_environment``), held to the model
of what ECS stores and how the provider compares it (``tests/models/ecs_container_definitions.py``) over
generated specs: a spec is refused, each empty value named, or its containers are stored as sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.container_definition import container_definitions
from components.service.service_spec import HealthCheck, ServiceSpec
from components.service.sidecar import Sidecar
from tests.models.ecs_container_definitions import perpetual_diff

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:build-abc@sha256:" + "a" * 64
NAMES = st.sampled_from(["FEATURE_FLAG", "MODE", "OTEL_ENDPOINT", "EMPTY"])
VALUES = st.sampled_from(["", " ", "0", "on"])
#: NODE_OPTIONS only as Node takes it (``node_options``): empty, or an option it allows there.
NODE_OPTIONS = st.dictionaries(st.just("NODE_OPTIONS"), st.sampled_from(["", "--enable-source-maps"]), max_size=1)
ENVIRONMENTS = st.builds(lambda env, node: {**env, **node}, st.dictionaries(NAMES, VALUES, max_size=4), NODE_OPTIONS)
HEALTH_CHECKS = st.sampled_from([(), ("CMD", "true"), ("CMD-SHELL", "wget -q -O- localhost:4318 || exit 1")])


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str], tuple[str, ...], bool]:
    return draw(ENVIRONMENTS), draw(ENVIRONMENTS), draw(HEALTH_CHECKS), draw(st.booleans())


def empty(environment: dict[str, str]) -> set[str]:
    return {f"{name}=" for name, value in environment.items() if value == ""}


@given(specs())
def test_a_spec_is_refused_for_each_empty_value_or_stored_as_it_was_sent(
    drawn: tuple[dict[str, str], dict[str, str], tuple[str, ...], bool],
) -> None:
    app_env, sidecar_env, health_check, served = drawn
    app_empty = empty({k: v for k, v in app_env.items() if k != "NODE_OPTIONS"})
    try:
        collector = Sidecar(
            name="otel", image=IMAGE, memory=128, port_mappings=(4318,), health_check=health_check,
            environment=sidecar_env,
        )  # fmt: skip
        spec = ServiceSpec(environment=app_env, sidecars=(collector,), health_check=HealthCheck() if served else None)
    except ConfigError as refused:
        found = {(e.key, e.value) for e in refused.errors}
        assert found >= {("Sidecar.environment", entry) for entry in empty(sidecar_env)}
        assert found <= {("Sidecar.environment", e) for e in empty(sidecar_env)} | {
            ("ServiceSpec.environment", e) for e in app_empty
        }
        assert found, "refused for no empty value"
        return
    assert not empty(sidecar_env) and not app_empty
    definitions = container_definitions(spec, image=IMAGE, log_group="svc-logs", region="eu-west-1")
    assert not perpetual_diff(definitions)


def test_an_empty_node_options_is_sent_with_the_heap_ceiling_so_ecs_keeps_it() -> None:
    spec = ServiceSpec(environment={"NODE_OPTIONS": ""})
    assert spec.container_environment()["NODE_OPTIONS"].startswith("--max-old-space-size=")


@pytest.mark.parametrize(
    ("build", "key"),
    [
        (lambda: ServiceSpec(environment={"FEATURE_FLAG": ""}), "ServiceSpec.environment"),
        (
            lambda: Sidecar(name="otel", image=IMAGE, memory=128, environment={"FEATURE_FLAG": ""}),
            "Sidecar.environment",
        ),
    ],
)
def test_an_empty_value_is_refused_naming_the_field_the_entry_and_why(build, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        build()
    assert (error.value.key, error.value.value) == (key, "FEATURE_FLAG=")
    assert "ECS drops an empty-valued variable" in error.value.allowed
