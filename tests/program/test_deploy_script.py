"""The README's deploy command, run against stub CLIs that record what they were asked to do."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILDER = "graviton-node"
STUB = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$CALLS"
echo "$(basename "$0") $1: UV_LOCKED=${UV_LOCKED-}" >> "$CALLS.env"
case "$(basename "$0") $1" in
  "pulumi whoami") [ -z "${WHOAMI_ERROR:-}" ] || echo "$WHOAMI_ERROR" >&2; exit "${PULUMI_LOGGED_IN:-1}" ;;
  "pulumi version") echo "${PULUMI_VERSION-v3.272.0}" ;;
  "docker info") [ -z "${DOCKER_DOWN:-}" ] || { echo "$DOCKER_DOWN" >&2; exit 1; } ;;
  "docker buildx")
    if [ "$2" = inspect ]; then
      [ "$3" = graviton-node ] && { [ -n "${BUILDER_IMAGE:-}" ] || exit 1; }
      echo "Driver Options: image=\\"${BUILDER_IMAGE:-}\\""
      echo "Platforms: ${PLATFORMS:-linux/amd64, linux/arm64}"
    fi ;;
  "aws sts") exit "${AWS_OK:-0}" ;;
  "pulumi stack")
    if [ "$2" = output ]; then
      case "$5" in
        alarm_topic_arn) echo "${ALARM_TOPIC:-}" ;;
        task_definition_arn) echo "$TASK_DEFINITION" ;;
        cluster_arn) echo arn:aws:ecs:eu-west-1:123456789012:cluster/dev-app ;;
        service_name) echo dev-app-svc ;;
      esac
    fi ;;
  "aws ecs")
    case "$2" in
      describe-services) echo '{"services": [{"taskDefinition": "'"${ECS_RUNS:-$TASK_DEFINITION}"'",' \\
        '"deployments": [{"status": "PRIMARY"}]}]}' ;;
      list-service-deployments) echo '{"serviceDeployments": [{"status": "SUCCESSFUL"}]}' ;;
    esac ;;
  "aws sns")
    [ -z "${SNS_DENIED:-}" ] || { echo "An error occurred (AuthorizationError)" >&2; exit 254; } ;;
esac
exit 0
"""
#: The venv's python: the real one for the alarm and rollout checks and the backend lookup; else it prints nothing
#: (``tools/emulated_platforms.py``: nothing to emulate).
PYTHON = f"""#!/bin/sh
case "$1" in tools/alarm_subscriptions.py|tools/rollout_watch.py|tools/pulumi_backend.py)
  exec {sys.executable} "$@" ;;
esac
exit 0
"""
# tools/uv_bootstrap.py's stand-in: the path of the uv stub, which records its calls as the others do.
BOOTSTRAP = "import pathlib, sys; print(pathlib.Path(sys.argv[0]).resolve().parents[1] / 'bin' / 'uv')\n"
REVISION = "arn:aws:ecs:eu-west-1:123456789012:task-definition/app-dev-app:42"
PINNED = dict(re.findall(r"^(\w+)=(\S+)$", (ROOT / "tools" / "builder.sh").read_text(), re.MULTILINE))["IMAGE"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "deploy.sh", tmp_path / "tools" / "deploy.sh")
    shutil.copy(ROOT / "tools" / "builder.sh", tmp_path / "tools" / "builder.sh")
    (tmp_path / "tools" / "uv_bootstrap.py").write_text(BOOTSTRAP)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    tools = ("alarm_check.sh", "alarm_subscriptions.py", "rollout_check.sh", "rollout_verdict.py", "rollout_watch.py",
             "pulumi_backend.py")  # fmt: skip
    for tool in (*tools, "__init__.py"):
        shutil.copy(ROOT / "tools" / tool, tmp_path / "tools" / tool)
    (tmp_path / ".venv" / "bin" / "python").write_text(PYTHON)
    (tmp_path / ".venv" / "bin" / "python").chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pulumi", "docker", "aws", "uv"):
        (bin_dir / tool).write_text(STUB)
        (bin_dir / tool).chmod(0o755)
    return tmp_path


