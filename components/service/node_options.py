"""What ``NODE_OPTIONS`` may carry: the options Node.js reads from it, as Node reads them.

Node exits at start (status 9) when ``NODE_OPTIONS`` holds an option "not allowed in the environment"
(nodejs.org doc/api/cli.md, ``NODE_OPTIONS=options...``): the app's tasks would crash-loop, and so would
the container health check, a ``node -e`` in the same environment. The allowed options are data Node
publishes, ``process.allowedNodeEnvironmentFlags``, kept for the image's Node in ``node_options.json``
(written by ``tools/node_options_rules.py``, which records the version; a test compares it with the Node
the tests run). Reading follows Node's own parser (src/node_options.cc ``ParseNodeOptionsEnvVar``, then
src/node_options-inl.h ``OptionsParser::Parse``):

- the value splits at spaces; double quotes make one token of what they hold, a backslash inside them
  takes the next character literally; an unterminated quote is an error;
- the first token that is not an option (no leading ``-``, or ``-`` alone) ends the options: Node ignores
  it and everything after, the heap ceiling the tuning appends among them; ``--`` is refused;
- ``--name=value`` splits at the first ``=`` for ``--`` options only (``-r=x`` is no option); ``_`` in a
  name reads as ``-`` (``--max_old_space_size``); ``--no-`` negates a Node boolean or a V8 flag;
- an option that takes a value (``--require``, ``-r``, ``--title`` ...) takes ``=value`` or the next
  token, which must not start with ``-``; a V8 flag takes its value only after ``=``, and a V8 boolean
  none at all.

This is ``process.allowedNodeEnvironmentFlags.has()``'s rule for each option (process.md: leading
dashes, ``_`` for ``-``, ``=value`` ignored), made exact where the parser is stricter or looser: has()
also takes a name without dashes (a bare word ends NODE_OPTIONS instead) and ``-r=x``, and does not list
``--no-`` forms of V8 flags. Values are not judged, but for the V8 sizes (digits).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

_RULES = json.loads((Path(__file__).parent / "node_options.json").read_text())
#: The Node.js version the rules were read from (``v22.23.3``).
NODE_VERSION: str = _RULES["node"]
#: ``process.allowedNodeEnvironmentFlags`` of that Node: options, aliases and ``--no-`` forms of booleans.
ALLOWED: frozenset[str] = frozenset(_RULES["allowed"])
#: The allowed options (and aliases) that need a value.
TAKES_VALUE: frozenset[str] = frozenset(_RULES["takes_value"])
#: The allowed V8 flags, each with its V8 type (``bool``, ``size_t``).
V8_TYPES: dict[str, str] = dict(_RULES["v8"])

KEY = "ServiceSpec.environment"


@dataclass(frozen=True)
class NodeOption:
    """One option as Node reads it: ``name`` normalized (``_`` read as ``-``, ``--no-`` kept), its value."""

    name: str
    value: str | None

    @property
    def base(self) -> str:
        """The name without a negation (``--no-warnings`` -> ``--warnings``)."""
        return "--" + self.name.removeprefix("--no-") if self.name.startswith("--no-") else self.name


def _refused(node_options: str, why: str) -> ConfigError:
    return ConfigError(KEY, f"NODE_OPTIONS={node_options}", f"NODE_OPTIONS that Node {NODE_VERSION} starts with: {why}")


def tokens(node_options: str) -> list[str]:
    """Split ``NODE_OPTIONS`` as Node does (``ParseNodeOptionsEnvVar``); raise on an unterminated quote."""
    found: list[str] = []
    quoted, start_new, chars = False, True, iter(node_options)
    for c in chars:
        if c == "\\" and quoted:
            c = next(chars, None)
            if c is None:
                raise _refused(node_options, "a backslash inside quotes escapes a character (none follows)")
        elif c == " " and not quoted:
            start_new = True
            continue
        elif c == '"':
            quoted = not quoted
            continue
        if start_new:
            found.append(c)
            start_new = False
        else:
            found[-1] += c
    if quoted:
        raise _refused(node_options, "every double quote closed")
    return found


def parse(node_options: str) -> tuple[NodeOption, ...]:
    """The options ``NODE_OPTIONS`` gives Node; raise ``ConfigError`` (``ServiceSpec.environment``) naming the
    first token Node would refuse at start, or that would end its options before the heap ceiling."""
    left = tokens(node_options)
    options: list[NodeOption] = []
    while left:
        token = left.pop(0)
        if len(token) <= 1 or not token.startswith("-"):
            raise _refused(
                node_options,
                f"options only: {token!r} is no option, and Node ignores it and every option after it, "
                "the heap ceiling the task appends among them",
            )
        if token == "--":
            raise _refused(node_options, "no '--' (Node refuses it in NODE_OPTIONS)")
        name, equals, value = token.partition("=") if token.startswith("--") else (token, "", "")
        name = name[:2] + name[2:].replace("_", "-")
        option = NodeOption(name, value if equals else None)
        v8_type = V8_TYPES.get(option.base)
        if name not in ALLOWED and v8_type is None:
            raise _refused(node_options, f"no {name} (not allowed in NODE_OPTIONS: Node exits at start)")
        if name in TAKES_VALUE and option.value is None:
            if not left or left[0].startswith("-"):
                raise _refused(node_options, f"a value for {name} (after '=' or as the next word)")
            value = left.pop(0)
            option = NodeOption(name, value[1:] if value.startswith("\\-") else value)
        if name in TAKES_VALUE and not option.value:
            raise _refused(node_options, f"a value for {name} (after '=' or as the next word)")
        if v8_type == "bool" and option.value is not None:
            raise _refused(node_options, f"{name} without a value (a V8 switch)")
        if v8_type not in (None, "bool") and (option.name != option.base or not (option.value or "").isdigit()):
            raise _refused(node_options, f"{name}=<digits> (a V8 {v8_type})")
        options.append(option)
    return tuple(options)
