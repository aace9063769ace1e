"""A project's ``Pulumi.yaml`` ``config:`` block as the Pulumi CLI reads it, and what it does to a stack's
config, for the test mocks (``stack_files``): under mocks no CLI applies it.

The CLI's rule (pulumi/pulumi ``sdk/go/common/workspace``):
- ``project.json``, the schema a Pulumi.yaml is held to: a key's entry is a string, an integer, a boolean,
  a list, or a declaration with only ``type`` (string, integer, boolean or array; an array names its
  ``items``), ``items``, ``description``, ``secret``, ``default`` and ``value``.
- ``project.go``, ``RewriteShorthandConfigValues``: a shorthand entry (``vm-count: 2``, ``aws:region:
  eu-west-1``) is the ``default`` of a key in the project's namespace and the ``value`` of a key in another;
  ``configKeyIsNamespacedByProject``: a key without a namespace, or with the project's, is the project's.
- ``project.go``, ``Project.Validate``: never both ``default`` and ``value``; a typed default fits its type
  (``ValidateConfigValue``); a key of another namespace has a ``value`` and neither ``type`` nor ``default``.
- ``config.go``, ``mergeConfig``: a key the stack file leaves unset takes the project's value or default (the
  stack's own value wins); a key of the project's with neither is required ("Stack '<stack>' is missing
  configuration value '<key>'"); ``parseConfigKey``: a key without a namespace is the project's. Then
  ``validateStackConfigValue``, for a typed key only: with ``secret: true`` the stack's value is encrypted,
  and the value fits the type (a list or map as its JSON, any other value as the text the program gets).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: project.json ``simpleConfigType``.
TYPES = ("string", "integer", "boolean", "array")
#: project.json ``configTypeDeclaration`` (``additionalProperties: false``).
ATTRIBUTES = ("type", "items", "description", "secret", "default", "value")
#: strconv.Atoi's form (``ValidateConfigValue`` takes such text as an integer): a sign, then ASCII digits.
_ATOI = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Declaration:
    """One key of the block, its shorthand rewritten; ``None`` for an attribute not given (or null)."""

    type: str | None = None
    items: Any = None
    secret: bool = False
    default: Any = None
    value: Any = None


def full_key(project: str, key: str) -> str:
    """``parseConfigKey``: a key with a namespace as written, else in the project's."""
    return key if ":" in key else f"{project}:{key}"


def is_projects(project: str, key: str) -> bool:
    """``configKeyIsNamespacedByProject``."""
    return ":" not in key or key.startswith(f"{project}:")


def declarations(project: str, block: Mapping[str, Any]) -> tuple[dict[str, Declaration], list[str]]:
    """Each key of the block (as written) and its declaration, and what the CLI refuses of them."""
    declared: dict[str, Declaration] = {}
    problems: list[str] = []
    for key, written in block.items():
        # A shorthand (a bool is an int): the project's default, or another namespace's value.
        shorthand = isinstance(written, (str, int, list))
        entry: Any = {"default" if is_projects(project, key) else "value": written} if shorthand else written
        found = _refused(project, str(key), entry)
        if found:
            problems += [f"Pulumi.yaml: config key '{key}' {problem}" for problem in found]
        else:
            declared[str(key)] = Declaration(
                entry.get("type"),
                entry.get("items"),
                bool(entry.get("secret")),
                entry.get("default"),
                entry.get("value"),
            )
    return declared, problems


