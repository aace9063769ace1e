"""A newcomer's own app replaces the sample: its own context folder and a Dockerfile of any name, built
and run by the program as the sample is (README, "Replace the sample app").

The app is ``tests/fixtures/tiny-app`` (``tiny.Dockerfile``); ``tests/image/test_own_app_image.py`` builds it
for real and runs the container contract's checks on it."""

import json
import shutil
from pathlib import Path

import pytest

from components.errors import ConfigError
from tests.models.docker_build import IMAGE, INDEX
from tests.program.stacks import recorded_run
from tools.emulated_platforms import emulated
from tools.offline import ROOT, RecordingMocks, Run, run_program

TINY = "tests/fixtures/tiny-app"
OWN_APP = {"dockerContext": TINY, "dockerfile": "tiny.Dockerfile"}
BOTH = '["linux/arm64", "linux/amd64"]'
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def pushed(run: Run) -> list[dict]:
    return [r.inputs for r in run.mocks.resources if r.type == IMAGE and r.inputs["push"]]


def image_of_task(run: Run) -> str:
    (container, *_) = json.loads(run.mocks.one(TASK).inputs["containerDefinitions"])
    return container["image"]


def test_the_image_is_built_from_the_apps_own_context_and_dockerfile() -> None:
    run = recorded_run("dev", OWN_APP)
    builds = [r.inputs for r in run.mocks.resources if r.type == IMAGE]
    assert len(builds) == 2, "the pushed image and its cache writer"
    for build in builds:
        assert build["context"] == {"location": TINY}
        assert build["dockerfile"] == {"location": f"{TINY}/tiny.Dockerfile"}
        assert build["platforms"] == ["linux/arm64"]


def test_the_task_runs_the_image_built_from_the_apps_context() -> None:
    run = recorded_run("dev", OWN_APP)
    (build,) = pushed(run)
    assert image_of_task(run) == run.outputs["image_ref"]
    assert run.outputs["image_ref"].startswith(build["tags"][0] + "@sha256:")


def test_a_dockerfile_that_declares_no_platforms_builds_both() -> None:
    """Only a Dockerfile that declares arm64 only (as ``Dockerfile.graviton`` does) is held to it."""
    run = recorded_run("dev", OWN_APP | {"platforms": BOTH})
    assert sorted(build["platforms"][0] for build in pushed(run)) == ["linux/amd64", "linux/arm64"]
    assert {build["dockerfile"]["location"] for build in pushed(run)} == {f"{TINY}/tiny.Dockerfile"}
    index = run.mocks.one(INDEX).inputs
    assert image_of_task(run) == run.outputs["image_ref"] and run.outputs["image_ref"].startswith(index["tag"] + "@")


def test_the_sample_and_the_app_get_different_tags() -> None:
    (sample,) = pushed(recorded_run("dev", {"dockerfile": "Dockerfile"}))
    (own,) = pushed(recorded_run("dev", OWN_APP))
    assert sample["tags"] != own["tags"]


def project_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """This project at another path with an app of the user's in ``myapp/``."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "docker", root / "docker", ignore=shutil.ignore_patterns("node_modules"))
    for name, text in files.items():
        (root / "myapp" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "myapp" / name).write_text(text)
    return root


ARM64_ONLY = 'FROM node:22\nLABEL graviton-node.platforms="linux/arm64"\nCMD ["node", "server.js"]\n'


def test_a_dockerfile_of_any_name_that_declares_arm64_only_is_refused_for_two_platforms(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"build/app.Dockerfile": ARM64_ONLY})
    mocks = RecordingMocks()
    overrides = {"dockerContext": "myapp", "dockerfile": "build/app.Dockerfile", "platforms": BOTH}
    with pytest.raises(ConfigError) as error:
        run_program("dev", overrides, mocks=mocks, root=root)
    assert (error.value.key, error.value.value) == ("platforms", ["linux/arm64", "linux/amd64"])
    assert 'dockerfile build/app.Dockerfile declares it builds (LABEL graviton-node.platforms="linux/arm64")' in (
        error.value.allowed
    )
    assert mocks.resources == []


def test_the_same_dockerfile_builds_arm64(tmp_path: Path) -> None:
    root = project_with(tmp_path, {"build/app.Dockerfile": ARM64_ONLY})
    run = run_program("dev", {"dockerContext": "myapp", "dockerfile": "build/app.Dockerfile"}, root=root)
    (build,) = pushed(run)
    assert build["dockerfile"] == {"location": "myapp/build/app.Dockerfile"} and build["platforms"] == ["linux/arm64"]


def test_a_context_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM node:22\n")
    root = project_with(tmp_path, {})
    (root / "linked").symlink_to(outside)
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"dockerContext": "linked", "dockerfile": "Dockerfile"}, mocks=mocks, root=root)
    assert (error.value.key, error.value.value) == ("dockerContext", "linked")
    assert "outside the project" in error.value.allowed
    assert mocks.resources == []


def test_a_missing_context_is_the_only_mistake_named_not_a_dockerfile_looked_for_in_the_samples_folder() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"dockerContext": "services/api", "dockerfile": "deploy/api.Dockerfile"})
    assert [one.key for one in error.value.errors] == ["dockerContext"]
    assert "no such folder" in error.value.errors[0].allowed


EMULATED = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
CROSS = "FROM --platform=$BUILDPLATFORM node:22 AS build\nRUN npm ci\nFROM node:22\nCOPY --from=build /app /app\n"


@pytest.mark.parametrize(
    ("dockerfile", "platforms", "expected"),
    [
        (EMULATED, BOTH, {"linux/arm64": "myapp/Dockerfile:4", "linux/amd64": "myapp/Dockerfile:4"}),
        (EMULATED, '["linux/arm64"]', {"linux/arm64": "myapp/Dockerfile:4"}),
        (CROSS, BOTH, {}),
    ],
    ids=["runs-on-both-targets", "runs-on-arm64", "cross-compiles"],
)
def test_deploy_is_told_which_platforms_the_own_dockerfile_runs_commands_on(
    tmp_path: Path, dockerfile: str, platforms: str, expected: dict[str, str]
) -> None:
    """``tools/deploy.sh`` checks its builder can run these (an emulator on another machine) before it deploys."""
    root = project_with(tmp_path, {"Dockerfile": dockerfile})
    run = run_program("dev", {"dockerContext": "myapp", "dockerfile": "Dockerfile", "platforms": platforms}, root=root)
    assert emulated(run, root) == expected


def test_the_samples_stacks_run_nothing_on_their_target() -> None:
    assert emulated(recorded_run("dev")) == {} and emulated(recorded_run("prod")) == {}
