"""A Pulumi project's config as the CLI hands it to the program: ``Pulumi.yaml``'s defaults overlaid with
``Pulumi.<stack>.yaml``, every value a string as ``pulumi.Config.get`` returns it; and its ``__main__.py``
as the CLI runs it. For the test mocks (``testing``): under mocks there is no CLI to do it."""

from __future__ import annotations

import functools
import json
import os
import re
import runpy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

# PyYAML comes with the Pulumi SDK (its ``pyyaml`` requirement).
import yaml

from .errors import ConfigError

#: libyaml's parser where PyYAML has it (about 10x the pure-Python one, the same documents).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"
T = TypeVar("T")


class StackFileError(Exception):
    """A project or stack file the Pulumi CLI would refuse: each of ``lines`` names the file and the line
    of one mistake (every key set twice, with the config's own mistakes after them: ``testing.run_program``)."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class EncryptedValueError(StackFileError):
    """A key whose encrypted value (``secure:``) only the Pulumi CLI can read refuses its offline
    ``STAND_IN``: the CLI might accept the real value, offline it takes a value given in its place."""


#: What an encrypted value (``pulumi config set --secret``: ``secure: v1:...``, the whole value or a part
#: of a list or map, however deep) reads as offline, where nothing can decrypt it: a NAME=value stand-in,
#: the form of the keys made to hold secrets (``{}`` is its path, ``_<n>`` for the n-th item of a list and
#: ``_<key>`` for a map's, so the names differ). Its own name is letters only, so that a whole value reads as
#: a name both an environment variable (``secretValues``) and a header (``deploymentTestHeader``, which the load
#: balancer keeps only in [-A-Za-z0-9]+) take. The keys holding one are ``secure_keys``, marked secret under
#: the mocks as under the CLI.
STAND_IN = "PULUMISECRET{}=stand-in"


class _StackFileLoader(_YAML_LOADER):  # type: ignore[valid-type,misc]  # CSafeLoader is untyped
    """YAML as the Pulumi CLI reads its project and stack files: gopkg.in/yaml.v3 (pulumi/pulumi
    sdk/go/common/encoding/marshal.go), YAML 1.2. Only true and false (also True, TRUE, False, FALSE) are
    booleans, and reach the program as "true" and "false" (config.Value: object.MarshalString); YAML
    1.1's yes, no, on and off are strings. A key set twice is an error ("mapping key already defined"),
    not PyYAML's silent last-one-wins."""

    #: Each key set twice: (its line, what is wrong), all of them, not only the first.
    twice: list[tuple[int, str]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in lines:
                self.twice.append((line, f"{key!r} is set twice (first on line {lines[key]})"))
            lines.setdefault(key, line)
        return super().construct_mapping(node, deep)


# The YAML 1.1 boolean resolver left out, YAML 1.2's put in its place.
_StackFileLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in _YAML_LOADER.yaml_implicit_resolvers.items()
}
_StackFileLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _readable(value: Any, path: str = "") -> tuple[Any, bool]:
    """``value`` with each encrypted part, however deep (``pulumi config set --secret --path a.b[0]``),
    replaced by a ``STAND_IN`` named by its path; and whether it had one, which makes the whole key
    secret as the CLI makes it."""
    if _is_secure(value):
        return STAND_IN.format(path), True
    if isinstance(value, list):
        parts = [_readable(item, f"{path}_{n}") for n, item in enumerate(value)]
    elif isinstance(value, dict):
        parts = [_readable(item, f"{path}_{key}") for key, item in value.items()]
    else:
        return value, False
    readable = [part for part, _ in parts]
    encrypted = any(secret for _, secret in parts)
    return (dict(zip(value, readable, strict=True)) if isinstance(value, dict) else readable), encrypted


