"""The components install as a versioned package with a lazy public API."""

import ast
import importlib.metadata
import inspect
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

import components
from components.iam_policies import default_boundary_arn

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_api_resolves_every_listed_name() -> None:
    assert set(components.__all__) == {"__version__", *components._EXPORTS}
    for name in components.__all__:
        assert getattr(components, name) is not None, name


def test_every_error_reuse_names_from_the_testing_modules_is_importable_from_testing() -> None:
    """A consumer's test catches what docs/reuse.md says ``run_program`` raises without reaching into a private
    module, so every exception of a module ``testing`` reads from that the guide names is in ``testing.__all__``."""
    from components import testing

    guide = (ROOT / "docs" / "reuse.md").read_text()
    modules = {inspect.getmodule(value) for value in vars(testing).values()}
    helpers = {module for module in modules if module is not None and module is not testing}
    errors = {
        name
        for module in helpers
        if module.__name__.startswith("components.")
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == module.__name__
    }
    named = {name for name in errors if f"`{name}`" in guide}
    assert "StackFileError" in named
    assert named <= set(testing.__all__)
    for name in testing.__all__:
        assert getattr(testing, name) is not None, name


def test_the_version_matches_pyproject_and_the_changelog() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert components.__version__ == project["version"]
    assert f"## {project['version']} " in (ROOT / "CHANGELOG.md").read_text()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from a copy (setuptools writes build/ and *.egg-info next to the sources) by the
    backend pyproject.toml names, called as ``pip wheel --no-build-isolation`` calls it (PEP 517's
    ``build_wheel`` in the source folder, with the environment's own setuptools), without pip's start-up
    and its second run of the backend for the metadata, which took most of the time."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT / "components", source / "components", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["build-backend"]
    build = f"import importlib, sys; importlib.import_module({backend!r}).build_wheel(sys.argv[1])"
    subprocess.run([sys.executable, "-c", build, str(tmp)], cwd=source, check=True, capture_output=True)
    (built,) = tmp.glob("graviton_node_components-*.whl")
    return built


def test_the_wheel_holds_the_reusable_modules_under_a_unique_import_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    packages = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert packages == {"graviton_node_components"}
    assert "graviton_node_components/service/fargate_service.py" in names
    assert "graviton_node_components/service/fargate_sizing.py" in names
    assert "graviton_node_components/testing.py" in names  # the mocks consumers test their stacks with
    assert "graviton_node_components/py.typed" in names  # PEP 561: type checkers read its annotations
    assert "graviton_node_components/service/node_options.json" in names  # what NODE_OPTIONS may carry
    assert "graviton_node_components/service/v8_full_heap.json" in names  # the peaks env_tuning's floor cites
    sources = {path.relative_to(ROOT).with_suffix("").parts[1:] for path in (ROOT / "components").rglob("*.py")}
    assert {tuple(n.removesuffix(".py").split("/")[1:]) for n in names if n.endswith(".py")} == sources
    assert not any(name.endswith("/settings.py") for name in names), "the program's config layer is not reusable"
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert sorted(r.split(">")[0].split("<")[0] for r in requires) == [
        "PyYAML", "pulumi", "pulumi-aws", "pulumi-awsx", "pulumi-docker-build",
    ]  # fmt: skip


def imported_distributions() -> set[str]:
    """The distributions whose modules the package imports (its own and the standard library's left out), but
    the Lambda functions' code (``*_handler``), which runs in the Lambda runtime: it provides boto3."""
    modules = set()
    for path in (p for p in (ROOT / "components").rglob("*.py") if not p.stem.endswith("_handler")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    providers = importlib.metadata.packages_distributions()
    third_party = modules - set(sys.stdlib_module_names) - {"__future__"}
    return {canonical(distribution) for module in third_party for distribution in providers[module]}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_distribution_the_package_imports_is_one_it_declares() -> None:
    """Not one that happens to come with another (PyYAML with pulumi): a consumer's resolver owes it nothing."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {canonical(re.split(r"[<>=~!\[ ;]", requirement, maxsplit=1)[0]) for requirement in declared}
    imported = imported_distributions()
    assert "pyyaml" in imported
    assert imported - names == set()


def test_reuse_names_the_pulumi_internals_the_testing_module_uses_and_the_version_they_are_tested_with() -> None:
    """``testing`` reaches into the Pulumi SDK where it has no public API; the package allows pulumi<4 for the
    components, which use only the public one, so the page says what a newer SDK may break."""
    tree = ast.parse((ROOT / "components" / "testing.py").read_text())
    imported = [a for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("pulumi")
                for a in n.names]  # fmt: skip
    modules = {alias.asname or alias.name for alias in imported}
    private = sorted(
        {alias.name for alias in imported if alias.name.startswith("_")}
        | {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
            and node.attr.startswith("_")
        }
    )  # fmt: skip
    locked = {p["name"]: p["version"] for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    text = " ".join((ROOT / "docs" / "reuse.md").read_text().split())
    assert private == ["_ensure_event_loop", "_get_rpc_manager", "_get_stack_trace", "_sync_await"]
    assert all(f"`{name}`" in text for name in private)
    assert f"tested with pulumi {locked['pulumi']} (this repository's `uv.lock`)" in text


CONSUMER = """
import components, graviton_node_components as package
from components.local import MINE
from graviton_node_components import FargateService, ServiceSpec, validate_task_size
from graviton_node_components.service.fargate_service import FargateService as Direct
assert MINE == "the consumer's own components"
assert FargateService is Direct and ServiceSpec().cpu == 1024
validate_task_size(1024, 2048, "1.4.0")
print(package.__file__)
"""


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh venv with the wheel installed; its dependencies (pulumi, pulumi-aws, ..., and pytest for
    a consumer's tests) are read from ours. Its python, and where the wheel went. Shared: the consumers
    only import from it, each from a project folder of its own."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    ours = sysconfig.get_path("purelib")
    Path(site, "zz-dependencies.pth").write_text(ours + "\n")
    return python, site


def test_a_project_with_its_own_components_folder_imports_the_installed_package(
    installed: tuple[Path, str], tmp_path: Path
) -> None:
    python, site = installed
    project = tmp_path / "consumer"
    (project / "components").mkdir(parents=True)
    (project / "components" / "__init__.py").write_text("")
    (project / "components" / "local.py").write_text('MINE = "the consumer\'s own components"\n')
    result = subprocess.run(
        [str(python), "-c", CONSUMER], cwd=project, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(site)


#: A consumer's own stack, in eu-west-1 under another project name, and its unit test: written as
#: docs/reuse.md ("Testing your stack") tells a consumer to, with nothing of this repository's tools/.
CONSUMER_PROGRAM = """
import pulumi
from graviton_node_components import Cluster, ClusterSpec

cluster = Cluster("shop", ClusterSpec(container_insights="enabled"))
pulumi.export("cluster_arn", cluster.arn)
"""
CONSUMER_TEST = """
import sysconfig
from pathlib import Path

from graviton_node_components import testing
from graviton_node_components.testing import RecordingMocks, run_mocked, run_program

PROJECT = Path(__file__).resolve().parent.parent


def test_the_mocks_are_the_installed_packages():
    assert Path(testing.__file__).is_relative_to(sysconfig.get_path("purelib"))


def test_the_cluster_is_created_in_the_stacks_region_with_container_insights():
    run = run_program(PROJECT, "dev")
    settings = run.mocks.one("aws:ecs/cluster:Cluster").inputs["settings"]
    assert settings == [{"name": "containerInsights", "value": "enabled"}]
    assert run.outputs["cluster_arn"] == "arn:aws:ecs:eu-west-1:123456789012:cluster/shop-cluster"


def test_a_component_runs_alone_under_mocks_given_a_region_and_account():
    from graviton_node_components import Cluster, ClusterSpec

    mocks = RecordingMocks(region="ap-south-2", account="210987654321")
    run_mocked(lambda: Cluster("solo", ClusterSpec()), mocks=mocks)
    assert mocks.one("aws:ecs/cluster:Cluster").name == "solo-cluster"
    assert mocks.arn("aws:sqs/queue:Queue", "q") == "arn:aws:sqs:ap-south-2:210987654321:q"
"""


def test_a_consumer_unit_tests_its_own_stack_with_the_packages_testing_module(
    installed: tuple[Path, str], tmp_path: Path
) -> None:
    python, _ = installed
    project = tmp_path / "shop"
    (project / "tests").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (project / "__main__.py").write_text(CONSUMER_PROGRAM)
    (project / "tests" / "test_stack.py").write_text(CONSUMER_TEST)
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", "tests"],
        cwd=project, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_reuse_names_the_default_boundary_the_components_use() -> None:
    assert default_boundary_arn("aws", "123456789012", "<project>", "<stack>").endswith(
        ":policy/<project>-boundary-<stack>"
    )
    assert "default: the account's `<project>-boundary-<stack>`" in (ROOT / "docs" / "reuse.md").read_text()


def test_docs_reuse_s_what_is_where_table_names_every_module_and_component_of_the_package() -> None:
    text = (ROOT / "docs" / "reuse.md").read_text()
    table = "| area" + text.split("### What is where", 1)[1].split("| area", 1)[1].split("\n\n", 1)[0]
    modules = {p.stem for p in (ROOT / "components").rglob("*.py") if p.stem != "__init__"}
    components_ = {
        line.split("class ", 1)[1].split("(", 1)[0]
        for p in (ROOT / "components").rglob("*.py")
        for line in p.read_text().splitlines()
        if line.startswith("class ") and "pulumi.ComponentResource" in line
    }
    named = set(re.findall(r"`(\w+)`", table))
    # A component's own module is named after it (service/fargate_service.py holds FargateService).
    pure = modules - {re.sub(r"(?<!^)(?=[A-Z])", "_", c).lower() for c in components_}
    assert sorted(components_ - named) == [] and sorted(pure - named) == []
