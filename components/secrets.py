"""Secrets for the container: references to SSM parameters or Secrets Manager secrets, never plain env.

ECS resolves each ``secrets`` entry at task start with the execution role, so the role may read
exactly those parameters and secrets (and decrypt with exactly the given KMS keys). A Secrets Manager
reference may select a JSON key: ``<secret ARN>:<json-key>:<version-stage>:<version-id>``, the last
three parts optional; the role's permission is on the secret ARN itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .errors import ConfigError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SSM = re.compile(r"arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/[A-Za-z0-9_./-]+")
_SECRET = re.compile(
    r"(?P<secret>arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+)"
    r"(?::(?P<key>[^:]*)(?::(?P<stage>[^:]*)(?::(?P<version>[^:]*))?)?)?"
)
ALLOWED = (
    "NAME=ARN with an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or a Secrets Manager "
    "ARN, optionally with a JSON key (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf:json-key::)"
)


def secret_name(key: str, name: str) -> str:
    """An environment-variable-shaped name."""
    if not _NAME.fullmatch(name):
        raise ConfigError(key, name, "a name of letters, digits and _ (not starting with a digit)")
    return name


def resource_arn(value_from: str) -> str | None:
    """The ARN the execution role needs for a ``valueFrom``: the parameter, or the secret without its
    JSON key, stage and version; None when it is neither."""
    if _SSM.fullmatch(value_from):
        return value_from
    match = _SECRET.fullmatch(value_from)
    return match["secret"] if match else None


def parse_references(entries: Iterable[str]) -> dict[str, str]:
    """``secrets`` config (``NAME=ARN`` strings) as name -> valueFrom."""
    references: dict[str, str] = {}
    for entry in entries:
        name, sep, arn = entry.partition("=")
        if not sep or resource_arn(arn) is None:
            raise ConfigError("secrets", entry, ALLOWED)
        secret_name("secrets", name)
        if name in references:
            raise ConfigError("secrets", entry, f"each name once ({name} is set twice)")
        references[name] = arn
    return references


def parse_values(entries: Iterable[str]) -> dict[str, str]:
    """``secretValues`` config (``NAME=value`` strings) as name -> value; the error never shows a value."""
    values: dict[str, str] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep or not value:
            raise ConfigError("secretValues", "(hidden)", "NAME=value entries, set with pulumi config set --secret")
        secret_name("secretValues", name)
        if name in values:
            raise ConfigError("secretValues", name, "each name once")
        values[name] = value
    return values


def check_names(environment: Mapping[str, str], secrets: Iterable[str]) -> None:
    """A name is either plain environment or a secret, never both."""
    for name in secrets:
        if name in environment:
            raise ConfigError("secrets", name, f"a name not also in environment ({name} is in both)")
