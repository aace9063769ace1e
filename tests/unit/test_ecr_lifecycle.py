import json

import pytest

from components.errors import ConfigError
from components.image.ecr_lifecycle import cache_lifecycle_policy, lifecycle_policy
from components.validation import image_args


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
