"""An existing cluster's ARN is held to ECS's form in every partition, its name to ECS's cluster names."""

import json
import re
from pathlib import Path

import botocore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.resource_arns import cluster_arn
from tests.models.aws_api import documentation

PARTITIONS = [
    p["partition"]
    for p in json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())["partitions"]
]


def _name_rule() -> tuple[str, int]:
    """The characters and the length botocore documents for a cluster name."""
    text = documentation("ecs", "CreateClusterRequest.clusterName")
    found = re.search(r"Up to (\d+) letters \(uppercase and lowercase\), numbers, underscores, and hyphens", text)
    assert found, "botocore documents the cluster name's rule"
    return "A-Za-z0-9_-", int(found[1])


CHARS, MAX = _name_rule()
NAME_CHARS = "abcxyzABCXYZ0189_-"


@pytest.mark.parametrize("partition", PARTITIONS)
def test_a_cluster_of_every_partition_is_accepted(partition: str) -> None:
    assert cluster_arn("k", f"arn:{partition}:ecs:us-east-1:123456789012:cluster/shop")


@given(name=st.text(alphabet=NAME_CHARS + "./: é", min_size=0, max_size=MAX + 5))
def test_a_cluster_name_is_accepted_exactly_when_ecs_takes_it(name: str) -> None:
    ok = 1 <= len(name) <= MAX and re.fullmatch(f"[{CHARS}]+", name) is not None
    arn = f"arn:aws:ecs:eu-west-1:123456789012:cluster/{name}"
    if ok:
        assert cluster_arn("k", arn) == arn
    else:
        with pytest.raises(ConfigError):
            cluster_arn("k", arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::1:cluster/",  # the review's: not ECS, no region, no account, no name
        "arn:aws:ecs:us-east-1:123456789012:cluster/",
        "arn:aws:ecs:us-east-1:1234:cluster/shop",
        "arn:aws:ecs:us-east-1:123456789012:service/shop/api",
        "arn:aws:ecs:us-east-1:123456789012:cluster/shop/extra",
        "bogus",
    ],
)
def test_anything_but_an_ecs_cluster_arn_is_refused(arn: str) -> None:
    with pytest.raises(ConfigError) as error:
        cluster_arn("ExistingCluster.arn", arn)
    assert error.value.key == "ExistingCluster.arn"