def _refused(project: str, key: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"is a string, an integer, a boolean, a list or a map of {', '.join(ATTRIBUTES)}; not {entry!r}"]
    unknown = sorted(set(entry) - set(ATTRIBUTES))
    if unknown:
        return [f"has {', '.join(map(repr, unknown))}: the attributes allowed are {', '.join(ATTRIBUTES)}"]
    typ, default, value = entry.get("type"), entry.get("default"), entry.get("value")
    problems = _type_problems(typ, entry.get("items"))
    if not isinstance(entry.get("secret", False), bool) or not isinstance(entry.get("description", ""), str):
        problems.append("has a secret that is not true or false, or a description that is not a string")
    if default is not None and value is not None:
        problems.append("cannot have both a 'default' and 'value' attribute")
    if not is_projects(project, key):
        problems += [
            problem
            for bad, problem in (
                (typ is not None, "is not namespaced by the project and should not define a type"),
                (default is not None, "is not the project's: it takes 'value', not 'default'"),
                (value is None, "is namespaced (not the project's) and must provide an attribute 'value'"),
            )
            if bad
        ]
    elif typ in TYPES and default is not None and not fits(typ, entry.get("items"), default):
        problems.append(f"has a default value that is not of the expected type '{type_name(typ, entry.get('items'))}'")
    return problems


def _type_problems(typ: Any, items: Any) -> list[str]:
    """project.json ``simpleConfigType`` and ``configItemsType``: a known type; an array names its items."""
    if typ is None:
        return []
    if typ not in TYPES:
        return [f"has type {typ!r}: the types are {', '.join(TYPES)}"]
    if typ == "array":
        if not isinstance(items, dict) or "type" not in items:
            return ["declares an array but does not specify the underlying type via the 'items' attribute"]
        return _type_problems(items["type"], items.get("items"))
    return []


def type_name(typ: Any, items: Any) -> str:
    """``InferFullTypeName``: ``array<string>`` for an array of strings."""
    return f"array<{type_name(items.get('type'), items.get('items'))}>" if isinstance(items, dict) else typ


def fits(typ: str | None, items: Any, value: Any) -> bool:
    """``ValidateConfigValue``: whether ``value`` (as YAML or JSON decodes it) is of the type."""
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, str):
            return _ATOI.fullmatch(value) is not None and -(2**63) <= int(value) < 2**63
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if typ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if typ == "object":
        return isinstance(value, dict)
    check = items if isinstance(items, dict) else None
    return (
        check is not None
        and isinstance(value, list)
        and all(fits(check.get("type"), check.get("items"), v) for v in value)
    )


def merged(
    project: str,
    stack: str,
    declared: Mapping[str, Declaration],
    values: Mapping[str, Any],
    encrypted: Callable[[str], bool],
) -> tuple[dict[str, Any], list[str]]:
    """``mergeConfig``: ``values`` (the stack file's, full key -> value, readable) with each declared key the
    stack leaves unset taking the project's value or default; and what the CLI refuses of the result. A
    value ``encrypted`` in whole or part is not judged by type: only the CLI reads it."""
    config = dict(values)
    problems: list[str] = []
    missing = []
    for key in sorted(declared):
        spec, full = declared[key], full_key(project, key)
        given = spec.default if spec.default is not None else spec.value
        if full not in config and given is None and full.startswith(f"{project}:"):
            missing.append(key)
        elif full not in config and given is not None:
            config[full] = given
        if spec.type is not None and full in config:
            if spec.secret and not encrypted(full):
                problems.append(f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret")
            elif not encrypted(full) and not fits(spec.type, spec.items, _as_checked(config[full])):
                expected = type_name(spec.type, spec.items)
                problems.append(f"Stack '{stack}' with configuration key '{key}' must be of type '{expected}'")
    if missing:
        problems.insert(0, f"Stack '{stack}' is missing configuration {_listed(missing)}")
    return config, problems


def _as_checked(value: Any) -> Any:
    """A value as ``validateStackConfigValue`` judges it: a list or map as its JSON decodes, anything else
    as the text the program gets (YAML's true as "true", 3 as "3")."""
    if isinstance(value, (list, dict)):
        return value
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _listed(keys: list[str]) -> str:
    """``missingStackConfigurationKeysError``'s wording: 'a', 'b' and 'c'."""
    quoted = [f"'{key}'" for key in keys]
    return f"value {quoted[0]}" if len(quoted) == 1 else f"values {', '.join(quoted[:-1])} and {quoted[-1]}"
