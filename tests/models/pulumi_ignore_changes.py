"""What ``ResourceOptions.ignore_changes`` does to an update, in the two places it acts.

1. The engine (pulumi/pulumi ``pkg/resource/deploy/step_generator.go``, ``processIgnoreChanges``; the
   walk is ``PropertyPath.reset`` in ``sdk/go/common/resource/properties_path.go``) resets each ignored
   path of the program's new inputs to the resource's old *inputs*: a leaf the old inputs lack is deleted
   from the new ones; a path whose parent the old inputs lack (above the leaf) is a path error, reported
   as information, and the new inputs keep their value there.
2. The bridged provider (pulumi/pulumi-terraform-bridge ``pkg/tfbridge/diff.go``, ``computeIgnoreChanges``)
   drops from its diff against the *state* every attribute under an ignored path, matched exactly (no
   ``*``), and only when the path up to its last list index resolves in the state
   (``ignoredPathResolvesAgainstOlds``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

Path = list[str | int]
_MISSING = object()


def parse(path: str) -> Path:
    """``actions[0].forward.targetGroups[1]`` as its steps."""
    return [int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]


def _reset(path: Path, old: Any, new: Any) -> bool:
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        if not isinstance(old, list) or not isinstance(new, list):
            return not isinstance(old, list) and not isinstance(new, list)
        if key >= len(old) or key >= len(new):
            return key >= len(old) and key >= len(new) if not rest else False
        if not rest:
            new[key] = copy.deepcopy(old[key])
            return True
        return _reset(rest, old[key], new[key])
    if not rest:
        if isinstance(old, dict) and key in old:
            if not isinstance(new, dict):
                return False
            new[key] = copy.deepcopy(old[key])
        elif isinstance(new, dict):
            new.pop(key, None)
        return True
    if not isinstance(old, dict) or not isinstance(new, dict):
        return not isinstance(old, dict) and not isinstance(new, dict)
    has_old, has_new = key in old, key in new
    if has_old and not has_new:
        return False
    if not has_old and not has_new:
        return True
    return _reset(rest, old.get(key, _MISSING), new[key])


def engine_inputs(new_inputs: dict[str, Any], old_inputs: dict[str, Any], ignore: list[str]) -> dict[str, Any]:
    """The inputs the engine sends the provider: ``new_inputs`` with each ignored path reset."""
    inputs = copy.deepcopy(new_inputs)
    for path in ignore:
        _reset(parse(path), old_inputs, inputs)
    return inputs


def _get(value: Any, path: Path) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return _MISSING
            value = value[step]
        elif not isinstance(value, dict) or step not in value:
            return _MISSING
        else:
            value = value[step]
    return value


def _leaves(value: Any, path: Path) -> dict[tuple[str | int, ...], Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, [*path, key]).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _leaves(item, [*path, i]).items()}
    return {tuple(path): value}


def provider_changes(state: dict[str, Any], inputs: dict[str, Any], ignore: list[str]) -> set[str]:
    """The top-level properties the bridged provider would update: those with a leaf that differs between
    the state and the inputs outside the ignored paths that resolve in the state."""
    ignored: list[Path] = []
    for text in ignore:
        path = parse(text)
        last = max((i for i, step in enumerate(path) if isinstance(step, int)), default=-1)
        if last < 0 or _get(state, path[: last + 1]) is not _MISSING:
            ignored.append(path)
    old, new = _leaves(state, []), _leaves(inputs, [])
    changed = {key for key in old.keys() | new.keys() if old.get(key, _MISSING) != new.get(key, _MISSING)}
    return {str(key[0]) for key in changed if not any(list(key[: len(p)]) == p for p in ignored)}
