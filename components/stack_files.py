"""A Pulumi project's config as the CLI hands it to the program: ``Pulumi.<stack>.yaml`` with ``Pulumi.yaml``'s
values and defaults for the keys it leaves unset (``project_config``), every value a string as
``pulumi.Config.get`` returns it; and its program (``main``) as the CLI runs it. For the test mocks
(``testing``): under mocks there is no CLI to do it."""

from __future__ import annotations

import functools
import json
import os
import re
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

# PyYAML comes with the Pulumi SDK (its ``pyyaml`` requirement).
import yaml

from .errors import ConfigError
from .project_config import Declaration, declarations, full_key, merged

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
#: balancer keeps only in [-A-Za-z0-9]+) take, and a value as long and varied as a test header's must be
#: (``deployment_strategy.check_test_header``). The keys holding one are ``secure_keys``, marked secret under
#: the mocks as under the CLI.
STAND_IN = "PULUMISECRET{}=stand-in-for-a-value-only-pulumi-decrypts"


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
    """The project in ``root``: ``Pulumi.<stack>.yaml`` (none is an empty one, as the CLI reads it: pulumi/pulumi
    sdk/go/common/workspace/loaders.go, ``projectStackLoader.load``) with each key it leaves unset that
    Pulumi.yaml gives a value or default (``project_config``), keyed ``project:key`` (other namespaces, such as
    ``aws:region``, as written); ``StackFileError`` names what the CLI would refuse.

    The CLI applies the project's config itself; mocks do not, so this does it for them.
    """
    config, refused, _ = _stack_config(stack, root)
    if refused:
        raise StackFileError(*refused)
    return dict(config)


def secure_keys(root: Path, stack: str) -> frozenset[str]:
    """The keys (``project:key``, as ``stack_config``) whose value in ``Pulumi.<stack>.yaml`` is encrypted, in
    whole or in part, and reads as ``STAND_IN``."""
    return frozenset(_stack_config(stack, root)[2])


def with_stack_config(root: Path, stack: str, run: Callable[[dict[str, str]], T]) -> T:
    """``run`` given ``stack_config``; what the CLI would refuse (a key set twice, a required key unset) is
    named with the config's own mistakes (the ``ConfigError`` ``run`` raises given the config as read), all in
    one ``StackFileError``; an encrypted key whose stand-in ``run`` refuses is said to be one
    (``EncryptedValueError``)."""
    config, refused, secure = _stack_config(stack, root)
    try:
        result = run(dict(config))
    except ConfigError as error:
        stand_ins = sorted({one.key for one in error.errors} & {key.split(":", 1)[-1] for key in secure})
        if not refused and not stand_ins:
            raise
        hints = [
            f"Pulumi.{stack}.yaml: {key} is encrypted (pulumi config set --secret), which only the Pulumi CLI "
            f"reads: offline it is a stand-in of the form {STAND_IN.format('')}, which {key} does not take; give "
            "your own value in its place"
            for key in stand_ins
        ]
        lines = [*refused, *(str(one) for one in error.errors), *hints]
        raise (EncryptedValueError if stand_ins else StackFileError)(*lines) from None
    if refused:
        raise StackFileError(*refused)
    return result


@functools.lru_cache(maxsize=64)
def _load_yaml(name: str, data: bytes) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """A project or stack file ``name`` holding ``data``, as the CLI reads it (the last of a key set twice
    winning; not to be changed: it is shared), and a line for each key set twice; what else it would refuse
    raises ``StackFileError``. Cached by content, not by path: a file rewritten between runs is read anew."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StackFileError(f"{name} line {line}: not UTF-8 (YAML files are; save it as UTF-8)") from None
    loader = _StackFileLoader(text)
    loader.twice = []
    try:
        loaded = loader.get_single_data()  # type: ignore[no-untyped-call]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise StackFileError(f"{name}{where}: {error.problem or error.context}") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    if loaded is not None and not isinstance(loaded, dict):
        raise StackFileError(f"{name}: not a mapping with a config: mapping")
    return loaded or {}, tuple(f"{name} line {line}: {problem}" for line, problem in sorted(loader.twice))


@dataclass(frozen=True)
class Project:
    """What of a ``Pulumi.yaml`` the mocks need: its name, its config block (``project_config``), and where
    its stack files (``stackConfigDir``) and its program (``main``) are, relative to it."""

    name: str
    declared: Mapping[str, Declaration]
    stack_config_dir: str = ""
    main: str = ""


def project(root: Path) -> Project:
    """``root``'s Pulumi.yaml, or ``StackFileError`` naming all the CLI refuses of it."""
    return _project((root / "Pulumi.yaml").read_bytes())


