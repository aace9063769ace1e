"""The GitHub workflows are valid and keep the rules: OIDC only, arm64 deploys, previews on PRs."""

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import load_settings
from tests.acceptance.driver import OPT_IN, SECRETS_PROVIDER
from tools.dockerfiles import repository_dockerfiles, repository_files
from tools.image_build import base_images
from tools.offline import PROJECT, stack_config

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PREFIX = f"{PROJECT}:"


def load(name: str) -> dict[str, Any]:
    # libyaml's parser where there is one: the workflows are read some seventy times.
    document = yaml.load((WORKFLOWS / name).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def tool(name: str) -> str:
    """A console script of the running interpreter's environment (pyproject.toml's lint group), found
    without PATH: an IDE or ``.venv/bin/pytest`` runs the suite without activating the venv."""
    path = Path(sysconfig.get_path("scripts")) / name
    assert path.is_file(), (
        f"{name} is in pyproject.toml's lint group; install it into {sys.prefix} (uv sync --group lint)"
    )
    return str(path)


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).startswith(action + "@")]


def all_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path.name)["jobs"].items()]


def test_every_workflow_validates_against_the_github_workflow_schema() -> None:
    checker = tool("check-jsonschema")
    assert {p.name for p in FILES} == {
        "pull-request.yml",
        "deploy.yml",
        "pulumi-up.yml",
        "acceptance.yml",
        "release.yml",
    }
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
        for step in steps_using(job, "aws-actions/configure-aws-credentials"):
            assert "role-to-assume" in step["with"], f"{file}:{name}"


def test_callers_of_the_deploy_workflow_grant_the_oidc_permission_and_pass_no_secrets() -> None:
    for name, job in load("deploy.yml")["jobs"].items():
        assert job["uses"] == "./.github/workflows/pulumi-up.yml", name
        assert job["permissions"]["id-token"] == "write", name
        assert "secrets" not in job, f"{name}: credentials come from the stack's environment, not the caller"
    for path in FILES:
        assert "secrets: inherit" not in path.read_text(), path.name


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    for path in FILES:
        for line in path.read_text().splitlines():
            match = re.match(r"\s*-?\s*uses: (\S+)(.*)", line)
            if not match or match.group(1).startswith("./"):
                continue
            action, comment = match.groups()
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{path.name}: {action}"
            assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{path.name}: {action} needs '# vX.Y.Z'"


def stack_dockerfiles() -> set[Path]:
    """The Dockerfile each stack is configured to build (``dockerContext``, ``dockerfile``)."""
    found = set()
    for stack_file in ROOT.glob("Pulumi.*.yaml"):
        stack = stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
        config = {key.split(":", 1)[1]: value for key, value in stack_config(stack).items() if key.startswith(PREFIX)}
        settings = load_settings(config)
        found.add(settings.image.context / settings.image.dockerfile)
    return found


def test_service_and_base_images_are_pinned_by_digest_with_their_tag() -> None:
    image_tests = load("pull-request.yml")["jobs"]["image-tests"]
    images = [service["image"] for service in image_tests["services"].values()]
    images.append(image_tests["env"]["IMAGE_TEST_NODE_IMAGE"])
    dockerfiles = {ROOT / "docker" / "Dockerfile", ROOT / "docker" / "Dockerfile.graviton", *stack_dockerfiles()}
    for dockerfile in dockerfiles:
        images += base_images(dockerfile)
    for image in images:
        assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image


