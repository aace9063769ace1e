"""AWS rules live in modules that never import pulumi, so they stay fast and testable alone; a module
that imports pulumi does so to register resources. Read from the source (the AST), not from a list:
the modules under ``components/`` that import a Pulumi SDK (at run time: an import for annotations
only, under ``TYPE_CHECKING``, loads nothing) are exactly those defining a
``ComponentResource``, and each is named after its component (``FargateService`` in
``fargate_service.py``), so a module's name says whether it registers resources."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "components").rglob("*.py"))


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


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_module_imports_pulumi_exactly_when_it_defines_a_component_named_like_the_module(path: Path) -> None:
    tree = parse(path.read_text())
    defined = components(tree)
    assert imports_pulumi(tree) == bool(defined)
    if defined:
        assert path.stem in {snake(name) for name in defined}


def test_the_rule_modules_load_without_pulumi() -> None:
    pure = [_name(path) for path in MODULES if not imports_pulumi(parse(path.read_text()))]
    assert len(pure) > 20
    check = f"import sys; import {', '.join(pure)}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_program_settings_load_no_cloud_sdk() -> None:
    """``settings.py`` maps config keys to the specs: it needs the rules, never the SDKs."""
    check = "import sys, settings; print(sorted(m for m in sys.modules if m.startswith(('pulumi', 'boto'))))"
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
