"""A newcomer's own app, built from the context and Dockerfile the stack is configured with, passes the
container contract's checks (`tools/check_image.py`), as README "Replace the sample app" walks it."""

import pytest

from components.image.build_tag import build_tag
from tests.program.stacks import recorded_run
from tools import check_image
from tools.image_build import Environment, build, platform_manifests, split_ref
from tools.offline import ROOT

pytestmark = pytest.mark.image

#: The checklist's points for an image with no writable path (docs/app-contract.md, "Checklist for your own image").
POINTS = 12

#: The app's own context and Dockerfile (tests/fixtures/tiny-app), on a port and health path of its own.
OWN_APP = ["dockerContext=tests/fixtures/tiny-app", "dockerfile=tiny.Dockerfile", "containerPort=8081",
           "healthCheckPath=/ready"]  # fmt: skip


@pytest.fixture(scope="module")
def own_app(image_env: Environment) -> str:
    """The app built as the program registers its build: the context and Dockerfile of the docker-build Image."""
    run = recorded_run("dev", dict(item.split("=", 1) for item in OWN_APP))
    inputs = next(r.inputs for r in run.mocks.resources if r.type == "docker-build:index:Image" and r.inputs["push"])
    context = ROOT / inputs["context"]["location"]
    dockerfile = (ROOT / inputs["dockerfile"]["location"]).relative_to(context).as_posix()
    (platform,) = inputs["platforms"]
    tag = build_tag(context, dockerfile=dockerfile, platforms=(platform,), build_args={"base": image_env.node_image})
    ref = f"{image_env.registry}/graviton-node/own-app:{tag}"
    build(image_env, dockerfile=dockerfile, platform=platform, ref=ref, context=context,
          cache_ref=f"{image_env.registry}/graviton-node/cache:own-app-arm64")  # fmt: skip
    return ref


def test_the_own_app_is_an_arm64_image(own_app: str) -> None:
    registry, repository, tag = split_ref(own_app)
    assert list(platform_manifests(registry, repository, tag)) == ["linux/arm64"]


def test_the_own_app_passes_every_point_of_the_contract_on_the_stacks_port_and_health_path(own_app: str) -> None:
    lines: list[str] = []
    settings = [word for item in OWN_APP for word in ("--set", item)]
    code = check_image.main([own_app, "--stack", "dev", *settings], out=lines.append)
    assert code == 0, "\n".join(lines)
    assert len(lines) == POINTS and all(line.startswith("PASS") for line in lines)
    assert any("PORT=8081, /ready answers 200" in line for line in lines)
