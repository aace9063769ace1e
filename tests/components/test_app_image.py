import json
import os
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.errors import ConfigError
from components.image.app_image import AppImage, AppImageArgs
from components.image.image_spec import ImageSpec
from tools.offline import RecordingMocks

DOCKER = Path(__file__).resolve().parents[2] / "docker"
#: An app of the user's own: its own context, a Dockerfile of another name that declares no platforms.
TINY = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "tiny-app"
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
IMAGE = "docker-build:index:Image"
REPO = "aws:ecr/repository:Repository"


#: What building needs beside the image's spec.
BUILD_FIELDS = ("build_secrets", "builder")


def image(**overrides: Any) -> AppImage:
    """The app image of ``docker/``; ``overrides`` set the spec's fields and the args' ``BUILD_FIELDS``."""
    build = {name: overrides.pop(name) for name in BUILD_FIELDS if name in overrides}
    return AppImage("app", AppImageArgs(spec=ImageSpec(**{"context": DOCKER, **overrides}), **build))


@pytest.fixture(scope="module")
def single(mocked) -> RecordingMocks:
    return mocked(image)


@pytest.fixture(scope="module")
def multi(mocked) -> RecordingMocks:
    return mocked(lambda: image(platforms=("linux/arm64", "linux/amd64")))


def test_the_image_repository_keeps_every_tag_immutable_but_the_deploys_own_and_scans_on_push(
    single: RecordingMocks,
) -> None:
    repo = single.find(REPO, "app-repo").inputs
    assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repo["imageTagMutabilityExclusionFilters"] == [{"filter": "build-*", "filterType": "WILDCARD"}]
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["forceDelete"] is False


def test_force_delete_comes_from_the_args(mocked) -> None:
    assert mocked(lambda: image(force_delete=True)).find(REPO, "app-repo").inputs["forceDelete"] is True