def test_the_pulumi_cli_runs_at_the_sdk_version_the_lock_holds_read_when_the_job_runs() -> None:
    """A Dependabot update of the SDK moves the CLI too: no version is written into a workflow."""
    (sdk,) = [p["version"] for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"] if p["name"] == "pulumi"]
    printed = subprocess.run(
        [sys.executable, "tools/pulumi_version.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert printed.stdout == f"{sdk}\n"
    jobs = [(f"{file}:{name}", job) for file, name, job in all_jobs() if steps_using(job, "pulumi/actions")]
    assert jobs
    for where, job in jobs:
        (pulumi,) = steps_using(job, "pulumi/actions")
        assert "pulumi-version" not in pulumi["with"], where
        assert pulumi["with"]["pulumi-version-file"] == "${{ runner.temp }}/pulumi.version", where
        before = job["steps"][: job["steps"].index(pulumi)]
        writes = [s for s in before if s.get("run") == 'python tools/pulumi_version.py > "$RUNNER_TEMP/pulumi.version"']
        assert writes, where


def test_previews_assume_a_read_only_role_per_stack_from_the_stacks_own_environment() -> None:
    """Each stack's environment holds that stack's preview role only (docs/ci.md; its trust and
    reach: tests/ci/test_identities.py)."""
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["strategy"]["matrix"] == {"stack": ["dev", "prod"]}
    assert preview["environment"] == "preview-${{ matrix.stack }}"
    (credentials,) = steps_using(preview, "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
    (pulumi,) = steps_using(preview, "pulumi/actions")
    # No passphrase: a preview's only possible secret is a Pulumi Cloud token from the stack's own preview
    # environment (docs/ci.md: a team token with Stack Read on that stack), empty with an S3 backend.
    assert pulumi.get("env", {}) == {"PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}
    assert "secrets-provider" not in pulumi["with"]


def test_no_checkout_leaves_its_token_behind() -> None:
    for file, name, job in all_jobs():
        for step in steps_using(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False, f"{file}:{name}"


def test_dependabot_keeps_actions_both_uv_locks_every_npm_lockfile_and_every_dockerfile_current() -> None:
    """Every npm lockfile's folder and every Dockerfile's (``tools/dockerfiles.py``, which hadolint and
    the cross-build check read too), found in the repository, not listed: a new app is kept current."""
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {
        (u["package-ecosystem"], d) for u in config["updates"] for d in u.get("directories", [u.get("directory")])
    }
    npm = {("npm", "/" + p.parent.relative_to(ROOT).as_posix()) for p in repository_files(("package-lock.json",))}
    docker = {("docker", "/" + p.parent.relative_to(ROOT).as_posix()) for p in repository_dockerfiles()}
    assert ("npm", "/examples/worker/app") in npm and ("docker", "/tests/fixtures/tiny-app") in docker
    assert ecosystems == {("github-actions", "/"), ("uv", "/"), ("uv", "/policy")} | npm | docker
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot",
                             str(ROOT / ".github" / "dependabot.yml")], capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_offline() -> None:
    result = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)], capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


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
    up = load("pulumi-up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.environment }}"
    for credentials in steps_using(up, "aws-actions/configure-aws-credentials"):
        assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"  # the environment's


def test_pull_requests_get_a_policy_checked_preview_comment_for_each_stack() -> None:
    """The preview hands its output over as an artifact; preview-comment posts it
    (tests/ci/test_identities.py runs that job's script)."""
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    preview = workflow["jobs"]["preview"]
    (pulumi,) = steps_using(preview, "pulumi/actions")
    assert pulumi["with"]["command"] == "preview"
    assert "comment-on-pr" not in pulumi["with"] and pulumi["with"]["color"] == "never"
    assert pulumi["with"]["policyPacks"] == "policy"
    assert pulumi["with"]["policyPackConfigs"] == "policy/config.${{ matrix.stack }}.json"
    (kept,) = [step for step in preview["steps"] if "steps.preview.outputs.output" in str(step.get("env"))]
    (upload,) = steps_using(preview, "actions/upload-artifact")
    assert kept["run"].rstrip().endswith('> "preview-$STACK.txt"')
    assert upload["with"]["path"] == "preview-${{ matrix.stack }}.txt"
    # A preview a mandatory policy violation fails still has its output kept and commented: a step or
    # job after a failed one runs only with a status check in its ``if`` (GitHub Docs, "Evaluate
    # expressions in workflows and actions", Status check functions).
    ran_after_failure = "${{ !cancelled() && steps.preview.outcome != 'skipped' }}"
    assert kept["if"] == upload["if"] == ran_after_failure
    for stack in preview["strategy"]["matrix"]["stack"]:
        assert (ROOT / f"Pulumi.{stack}.yaml").is_file() and (ROOT / "policy" / f"config.{stack}.json").is_file()
    comment = workflow["jobs"]["preview-comment"]
    assert comment["needs"] == "preview" and comment["if"] == "${{ !cancelled() && needs.preview.result != 'skipped' }}"
    (download,) = steps_using(comment, "actions/download-artifact")
    assert download["with"]["pattern"] == "preview-*" and download["with"]["merge-multiple"] is True


def test_pull_requests_run_the_readme_test_command() -> None:
    (run,) = [s["run"] for s in load("pull-request.yml")["jobs"]["test"]["steps"] if "run" in s]
    assert run.startswith("tools/test.sh")


def test_pull_requests_run_the_image_tests_on_githubs_docker_with_the_official_base() -> None:
    job = load("pull-request.yml")["jobs"]["image-tests"]
    assert job["services"]["registry"]["image"].startswith("registry:2.")
    assert job["env"]["IMAGE_TEST_REGISTRY"] == "localhost:5000"
    assert job["env"]["IMAGE_TEST_NODE_IMAGE"].startswith("node:22.")
    assert steps_using(job, "docker/setup-qemu-action") and steps_using(job, "docker/setup-buildx-action")
    assert any(s.get("run") == "tools/test.sh tests/image" for s in job["steps"])


def test_the_acceptance_run_is_manual_or_weekly_and_never_runs_on_pull_requests_or_pushes() -> None:
    workflow = load("acceptance.yml")
    assert set(workflow["on"]) == {"workflow_dispatch", "schedule"}
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert minute.isdigit() and hour.isdigit() and (day_of_month, month) == ("*", "*") and day_of_week.isdigit()


def test_the_acceptance_run_assumes_the_sandbox_role_one_run_at_a_time_within_a_timeout() -> None:
    workflow = load("acceptance.yml")
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "acceptance", "cancel-in-progress": False}
    (job,) = workflow["jobs"].values()
    assert job["environment"] == "sandbox"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert isinstance(job["timeout-minutes"], int) and job["timeout-minutes"] <= 120
    (credentials,) = steps_using(job, "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_SANDBOX_ROLE_ARN }}"
    (pulumi,) = steps_using(job, "pulumi/actions")
    assert "command" not in pulumi["with"], "the Automation API drives the CLI; the action only installs it"
    (run,) = [step for step in job["steps"] if "tests/acceptance" in step.get("run", "")]
    assert run["env"][OPT_IN] == "1" and SECRETS_PROVIDER in run["env"]
    assert "-m acceptance" in run["run"]


def test_only_the_acceptance_run_assumes_the_sandbox_role() -> None:
    for file, name, job in all_jobs():
        for step in steps_using(job, "aws-actions/configure-aws-credentials"):
            sandbox = "AWS_SANDBOX_ROLE_ARN" in step["with"]["role-to-assume"]
            assert sandbox == (file == "acceptance.yml"), f"{file}:{name}"


def test_the_deploy_session_is_the_one_the_longest_allowed_deployment_is_sized_to() -> None:
    """A canary or linear deployment the provider waits for must end before the deploy's credentials do
    (review 19 #1): the session is asked for explicitly, within a role's default MaxSessionDuration (one hour,
    IAM CreateRole), and the strategy's ceiling is derived from it."""
    from components.service.deploy_time import CI_SESSION_MINUTES, MAX_DEPLOY_MINUTES

    credentials = steps_using(load("pulumi-up.yml")["jobs"]["up"], "aws-actions/configure-aws-credentials")[0]
    assert int(credentials["with"]["role-duration-seconds"]) == CI_SESSION_MINUTES * 60 <= 3600
    assert MAX_DEPLOY_MINUTES < CI_SESSION_MINUTES


def test_every_step_after_the_update_runs_within_a_session_that_outlasts_it() -> None:
    """The update may take the whole deploy session (RUN_MINUTES + MAX_DEPLOY_MINUTES = CI_SESSION_MINUTES),
    and configure-aws-credentials renews nothing (v4.3.1): the checks after it need a session of their own,
    asked for after the update, long enough for the rollout check's longest wait (tools/rollout_watch.py)
    and a minute for the rest. Each step's time is counted against the last session asked for before it."""
    from components.service.deploy_time import CI_SESSION_MINUTES, MAX_DEPLOY_MINUTES, RUN_MINUTES

    watch = (ROOT / "tools" / "rollout_watch.py").read_text()
    wait_seconds = float(re.findall(r'"ROLLOUT_WAIT_SECONDS"\) or ([0-9]+)', watch)[0])
    steps = load("pulumi-up.yml")["jobs"]["up"]["steps"]
    spent = {"pulumi/actions": (RUN_MINUTES + MAX_DEPLOY_MINUTES) * 60, "rollout_check.sh": wait_seconds + 60}
    session, left = 0.0, 0.0
    for step in steps:
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials"):
            session = left = float(step["with"]["role-duration-seconds"])
            continue
        cost = next((t for key, t in spent.items() if key in step.get("uses", "") + step.get("run", "")), 0.0)
        left -= cost
        assert left >= 0 or not session, f"{step.get('name') or step.get('uses')}: the session has run out"
    assert RUN_MINUTES + MAX_DEPLOY_MINUTES == CI_SESSION_MINUTES


def test_every_job_that_assumes_a_role_holds_its_credentials_for_its_whole_timeout() -> None:
    """configure-aws-credentials asks for one hour unless told (v4.3.1 ``DEFAULT_ROLE_DURATION`` 3600) and
    renews nothing: a job killed by its timeout after that has lost its credentials long before, and the
    acceptance run's destroy in its ``finally`` fails with ExpiredToken, leaving the sandbox billing. A job
    sized by a timeout of its own is held to it; the deploy's session is sized to its longest deployment
    (the test above), and a preview changes nothing a lost session would leave behind."""
    timed = [(file, name, job) for file, name, job in all_jobs() if "timeout-minutes" in job]
    assert any(steps_using(job, "aws-actions/configure-aws-credentials") for _, _, job in timed)
    for file, name, job in timed:
        for step in steps_using(job, "aws-actions/configure-aws-credentials"):
            seconds = int(step["with"].get("role-duration-seconds", 3600))
            assert int(job["timeout-minutes"]) * 60 <= seconds, f"{file}:{name}"


@pytest.mark.parametrize(
    ("output", "outcome", "kept"),
    [
        ("Previewing update (dev)", "success", "Previewing update (dev)\n"),
        ("", "failure", "no output (failure): see the job log\n"),
    ],
    ids=["output", "failed"],
)
def test_the_kept_preview_says_the_preview_failed_where_the_action_set_no_output(
    tmp_path: Path, output: str, outcome: str, kept: str
) -> None:
    workflow = load("pull-request.yml")
    (step,) = [s for s in workflow["jobs"]["preview"]["steps"] if "steps.preview.outputs.output" in str(s.get("env"))]
    env = {"PATH": os.environ["PATH"], "OUTPUT": output, "OUTCOME": outcome, "STACK": "dev"}
    subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "preview-dev.txt").read_text() == kept
