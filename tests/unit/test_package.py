"""The components install as a versioned package with a lazy public API."""

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import components

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_api_resolves_every_listed_name() -> None:
    assert set(components.__all__) == {"__version__", *components._EXPORTS}
    for name in components.__all__:
        assert getattr(components, name) is not None, name


def test_the_version_matches_pyproject_and_the_changelog() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert components.__version__ == project["version"]
    assert f"## {project['version']} " in (ROOT / "CHANGELOG.md").read_text()


def test_the_wheel_holds_the_components_and_their_dependencies_only(tmp_path: Path) -> None:
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "components", source / "components", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*pip_wheel, "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("graviton_node_components-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    packages = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert packages == {"components"}
    assert "components/fargate_service.py" in names
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert sorted(r.split(">")[0].split("<")[0] for r in requires) == [
        "pulumi", "pulumi-aws", "pulumi-awsx", "pulumi-docker-build",
    ]  # fmt: skip