def test_the_build_cache_lives_in_its_own_repository_where_only_cache_tags_are_mutable(single: RecordingMocks) -> None:
    cache = single.find(REPO, "app-cache-repo").inputs
    assert cache["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert cache["imageTagMutabilityExclusionFilters"] == [{"filter": "cache-*", "filterType": "WILDCARD"}]


def test_the_lifecycle_policy_keeps_whole_builds(single: RecordingMocks) -> None:
    policy = single.find("aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle").inputs
    assert policy["repository"] == "app-repo"
    counts = {
        rule["selection"]["tagStatus"]: rule["selection"]["countNumber"]
        for rule in json.loads(policy["policy"])["rules"]
    }
    assert counts == {"tagged": 10, "untagged": 20}


def pushed(mocks: RecordingMocks) -> list[dict[str, Any]]:
    return [inputs for inputs in mocks.inputs_of(IMAGE) if inputs["push"]]


def cache_writers(mocks: RecordingMocks) -> list[dict[str, Any]]:
    return [inputs for inputs in mocks.inputs_of(IMAGE) if not inputs["push"]]


def test_it_builds_linux_arm64_and_pushes_under_a_fully_qualified_content_tag(single: RecordingMocks) -> None:
    (build,) = pushed(single)
    assert build["platforms"] == ["linux/arm64"]
    assert build["push"] is True
    (tag,) = build["tags"]
    assert tag.startswith(f"{REGISTRY}/app-repo:build-")
    assert not tag.endswith(":latest")


def test_it_authenticates_with_the_ecr_token_of_the_repositorys_registry(single: RecordingMocks) -> None:
    build = single.find(IMAGE, "app-image")
    (registry,) = build.inputs["registries"]
    assert "registries" in build.secret_inputs
    assert registry["address"] == REGISTRY
    assert registry["username"] == "AWS"
    assert registry["password"] == "mock-ecr-token"
    token_calls = [
        args for token, args in single.calls if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken"
    ]
    assert token_calls == [{"registryId": "123456789012"}]


def test_the_pushed_image_reads_the_registry_cache_and_never_writes_it(single: RecordingMocks) -> None:
    (build,) = pushed(single)
    assert build["cacheFrom"] == [{"registry": {"ref": f"{REGISTRY}/app-cache-repo:cache-arm64"}}]
    assert "cacheTo" not in build


def test_a_cache_only_build_after_the_push_writes_the_cache_and_never_runs_in_a_preview(
    single: RecordingMocks,
) -> None:
    (writer,) = cache_writers(single)
    (build,) = pushed(single)
    cache_ref = f"{REGISTRY}/app-cache-repo:cache-arm64"
    assert writer["cacheTo"] == [
        {"registry": {"ref": cache_ref, "imageManifest": True, "ociMediaTypes": True, "mode": "max"}}
    ]
    assert (writer["buildOnPreview"], writer["exports"], "tags" in writer) == (False, [{"cacheonly": {}}], False)
    same = ("context", "dockerfile", "platforms", "buildArgs", "cacheFrom", "registries")
    assert {k: writer.get(k) for k in same} == {k: build.get(k) for k in same}
    depends = {single.by_urn(urn).name for urn in single.find(IMAGE, "app-cache").dependencies}
    assert "app-image" in depends


def test_the_dockerfile_comes_from_the_args(mocked) -> None:
    (build,) = pushed(mocked(lambda: image(dockerfile="Dockerfile.graviton")))
    assert build["dockerfile"] == {"location": os.path.relpath(DOCKER / "Dockerfile.graviton")}
    assert build["context"] == {"location": os.path.relpath(DOCKER)}


def test_any_context_and_dockerfile_inside_it_come_from_the_args(mocked) -> None:
    builds = pushed(
        mocked(lambda: image(context=TINY, dockerfile="tiny.Dockerfile", platforms=("linux/arm64", "linux/amd64")))
    )
    assert {build["context"]["location"] for build in builds} == {os.path.relpath(TINY)}
    assert {build["dockerfile"]["location"] for build in builds} == {os.path.relpath(TINY / "tiny.Dockerfile")}
    assert sorted(build["platforms"][0] for build in builds) == ["linux/amd64", "linux/arm64"]


def test_the_npm_ca_bundle_is_passed_as_a_build_secret_and_ignored_in_diffs(mocked) -> None:
    build = mocked(lambda: image(build_secrets={"npm_ca": pulumi.Output.secret("PEM")})).find(IMAGE, "app-image")
    assert build.inputs["secrets"] == {"npm_ca": "PEM"}
    assert "secrets" in build.secret_inputs
    assert build.inputs["ignoreSecretsInDiffCalculation"] == ["npm_ca"]


def test_a_named_builder_builds_both_the_pushed_image_and_its_cache_writer(mocked) -> None:
    builds = mocked(lambda: image(builder="pinned")).inputs_of(IMAGE)
    assert [build["builder"] for build in builds] == [{"name": "pinned"}] * 2


def test_without_a_named_builder_docker_build_chooses_its_own(single: RecordingMocks) -> None:
    assert all("builder" not in build for build in single.inputs_of(IMAGE))


def test_the_image_ref_is_the_pushed_tag_pinned_by_digest(mocked) -> None:
    refs: list[Any] = []
    mocked(lambda: refs.append(image().image_ref.apply(refs.append)))
    ref = refs[-1]
    assert ref.startswith(f"{REGISTRY}/app-repo:build-") and "@sha256:" in ref


def test_multi_arch_builds_one_cached_image_per_platform_and_joins_them_in_an_index(multi: RecordingMocks) -> None:
    builds = cache_writers(multi)
    assert sorted(b["platforms"][0] for b in pushed(multi)) == ["linux/amd64", "linux/arm64"]
    assert sorted(b["cacheTo"][0]["registry"]["ref"].rsplit(":", 1)[1] for b in builds) == [
        "cache-amd64",
        "cache-arm64",
    ]
    index = multi.one("docker-build:index:Index").inputs
    assert index["push"] is True
    assert sorted(s.split("@")[0].rsplit("-", 1)[1] for s in index["sources"]) == ["amd64", "arm64"]
    assert all(source.startswith(index["tag"] + "-") for source in index["sources"])


@pytest.mark.parametrize("platforms", [1, 2], ids=["single", "multi-arch"])
def test_what_was_pushed_stays_when_its_resource_is_replaced_or_deleted(
    single: RecordingMocks, multi: RecordingMocks, platforms: int
) -> None:
    """docker-build deletes by digest (the live image, when a rebuild has the same one): the pushed images
    and the index are retained and left to the lifecycle policy; the cache writer tags nothing, so its
    delete removes nothing from a registry, and the repositories keep their own rule (``forceDelete``)."""
    mocks = single if platforms == 1 else multi
    retained = {r.name for r in mocks.resources if r.retain_on_delete}
    kinds = ("docker-build:index:Index", IMAGE)
    assert retained == {r.name for r in mocks.resources if r.type in kinds and r.inputs.get("push")}
    assert len(retained) == (1 if platforms == 1 else 3)


def test_multi_arch_lifecycle_windows_count_the_index_and_every_platform(multi: RecordingMocks) -> None:
    policy = json.loads(multi.find("aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle").inputs["policy"])
    counts = {rule["selection"]["tagStatus"]: rule["selection"]["countNumber"] for rule in policy["rules"]}
    assert counts == {"tagged": 30, "untagged": 40}


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"platforms": ("linux/amd64",)}, "ImageSpec.platforms"),
        ({"platforms": ("linux/arm64", "linux/s390x")}, "ImageSpec.platforms"),
        ({"platforms": ("linux/arm64", "linux/arm64")}, "ImageSpec.platforms"),
        ({"dockerfile": "Dockerfile.graviton", "platforms": ("linux/arm64", "linux/amd64")}, "ImageSpec.platforms"),
        ({"dockerfile": "Dockerfile.alpine"}, "ImageSpec.dockerfile"),
        ({"dockerfile": "../README.md"}, "ImageSpec.dockerfile"),
        ({"dockerfile": "app"}, "ImageSpec.dockerfile"),
        ({"context": DOCKER / "Dockerfile"}, "ImageSpec.context"),
        ({"context": DOCKER / "missing"}, "ImageSpec.context"),
        ({"keep_builds": 0}, "ImageSpec.keep_builds"),
    ],
)
def test_bad_image_arguments_are_rejected_naming_the_key(overrides: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        ImageSpec(**{"context": DOCKER, **overrides})
    assert error.value.key == key
