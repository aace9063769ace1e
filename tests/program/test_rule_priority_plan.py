"""The plan of a shifting stack whose listenerRulePriority moves says which rule ELB may refuse, and how to move
it instead (``tools/rule_priorities.py``; the rule itself is held to the ELB model in
``tests/unit/test_rule_priorities.py``)."""

from pathlib import Path

import pytest

from tools.plan import main

#: Prod (canary) with a test header, off the catch-all so that its priority may move.
TEST_HEADER = [
    "--set",
    'pathPatterns=["/app/*"]',
    "--set",
    "deploymentTestHeader=x-deploy-test=" + "0123456789abcdef" * 2,
]


def diff(capsys: pytest.CaptureFixture[str], tmp_path: Path, before: list[str], after: list[str]) -> list[str]:
    saved = tmp_path / "before.json"
    assert main(["--stack", "prod", "--json", *before]) == 0
    saved.write_text(capsys.readouterr().out)
    assert main(["--stack", "prod", *after, "--diff", str(saved)]) == 0
    return capsys.readouterr().out.splitlines()


def test_moving_a_shifting_stacks_priority_by_one_flags_the_rule_that_lands_on_the_others(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = diff(capsys, tmp_path, [*TEST_HEADER, "--set", "listenerRulePriority=100"],
                 [*TEST_HEADER, "--set", "listenerRulePriority=101"])  # fmt: skip
    (line,) = [line for line in lines if line.startswith("!! ")]
    assert "ListenerRule::prod-app-test-rule  (priority: 99 -> 100): ELB refuses" in line
    assert "prod-app-rule leaves 100 in the same run" in line
    assert "change listenerRulePriority by 2 or more at a time" in line


def test_moving_it_by_two_flags_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = diff(capsys, tmp_path, [*TEST_HEADER, "--set", "listenerRulePriority=100"],
                 [*TEST_HEADER, "--set", "listenerRulePriority=98"])  # fmt: skip
    assert not any(line.startswith("!! ") for line in lines)
    assert "    priority: 99 -> 97" in lines


def test_dropping_the_header_while_taking_its_priority_is_flagged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = diff(capsys, tmp_path, [*TEST_HEADER, "--set", "listenerRulePriority=100"],
                 ["--set", 'pathPatterns=["/app/*"]', "--set", "listenerRulePriority=99"])  # fmt: skip
    (line,) = [line for line in lines if line.startswith("!! ")]
    assert "ListenerRule::prod-app-rule  (priority: 100 -> 99)" in line
    assert "prod-app-test-rule holds 99 until it is deleted" in line
