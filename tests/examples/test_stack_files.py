"""The examples' shipped stack files follow the project's own rules: each names a stack apart from the
platform stack it joins (``components.naming.names_apart``: the deployer documents scope by name
prefix), in the platform's region, so that the README's ``pulumi stack init`` picks it up, its preview
warns of nothing and ``tools/deployer_policy.py`` makes its documents. Every ``Pulumi.<stack>.yaml`` of
every example is held to it, found by glob: a file added under the platform's name fails here."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from graviton_node_components.testing import RecordingMocks, run_program, stack_config

from components.naming import names_apart, stack_reference_names
from tests.program.stacks import EXAMPLES, PLATFORM, STACKS, recorded_run, run_config
from tools.deployer_policy import DOCUMENTS
from tools.deployer_policy import main as deployer_policy_main
from tools.offline import ROOT

SHIPPED = sorted(file for root in EXAMPLES.values() for file in root.glob("Pulumi.*.yaml"))
#: The platform stack the shipped files join (``PLATFORM``), whose region theirs must be.
PLATFORM_REGION = stack_config(ROOT, "dev")["aws:region"]


def stack_of(file: Path) -> str:
    return file.name.removeprefix("Pulumi.").removesuffix(".yaml")


def joined(file: Path) -> tuple[str, str, str, str]:
    """The stack's project and name, and the project and name of the platform stack it joins."""
    config = stack_config(file.parent, stack_of(file))
    (project,) = {key.split(":")[0] for key in config if key.endswith(":platformStack")}
    return (project, stack_of(file), *stack_reference_names(config[f"{project}:platformStack"], project))


def test_every_example_ships_the_stack_file_the_tests_run() -> None:
    assert [(file.parent, stack_of(file)) for file in SHIPPED] == sorted(
        (EXAMPLES[name], STACKS[name]) for name in EXAMPLES
    )


@pytest.mark.parametrize("file", SHIPPED, ids=lambda file: str(file.relative_to(ROOT)))
def test_a_shipped_stack_is_named_apart_from_its_platform_stack(file: Path) -> None:
    project, stack, platform_project, platform_stack = joined(file)
    assert names_apart(stack, platform_stack, project, platform_project) == ""


@pytest.mark.parametrize("file", SHIPPED, ids=lambda file: str(file.relative_to(ROOT)))
def test_a_shipped_stack_runs_in_its_platforms_region_and_its_preview_warns_of_nothing(file: Path) -> None:
    """A joining service's resources live in the platform's region: its cluster, listener and subnets are
    the platform's."""
    assert stack_config(file.parent, stack_of(file))["aws:region"] == PLATFORM_REGION
    mocks = RecordingMocks(stack_outputs={PLATFORM: recorded_run("dev").outputs})
    run = run_program(file.parent, stack_of(file), mocks=mocks)
    assert run.mocks.warnings == []


@pytest.mark.parametrize("file", SHIPPED, ids=lambda file: str(file.relative_to(ROOT)))
def test_the_tool_makes_every_document_of_a_shipped_stack(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As the example's README runs it: every document, ``--platform-stack`` its ``platformStack``'s."""
    project, stack, platform_project, platform_stack = joined(file)
    region = stack_config(file.parent, stack)["aws:region"]
    for document in sorted(DOCUMENTS.keys() - {"deployer-dns"}):  # the examples serve no domain
        args = ["--document", document, "--account", "123456789012", "--region", region, "--project", project]
        args += ["--platform-project", platform_project, "--platform-stack", platform_stack, stack]
        assert deployer_policy_main(args) == 0, capsys.readouterr().err


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_readme_runs_the_tool_with_the_systems_python_which_needs_nothing_installed(example: str) -> None:
    """The README's permissions come before any virtual environment: the tool reads the standard library
    alone (``-S``: no site-packages), as the system's ``python3`` has it."""
    readme = (EXAMPLES[example] / "README.md").read_text()
    runs = re.findall(r"^\s*(\S+) tools/deployer_policy\.py", readme, re.MULTILINE)
    assert runs and set(runs) == {"python3"}
    file = EXAMPLES[example] / f"Pulumi.{STACKS[example]}.yaml"
    project, stack, platform_project, platform_stack = joined(file)
    args = ["--account", "123456789012", "--region", PLATFORM_REGION, "--project", project]
    args += ["--platform-project", platform_project, "--platform-stack", platform_stack, stack]
    ran = subprocess.run(
        [sys.executable, "-S", "tools/deployer_policy.py", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert (ran.returncode, ran.stderr) == (0, "")
    assert json.loads(ran.stdout)["Version"] == "2012-10-17"


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_the_quickstart_inits_the_shipped_stack_and_sets_the_platforms_region(example: str) -> None:
    """``pulumi stack init`` of the name a stack file is shipped under takes that file; the region is set
    from the platform stack's own, as the README's quickstart runs from the example's folder."""
    readme = (EXAMPLES[example] / "README.md").read_text()
    assert re.findall(r"pulumi stack init (\S+)", readme) == [STACKS[example]]
    assert 'pulumi config set aws:region "$(pulumi config get aws:region --stack dev --cwd ../..)"' in readme


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_each_examples_readme_creates_the_boundary_its_roles_carry(example: str) -> None:
    """A role whose boundary policy does not exist cannot be created: the README's ``create-policy``
    must name the policy the program's roles carry (``<project>-boundary-<stack>``)."""
    created = re.findall(r"--policy-name (\S+)", (EXAMPLES[example] / "README.md").read_text())
    run_ = run_config(example)
    carried = {r.inputs["permissionsBoundary"] for r in run_.mocks.resources if r.type == "aws:iam/role:Role"}
    assert created and {arn.rpartition("/")[2] for arn in carried} == set(created)


@pytest.mark.parametrize(("config", "expected"), [({}, True), ({"forceDelete": "false"}, False)])
@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_an_examples_dev_stack_lets_a_destroy_delete_its_repository_images_and_all(
    example: str, config: dict[str, str], expected: bool
) -> None:
    """The pushed builds are retained on delete, so the repository is never empty at a destroy: ECR deletes
    it only with ``force`` (DeleteRepository: RepositoryNotEmptyException), which ``forceDelete`` sends. The
    shipped stack files turn it on; off, the key is honoured."""
    mocks = RecordingMocks(stack_outputs={PLATFORM: run_config("dev").outputs})
    run = run_program(EXAMPLES[example], STACKS[example], config, mocks=mocks)
    # The image's repository (the build cache's always force-deletes: it holds nothing to keep).
    repositories = [r for r in run.mocks.resources if r.type == "aws:ecr/repository:Repository"]
    (repository,) = [r for r in repositories if not r.name.endswith("-cache-repo")]
    assert repository.inputs["forceDelete"] is expected
