"""The READMEs' AWS CLI commands run against the stack's region, not whatever the reader's profile says:
the project's README, each example's and the docs, every command a reader copies, with options or
without. And the README's AWS config profiles, the deployer's and the operator's, are ones the CLI reads
as meant."""

import functools
import json
import re
from pathlib import Path

import botocore
import jmespath
import pytest
from botocore.configloader import load_config

from tests.models.aws_cli_timestamps import printed

ROOT = Path(__file__).resolve().parents[2]
#: Every page a reader copies commands from, found by glob: an example or a doc added later is checked too.
READMES = [ROOT / "README.md", *sorted(ROOT.glob("examples/*/README.md")), *sorted(ROOT.glob("docs/*.md"))]
#: Code spans and blocks: the commands a reader copies.
CODE = re.compile(r"```[a-z]*\n(.*?)```|`([^`\n]*(?:\n[^`\n]*)?)`", re.DOTALL)
#: ``aws <service> <operation>`` and its options, if any: a command in code is one a reader may run,
#: named in a sentence or not (``aws ecs stop-task``, with no option, still runs in the profile's region).
COMMAND = re.compile(r"\baws ([a-z0-9-]+) ([a-z0-9-]+)((?: +\S+)*)")


@functools.cache
def global_services() -> frozenset[str]:
    """Services whose one endpoint serves every region in the aws partition (botocore's endpoints.json:
    ``isRegionalized`` false), plus the CLI's own ``configure`` and STS's identity call, which the
    reader's configured region answers wherever the stack lives. Read once (a frozen set): every command
    of every page is looked up in it, and parsing endpoints.json per command was most of these tests' time."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    aws = next(p for p in data["partitions"] if p["partition"] == "aws")
    return frozenset(
        {name for name, service in aws["services"].items() if service.get("isRegionalized") is False}
        | {"configure", "sts"}
    )


def cli_commands(markdown: str) -> list[str]:
    """One command per line of a block (continuations joined), one per inline span (wrapped or not)."""
    lines = [
        line
        for block, span in CODE.findall(markdown)
        for line in (block.replace("\\\n", " ").splitlines() if block else [span.replace("\n", " ")])
    ]
    return [m.group(0) for line in lines for m in COMMAND.finditer(line)]


def regional(readme: Path) -> list[str]:
    """The commands of ``readme`` whose service answers in one region only."""
    return [c for c in cli_commands(readme.read_text()) if c.split()[1] not in global_services()]


@pytest.mark.parametrize("readme", READMES, ids=lambda readme: readme.relative_to(ROOT).as_posix())
def test_every_regional_aws_cli_command_of_a_readme_names_the_stacks_region(readme: Path) -> None:
    assert [c for c in regional(readme) if "--region" not in c] == []


def test_the_commands_of_the_readmes_are_found() -> None:
    """Not vacuous: the README's logs, exec, task and rollout commands, and the worker's message."""
    assert len(regional(ROOT / "README.md")) >= 6
    assert [c.split()[:3] for c in regional(ROOT / "examples" / "worker" / "README.md")] == [
        ["aws", "sqs", "send-message"]
    ]


def test_a_command_without_the_region_is_caught() -> None:
    assert cli_commands('`aws logs tail "$(pulumi stack output log_group_name)" --follow`') == [
        'aws logs tail "$(pulumi stack output log_group_name)" --follow'
    ]
    assert cli_commands("```bash\naws ecs list-tasks --cluster c \\\n  --region r\naws logs tail g --follow\n```") == [
        "aws ecs list-tasks --cluster c    --region r",
        "aws logs tail g --follow",
    ]
    assert cli_commands("Stop one (`aws ecs stop-task`) or `aws sts get-caller-identity`.") == [
        "aws ecs stop-task",
        "aws sts get-caller-identity",
    ]
    assert "iam" in global_services() and "ecs" not in global_services()


def test_the_readmes_profile_assumes_the_deploying_role_from_the_readers_own_credentials(tmp_path: Path) -> None:
    """botocore reads ``~/.aws/config`` with no inline comments (a ``#`` after a value is part of it), and a
    profile with ``role_arn`` needs ``source_profile`` or ``credential_source`` (botocore/credentials.py,
    ``AssumeRoleProvider``)."""
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```ini\n(.*?)```", readme, re.DOTALL)
    (tmp_path / "config").write_text(block)
    profiles = load_config(str(tmp_path / "config"))["profiles"]
    deployer, operator = re.findall(r"aws iam create-role --role-name (\S+)", readme)
    assert profiles == {
        "graviton-node-dev": {"role_arn": f"arn:<PARTITION>:iam::<ACCOUNT>:role/{deployer}",
                              "source_profile": "<your profile>"},
        "graviton-node-dev-operator": {"role_arn": f"arn:<PARTITION>:iam::<ACCOUNT>:role/{operator}",
                                       "source_profile": "<your profile>"},
    }  # fmt: skip


def test_the_operator_role_the_readme_creates_is_the_one_its_operator_document_is_attached_to() -> None:
    readme = (ROOT / "README.md").read_text()
    operator = re.findall(r"aws iam create-role --role-name (\S+)", readme)[1]
    (attached,) = re.findall(
        r"--document operator .*\n.*create-policy .*\n.*\n.*attach-role-policy --role-name (\S+)", readme
    )
    assert attached == operator


def newest_deployment_query() -> str:
    """The ``--query`` the README's *Rolling back* gives ``list-service-deployments``."""
    section = (ROOT / "README.md").read_text().split("\n### Rolling back\n", 1)[1].split("\n### ", 1)[0]
    listing = " ".join(section.split()).split("aws ecs list-service-deployments", 1)[1]
    query = re.search(r"--query '([^']*)'", listing)
    assert query, "the listing has a --query"
    return query.group(1)


@pytest.mark.parametrize("version", [1, 2], ids=["cli v1: epoch seconds", "cli v2: ISO 8601 at TZ=UTC"])
def test_the_rollback_check_reads_the_newest_deployment_whatever_order_ecs_lists_them_in(version: int) -> None:
    """botocore's ``ListServiceDeployments`` documents no order (tools/rollout_verdict.py sorts by
    createdAt): the query picks the newest by its time, as either CLI prints it
    (tests/models/aws_cli_timestamps.py), a whole second beside a fractional one included."""
    created = {"older": 1767225600.25, "newest": 1767225601.0, "oldest": 1767225600.0}
    page = {"serviceDeployments": [
        {"serviceDeploymentArn": name, "createdAt": printed(at, version=version)}
        for name, at in created.items()
    ]}  # fmt: skip
    assert jmespath.search(newest_deployment_query(), page) == "newest"
    assert "TZ=UTC aws ecs list-service-deployments" in " ".join((ROOT / "README.md").read_text().split())


def test_without_one_offset_iso_times_would_not_compare_as_text() -> None:
    """Why the README pins ``TZ=UTC``: across a daylight-saving change the local offsets differ, and the
    later deployment's text sorts first."""
    before, after = (
        printed(1767225600, version=2, utc_offset_hours=-7),
        printed(1767226200, version=2, utc_offset_hours=-8),
    )
    assert isinstance(before, str) and isinstance(after, str) and after < before
