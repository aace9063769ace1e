"""The examples and docs/reuse.md's service export every output ``tools/rollout_check.sh`` reads, so a failed
deploy's stale state (``tools/rollout_verdict.py``) is caught in their stacks as in this project's."""

import re
from pathlib import Path

import pytest
from graviton_node_components.testing import Run

from tests.examples.test_docs_snippets import PROGRAMS, run_snippet
from tests.program.stacks import EXAMPLES, recorded_run, run_config
from tools.offline import ROOT

#: The outputs the check asks `pulumi stack output` for, read from the script itself.
READ = re.findall(r"\$\(output (\w+)\)", (ROOT / "tools" / "rollout_check.sh").read_text())


def test_the_check_reads_the_revision_the_cluster_and_the_service() -> None:
    assert READ == ["task_definition_arn", "cluster_arn", "service_name"]


def the_service_is_named_by_the_outputs_the_check_reads(run: Run, platform: Run) -> None:
    assert set(READ) <= set(run.outputs)
    (task,) = [r for r in run.mocks.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
    service = run.mocks.one("aws:ecs/service:Service").inputs
    assert run.outputs["task_definition_arn"] == task.outputs["arn"] == service["taskDefinition"]
    assert run.outputs["cluster_arn"] == platform.outputs["cluster_arn"] == service["cluster"]


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_an_example_exports_its_services_revision_and_cluster_as_the_check_reads_them(example: str) -> None:
    the_service_is_named_by_the_outputs_the_check_reads(run_config(example), recorded_run("dev"))


@pytest.mark.parametrize("snippet", [p for p in PROGRAMS if "FargateService(" in p])
def test_the_pages_service_exports_its_revision_and_cluster_as_the_check_reads_them(
    snippet: str, tmp_path: Path
) -> None:
    platform = recorded_run("dev")
    the_service_is_named_by_the_outputs_the_check_reads(run_snippet(platform, snippet, tmp_path), platform)
