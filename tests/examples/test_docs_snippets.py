"""The Python snippets of docs/reuse.md run as written, and what they add is reachable on the listener, allowed
by the deployer documents of the project and stack they run as, and apart from another stack's."""

import json
import re
import runpy
from pathlib import Path

import pytest
from graviton_node_components.testing import RecordingMocks, Run, main_program, run_mocked

from tests.models.alb import Listener
from tests.program.deploy_requests import Program
from tests.program.stacks import recorded_run
from tests.program.test_account_unique_names import set_names
from tests.program.test_deployer_policy import joining_deployer, refused
from tools.offline import ACCOUNT, REGION, ROOT

DOC = ROOT / "docs" / "reuse.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
#: Blocks that are a consumer's tests (``def test_...``), run against the page's first program.
TESTS = [snippet for snippet in SNIPPETS if "\ndef test_" in snippet]
PROGRAMS = [snippet for snippet in SNIPPETS if snippet not in TESTS]
PLATFORM = "acme/graviton-node/dev"
#: The page's project and its stack, named apart from the platform's ``dev`` (``names_apart``).
PROJECT, STACK = "orders", "orders-dev"


@pytest.fixture(scope="module")
def platform() -> Run:
    return recorded_run("dev")


def test_the_page_has_programs_and_a_consumers_test_to_run() -> None:
    assert PROGRAMS and TESTS


def run_snippet(platform: Run, snippet: str, root: Path, stack: str = STACK) -> Run:
    """``snippet`` as the ``__main__.py`` of the page's project, deployed as ``stack`` beside the platform."""
    (root / "__main__.py").write_text(snippet)
    (root / "docker").symlink_to(ROOT / "docker")  # "its own docker/ folder"
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    return run_mocked(main_program(root), {"aws:region": REGION}, stack, mocks, PROJECT)


@pytest.mark.parametrize("snippet", PROGRAMS, ids=[f"program-{i}" for i in range(len(PROGRAMS))])
def test_a_snippet_runs_as_a_program_next_to_the_platform_and_its_rules_are_reachable(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    run = run_snippet(platform, snippet, tmp_path)
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


@pytest.mark.parametrize("snippet", PROGRAMS, ids=[f"program-{i}" for i in range(len(PROGRAMS))])
def test_a_snippet_is_allowed_every_call_by_the_deployer_documents_of_its_project_and_stack(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    """Filled by tools/deployer_policy.py as the page's stack joining the platform's ``dev`` (with a route,
    ``deployer-platform`` too): the documents scope by the stack's name prefix, so a component named
    without the stack is refused its first call (CreateRepository on ``repository/orders-…``)."""
    run = run_snippet(platform, snippet, tmp_path)
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": PROJECT, "STACK": STACK}
    policy = joining_deployer(values | {"PLATFORM_STACK": "dev", "PLATFORM": "graviton-node"})
    assert refused(Program((run, platform)), policy) == []


@pytest.mark.parametrize("snippet", PROGRAMS, ids=[f"program-{i}" for i in range(len(PROGRAMS))])
def test_two_stacks_of_a_snippet_in_one_account_and_region_set_no_name_of_the_others(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    """A name AWS keeps unique per account or region (a task family, a KMS alias, a dashboard) taken
    from a component name without the stack is the same in every stack: the second stack's CreateAlias
    fails, its task definitions join the first's family, its PutDashboard replaces the first's."""
    runs = []
    for stack in ("orders-dev", "orders-prod"):
        (tmp_path / stack).mkdir()
        runs.append(run_snippet(platform, snippet, tmp_path / stack, stack))
    dev, prod = runs
    named = set_names(dev.mocks.resources)
    assert {t for t, _ in named} >= {"aws:ecs/taskDefinition:TaskDefinition"}
    assert named & set_names(prod.mocks.resources) == set()
    assert dev.mocks.warnings == prod.mocks.warnings == []


@pytest.mark.parametrize("snippet", TESTS, ids=[f"test-{i}" for i in range(len(TESTS))])
def test_a_consumers_test_on_the_page_passes_against_the_pages_service(
    platform: Run, snippet: str, tmp_path: Path
) -> None:
    """Laid out as the page says: the service's project, the platform's saved outputs, the test file."""
    (tmp_path / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    (tmp_path / f"Pulumi.{STACK}.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
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
