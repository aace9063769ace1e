"""A file named by a build secret's key (``BUILD_SECRET_FILES``: ``npmrcFile``, ``npmCaBundle``) reaches both builds of
the image, the pushed one and the cache-only one, as a BuildKit secret: its content secret on the way to the
engine, no part of the build tag, and left out of docker-build's diff while it is set (pulumi-docker-build
``provider/internal/image.go`` ``Diff``, modelled in ``tests/models/docker_build.py``), so a rotated token
rebuilds nothing, while adding or removing the file rebuilds once."""

import json
from pathlib import Path
from typing import Any

import pulumi.runtime.mocks
import pytest
from google.protobuf import json_format

from components.errors import ConfigError
from settings import BUILD_SECRET_FILES
from tests.models.docker_build import IMAGE
from tests.program.test_secrets_stay_secret import wholly_secret
from tools.offline import Run, run_program

NPMRC = Path(__file__).resolve().parent / "fixtures" / "test.npmrc"
TOKEN = "npmrc-test-token-4c1f9e"


def builds(run: Run) -> dict[str, dict[str, Any]]:
    """The docker-build Images by name: the pushed one and the cache-only one."""
    return {r.name: r.inputs for r in run.mocks.resources if r.type == IMAGE}


def plain(value: Any) -> Any:
    """What an input sent to the engine shows in plain text: every secret-marked value taken out."""
    if wholly_secret(value):
        return None
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def sent_in_plain(config: dict[str, str]) -> str:
    """Every input the program sends the engine, secret-marked values taken out, as one text."""
    sent: list[Any] = []
    register = pulumi.runtime.mocks.MockMonitor.RegisterResource

    def spy(monitor: Any, request: Any) -> Any:
        sent.append(plain(json_format.MessageToDict(request.object)))
        return register(monitor, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pulumi.runtime.mocks.MockMonitor, "RegisterResource", spy)
        run_program("dev", config)
    return json.dumps(sent)


def test_the_npmrc_file_reaches_the_pushed_and_the_cache_build_as_the_npmrc_secret() -> None:
    images = builds(run_program("dev", {"npmrcFile": str(NPMRC)}))
    assert sorted(images) == ["dev-app-cache", "dev-app-image"]
    for inputs in images.values():
        assert inputs["secrets"] == {"npmrc": NPMRC.read_text()}
        assert inputs["ignoreSecretsInDiffCalculation"] == ["npmrc"]


def test_the_token_reaches_the_engine_only_as_a_secret() -> None:
    assert TOKEN in NPMRC.read_text()
    assert TOKEN not in sent_in_plain({"npmrcFile": str(NPMRC)})


def test_the_npmrc_file_changes_no_build_tag_nor_any_other_input_of_the_builds() -> None:
    def besides_secrets(run: Run) -> dict[str, dict[str, Any]]:
        drop = ("secrets", "ignoreSecretsInDiffCalculation")
        return {name: {k: v for k, v in inputs.items() if k not in drop} for name, inputs in builds(run).items()}

    with_npmrc = besides_secrets(run_program("dev", {"npmrcFile": str(NPMRC)}))
    assert with_npmrc == besides_secrets(run_program("dev"))
    assert with_npmrc["dev-app-image"]["tags"]


def test_every_build_secret_file_is_refused_before_anything_is_registered_when_it_cannot_be_read() -> None:
    for key in BUILD_SECRET_FILES:
        with pytest.raises(ConfigError) as error:
            run_program("dev", {key: "no/such/file"})
        (refused,) = error.value.errors
        assert (refused.key, refused.value) == (key, "no/such/file")
        assert "there is no readable file at" in refused.allowed


def test_an_npmrc_file_inside_the_build_context_is_refused_as_a_credential_the_context_would_carry() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"npmrcFile": "docker/app/package.json"})
    (refused,) = error.value.errors
    assert refused.key == "npmrcFile" and "inside dockerContext" in refused.allowed


def test_an_npmrc_file_is_not_held_against_a_refused_build_contexts_stand_in() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"dockerContext": "../elsewhere", "npmrcFile": "docker/app/package.json"})
    assert [refused.key for refused in error.value.errors] == ["dockerContext"]
