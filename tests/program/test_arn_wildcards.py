"""No key that names a resource by ARN takes an IAM wildcard: each ARN lands in a role's or a key's policy,
where ``*`` and ``?`` would grant every resource they match (or, in a ``Principal``, match no one)."""

import json

import pytest

from components.errors import ConfigError
from settings import ARN_KEYS, KEYS_BY_NAME, load_settings

#: A value each ARN key takes, in the dev stack's region.
VALID = {
    "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/shared",
    "deployerRoleArn": "arn:aws:iam::123456789012:role/ci/graviton-node-deploy-dev",
    "execKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "permissionsBoundaryArn": "arn:aws:iam::123456789012:policy/team-boundary",
    "secrets": "DB=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    "secretsKmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
}


def wildcard_spellings(value: str) -> list[str]:
    """``value`` with a wildcard in its resource part: as its last character, in its middle, and as all of
    its last segment."""
    head, _, last = value.rpartition("/") if "/" in value.rpartition(":")[2] else value.rpartition(":")
    middle = len(value) - len(last) // 2
    separator = value[len(head)]
    return [value[:-1] + "*", value[:-1] + "?", value[:middle] + "*" + value[middle:], head + separator + "*"]


CASES = [(key, spelled) for key in sorted(VALID) for spelled in wildcard_spellings(VALID[key])]


def config(key: str, value: str) -> dict[str, str]:
    """The config setting ``key`` to ``value`` (an array key's one entry), with what the key needs to be read."""
    given = json.dumps([value]) if KEYS_BY_NAME[key].type == "array" else value
    needs = {"certificateArn": {"domainName": "app.example.com"}, "clusterArn": {"containerInsights": "enhanced"},
             "execKmsKeyArn": {"enableExecuteCommand": "true"}}.get(key, {})  # fmt: skip
    return {key: given, **needs}


def test_every_key_naming_an_arn_is_tried_with_wildcards() -> None:
    assert set(VALID) == set(ARN_KEYS)


@pytest.mark.parametrize("key", sorted(VALID))
def test_each_arn_key_takes_its_plain_value(key: str) -> None:
    load_settings(config(key, VALID[key]), region="us-east-1")


@pytest.mark.parametrize(("key", "value"), CASES)
def test_an_arn_key_refuses_a_wildcard_in_the_resource_part_naming_the_key_and_the_value(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(config(key, value), region="us-east-1")
    assert [(e.key, e.value) for e in error.value.errors] == [(key, value)]
