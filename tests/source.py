"""Parsing the project's own Python for the tests that read its structure."""

import ast


def parse(source: str) -> ast.Module:
    """``ast.parse``, tried twice: CPython before 3.11.8 can raise a spurious ``SystemError: AST
    constructor recursion depth mismatch`` (python/cpython#106905, fixed in 3.11.8; this machine's
    Python is 3.11.7), seen here once in a few full runs. A real syntax error fails both tries."""
    try:
        return ast.parse(source)
    except SystemError:
        return ast.parse(source)


def top_level_imports(source: str) -> set[str]:
    """The top-level packages a module imports; a relative import fails (a Lambda handler runs alone)."""
    tree = parse(source)
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree)), "no relative import"
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    return imported | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                       and node.module}  # fmt: skip
