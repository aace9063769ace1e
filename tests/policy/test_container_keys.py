"""The pack reads a task's container definitions as the provider does (``tests/models/go_json.py``): keys
in any case, the last of a field winning. Held to the model over generated key-case variants: what the
pack finds in the text as written is what it finds in the containers Go decodes from it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from containers import ECS8_SECRET_KEYS
from tests.models import go_json
from tests.policy.engine import violations

TASK = "aws:ecs/taskDefinition:TaskDefinition"
#: Per letter: itself in either case, or a rune Go folds to it (long s, Kelvin sign) or does not (dotless i).
_SPECIAL = {"s": "\u017f", "k": "\u212a", "i": "\u0131"}


def _spellings(name: str) -> st.SearchStrategy[str]:
    letters = [st.sampled_from([c.lower(), c.upper(), c.lower(), c.upper(), _SPECIAL.get(c.lower(), c)]) for c in name]
    return st.tuples(*letters).map("".join)


def _key(field: str) -> st.SearchStrategy[str]:
    camel = field[0].lower() + field[1:]
    return st.one_of(st.just(camel), st.just(field), _spellings(camel))


class Written(list[tuple[str, Any]]):
    """A JSON object as written: its keys and values in order, duplicates kept."""


def _pairs(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Written]:
    """An object as written: fields in any order, any spelling, some twice."""
    # Each field's pair strategy is built once, not per draw: flatmap hands the same draws to an equal
    # strategy either way, and building one per draw cost most of the test's time.
    pair = {f: st.tuples(_key(f), fields[f]) for f in fields}
    one = st.sampled_from(sorted(fields)).flatmap(pair.__getitem__)
    return st.lists(one, max_size=9).map(Written)


_ENVIRONMENT_ITEM = _pairs({
    "Name": st.sampled_from(["DB_PASSWORD", "MODE", "ECS_ENGINE_AUTH_DATA", "AWS_ACCESS_KEY_ID"]),
    "Value": st.just("x"),
})  # fmt: skip
_CONTAINER = _pairs({
    "Name": st.sampled_from(["app", "web"]),
    "User": st.sampled_from(["1000:1000", "0", "root", None]),
    "Privileged": st.sampled_from([True, False, None]),
    "ReadonlyRootFilesystem": st.booleans(),
    "StopTimeout": st.sampled_from([30, 600, None]),
    "Environment": st.lists(_ENVIRONMENT_ITEM, max_size=2),
    "LogConfiguration": _pairs({"LogDriver": st.sampled_from(["awslogs", None])}),
})  # fmt: skip


def _written(value: Any) -> str:
    """JSON text that keeps every key as written, duplicates and order included."""
    if isinstance(value, Written):
        return "{" + ",".join(f"{json.dumps(k)}:{_written(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_written(v) for v in value) + "]"
    return json.dumps(value)


def _decoded(pairs: Written, fields: tuple[str, ...]) -> dict[str, Any]:
    """What Go decodes, under the names the SDK's own JSON uses (camelCase)."""
    filled = go_json.fill(pairs, fields)
    for field, (inner, is_list) in go_json.NESTED.items():
        if field in filled and filled[field] is not None:
            value = filled[field]
            filled[field] = [go_json.fill(p, inner) for p in value] if is_list else go_json.fill(value, inner)
    return {f[0].lower() + f[1:]: v for f, v in filled.items()}


@examples(max_examples=300, deadline=None)
@given(container=_CONTAINER)
def test_the_pack_finds_in_a_container_what_it_finds_in_the_container_go_decodes(
    container: Written,
) -> None:
    written = f"[{_written(container)}]"
    decoded = json.dumps([_decoded(container, go_json.CONTAINER_DEFINITION)])
    assert violations(TASK, {"containerDefinitions": written}) == violations(TASK, {"containerDefinitions": decoded})


def test_the_go_model_matches_keys_in_any_case_under_simple_folding_and_keeps_the_last() -> None:
    pairs = [
        ("user", "1000"),
        ("USER", "0"),
        ("privi\u0131eged", True),
        ("pr\u0131vileged", True),
        ("\u017ftopTimeout", 5),
    ]
    assert go_json.fill(pairs, go_json.CONTAINER_DEFINITION) == {"User": "0", "StopTimeout": 5}


def test_a_privileged_root_container_spelled_as_cloudformation_spells_it_is_reported() -> None:
    written = json.dumps([{
        "Name": "app", "User": "0", "StopTimeout": 30, "Privileged": True, "ReadonlyRootFilesystem": False,
        "Environment": [{"Name": "DB_PASSWORD", "Value": "x"}], "LogConfiguration": {"LogDriver": "awslogs"},
    }])  # fmt: skip
    found = [m.split(";")[0] for m in violations(TASK, {"containerDefinitions": written}) if "Container 'app'" in m]
    assert found == [
        "containers-graceful-non-root: Container 'app' may run as root or in root's group (user '0')",
        "ecs-containers-hardened: Container 'app' is privileged",
        "ecs-containers-hardened: Container 'app' has a writable root",
        "ecs-containers-hardened: Container 'app' passes DB_PASSWORD as plain environment",
    ]


@pytest.mark.parametrize("name", sorted(ECS8_SECRET_KEYS))
def test_every_name_security_hubs_ecs_8_looks_for_is_reported_in_plain_environment(name: str) -> None:
    written = json.dumps([{"name": "app", "environment": [{"name": name, "value": "x"}]}])
    assert f"passes {name} as plain environment" in " ".join(violations(TASK, {"containerDefinitions": written}))
