"""No task definition the program registers is over ECS's 64 KiB (Amazon ECS service quotas, "Task
definition max size"): config that would make one so is refused before anything is registered, and the
size settings judges is the size of what is registered, its deploy-time names as long as AWS makes them."""

import json

import pytest

from components.edge.alb_rules import AUTONAME_SUFFIX
from components.errors import ConfigError
from components.service.container_definition import TASK_DEFINITION_MAX_BYTES, container_definitions_size
from settings import load_settings
from tests.program.stacks import CONFIGS, run_config
from tools.offline import REGION, RecordingMocks, run_program, stack_config


def judged_size(stack: str, overrides: dict[str, str]) -> int:
    """What settings judges for ``stack`` with ``overrides``: the containers' bytes."""
    config = {**stack_config(stack), **{f"graviton-node:{k}": v for k, v in overrides.items()}}
    values = {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("graviton-node:")}
    settings = load_settings(values, frozenset({"secretValues"}), region=REGION, stack=("graviton-node", stack))
    name = f"{stack}-app"
    return container_definitions_size(
        settings.service, name=name, parameter_path=f"/graviton-node/{stack}/{name}", partition="aws",
        region=REGION, secret_value_names=tuple(settings.secret_values),
        idle_timeout_seconds=settings.load_balancer.idle_timeout_seconds,
    )  # fmt: skip


@pytest.mark.parametrize("program", ["dev", "prod", "maximal"])
def test_the_judged_size_is_the_registered_containers_with_the_two_names_aws_suffixes(program: str) -> None:
    """Under mocks the repository and the log group keep their bare names; AWS adds Pulumi's suffix to each."""
    stack, overrides, _ = CONFIGS[program]
    (task,) = [r for r in run_config(program).mocks.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
    assert judged_size(stack, dict(overrides)) == len(task.inputs["containerDefinitions"]) + 2 * AUTONAME_SUFFIX


def big_environment(characters: int) -> dict[str, str]:
    return {"environment": json.dumps([f"BIG={'x' * characters}"])}


def test_an_environment_that_takes_the_containers_over_64_kib_is_refused_before_anything_is_registered() -> None:
    room = TASK_DEFINITION_MAX_BYTES - judged_size("dev", big_environment(0))
    assert judged_size("dev", big_environment(room)) == TASK_DEFINITION_MAX_BYTES
    assert run_program("dev", big_environment(room)).mocks.resources
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", big_environment(room + 1), mocks=mocks)
    assert error.value.key == "environment" and "Task definition max size" in error.value.allowed
    assert f"{TASK_DEFINITION_MAX_BYTES + 1:,}" in error.value.allowed
    assert mocks.resources == []
