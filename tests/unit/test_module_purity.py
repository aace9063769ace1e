"""AWS rules live in modules that never import pulumi, so they stay fast and testable alone; a module
that imports pulumi does so to register resources. Read from the source (the AST), not from a list:
the modules under ``components/`` that import a Pulumi SDK (at run time: an import for annotations
only, under ``TYPE_CHECKING``, loads nothing) are exactly those defining a
``ComponentResource``, and each is named after its component (``FargateService`` in
``fargate_service.py``), so a module's name says whether it registers resources.

One exception, by name: ``components.testing``, the mocks a consumer unit-tests their own stacks with,
imports Pulumi to *run* programs, not to register resources. It defines no component, subclasses
``pulumi.runtime.Mocks``, and no other module of the package imports it (so no component or rule ever
loads it)."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "components").rglob("*.py"))
#: The module that imports Pulumi without registering resources: the package's test harness.
TESTING = ROOT / "components" / "testing.py"


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _run_time(tree: ast.Module) -> ast.Module:
    """The module without its ``if TYPE_CHECKING:`` blocks (imports for annotations only)."""
    body = [n for n in tree.body if not (isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")]
    return ast.Module(body=body, type_ignores=[])


def imports_pulumi(tree: ast.Module) -> bool:
    """Whether the module imports a Pulumi SDK anywhere at run time (``pulumi``, ``pulumi_aws``, ...)."""
    for node in ast.walk(_run_time(tree)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if any(name.split(".")[0].startswith("pulumi") for name in names):
            return True
    return False


def components(tree: ast.Module) -> list[str]:
    """The classes the module defines on ``pulumi.ComponentResource``."""
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base) == "pulumi.ComponentResource" for base in node.bases)
    ]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@pytest.mark.parametrize("path", [m for m in MODULES if m != TESTING], ids=_name)
def test_a_module_imports_pulumi_exactly_when_it_defines_a_component_named_like_the_module(path: Path) -> None:
    tree = parse(path.read_text())
    defined = components(tree)
    assert imports_pulumi(tree) == bool(defined)
    if defined:
        assert path.stem in {snake(name) for name in defined}


def imports_testing(tree: ast.Module) -> bool:
    """Whether the module imports the package's ``testing`` module (``from .testing import ...``,
    ``from . import testing``, or by either import name)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[-1], *(a.name for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[-1] for a in node.names]
        else:
            continue
        if "testing" in names:
            return True
    return False


def test_the_one_exception_is_the_test_harness_that_no_other_module_imports() -> None:
    tree = parse(TESTING.read_text())
    assert imports_pulumi(tree) and components(tree) == []
    mocks = [node.name for node in tree.body if isinstance(node, ast.ClassDef)
             and "pulumi.runtime.Mocks" in map(ast.unparse, node.bases)]  # fmt: skip
    assert mocks == ["RecordingMocks"]
    assert [_name(path) for path in MODULES if imports_testing(parse(path.read_text()))] == []
    assert imports_testing(parse("from ..testing import RecordingMocks"))
    assert imports_testing(parse("from . import testing"))


def test_the_rule_modules_load_without_pulumi() -> None:
    pure = [_name(path) for path in MODULES if not imports_pulumi(parse(path.read_text()))]
    assert len(pure) > 20
    check = f"import sys; import {', '.join(pure)}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


#: The pack's modules that import Pulumi: the pulumi_policy wrappers and the pack's entry point.
POLICY_WRAPPERS = {"policies.py", "__main__.py"}


@pytest.mark.parametrize("path", sorted((ROOT / "policy").glob("*.py")), ids=lambda path: f"policy/{path.name}")
def test_the_policy_pack_s_rules_import_no_pulumi_only_its_wrappers_do(path: Path) -> None:
    assert imports_pulumi(parse(path.read_text())) == (path.name in POLICY_WRAPPERS)


def test_the_program_settings_load_no_cloud_sdk() -> None:
    """``settings.py`` maps config keys to the specs: it needs the rules, never the SDKs."""
    check = "import sys, settings; print(sorted(m for m in sys.modules if m.startswith(('pulumi', 'boto'))))"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
