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
