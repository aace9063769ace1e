"""The Python snippets of docs/reuse.md run as written, and what they add is reachable on the listener."""

import re
from pathlib import Path

import pytest

from tests.models.alb import Listener
from tests.program.stacks import recorded_run
from tools.offline import ROOT, RecordingMocks, Run, main_program, mock_arn, run_mocked

DOC = ROOT / "docs" / "reuse.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
PLATFORM = "acme/graviton-node/dev"


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


def test_the_page_has_snippets_to_run() -> None:
    assert SNIPPETS


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet-{i}" for i in range(len(SNIPPETS))])
def test_a_snippet_runs_as_a_program_next_to_the_platform_and_its_rules_are_reachable(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    (tmp_path / "__main__.py").write_text(snippet)
    (tmp_path / "docker").symlink_to(ROOT / "docker")  # "its own docker/ folder"
    run = run_mocked(
        main_program(tmp_path), mocks=RecordingMocks(stack_outputs={PLATFORM: platform.outputs}), project="orders"
    )
    listener = Listener(default="404")
    for each in (platform, run):
        targets = {
            mock_arn(r.type, r.name): r.name for r in each.mocks.resources if r.type == "aws:lb/targetGroup:TargetGroup"
        }
        for rule in each.mocks.inputs_of("aws:lb/listenerRule:ListenerRule"):
            listener.add_registered(rule, targets)  # refuses a priority the platform already holds
    for rule in run.mocks.inputs_of("aws:lb/listenerRule:ListenerRule"):
        for pattern in rule["conditions"][0]["pathPattern"]["values"]:
            path = pattern.replace("*", "x")
            assert listener.route(path) != "dev-app-tg", f"{path} is hidden behind the platform's rule"
    assert listener.route("/") == "dev-app-tg"
