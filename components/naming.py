"""The project name every component type token starts with: ``<project>:<module>:<Class>``."""

PROJECT = "graviton-node"


def type_token(module: str, cls: str) -> str:
    """``graviton-node:<module>:<Class>``."""
    return f"{PROJECT}:{module}:{cls}"
