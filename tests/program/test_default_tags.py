"""The provider's default tags (``aws:defaultTags``) go on every taggable resource unchecked: a tag AWS
refuses, or one too many beside a resource's own, fails ``pulumi up`` at the first create, after the image
push. The program refuses them first (``components.tag_rules``), before it registers anything."""

from __future__ import annotations

import json

import pytest

from components.errors import ConfigError
from components.tag_rules import MAX_TAGS
from settings import OWN_TAG_KEYS
from tests.program.stacks import CONFIGS, run_config
from tools.offline import RecordingMocks, run_program


def default_tags(tags: dict[str, str]) -> dict[str, str]:
    return {"aws:defaultTags": json.dumps({"tags": tags})}


@pytest.mark.parametrize(
    "tags",
    [
        {"cost-center": "R&D #42"},
        {"aws:owner": "x"},
        {f"tag-{index}": "v" for index in range(MAX_TAGS)},
    ],
)
def test_default_tags_aws_would_refuse_are_refused_before_any_resource_is_registered(tags: dict[str, str]) -> None:
    stack, config, secret_keys = CONFIGS["dev"]
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program(stack, {**config, **default_tags(tags)}, mocks=mocks, secret_keys=list(secret_keys))
    assert error.value.key == "aws:defaultTags" and mocks.resources == []


def test_as_many_default_tags_as_leave_room_for_each_resources_own_are_taken() -> None:
    most_own = max(len(keys) for keys in OWN_TAG_KEYS)
    stack, config, _ = CONFIGS["dev"]
    tags = {f"tag-{index}": "é 日本 +-=._:/@" for index in range(MAX_TAGS - most_own)}
    run_program(stack, {**config, **default_tags(tags)})


@pytest.mark.parametrize("program", list(CONFIGS))
def test_every_resource_carries_own_tags_the_count_allows_for(program: str) -> None:
    own = {
        (resource.type, resource.name): set(resource.inputs["tags"])
        for resource in run_config(program).mocks.resources
        if resource.type.startswith("aws:") and isinstance(resource.inputs.get("tags"), dict)
    }
    assert own and all(any(keys <= set(allowed) for allowed in OWN_TAG_KEYS) for keys in own.values())
