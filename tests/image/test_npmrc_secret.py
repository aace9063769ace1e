"""An .npmrc handed to the build as the ``npmrc`` secret (``npmrcFile``) reaches ``npm ci`` and nothing anyone
can pull: no layer or config of the pushed image, and none of the registry cache, which exports the build
stage's layers too (``mode=max``)."""

import json
import shutil
import uuid
from pathlib import Path

import pytest

from components.image.build_tag import build_tag
from tools.image_build import DOCKER_DIR, Environment, build, manifest_of, platform_manifests, split_ref, stored_blobs

pytestmark = pytest.mark.image

TOKEN = f"npmrc-token-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def built_with_npmrc(image_env: Environment, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """The Graviton image built with an .npmrc that holds a token for a registry no package comes from and
    turns npm's log up, so the log shows npm read it: the image's ref, its cache's ref and the build's
    progress. A cached npm ci step would never see the secret, so the context's package.json carries a
    description no other build had: the install step and those after it run, and nothing else is rebuilt
    (a ``--no-cache`` build beside the other image tests on the one builder disturbed their cache
    decisions)."""
    context = tmp_path_factory.mktemp("npmrc-context") / "docker"
    shutil.copytree(DOCKER_DIR, context, ignore=shutil.ignore_patterns("node_modules"))
    package = context / "app" / "package.json"
    manifest = json.loads(package.read_text())
    package.write_text(json.dumps({**manifest, "description": f"npmrc test {uuid.uuid4()}"}, indent=2) + "\n")
    npmrc = tmp_path_factory.mktemp("npmrc") / ".npmrc"
    npmrc.write_text(
        f"loglevel=verbose\n//npm.invalid/:_authToken={TOKEN}\n@graviton-test:registry=https://npm.invalid/\n"
    )
    tag = build_tag(
        context,
        dockerfile="Dockerfile.graviton",
        platforms=("linux/arm64",),
        build_args={"base": image_env.node_image},
    )
    ref = f"{image_env.registry}/graviton-node/app-npmrc:{tag}"
    cache_ref = f"{image_env.registry}/graviton-node/cache:npmrc-arm64"
    progress: list[str] = []
    build(image_env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=ref, cache_ref=cache_ref,
          context=context, secrets={"npmrc": Path(npmrc)}, progress=progress)  # fmt: skip
    return ref, cache_ref, "".join(progress)


def test_npm_ci_reads_the_npmrc_secret_as_its_user_config(built_with_npmrc: tuple[str, str, str]) -> None:
    assert "npm verbose" in built_with_npmrc[2]


def test_no_layer_or_config_of_the_pushed_image_holds_the_token(built_with_npmrc: tuple[str, str, str]) -> None:
    registry, repository, tag = split_ref(built_with_npmrc[0])
    (manifest,) = platform_manifests(registry, repository, tag).values()
    holding = [digest for digest, data in stored_blobs(registry, repository, manifest) if TOKEN.encode() in data]
    assert holding == []


def test_no_layer_of_the_registry_cache_holds_the_token(built_with_npmrc: tuple[str, str, str]) -> None:
    registry, repository, tag = split_ref(built_with_npmrc[1])
    manifest = manifest_of(registry, repository, tag)
    blobs = dict(stored_blobs(registry, repository, manifest))
    assert len(blobs) > 3, "the cache holds the build stage's layers (mode=max), npm ci's among them"
    assert [digest for digest, data in blobs.items() if TOKEN.encode() in data] == []
