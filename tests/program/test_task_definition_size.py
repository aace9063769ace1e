"""No task definition the program registers is over ECS's 64 KiB (Amazon ECS service quotas, "Task
definition max size"; its refusal counts bytes): config that would make one so is refused before anything
is registered. What settings sizes is the RegisterTaskDefinition request the program's resource makes,
as compact UTF-8 JSON, its deploy-time names as long as AWS makes them. Not tried on AWS: which form AWS
measures it in is not documented."""

import json

import pytest

from components.edge.alb_rules import AUTONAME_SUFFIX
from components.errors import ConfigError
from settings import _default_tags
from tests.models.aws_api import Json
from tests.models.aws_contract import CONTRACT
from tests.program.stacks import CONFIGS
from tools.offline import RecordingMocks, run_program

#: ECS's "Task definition max size: 64 KiB" (Amazon ECS service quotas), as the input contract states it.
_DEFINITIONS = CONTRACT.rules["aws:ecs/taskDefinition:TaskDefinition"]["containerDefinitions"]
assert isinstance(_DEFINITIONS, Json) and _DEFINITIONS.limit is not None
TASK_DEFINITION_MAX_BYTES: int = _DEFINITIONS.limit
#: Names AWS gets with Pulumi's suffix, which the mocks leave bare: the repository and the log group the
#: containers name, the two roles.
AUTONAMED_IN_THE_REQUEST = 4


def request_bytes(task_inputs: dict[str, object], default_tags: dict[str, str] | None = None) -> int:
    """The request a registered task definition makes, as the provider and the AWS SDK send it: compact
    JSON, the containers an array (not the string the provider takes), each volume with
    ``configuredAtLaunch`` false and the default tags added (terraform-provider-aws,
    ``internal/service/ecs/task_definition.go``: ``expandVolumes``, ``getTagsIn``)."""
    request: dict[str, object] = {
        **task_inputs,
        "containerDefinitions": json.loads(str(task_inputs["containerDefinitions"])),
    }
    if volumes := task_inputs.get("volumes"):
        request["volumes"] = [{**volume, "configuredAtLaunch": False} for volume in volumes]  # type: ignore[attr-defined]
    if default_tags:
        request["tags"] = [{"key": k, "value": v} for k, v in default_tags.items()]
    return len(json.dumps(request, separators=(",", ":"), ensure_ascii=False).encode())


TASK = "aws:ecs/taskDefinition:TaskDefinition"


def refusal(program: str, overrides: dict[str, str]) -> ConfigError:
    stack, config, secret_keys = CONFIGS[program]
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program(stack, {**config, **overrides}, mocks=mocks, secret_keys=list(secret_keys))
    assert mocks.resources == []
    return error.value


def registered_bytes(program: str, overrides: dict[str, str]) -> int:
    """The bytes of the request ``program`` with ``overrides`` registers, its names as AWS makes them."""
    stack, config, secret_keys = CONFIGS[program]
    run = run_program(stack, {**config, **overrides}, secret_keys=list(secret_keys))
    (task,) = [r for r in run.mocks.resources if r.type == TASK]
    tags = json.loads(overrides.get("aws:defaultTags", "{}")).get("tags")
    return request_bytes(task.inputs, tags) + AUTONAMED_IN_THE_REQUEST * AUTONAME_SUFFIX


def environment(program: str, characters: int, text: str = "x") -> dict[str, str]:
    """``program``'s environment and one variable of an ``x`` (ECS drops an empty value) and ``characters``
    times ``text``."""
    _, config, _ = CONFIGS[program]
    return {"environment": json.dumps([*json.loads(config.get("environment", "[]")), f"BIG=x{text * characters}"])}


@pytest.mark.parametrize("program", ["dev", "prod", "maximal"])
def test_a_task_definition_of_64_kib_is_registered_and_one_byte_more_refused_before_anything_is(program: str) -> None:
    """Settings sizes exactly what is registered: the refusal reports the size, one byte over."""
    room = TASK_DEFINITION_MAX_BYTES - registered_bytes(program, environment(program, 0))
    assert registered_bytes(program, environment(program, room)) == TASK_DEFINITION_MAX_BYTES
    error = refusal(program, environment(program, room + 1))
    assert error.key == "environment" and "Task definition max size" in error.allowed
    assert f"it would take {TASK_DEFINITION_MAX_BYTES + 1:,}" in error.allowed


def test_characters_beyond_ascii_count_the_bytes_utf_8_sends() -> None:
    """An "é" is two bytes on the wire, not the six of a ``\\u00e9`` escape."""
    room = TASK_DEFINITION_MAX_BYTES - registered_bytes("dev", environment("dev", 0))
    assert registered_bytes("dev", environment("dev", room // 2, "é")) <= TASK_DEFINITION_MAX_BYTES
    assert refusal("dev", environment("dev", room // 2 + 1, "é")).key == "environment"


def test_the_providers_default_tags_count_as_they_go_with_the_request() -> None:
    tags = {"aws:defaultTags": json.dumps({"tags": {f"Tag{i}": "v" * 250 for i in range(40)}})}
    room = TASK_DEFINITION_MAX_BYTES - registered_bytes("dev", {**tags, **environment("dev", 0)})
    assert registered_bytes("dev", {**tags, **environment("dev", room)}) == TASK_DEFINITION_MAX_BYTES
    error = refusal("dev", {**tags, **environment("dev", room + 1)})
    assert error.key == "environment" and "the provider's 40 default tags take" in error.allowed


def test_the_refusal_names_the_secrets_when_they_are_the_larger_part() -> None:
    """Entries of one Secrets Manager secret by JSON key take one ARN in the execution policy, which
    then fits, and one entry each in the task definition."""
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/dev/db-AbCdEf"
    entries = [f"KEY_{i:04d}_{'N' * 60}={secret}:key{i}::" for i in range(600)]
    error = refusal("dev", {"secrets": json.dumps(entries)})
    assert error.key == "secrets" and error.value.startswith("600 entries, ")


@pytest.mark.parametrize(
    ("value", "tags"),
    [
        ('{"tags": {"Team": "web"}}', {"Team": "web"}),
        ("{}", {}),
        ('{"tags": null}', {}),
        ('"text"', {}),
        ('{"tags": ["Team"]}', {}),
        ("not json", {}),
    ],
)
def test_the_default_tags_are_read_from_every_form_another_namespaces_config_takes(
    value: str, tags: dict[str, str]
) -> None:
    """Pulumi hands the program an object of another namespace as a JSON string; what is no object of
    tags counts none (the provider refuses it anyway)."""
    assert _default_tags({"aws:defaultTags": value}) == tags
