"""A component's helper methods return what they create: none writes to ``self`` (``__init__`` assigns
the outputs and registers them in one pass) and none that registers a resource returns None. Read from
the source (the AST) of every component under ``components/``."""

import ast
from pathlib import Path

import pytest

from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "components").rglob("*.py"))


def component_classes(tree: ast.Module) -> list[ast.ClassDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "pulumi.ComponentResource" for b in node.bases)
    ]


COMPONENTS = {cls.name for path in MODULES for cls in component_classes(parse(path.read_text()))}


def registers(call: ast.Call) -> bool:
    """A call of a resource class: ``aws.<module>.<Class>(...)`` (not an ``...Args`` type nor an invoke)
    or one of the package's components."""
    name = ast.unparse(call.func)
    last = name.rsplit(".", 1)[-1]
    if name.startswith("aws.") and last[:1].isupper() and not last.endswith(("Args", "ArgsDict")):
        return True
    return name in COMPONENTS


def returns_none(method: ast.FunctionDef) -> bool:
    return method.returns is None or ast.unparse(method.returns) == "None"


def helpers() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in MODULES:
        for cls in component_classes(parse(path.read_text())):
            for node in cls.body:
                if isinstance(node, ast.FunctionDef) and node.name != "__init__":
                    found.append((f"{path.relative_to(ROOT)}:{cls.name}.{node.name}", node))
    return found


@pytest.mark.parametrize(("where", "method"), helpers(), ids=[where for where, _ in helpers()])
def test_a_helper_writes_nothing_to_self_and_returns_what_it_registers(where: str, method: ast.FunctionDef) -> None:
    writes = [ast.unparse(t) for n in ast.walk(method) if isinstance(n, ast.Assign | ast.AugAssign | ast.AnnAssign)
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
              if isinstance(t, ast.Attribute) and ast.unparse(t.value) == "self"]  # fmt: skip
    assert writes == [], f"{where} writes {writes}"
    created = [ast.unparse(n.func) for n in ast.walk(method) if isinstance(n, ast.Call) and registers(n)]
    assert not (created and returns_none(method)), f"{where} registers {created} and returns None"


def test_the_check_sees_what_it_must() -> None:
    """Not vacuous: the components are found, and a helper of the old shape is caught."""
    assert {"FargateService", "ServiceRoute", "ServiceMonitoring", "ServiceAutoscaling"} <= COMPONENTS
    old = parse("def _autoscaling(self, service) -> None:\n    ServiceAutoscaling('x', args)\n").body[0]
    assert isinstance(old, ast.FunctionDef)
    assert returns_none(old) and any(registers(n) for n in ast.walk(old) if isinstance(n, ast.Call))
