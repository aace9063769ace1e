"""The README's AWS CLI commands run against the stack's region, not whatever the reader's profile says."""

import json
import re
from pathlib import Path

import botocore

ROOT = Path(__file__).resolve().parents[2]
#: Code spans and blocks: the commands a reader copies.
CODE = re.compile(r"```[a-z]*\n(.*?)```|`([^`\n]*(?:\n[^`\n]*)?)`", re.DOTALL)
#: ``aws <service> <operation>`` with at least one option: a command, not a mention in prose.
COMMAND = re.compile(r"\baws ([a-z0-9-]+) ([a-z0-9-]+)((?: +\S+)*)")


def global_services() -> set[str]:
    """Services whose one endpoint serves every region in the aws partition (botocore's endpoints.json:
    ``isRegionalized`` false), plus the CLI's own ``configure`` and STS's identity call, which the
    reader's configured region answers wherever the stack lives."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    aws = next(p for p in data["partitions"] if p["partition"] == "aws")
    return {name for name, service in aws["services"].items() if service.get("isRegionalized") is False} | {
        "configure",
        "sts",
    }


def cli_commands(markdown: str) -> list[str]:
    """One command per line of a block (continuations joined), one per inline span (wrapped or not)."""
    lines = [
        line
        for block, span in CODE.findall(markdown)
        for line in (block.replace("\\\n", " ").splitlines() if block else [span.replace("\n", " ")])
    ]
    return [m.group(0) for line in lines for m in COMMAND.finditer(line) if "--" in m.group(3)]


def test_every_regional_aws_cli_command_in_the_readme_names_the_stacks_region() -> None:
    commands = cli_commands((ROOT / "README.md").read_text())
    regional = [c for c in commands if c.split()[1] not in global_services()]
    assert len(regional) >= 6, "the README's logs, exec, task and rollout commands are found"
    assert [c for c in regional if "--region" not in c] == []


def test_a_command_without_the_region_is_caught() -> None:
    assert cli_commands('`aws logs tail "$(pulumi stack output log_group_name)" --follow`') == [
        'aws logs tail "$(pulumi stack output log_group_name)" --follow'
    ]
    assert cli_commands("```bash\naws ecs list-tasks --cluster c \\\n  --region r\naws logs tail g --follow\n```") == [
        "aws ecs list-tasks --cluster c    --region r",
        "aws logs tail g --follow",
    ]
    assert "iam" in global_services() and "ecs" not in global_services()