def deploy(project: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = project / "calls.log"
    # A Pulumi home of the test's own: no login but what the test writes there.
    home = str(project / "pulumi-home")
    environment = {"PATH": f"{project / 'bin'}:/usr/bin:/bin", "CALLS": str(calls), "TASK_DEFINITION": REVISION,
                   "PULUMI_HOME": home, **env}  # fmt: skip
    result = subprocess.run(
        ["bash", str(project / "tools" / "deploy.sh"), *args], capture_output=True, text=True, env=environment
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def until_up(calls: list[str]) -> list[str]:
    """The calls up to the update's: after it, deploy.sh only checks the alarm addresses."""
    return calls[: max(i for i, call in enumerate(calls) if call.startswith("pulumi up")) + 1]


def test_without_a_pulumi_login_it_uses_a_local_backend_and_deploys_dev(project: Path) -> None:
    result, calls = deploy(project)
    assert result.returncode == 0, result.stderr
    assert f"pulumi login file://{project}/.pulumi-state" in calls
    assert until_up(calls)[-2:] == ["pulumi stack select --create dev", "pulumi up --stack dev"]
    assert "logging in to a local state backend" in result.stderr and "pulumi logout" in result.stderr


#: What ``pulumi whoami`` answers when the profile cannot read the S3 state (pulumi/pulumi
#: ``pkg/backend/diy/meta.go``, ``readPulumiMeta``: anything but NotFound is an error).
S3_DENIED = 'error: read ".pulumi/meta.yaml": blob (key ".pulumi/meta.yaml") (code=Unknown): AccessDenied'


def logged_in_to(project: Path, url: str) -> None:
    """The CLI's credentials file with ``url`` as its current login (pulumi/pulumi, ``Credentials``)."""
    (project / "pulumi-home").mkdir(exist_ok=True)
    (project / "pulumi-home" / "credentials.json").write_text(json.dumps({"current": url, "accessTokens": {url: ""}}))


def test_an_s3_login_the_profile_cannot_read_stops_the_deploy_and_keeps_the_login(project: Path) -> None:
    logged_in_to(project, "s3://graviton-state?region=us-east-1")
    result, calls = deploy(project, "dev", WHOAMI_ERROR=S3_DENIED)
    assert result.returncode == 1
    assert not any(call.startswith(("pulumi login", "pulumi stack", "pulumi up")) for call in calls)
    assert S3_DENIED in result.stderr and "s3://graviton-state?region=us-east-1" in result.stderr
    assert "AWS profile" in result.stderr and "region" in result.stderr
    assert not (project / ".pulumi-state").exists()


@pytest.mark.parametrize(
    ("where", "env"),
    [
        ("PULUMI_BACKEND_URL", {"PULUMI_BACKEND_URL": "s3://graviton-state?region=eu-west-1"}),
        ("an encrypted credentials file", {}),
        ("another credentials path", {}),
        ("the project's backend.url", {}),
    ],
)
def test_any_configured_backend_that_does_not_answer_stops_the_deploy(
    project: Path, where: str, env: dict[str, str]
) -> None:
    """The CLI reads ``PULUMI_BACKEND_URL`` first, then the project's ``backend.url``; a credentials file
    sealed by its secure store is one it logged in with, and ``PULUMI_CREDENTIALS_PATH`` moves the file
    (tools/pulumi_backend.py)."""
    (project / "pulumi-home").mkdir()
    if where == "an encrypted credentials file":
        (project / "pulumi-home" / "credentials.json").write_text('{"$pulumiSecureStore": 1, "data": "..."}')
    if where == "the project's backend.url":
        (project / "Pulumi.yaml").write_text("name: graviton-node\nbackend:\n  url: s3://graviton-state\n")
    if where == "another credentials path":
        env = {**env, "PULUMI_CREDENTIALS_PATH": str(project / "elsewhere")}
        (project / "elsewhere").mkdir()
        (project / "elsewhere" / "credentials.json").write_text(json.dumps({"current": "https://api.pulumi.com"}))
    result, calls = deploy(project, WHOAMI_ERROR="error: getting user info", **env)
    assert result.returncode == 1, where
    assert not any(call.startswith(("pulumi login", "pulumi up")) for call in calls), where


def test_a_credentials_file_without_a_current_login_is_no_backend(project: Path) -> None:
    """``pulumi logout`` leaves the file with no ``current``: as good as none, so the local fallback stands."""
    (project / "pulumi-home").mkdir()
    (project / "pulumi-home" / "credentials.json").write_text(json.dumps({"accessTokens": {}}))
    result, calls = deploy(project)
    assert result.returncode == 0, result.stderr
    assert f"pulumi login file://{project}/.pulumi-state" in calls


def test_with_a_pulumi_login_it_keeps_it_and_passes_extra_arguments(project: Path) -> None:
    result, calls = deploy(project, "prod", "--yes", PULUMI_LOGGED_IN="0")
    assert result.returncode == 0, result.stderr
    assert not any(call.startswith("pulumi login") for call in calls)
    assert until_up(calls)[-1] == "pulumi up --stack prod --yes"
    assert "local state backend" not in result.stderr


def test_without_aws_credentials_it_stops_before_pulumi_runs(project: Path) -> None:
    result, calls = deploy(project, AWS_OK="255")
    assert result.returncode == 1
    assert "no AWS credentials" in result.stderr
    assert not any(call.startswith("pulumi") for call in calls)


def test_it_installs_the_locked_dependencies_before_it_asks_aws_who_you_are(project: Path) -> None:
    result, calls = deploy(project)
    assert result.returncode == 0, result.stderr
    assert calls.index("uv sync --locked") < calls.index("aws sts get-caller-identity")


def test_the_uv_sync_pulumi_runs_before_the_program_is_locked_too(project: Path) -> None:
    """Pulumi's uv toolchain runs a plain `uv sync` with the caller's environment (pulumi/pulumi,
    sdk/python/toolchain/uv.go, uvCommand and InstallDependencies): UV_LOCKED holds it to uv.lock."""
    result, _ = deploy(project, UV_LOCKED="0")
    assert result.returncode == 0, result.stderr
    seen = (project / "calls.log.env").read_text().splitlines()
    assert "uv sync: UV_LOCKED=1" in seen and "pulumi up: UV_LOCKED=1" in seen


def test_it_creates_the_builder_the_program_names_with_buildkit_pinned_by_digest(project: Path) -> None:
    result, calls = deploy(project)
    assert result.returncode == 0, result.stderr
    create = f"docker buildx create --name {BUILDER} --driver docker-container --driver-opt image={PINNED}"
    assert create in calls
    assert f"docker buildx inspect --bootstrap {BUILDER}" in calls, "that builder is started before pulumi up"
    assert re.fullmatch(r"moby/buildkit:v[\d.]+@sha256:[0-9a-f]{64}", PINNED)


def test_a_builder_with_the_pinned_image_is_kept_and_one_with_another_is_replaced(project: Path) -> None:
    _, calls = deploy(project, BUILDER_IMAGE=PINNED)
    assert not any(call.startswith(("docker buildx create", "docker buildx rm")) for call in calls)
    _, calls = deploy(project, BUILDER_IMAGE="moby/buildkit:buildx-stable-1")
    assert calls.index(f"docker buildx rm {BUILDER}") < calls.index(next(c for c in calls if "buildx create" in c))


def test_an_engine_that_does_not_answer_is_named_as_such_and_not_as_missing_qemu(project: Path) -> None:
    down = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    result, calls = deploy(project, DOCKER_DOWN=down)
    assert result.returncode == 1
    assert "the Docker engine does not answer" in result.stderr and down in result.stderr
    assert "QEMU" not in result.stderr
    assert not any(call.startswith(("pulumi", "aws")) for call in calls)


def test_a_builder_without_arm64_emulation_still_deploys_the_arm64_image(project: Path) -> None:
    """Nothing in either Dockerfile runs on the target platform (tests/unit/test_dockerfiles.py), so an
    x86 machine builds linux/arm64 without QEMU."""
    result, calls = deploy(project, PLATFORMS="linux/amd64")
    assert result.returncode == 0, result.stderr
    assert until_up(calls)[-1] == "pulumi up --stack dev"


def own_dockerfile_runs_on(project: Path, output: str, status: int = 0) -> None:
    """``tools/emulated_platforms.py``'s answer for the stack (tests/program/test_own_app.py tests its own)."""
    python = project / ".venv" / "bin" / "python"
    python.write_text(f"#!/bin/sh\n[ \"$1\" != tools/pulumi_backend.py ] || exec {sys.executable} \"$@\"\n"
                      f"printf '{output}'\nexit {status}\n")  # fmt: skip


def test_an_own_dockerfile_that_runs_on_arm64_stops_a_builder_without_arm64_before_anything_deploys(
    project: Path,
) -> None:
    own_dockerfile_runs_on(project, "linux/arm64 myapp/Dockerfile:4\n")
    result, calls = deploy(project, PLATFORMS="linux/amd64, linux/amd64/v2, linux/386")
    assert result.returncode == 1
    assert "myapp/Dockerfile:4 runs a command on linux/arm64, which builder 'graviton-node' cannot run" in (
        result.stderr
    )
    assert "tonistiigi/binfmt --install arm64" in result.stderr
    assert not any(call.startswith("pulumi") for call in calls)


def test_the_same_dockerfile_deploys_where_the_builder_runs_arm64(project: Path) -> None:
    own_dockerfile_runs_on(project, "linux/arm64 myapp/Dockerfile:4\n")
    result, calls = deploy(project, PLATFORMS="linux/amd64, linux/arm64, linux/386")
    assert result.returncode == 0, result.stderr
    assert until_up(calls)[-1] == "pulumi up --stack dev"


def test_a_config_mistake_found_reading_the_stacks_dockerfile_stops_the_deploy(project: Path) -> None:
    own_dockerfile_runs_on(project, "", status=2)
    result, calls = deploy(project)
    assert result.returncode == 2
    assert not any(call.startswith("pulumi") for call in calls)


def test_a_missing_tool_is_named(project: Path) -> None:
    (project / "bin" / "pulumi").unlink()
    result, _ = deploy(project)
    assert result.returncode == 1
    assert "'pulumi' is not installed" in result.stderr


@pytest.mark.parametrize("version", ["v3.193.1", "v3.9.0", ""])
def test_a_pulumi_cli_older_than_the_ignore_changes_fix_stops_before_anything_is_deployed(
    project: Path, version: str
) -> None:
    result, calls = deploy(project, PULUMI_VERSION=version)
    assert result.returncode == 1 and "older than 3.194.0" in result.stderr
    assert not any(call.startswith(("pulumi login", "pulumi stack", "pulumi up")) for call in calls)


@pytest.mark.parametrize("version", ["v3.194.0", "v3.272.0", "v4.0.1"])
def test_a_pulumi_cli_from_3_194_on_deploys(project: Path, version: str) -> None:
    result, calls = deploy(project, PULUMI_VERSION=version)
    assert result.returncode == 0 and until_up(calls)[-1] == "pulumi up --stack dev"


TOPIC = "arn:aws:sns:eu-west-1:123456789012:prod-app-alarms-topic-1a2b3c4"


def test_after_the_update_it_checks_the_alarm_addresses_and_a_warning_does_not_fail_the_deploy(project: Path) -> None:
    """``tools/alarm_check.sh`` (tests/program/test_alarm_check.py): here, a topic whose listing fails."""
    result, calls = deploy(project, "prod", ALARM_TOPIC=TOPIC, SNS_DENIED="1")
    assert result.returncode == 0, result.stderr
    assert calls.index("pulumi up --stack prod") < calls.index(
        f"aws sns list-subscriptions-by-topic --topic-arn {TOPIC} --region eu-west-1 --output json"
    )
    assert "sns:ListSubscriptionsByTopic" in result.stderr


def test_after_the_update_it_fails_unless_ecs_runs_the_recorded_revision_and_refresh_reaches_pulumi_up(
    project: Path,
) -> None:
    """``tools/rollout_check.sh`` (tests/program/test_rollout_check.py): a re-run of a failed deploy that
    changed nothing fails the deploy, naming the retry, which passes ``--refresh`` to ``pulumi up``."""
    result, calls = deploy(project, "dev", ECS_RUNS=REVISION.replace(":42", ":41"))
    assert result.returncode == 1 and "tools/deploy.sh dev --refresh" in result.stderr
    assert calls.index("pulumi up --stack dev") < calls.index(next(c for c in calls if "describe-services" in c))
    result, calls = deploy(project, "dev", "--refresh")
    assert result.returncode == 0, result.stderr
    assert "pulumi up --stack dev --refresh" in calls


def test_the_readme_gives_the_deploy_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "tools/deploy.sh dev" in readme
    assert "tools/test.sh" in readme
    assert "tools/test.sh" in (ROOT / ".ci" / "run").read_text()
    assert os.access(ROOT / "tools" / "deploy.sh", os.X_OK) and os.access(ROOT / "tools" / "test.sh", os.X_OK)


def test_help_prints_the_usage_and_runs_nothing(project: Path) -> None:
    for flag in ("-h", "--help"):
        result, calls = deploy(project, flag)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("usage: tools/deploy.sh [STACK]")
        assert calls == []


@pytest.mark.parametrize("stack", ["--yes", "-s", "org/dev", "dev stack", "d" * 101])
def test_an_option_or_a_name_pulumi_refuses_as_the_stack_stops_before_anything_runs(project: Path, stack: str) -> None:
    """No ``uv sync``, no builder and no backend login for a stack Pulumi would refuse
    (pulumi/pulumi ``validateStackName``: ``^[A-Za-z0-9_.-]{1,100}$``)."""
    result, calls = deploy(project, stack)
    assert result.returncode == 2
    assert f"'{stack}'" in result.stderr and "usage: tools/deploy.sh" in result.stderr
    assert calls == []
