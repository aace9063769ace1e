"""The one error type for bad configuration: it names the key, the bad value and what is allowed."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A configuration value that breaks an AWS rule or a rule of this program.

    Raised before any resource is registered, so a bad value never leaves a stack half-created.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"config '{key}': got {value!r}; allowed: {allowed}")
