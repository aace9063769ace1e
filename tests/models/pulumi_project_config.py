"""How the Pulumi CLI reads a ``Pulumi.yaml`` ``config:`` block with a stack's config, step by step in the
order it runs them (pulumi/pulumi ``sdk/go/common/workspace``):

1. ``loaders.go``, ``projectLoader.load``: ``ValidateProject`` against ``project.json`` (an entry is a string,
   an integer, a boolean, an array, or a ``configTypeDeclaration``: only type, items, description, secret,
   default and value; type one of string, integer, boolean, array, an array with ``items``); then
   ``RewriteShorthandConfigValues`` (``project.go``); then ``Project.Validate``.
2. ``loaders.go``, ``projectStackLoader.load``: a missing stack file is an empty config.
3. ``config.go``, ``mergeConfig``: the stack's value wins; else the project's value or default; a key of
   the project's namespace with neither is missing; then ``validateStackConfigValues`` for typed keys.

``run`` answers what the program gets (full key -> value: a scalar as its text, a list as a list) or the
first error the CLI stops at. An encrypted stack value (``{"secure": ...}``) is one the model cannot read:
its type is not judged (the offline reading cannot either), only that it is encrypted.
"""

from __future__ import annotations

import math
import re
from typing import Any

SIMPLE_TYPES = {"string", "integer", "boolean", "array"}
DECLARATION = {"type", "items", "description", "secret", "default", "value"}


def namespaced_by_project(project: str, key: str) -> bool:
    return ":" not in key or key.startswith(project + ":")


def parse_config_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _items_ok(items: Any) -> bool:
    if not isinstance(items, dict) or "type" not in items or items["type"] not in SIMPLE_TYPES:
        return False
    return items["type"] != "array" or _items_ok(items.get("items"))


def schema_accepts(entry: Any) -> bool:
    if isinstance(entry, (str, int, list)):  # string, integer, boolean (a bool is an int), array
        return True
    if not isinstance(entry, dict) or set(entry) - DECLARATION:
        return False
    if "type" in entry and entry["type"] not in SIMPLE_TYPES:
        return False
    if entry.get("type") == "array" and "items" not in entry:
        return False
    return ("items" not in entry or _items_ok(entry["items"])) and isinstance(entry.get("secret", False), bool)


def validate_config_value(typ: str, items: Any, value: Any) -> bool:
    if typ == "string":
        return isinstance(value, str)
    if typ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float) and value == math.trunc(value):
            return True
        return isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value) is not None
    if typ == "boolean":
        return value in ("true", "false") or isinstance(value, bool)
    if not isinstance(value, list) or items is None:
        return False
    return all(validate_config_value(items["type"], items.get("items"), item) for item in value)


def _project_error(project: str, key: str, spec: dict[str, Any]) -> str | None:
    """``Project.Validate`` for one key."""
    if spec.get("default") is not None and spec.get("value") is not None:
        return f"project config '{key}' cannot have both a 'default' and 'value' attribute"
    if namespaced_by_project(project, key):
        typ, default = spec.get("type"), spec.get("default")
        if typ is not None and default is not None and not validate_config_value(typ, spec.get("items"), default):
            return f"The default value specified for configuration key '{key}' is not of the expected type"
        return None
    if spec.get("type") is not None:
        return f"Configuration key '{key}' is not namespaced by the project and should not define a type"
    if spec.get("default") is not None:
        return f"Configuration key '{key}' is not namespaced by the project and should not define a default value"
    if spec.get("value") is None:
        return f"Configuration key '{key}' is namespaced and must provide an attribute 'value'"
    return None


def _as_value(raw: Any) -> Any:
    """``createConfigValue`` / a stack file's ``config.Value``: a scalar as its text, a list kept."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return raw if isinstance(raw, (list, dict)) else str(raw)


def run(project: str, stack: str, block: dict[str, Any], stack_values: dict[str, Any]) -> dict[str, Any] | str:
    """What the program gets, or the CLI's first error."""
    for key, entry in block.items():
        if not schema_accepts(entry):
            return f"#/config/{key}: does not match the project schema"
    specs = {
        key: ({"default": entry} if namespaced_by_project(project, key) else {"value": entry})
        if isinstance(entry, (str, int, list))
        else entry
        for key, entry in block.items()
    }
    for key, spec in specs.items():
        if error := _project_error(project, key, spec):
            return error
    config = {parse_config_key(project, key): value for key, value in stack_values.items()}
    missing = []
    for key in sorted(specs):
        spec, full = specs[key], parse_config_key(project, key)
        given = spec.get("default") if spec.get("default") is not None else spec.get("value")
        if full not in config and given is None and full.split(":")[0] == project:
            missing.append(key)
        elif full not in config and given is not None:
            config[full] = given
    if missing:
        return f"Stack '{stack}' is missing configuration value(s) {missing}"
    for key in sorted(specs):
        spec: dict[str, Any] = specs[key]
        value = config[parse_config_key(project, key)]
        secure = isinstance(value, dict) and set(value) == {"secure"}
        if spec.get("type") is None:
            continue
        if spec.get("secret") and not secure:
            return f"Stack '{stack}' with configuration key '{key}' must be encrypted as it's secret"
        if not secure and not validate_config_value(spec["type"], spec.get("items"), _as_value(value)):
            return f"Stack '{stack}' with configuration key '{key}' must be of type '{spec['type']}'"
    return {key: value if isinstance(value, dict) else _as_value(value) for key, value in config.items()}