def _config_string(value: Any) -> str:
    """A stack-file value as ``pulumi.Config.get`` returns it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def stack_config(root: Path, stack: str) -> dict[str, str]:
    """The project in ``root``: its Pulumi.yaml defaults overlaid with ``Pulumi.<stack>.yaml``, keyed
    ``project:key`` (other namespaces, such as ``aws:region``, as written); ``StackFileError`` names every
    key set twice.

    The CLI applies project defaults itself; mocks do not, so this does it for them.
    """
    config, twice, _ = _stack_config(stack, root)
    if twice:
        raise StackFileError(*twice)
    return dict(config)


def secure_keys(root: Path, stack: str) -> frozenset[str]:
    """The keys (``project:key``, as ``stack_config``) whose value in ``Pulumi.<stack>.yaml`` is encrypted, in
    whole or in part, and reads as ``STAND_IN``."""
    return frozenset(_stack_config(stack, root)[2])


def with_stack_config(root: Path, stack: str, run: Callable[[dict[str, str]], T]) -> T:
    """``run`` given ``stack_config``; keys set twice are named with the config's own mistakes (the
    ``ConfigError`` ``run`` raises given the file read the last one winning), all in one ``StackFileError``;
    an encrypted key whose stand-in ``run`` refuses is said to be one (``EncryptedValueError``)."""
    config, twice, secure = _stack_config(stack, root)
    try:
        result = run(dict(config))
    except ConfigError as error:
        refused = sorted({one.key for one in error.errors} & {key.split(":", 1)[-1] for key in secure})
        if not twice and not refused:
            raise
        hints = [
            f"Pulumi.{stack}.yaml: {key} is encrypted (pulumi config set --secret), which only the Pulumi CLI "
            f"reads: offline it is a stand-in of the form {STAND_IN.format('')}, which {key} does not take; give "
            "your own value in its place"
            for key in refused
        ]
        lines = [*twice, *(str(one) for one in error.errors), *hints]
        raise (EncryptedValueError if refused else StackFileError)(*lines) from None
    if twice:
        raise StackFileError(*twice)
    return result


def _load_yaml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """A project or stack file as the CLI reads it (the last of a key set twice winning), and a line for
    each key set twice; what else it would refuse raises ``StackFileError``."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StackFileError(f"{path.name} line {line}: not UTF-8 (YAML files are; save it as UTF-8)") from None
    loader = _StackFileLoader(text)
    loader.twice = []
    try:
        loaded = loader.get_single_data()  # type: ignore[no-untyped-call]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise StackFileError(f"{path.name}{where}: {error.problem or error.context}") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    if loaded is not None and (not isinstance(loaded, dict) or not isinstance(loaded.get("config") or {}, dict)):
        raise StackFileError(f"{path.name}: not a mapping with a config: mapping of key: value")
    return loaded or {}, [f"{path.name} line {line}: {problem}" for line, problem in sorted(loader.twice)]


def _refused(loaded: tuple[dict[str, Any], list[str]]) -> dict[str, Any]:
    """The file, or ``StackFileError`` naming every key set twice in it."""
    content, twice = loaded
    if twice:
        raise StackFileError(*twice)
    return content


@functools.cache
def project_name(root: Path) -> str:
    """The ``name`` in ``root``'s Pulumi.yaml."""
    return _refused(_load_yaml(root / "Pulumi.yaml"))["name"]


@functools.cache
def _stack_config(stack: str, root: Path) -> tuple[Mapping[str, str], tuple[str, ...], tuple[str, ...]]:
    project = _refused(_load_yaml(root / "Pulumi.yaml"))
    config = {
        f"{project['name']}:{key}": _config_string(spec["default"])
        for key, spec in (project.get("config") or {}).items()
        if "default" in spec
    }
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        raise FileNotFoundError(f"no stack file {stack_file.name}")
    content, twice = _load_yaml(stack_file)
    secure: list[str] = []
    for key, value in (content.get("config") or {}).items():
        full = key if ":" in key else f"{project['name']}:{key}"
        readable, encrypted = _readable(value)
        config[full] = _config_string(readable)
        secure += [full] if encrypted else []
    return config, tuple(twice), tuple(secure)


def main_program(root: Path) -> Callable[[], None]:
    """``root/__main__.py`` as the CLI runs it: in the project's directory (relative paths depend on it)."""

    def program() -> None:
        previous = Path.cwd()
        os.chdir(root)
        try:
            runpy.run_path(str(root / "__main__.py"), run_name="__main__")
        finally:
            os.chdir(previous)

    return program
