import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.image.ecr_lifecycle import MAX_KEEP_BUILDS, cache_lifecycle_policy, lifecycle_policy
from components.validation import PLATFORMS, image_args
from tests.models.ecr import EcrRepository, LifecyclePolicyRefusedError, lifecycle_refusals


def rules(platform_count: int, keep: int = 10) -> list[dict]:
    return json.loads(lifecycle_policy(tag_prefix="build-", keep_builds=keep, platform_count=platform_count))["rules"]


@pytest.mark.parametrize("platform_count", [1, 2])
def test_rules_are_in_ascending_priority_so_pulumi_shows_no_perpetual_diff(platform_count: int) -> None:
    priorities = [rule["rulePriority"] for rule in rules(platform_count)]
    assert priorities == sorted(priorities) and len(set(priorities)) == len(priorities)


@pytest.mark.parametrize("platform_count", [1, 2])
def test_untagged_manifests_are_expired_by_count_never_by_age(platform_count: int) -> None:
    # Children of a live multi-arch index are untagged; an age rule would delete them under it.
    untagged = [rule for rule in rules(platform_count) if rule["selection"]["tagStatus"] == "untagged"]
    assert len(untagged) == 1
    assert untagged[0]["selection"]["countType"] == "imageCountMoreThan"


@pytest.mark.parametrize(("platform_count", "tagged", "untagged"), [(1, 10, 20), (2, 30, 40)])
def test_the_windows_hold_every_manifest_of_the_kept_builds(platform_count: int, tagged: int, untagged: int) -> None:
    by_status = {rule["selection"]["tagStatus"]: rule["selection"]["countNumber"] for rule in rules(platform_count)}
    assert by_status == {"tagged": tagged, "untagged": untagged}


def test_only_this_programs_build_tags_are_counted() -> None:
    tagged = next(rule for rule in rules(1) if rule["selection"]["tagStatus"] == "tagged")
    assert tagged["selection"]["tagPrefixList"] == ["build-"]


@pytest.mark.parametrize("keep", [0, 1001])
def test_keep_builds_out_of_range_is_rejected(keep: int) -> None:
    with pytest.raises(ConfigError) as error:
        image_args(context=None, dockerfile="Dockerfile", platforms=("linux/arm64",), keep_builds=keep)
    assert error.value.key == "ImageSpec.keep_builds"


def test_superseded_cache_manifests_expire_after_a_week() -> None:
    (rule,) = json.loads(cache_lifecycle_policy())["rules"]
    assert rule["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countUnit": "days",
        "countNumber": 7,
    }


@given(keep=st.integers(1, MAX_KEEP_BUILDS), platform_count=st.integers(1, len(PLATFORMS)))
def test_every_policy_the_program_writes_is_one_ecr_accepts(keep: int, platform_count: int) -> None:
    assert lifecycle_refusals(rules(platform_count, keep)) == []


def test_the_build_cache_policy_is_one_ecr_accepts() -> None:
    assert lifecycle_refusals(json.loads(cache_lifecycle_policy())["rules"]) == []


def rule(priority: int, status: str, **selection: object) -> dict:
    chosen = {"tagStatus": status, "countType": "imageCountMoreThan", "countNumber": 1, **selection}
    return {"rulePriority": priority, "selection": chosen, "action": {"type": "expire"}}


#: ECR User Guide, "Lifecycle policy properties": rulePriority unique; an any rule has the highest
#: rulePriority; tagged needs tagPrefixList or tagPatternList, untagged takes neither; four wildcards at most
#: in a tagPatternList string (the page's own valid and invalid lists).
REFUSED = {
    "two rules with one priority": [rule(1, "untagged"), rule(1, "tagged", tagPrefixList=["a"])],
    "an any rule before another": [rule(1, "any"), rule(2, "untagged")],
    "a tagged rule with no list": [rule(1, "tagged")],
    "an untagged rule with a prefix list": [rule(1, "untagged", tagPrefixList=["a"])],
    "a pattern with six wildcards": [rule(1, "tagged", tagPatternList=["test*1*2*3*4*5*6"])],
}
ACCEPTED = {
    "an any rule last": [rule(1, "untagged"), rule(5, "any")],
    "patterns with four wildcards each": [rule(1, "tagged", tagPatternList=["*test*1*2*3", "test*1*2*3*"])],
    "priorities that are not sequential": [rule(3, "untagged"), rule(10, "tagged", tagPrefixList=["a"])],
}


@pytest.mark.parametrize("case", REFUSED)
def test_the_model_refuses_the_policies_ecr_refuses(case: str) -> None:
    repository = EcrRepository("MUTABLE")
    with pytest.raises(LifecyclePolicyRefusedError):
        repository.expire(json.dumps({"rules": REFUSED[case]}))


@pytest.mark.parametrize("case", ACCEPTED)
def test_the_model_accepts_the_policies_ecr_accepts(case: str) -> None:
    assert lifecycle_refusals(ACCEPTED[case]) == []


def test_an_any_rule_counts_tagged_and_untagged_images_alike() -> None:
    repository = EcrRepository("MUTABLE")
    repository.push("build-1", "sha256:0")
    repository.push("build-1", "sha256:1")  # the moved tag leaves sha256:0 untagged
    repository.push("build-2", "sha256:2")
    assert sorted(repository.expire(json.dumps({"rules": [rule(1, "any")]}))) == ["sha256:0", "sha256:1"]


def test_a_tag_pattern_selects_only_the_images_with_a_tag_it_matches() -> None:
    repository = EcrRepository("MUTABLE")
    for n, tag in enumerate(["build-a-arm64", "build-a-amd64", "build-b-arm64"]):
        repository.push(tag, f"sha256:{n}")
    policy = {"rules": [rule(1, "tagged", tagPatternList=["build-*-arm64"])]}
    assert repository.expire(json.dumps(policy)) == ["sha256:0"]


def test_a_multi_arch_deploy_that_fails_part_way_leaves_the_oldest_kept_index_without_a_platform_image() -> None:
    """docs/images.md, "Three more ways the count misses": a deploy whose amd64 build fails has pushed the
    arm64 image (tagged) but no index, so the tagged window of keepBuilds times 3 manifests holds one manifest
    fewer of the builds before it: with keepBuilds 2, the oldest kept build's arm64 image expires while its
    index stays."""
    repository = EcrRepository("IMMUTABLE_WITH_EXCLUSION", ("build-*",))
    for build in ("A", "B"):
        for platform in ("arm64", "amd64"):
            repository.push(f"build-{build}-{platform}", f"sha256:{build}-{platform}")
        repository.push(f"build-{build}", f"sha256:{build}-index")
    repository.push("build-C-arm64", "sha256:C-arm64")  # the amd64 build failed: no amd64 image, no index
    policy = lifecycle_policy(tag_prefix="build-", keep_builds=2, platform_count=2)
    assert repository.expire(policy) == ["sha256:A-arm64"]
    assert "sha256:A-index" in repository.images and "sha256:A-amd64" in repository.images
