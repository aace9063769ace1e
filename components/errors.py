"""The one error type for bad configuration: it names the key, the bad value and what is allowed.

``collect`` runs several checks and reports every mistake at once (``CombinedConfigError``), so a user
fixes a stack file in one pass instead of one run per key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any


def shown(value: Any) -> str:
    """A value as the user typed it in YAML or ``pulumi config set``: ``false``, ``["a"]``, ``'text'``."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, tuple, dict)):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


class ConfigError(ValueError):
    """A configuration value that breaks an AWS rule or a rule of this program.

    Raised before any resource is registered, so a bad value never leaves a stack half-created.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"config '{key}': got {shown(value)}; allowed: {allowed}")

    @property
    def errors(self) -> list[ConfigError]:
        """Every mistake this error stands for: itself."""
        return [self]


class CombinedConfigError(ConfigError):
    """Several mistakes at once, one line each; ``key``, ``value`` and ``allowed`` are the first one's."""

    def __init__(self, errors: Iterable[ConfigError]) -> None:
        unique: dict[tuple[str, str], ConfigError] = {}
        for error in errors:
            for one in error.errors:
                unique.setdefault((one.key, shown(one.value)), one)
        self._errors = list(unique.values())
        first = self._errors[0]
        ValueError.__init__(self, "\n".join(str(error) for error in self._errors))
        self.key, self.value, self.allowed = first.key, first.value, first.allowed

    @property
    def errors(self) -> list[ConfigError]:
        return list(self._errors)


def collect(*checks: Callable[[], object]) -> None:
    """Run every check; raise the one ``ConfigError`` there was, or ``CombinedConfigError`` for several."""
    found: list[ConfigError] = []
    for check in checks:
        try:
            check()
        except ConfigError as error:
            found.extend(error.errors)
    raise_any(found)


def raise_any(found: list[ConfigError]) -> None:
    """Raise the one error found as itself, several as a ``CombinedConfigError``; nothing if none."""
    if len(found) == 1:
        raise found[0]
    if found:
        raise CombinedConfigError(found)
