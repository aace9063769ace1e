"""The Python snippets of docs/reuse.md run as written, and what they add is reachable on the listener."""

import json
import re
import runpy
from pathlib import Path

import pytest
from graviton_node_components.testing import RecordingMocks, Run, main_program, run_mocked

from tests.models.alb import Listener
from tests.program.stacks import recorded_run
from tools.offline import ROOT

DOC = ROOT / "docs" / "reuse.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
#: Blocks that are a consumer's tests (``def test_...``), run against the page's first program.
TESTS = [snippet for snippet in SNIPPETS if "\ndef test_" in snippet]
PROGRAMS = [snippet for snippet in SNIPPETS if snippet not in TESTS]
PLATFORM = "acme/graviton-node/dev"


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


def test_the_page_has_programs_and_a_consumers_test_to_run() -> None:
    assert PROGRAMS and TESTS


@pytest.mark.parametrize("snippet", PROGRAMS, ids=[f"program-{i}" for i in range(len(PROGRAMS))])
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
        targets = {r.outputs["arn"]: r.name for r in each.mocks.resources if r.type == "aws:lb/targetGroup:TargetGroup"}
        for rule in each.mocks.inputs_of("aws:lb/listenerRule:ListenerRule"):
            listener.add_registered(rule, targets)  # refuses a priority the platform already holds
    for rule in run.mocks.inputs_of("aws:lb/listenerRule:ListenerRule"):
        for pattern in rule["conditions"][0]["pathPattern"]["values"]:
            path = pattern.replace("*", "x")
            assert listener.route(path) != "dev-app-tg", f"{path} is hidden behind the platform's rule"
    assert listener.route("/") == "dev-app-tg"


@pytest.mark.parametrize("snippet", TESTS, ids=[f"test-{i}" for i in range(len(TESTS))])
def test_a_consumers_test_on_the_page_passes_against_the_pages_service(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    """Laid out as the page says: the service's project, the platform's saved outputs, the test file."""
    (tmp_path / "Pulumi.yaml").write_text("name: orders\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(PROGRAMS[0])
    (tmp_path / "docker").symlink_to(ROOT / "docker")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "platform.json").write_text(json.dumps(platform.outputs))
    (tmp_path / "tests" / "test_stack.py").write_text(snippet)
    module = runpy.run_path(str(tmp_path / "tests" / "test_stack.py"))
    tests = [test for name, test in module.items() if name.startswith("test_")]
    assert tests
    for test in tests:
        test()
