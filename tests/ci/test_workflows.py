"""The GitHub workflows are valid and keep the rules: OIDC only, arm64 deploys, previews on PRs."""

import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def tool(name: str) -> str:
    """A console script of the running interpreter's environment (requirements-dev.txt), found without
    PATH: an IDE or ``.venv/bin/pytest`` runs the suite without activating the venv."""
    path = Path(sysconfig.get_path("scripts")) / name
    assert path.is_file(), f"{name} is in requirements-dev.txt; install it into {sys.prefix}"
    return str(path)


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).startswith(action + "@")]


def all_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path.name)["jobs"].items()]


def test_every_workflow_validates_against_the_github_workflow_schema() -> None:
    checker = tool("check-jsonschema")
    assert {p.name for p in FILES} == {"pull-request.yml", "deploy.yml", "pulumi-up.yml"}
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", *map(str, FILES)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_long_lived_aws_keys_appear_anywhere() -> None:
    for path in FILES:
        text = path.read_text()
        assert not re.search(r"AWS_(SECRET_)?ACCESS_KEY|aws-access-key-id|aws-secret-access-key", text), path.name


def test_every_job_that_assumes_an_aws_role_may_request_an_oidc_token() -> None:
    assuming = [(f, n, j) for f, n, j in all_jobs() if steps_using(j, "aws-actions/configure-aws-credentials")]
    assert assuming
    for file, name, job in assuming:
        assert job["permissions"]["id-token"] == "write", f"{file}:{name}"
        (step,) = steps_using(job, "aws-actions/configure-aws-credentials")
        assert "role-to-assume" in step["with"], f"{file}:{name}"


def test_callers_of_the_deploy_workflow_grant_the_oidc_permission() -> None:
    for name, job in load("deploy.yml")["jobs"].items():
        assert job["uses"] == "./.github/workflows/pulumi-up.yml", name
        assert job["permissions"]["id-token"] == "write", name


def test_deploys_run_pulumi_up_on_native_arm64_one_update_per_stack() -> None:
    (up,) = load("pulumi-up.yml")["jobs"].values()
    assert up["runs-on"] == "ubuntu-24.04-arm"
    assert up["concurrency"] == {"group": "pulumi-up-${{ inputs.stack }}", "cancel-in-progress": False}
    (pulumi,) = steps_using(up, "pulumi/actions")
    assert pulumi["with"]["command"] == "up"
    assert pulumi["with"]["policyPacks"] == "policy"
    assert steps_using(up, "docker/setup-qemu-action") == []


def test_main_deploys_dev_then_prod_behind_a_manually_approved_environment() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert jobs["dev"]["with"]["stack"] == "dev"
    assert (jobs["prod"]["with"]["stack"], jobs["prod"]["with"]["environment"]) == ("prod", "production")
    assert jobs["prod"]["needs"] == "dev"
    assert load("pulumi-up.yml")["jobs"]["up"]["environment"] == "${{ inputs.environment }}"


def test_pull_requests_get_a_policy_checked_preview_comment_for_each_stack() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    preview = workflow["jobs"]["preview"]
    (pulumi,) = steps_using(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["policyPacks"] == "policy"
    assert pulumi["with"]["policyPackConfigs"] == "policy/config.${{ matrix.stack }}.json"
    for stack in preview["strategy"]["matrix"]["stack"]:
        assert (ROOT / f"Pulumi.{stack}.yaml").is_file() and (ROOT / "policy" / f"config.{stack}.json").is_file()
    assert preview["permissions"]["pull-requests"] == "write"


def test_pull_requests_run_the_readme_test_command() -> None:
    (run,) = [s["run"] for s in load("pull-request.yml")["jobs"]["test"]["steps"] if "run" in s]
    assert run.startswith("tools/test.sh")


def test_pull_requests_run_the_image_tests_on_githubs_docker_with_the_official_base() -> None:
    job = load("pull-request.yml")["jobs"]["image-tests"]
    assert job["services"]["registry"]["image"] == "registry:2"
    assert job["env"] == {"IMAGE_TEST_REGISTRY": "localhost:5000", "IMAGE_TEST_NODE_IMAGE": "node:22-bookworm-slim"}
    assert steps_using(job, "docker/setup-qemu-action") and steps_using(job, "docker/setup-buildx-action")
    assert any(s.get("run") == "tools/test.sh tests/image" for s in job["steps"])
