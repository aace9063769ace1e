"""Smaller rooms: a newcomer reads one concern at a time. No module under ``components/`` nor of the
policy pack (``policy/``) runs over 300 lines and no function over 60 (both read from the source)."""

import ast
from pathlib import Path

import pytest

from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted([*(ROOT / "components").rglob("*.py"), *(ROOT / "policy").glob("*.py")])
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_runs_over_300_lines_nor_any_of_its_functions_over_60(path: Path) -> None:
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES
    functions = [n for n in ast.walk(parse(source)) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    lines = [(f.name, (f.end_lineno or f.lineno) - f.lineno + 1) for f in functions]
    assert not [(name, count) for name, count in lines if count > MAX_FUNCTION_LINES]
