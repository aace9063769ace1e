"""The CI setup of docs/ci.md works in every partition: each document of docs/ci-roles/, filled in by
``tools/ci_roles.py`` for a region, names that region's partition only, and each trust takes the token
audience GitHub's token carries there, which the workflows ask for (tests/models/github_oidc.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from botocore.loaders import Loader

from components.errors import ConfigError
from components.resource_arns import kms_key_arn
from tests.ci.test_identities import FILLED, REPOSITORY, ROLES, TEMPLATE
from tests.ci.test_workflows import FILES, ROOT, load, steps_using
from tests.models.github_oidc import AUDIENCE, JobToken, admits, partition_audience, requested_audience
from tests.program.test_arn_shapes import foreign_partitions
from tools.ci_roles import audience, fill, main, region_values

DOCUMENTS = sorted(ROLES.glob("*.json"))
#: A region of the commercial partition, of GovCloud and of China.
REGIONS = ("us-east-1", "us-gov-west-1", "cn-north-1")
STACK = {"STACK": "dev", "STACK_KEY_ID": "1234abcd-12ab-34cd-56ef-1234567890ab"}
PARTITIONS = [partition["partition"] for partition in Loader().load_data("endpoints")["partitions"]]


def filled_in(path: Path, region: str) -> str:
    return fill(path.read_text(), {**FILLED, **STACK, **region_values(region)})


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_each_document_filled_in_for_a_region_names_that_regions_partition_only(path: Path, region: str) -> None:
    """IAM refuses a policy naming another partition's ARN (``check.in_partition``)."""
    text = filled_in(path, region)
    partition = region_values(region)["PARTITION"]
    assert foreign_partitions(text, partition) == set()
    assert f"arn:{partition}:" in text


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_no_document_writes_a_partition_or_an_audience_of_its_own(path: Path) -> None:
    text = path.read_text()
    assert re.findall(r"arn:[\w-]+:", text) == [] and "amazonaws" not in text


@pytest.mark.parametrize("partition", PARTITIONS)
def test_the_tool_fills_in_the_audience_githubs_token_carries_in_each_partition(partition: str) -> None:
    assert audience(partition) == partition_audience(partition)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("path", sorted(ROLES.glob("*.trust.json")), ids=lambda path: path.name)
def test_each_trust_admits_its_partitions_audience_and_no_other(path: Path, region: str) -> None:
    trust = json.loads(filled_in(path, region))
    ((statement,),) = [trust["Statement"]]
    provider = statement["Principal"]["Federated"]
    equals, like = statement["Condition"]["StringEquals"], statement["Condition"].get("StringLike", {})
    ref = "refs/pull/7/merge" if like else "refs/heads/main"
    sub = {**equals, **like}["token.actions.githubusercontent.com:sub"]
    named = re.fullmatch(r".*:environment:([\w-]+):ref:.*/\.github/workflows/([\w.-]+)@.*", sub)
    assert named, sub
    environment, workflow = named.groups()
    expected = partition_audience(region_values(region)["PARTITION"])
    for aud in {expected, AUDIENCE, "sts.amazonaws.com.cn"}:
        token = JobToken(repository=REPOSITORY, event_name="pull_request" if like else "push", ref=ref,
                         workflow_path=f".github/workflows/{workflow}", environment=environment, aud=aud)  # fmt: skip
        assert admits(trust, provider_arn=provider, template=TEMPLATE, token=token) == (aud == expected), aud


def audience_steps() -> list[dict[str, str]]:
    return [step["with"] for path in FILES for job in load(path.name)["jobs"].values()
            for step in steps_using(job, "aws-actions/configure-aws-credentials")]  # fmt: skip


def test_every_step_that_assumes_a_role_asks_for_the_audience_its_environment_sets() -> None:
    """docs/ci.md: in China each environment sets ``AWS_OIDC_AUDIENCE``; elsewhere none does."""
    docs = (ROOT / "docs" / "ci.md").read_text()
    (china,) = re.findall(r"every environment also holds `AWS_OIDC_AUDIENCE`, `([^`]+)`", docs)
    assert china == partition_audience("aws-cn")
    steps = audience_steps()
    assert len(steps) == 4  # the preview's, the deploy's and its checks' after the update, the acceptance run's
    for inputs in steps:
        assert requested_audience(inputs, {}) == partition_audience("aws")
        assert requested_audience(inputs, {"AWS_OIDC_AUDIENCE": china}) == china


def test_the_tool_refuses_a_region_of_no_partition_and_a_placeholder_left_without_a_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--account", "111122223333", "--region", "moon-east-1", str(ROLES / "state-key.policy.json")])
    assert "no region of an AWS partition" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--account", "111122223333", "--region", "cn-north-1", str(ROLES / "preview.policy.json")])
    assert "no value for STACK (--stack), STACK_KEY_ID (--key-id), STATE_BUCKET (--bucket)" in capsys.readouterr().err


def test_the_tool_refuses_a_value_that_would_widen_a_statement(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--account", "1111*", "--region", "us-east-1", str(ROLES / "state-key.policy.json")])
    assert "--account: '1111*' is not an AWS account ID: 12 digits" in capsys.readouterr().err


def test_the_state_key_policy_is_filled_in_for_chinas_partition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--account", "111122223333", "--region", "cn-north-1", str(ROLES / "state-key.policy.json")]) == 0
    printed = json.loads(capsys.readouterr().out)
    denied = printed["Statement"][1]["Condition"]["ArnLike"]["aws:PrincipalArn"]
    assert denied == "arn:aws-cn:iam::111122223333:role/graviton-node/*"


@pytest.mark.parametrize(
    "key_id",
    [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "0123",
        "1234abcd-12ab-34cd-56ef-1234567890a?",
        "mrk-*",
        "alias-graviton-node-dev",
        "1234ABCD-12AB-34CD-56EF-1234567890AB",
    ],
)
def test_the_tool_takes_a_stack_key_id_exactly_when_the_program_takes_its_key_arn(
    key_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = f"arn:aws:kms:us-east-1:111122223333:key/{key_id}"
    try:
        kms_key_arn("kmsKeyArn", arn)
        program_takes = True
    except ConfigError:
        program_takes = False
    argv = ["--account", "111122223333", "--region", "us-east-1", "--bucket", "my-pulumi-state", "--stack", "dev"]
    try:
        main([*argv, "--key-id", key_id, str(ROLES / "preview.policy.json")])
        tool_takes = arn in capsys.readouterr().out
    except SystemExit:
        tool_takes = False
        assert f"--key-id: {key_id!r} is not a KMS key ID" in capsys.readouterr().err
    assert tool_takes == program_takes