@functools.lru_cache(maxsize=16)
def _project(data: bytes) -> Project:
    content, twice = _load_yaml("Pulumi.yaml", data)
    if twice:
        raise StackFileError(*twice)
    name, block, config_dir = content.get("name"), content.get("config"), content.get("stackConfigDir")
    if not isinstance(name, str) or not name:
        raise StackFileError("Pulumi.yaml: project is missing a non-empty string 'name' attribute")
    # pulumi/pulumi project.go, RewriteConfigPathIntoStackConfigDir: a text config: is the old stackConfigDir.
    if isinstance(block, str):
        if config_dir:
            raise StackFileError("Pulumi.yaml: config: (the stack directory) and stackConfigDir are both set")
        config_dir, block = block, None
    if not isinstance(block or {}, dict):
        raise StackFileError("Pulumi.yaml: config: is not a mapping of key: declaration")
    declared, problems = declarations(name, block or {})
    if problems:
        raise StackFileError(*problems)
    return Project(name, declared, config_dir or "", content.get("main") or "")


def project_name(root: Path) -> str:
    """The ``name`` in ``root``'s Pulumi.yaml."""
    return project(root).name


def stack_file(root: Path, stack: str) -> Path:
    """Where the CLI reads ``stack``'s config: ``Pulumi.<stack>.yaml`` in ``stackConfigDir`` below the project,
    else beside Pulumi.yaml (pulumi/pulumi sdk/go/common/workspace/paths.go, ``ProjectStackPath``; a ``/``
    of a qualified name made ``-``, ``qnameFileName``)."""
    return root / project(root).stack_config_dir / f"Pulumi.{stack.replace('/', '-')}.yaml"


def _stack_config(stack: str, root: Path) -> tuple[Mapping[str, str], tuple[str, ...], tuple[str, ...]]:
    """The config (as ``stack_config``), what the CLI would refuse, and the encrypted keys: each file read
    on every call (a test may rewrite one), parsed and merged once per content."""
    path = stack_file(root, stack)
    try:
        data: bytes | None = path.read_bytes()
    except FileNotFoundError:
        data = None
    return _merged(stack, (root / "Pulumi.yaml").read_bytes(), path.name, data)


@functools.lru_cache(maxsize=64)
def _merged(
    stack: str, project_data: bytes, name: str, data: bytes | None
) -> tuple[Mapping[str, str], tuple[str, ...], tuple[str, ...]]:
    own = _project(project_data)
    content, twice = _load_yaml(name, data) if data is not None else ({}, ())
    if not isinstance(content.get("config") or {}, dict):
        raise StackFileError(f"{name}: not a mapping with a config: mapping")
    values: dict[str, Any] = {}
    secure: list[str] = []
    for key, value in (content.get("config") or {}).items():
        full = full_key(own.name, key)
        values[full], encrypted = _readable(value)
        secure += [full] if encrypted else []
    config, problems = merged(own.name, stack, own.declared, values, secure.__contains__)
    strings = MappingProxyType({key: _config_string(value) for key, value in config.items()})
    return strings, (*twice, *problems), tuple(secure)


def main_program(root: Path) -> Callable[[], None]:
    """The project's program as the CLI runs it (pulumi/pulumi pkg/engine/project.go, ``getPwdMain``, and
    sdk/python/cmd/pulumi-language-python-exec): ``main`` (relative to ``root``), else ``root``; a directory
    runs its ``__main__.py`` in that directory, a file runs in its own; relative paths depend on it. Without
    a Pulumi.yaml, ``root``'s ``__main__.py``."""

    def program() -> None:
        # A folder holding only a program (no Pulumi.yaml) runs its __main__.py.
        main = Path(os.path.abspath(root / (project(root).main if (root / "Pulumi.yaml").is_file() else "")))
        if not main.exists():
            raise StackFileError(f"Pulumi.yaml: project 'main' could not be read: {main} does not exist")
        previous = Path.cwd()
        os.chdir(main if main.is_dir() else main.parent)
        try:
            runpy.run_path(str(main), run_name="__main__")
        finally:
            os.chdir(previous)

    return program
