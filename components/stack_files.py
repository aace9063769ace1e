"""A Pulumi project's config as the CLI hands it to the program: ``Pulumi.yaml``'s defaults overlaid with
``Pulumi.<stack>.yaml``, every value a string as ``pulumi.Config.get`` returns it. For the test mocks
(``testing``): under mocks there is no CLI to do it."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# PyYAML comes with the Pulumi SDK (its ``pyyaml`` requirement).
import yaml

#: libyaml's parser where PyYAML has it (about 10x the pure-Python one, the same documents).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _config_string(value: Any) -> str:
    """A stack-file value as ``pulumi.Config.get`` returns it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def stack_config(root: Path, stack: str) -> dict[str, str]:
    """The project in ``root``: its Pulumi.yaml defaults overlaid with ``Pulumi.<stack>.yaml``, keyed
    ``project:key`` (other namespaces, such as ``aws:region``, as written).

    The CLI applies project defaults itself; mocks do not, so this does it for them.
    """
    return dict(_stack_config(stack, root))


def _load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=_YAML_LOADER)


@functools.cache
def project_name(root: Path) -> str:
    """The ``name`` in ``root``'s Pulumi.yaml."""
    return _load_yaml(root / "Pulumi.yaml")["name"]


@functools.cache
def _stack_config(stack: str, root: Path) -> Mapping[str, str]:
    project = _load_yaml(root / "Pulumi.yaml")
    config = {
        f"{project['name']}:{key}": _config_string(spec["default"])
        for key, spec in (project.get("config") or {}).items()
        if "default" in spec
    }
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise FileNotFoundError(f"no stack file {stack_file.name}")
    overrides = (_load_yaml(stack_file) or {}).get("config") or {}
    for key, value in overrides.items():
        full = key if ":" in key else f"{project['name']}:{key}"
        config[full] = _config_string(value)
    return config
