"""Every task definition the program registers is stored by ECS as the provider compares it with what is
sent (``tests/models/ecs_container_definitions.py``): no ``pulumi up`` after the first replaces it and rolls
the service for nothing. An empty environment value, which ECS drops, would: it is refused before anything is
registered, in the app's environment and a sidecar's alike."""

import json
from typing import Any

import pytest

from components.errors import ConfigError
from components.service import service_spec_rules, sidecar
from tests.models.ecs_container_definitions import perpetual_diff
from tests.program.stacks import PROGRAMS, run_config
from tools.offline import RecordingMocks, Registered, run_program

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def sent(task: Registered) -> list[dict[str, Any]]:
    return json.loads(str(task.inputs["containerDefinitions"]))


def awsvpc(task: Registered) -> bool:
    return task.inputs.get("networkMode") == "awsvpc"


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_task_definition_a_program_registers_is_stored_as_it_was_sent(program: str) -> None:
    tasks = [r for r in run_config(program).mocks.resources if r.type == TASK]
    assert tasks
    for task in tasks:
        assert not perpetual_diff(sent(task), awsvpc=awsvpc(task)), task.name


def test_an_empty_environment_value_is_refused_naming_the_entry_before_anything_is_registered() -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"environment": '["FEATURE_FLAG=", "MODE=on"]'}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("environment", "FEATURE_FLAG=")
    assert "ECS drops" in error.value.allowed and "redeploy" in error.value.allowed
    assert mocks.resources == []


def test_without_the_refusal_an_empty_value_would_replace_the_task_definition_on_every_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The old behaviour, the check taken out: the entry is sent, ECS drops it, the provider sees a change."""
    monkeypatch.setattr(service_spec_rules, "check_values_kept", lambda *_: None)
    monkeypatch.setattr(sidecar, "check_values_kept", lambda *_: None)
    run = run_program("dev", {"environment": '["FEATURE_FLAG="]'})
    (task,) = [r for r in run.mocks.resources if r.type == TASK]
    assert {"name": "FEATURE_FLAG", "value": ""} in sent(task)[0]["environment"]
    assert perpetual_diff(sent(task), awsvpc=awsvpc(task))
