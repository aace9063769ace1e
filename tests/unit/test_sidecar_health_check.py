"""A sidecar's health check runs a command as written (``tests/models/docker_health.py``): a program for
``CMD``, one shell script for ``CMD-SHELL``; anything else is refused, naming ``Sidecar.health_check``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.service.sidecar import Sidecar
from tests.models.docker_health import runs_as_written

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/otel:1@sha256:" + "a" * 64
TESTS = st.tuples(
    st.sampled_from(["CMD", "CMD-SHELL", "NONE", "cmd"]),
    st.lists(st.sampled_from(["true", "x y", "", " "]), max_size=3),
)


def sidecar(health_check: tuple[str, ...]) -> Sidecar:
    return Sidecar(name="otel", image=IMAGE, memory=64, health_check=health_check)


@given(TESTS)
def test_a_health_check_is_taken_exactly_when_the_runtime_would_run_it_as_written(drawn: tuple[str, list[str]]) -> None:
    test = (drawn[0], *drawn[1])
    try:
        sidecar(test)
    except ConfigError as refused:
        assert (refused.key, refused.value) == ("Sidecar.health_check", list(test))
        assert not runs_as_written(test)
    else:
        assert runs_as_written(test)


@pytest.mark.parametrize(
    "test", [("CMD",), ("CMD-SHELL",), ("CMD-SHELL", "wget -q localhost", "extra"), ("CMD-SHELL", ""), ("CMD", " ")]
)
def test_a_health_check_with_no_command_or_a_script_split_in_two_is_refused(test: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError) as error:
        sidecar(test)
    assert error.value.key == "Sidecar.health_check" and "one shell command" in error.value.allowed


def test_no_health_check_is_none() -> None:
    assert "healthCheck" not in sidecar(()).definition(log_group="g", region="us-east-1")
