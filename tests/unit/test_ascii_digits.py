"""A number the user writes is ASCII digits, read as the tools that consume it read it.

Python's ``str.isdigit()`` (and ``isnumeric``, ``isdecimal``) is true for a superscript two, an
Arabic-Indic three and a full-width three; ``int()`` reads the last two as 3 and raises ``ValueError`` on
the first; ``\\d`` and ``\\w`` in a ``str`` pattern match every Unicode digit and letter. The readers of
those values (Pulumi's stack file, V8's flag parser, Docker's user lookup, AWS's APIs and the Go regexp of
the provider) take ASCII only: a value this program let through would reach them, or crash the program on
its way. So, read from the source: no ``isdigit``-family call anywhere outside the tests, and no ``\\d``
or ``\\w`` in a pattern of the modules that judge config or a resource, except botocore's own data kept
verbatim and matched with ``re.ASCII`` (``ASCII_MATCHED``). The behaviour, key by key:
``tests/program/test_config_errors.py`` (Unicode digits in integer, port and NODE_OPTIONS values).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.errors import ConfigError, integer
from components.service.node_options import parse as parse_node_options
from components.validation import partition_of
from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
SOURCE = [
    *sorted(
        path
        for folder in ("components", "policy", "tools", "examples", "docker")
        for path in (ROOT / folder).rglob("*.py")
        # The project's own modules: not what an installer put beside them (node_modules, policy/.venv).
        if not {"node_modules", ".venv"} & set(path.parts)
    ),
    ROOT / "settings.py",
    ROOT / "__main__.py",
]
#: The modules that judge config or a registered resource: their patterns are held to ASCII classes.
JUDGES = [path for path in SOURCE if path.parts[len(ROOT.parts)] in ("components", "policy", "settings.py")]
UNICODE_TESTS = ("isdigit", "isnumeric", "isdecimal")
#: Patterns with ``\d``/``\w`` kept as their source gives them, and the module that matches them with re.ASCII.
ASCII_MATCHED = {"PARTITION_REGIONS": "components/validation.py"}
UNICODE_DIGITS = ("\u00b2", "\u0663", "\uff13")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _docstrings(tree: ast.Module) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    return {
        id(node.body[0].value)
        for node in nodes
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }


def _kept_verbatim(tree: ast.Module) -> set[int]:
    """The string constants inside an ``ASCII_MATCHED`` assignment."""
    return {
        id(constant)
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id in ASCII_MATCHED
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
        for constant in ast.walk(node)
    }


@pytest.mark.parametrize("path", SOURCE, ids=_name)
def test_no_module_asks_python_whether_text_is_digits(path: Path) -> None:
    calls = [
        f"line {node.lineno}: .{node.func.attr}()"
        for node in ast.walk(parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in UNICODE_TESTS
    ]
    assert calls == [], "Unicode digits pass these: use re.fullmatch(r'[0-9]+', ...)"


@pytest.mark.parametrize("path", JUDGES, ids=_name)
def test_no_pattern_that_judges_config_takes_a_unicode_digit_or_letter(path: Path) -> None:
    tree = parse(path.read_text())
    skipped = _docstrings(tree) | _kept_verbatim(tree)
    found = [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
        and ("\\d" in node.value or "\\w" in node.value)
    ]  # fmt: skip
    assert found == [], "\\d and \\w match Unicode digits and letters in Python: spell [0-9], [A-Za-z0-9_]"


def test_the_patterns_kept_verbatim_are_matched_as_ascii() -> None:
    for name, module in ASCII_MATCHED.items():
        assert name in (ROOT / module).read_text()
    assert partition_of("us-east-1") == "aws"
    assert [partition_of(f"us-east-{digit}") for digit in UNICODE_DIGITS] == [None, None, None]


@pytest.mark.parametrize("digits", [*UNICODE_DIGITS, "1\u0663", "+3", " 3", "1_0"])
def test_an_integer_key_in_anything_but_ascii_digits_is_a_config_error_naming_it(digits: str) -> None:
    with pytest.raises(ConfigError) as error:
        integer("maxPercent", digits, 200)
    assert (error.value.key, error.value.value, error.value.allowed) == ("maxPercent", digits, "an integer")


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_a_v8_size_in_unicode_digits_is_refused_naming_the_key_not_crashing(digits: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_node_options(f"--max-semi-space-size={digits}")
    assert error.value.key == "ServiceSpec.environment"
    assert "=<digits>" in error.value.allowed
