"""Names: the component type tokens (``<project>:<module>:<Class>``), and names AWS keeps unique per
account (and region) where the program must set them itself."""

import re

PROJECT = "graviton-node"


def type_token(module: str, cls: str) -> str:
    """``graviton-node:<module>:<Class>``."""
    return f"{PROJECT}:{module}:{cls}"


def account_unique(project: str, name: str) -> str:
    """``<project>-<name>`` in the characters every such name allows (letters, digits, ``-``, ``_``).

    Task definition families are unique per account and region, dashboards per account, and a name
    taken from the stack and component alone (``prod-app``) is the same in every project copied from
    this one: a second project's dashboard would silently replace the first's (``dashboard_name`` adds
    the region too).
    """
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{project}-{name}")
