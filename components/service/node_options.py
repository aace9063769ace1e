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

Some allowed options still stop the task, since the app and the health check's ``node -e`` both read
``NODE_OPTIONS``: alone (``STOPS_THE_TASK``, ``STOPPING_VALUES``), without another (``NEEDS``) or with
another (``NOT_BOTH``). Each was run with Node 22.23.3; tests/unit/test_node_options.py runs them again
against the tiny app and the task's health-check command. One lifts the heap ceiling past what the
container holds (``LIFTS_THE_CEILING``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import DIGITS, ConfigError

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

_CHECK = "the health check's node -e"
#: Allowed options that keep the app from serving or the health check from passing, and why (Node 22.23.3).
STOPS_THE_TASK: dict[str, str] = {
    # src/node_options.cc EnvironmentOptions::CheckOptions: watch mode with no file named in NODE_OPTIONS.
    "--watch": "watch mode needs a file named in NODE_OPTIONS: Node exits 9 ('--watch requires specifying a "
    "file'), the app and " + _CHECK,
    # cli.md --inspect-brk, --inspect-wait: the code runs only once a debugger attaches, and none does.
    "--inspect-brk": "Node waits for a debugger before the app listens and before " + _CHECK + " exits",
    "--inspect-wait": "Node waits for a debugger before the app listens and before " + _CHECK + " exits",
    # Listed in process.allowedNodeEnvironmentFlags, yet the parser refuses it.
    "--prof-process": "Node exits 9 ('--prof-process is not allowed in NODE_OPTIONS')",
    # Node 22.23.3 (official linux build): "fips.so: cannot open shared object file"; no FIPS provider ships.
    "--enable-fips": "Node's official build has no FIPS provider: it exits 1 at start",
    "--force-fips": "Node's official build has no FIPS provider: it exits 1 at start",
    # Measured: a blob's setDeserializeMainFunction runs in place of server.js, and of the -e script.
    "--snapshot-blob": "a blob's main function runs instead of server.js and of "
    + _CHECK
    + " (a missing blob exits 14)",
}
#: Options that turn another on: ``--watch-path`` watch mode (cli.md), ``--experimental-permission`` is
#: ``--permission``'s former name.
IMPLIES = {"--watch-path": "--watch", "--experimental-permission": "--permission"}
#: Values of an option that stop the task: the health check's script is CommonJS (``require``), and
#: ``--experimental-default-type`` also reads a ``server.js`` without a package ``type`` as a module.
STOPPING_VALUES: dict[tuple[str, str], str] = {
    ("--experimental-default-type", "module"): _CHECK + " runs its CommonJS script as a module (require is not "
    "defined)",
}
#: Values that stop only the health check: ``--input-type`` applies to ``--eval`` and stdin alone (cli.md), so
#: a task without a container health check runs its app with it.
CHECK_STOPPING_VALUES: dict[tuple[str, str], str] = {
    ("--input-type", "module"): _CHECK + " reads its CommonJS script as a module (require is not defined)",
}
#: Options that lift the heap ceiling the memory floor (``env_tuning.app_memory_floor_mib``) counts on,
#: unless 0 (off). cli.md ``--heapsnapshot-near-heap-limit``: "Node.js will adjust the V8 heap to
#: accommodate the additional V8 heap memory overhead" and the process "may be terminated abruptly by the
#: system"; measured (Node 22.23.3): 3.8 GB RSS under a 358 MiB ceiling.
LIFTS_THE_CEILING: dict[str, str] = {
    "--heapsnapshot-near-heap-limit": "Node lifts the V8 heap ceiling the memory check counts on to take its "
    "snapshots (cli.md: it 'will adjust the V8 heap'; the process 'may be terminated abruptly by the system'), "
    "so the kernel kills the task (exit 137) instead",
}
#: Options Node refuses at start (exit 9) without another (src/node_options.cc ``CheckOptions``): the
#: profilers' settings without the profiler (an interval at its default is a no-op Node lets pass).
NEEDS: dict[str, str] = {
    "--cpu-prof-name": "--cpu-prof",
    "--cpu-prof-dir": "--cpu-prof",
    "--cpu-prof-interval": "--cpu-prof",
    "--heap-prof-name": "--heap-prof",
    "--heap-prof-dir": "--heap-prof",
    "--heap-prof-interval": "--heap-prof",
    # Node 22.23.3 throws ERR_MISSING_OPTION from internal/process/pre_execution: exit 1.
    "--allow-fs-read": "--permission",
    "--allow-fs-write": "--permission",
}
#: The default intervals (cli.md: 1000 microseconds, 512 * 1024 bytes), which Node lets pass alone.
_DEFAULT_VALUES = {"--cpu-prof-interval": "1000", "--heap-prof-interval": "524288"}
#: Pairs Node refuses together at start, exit 9 (src/node_options.cc ``CheckOptions``).
NOT_BOTH: tuple[tuple[str, str], ...] = (("--use-openssl-ca", "--use-bundled-ca"), ("--tls-min-v1.3", "--tls-max-v1.2"))


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


def parse(node_options: str, *, health_checked: bool = True) -> tuple[NodeOption, ...]:
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
        # ASCII digits, as V8 reads a size: isdigit() also takes "٣" (Node exits 9) and "²" (int() fails).
        if v8_type not in (None, "bool") and (option.name != option.base or not DIGITS.fullmatch(option.value or "")):
            raise _refused(node_options, f"{name}=<digits> (a V8 {v8_type})")
        options.append(option)
    _check_together(node_options, options, health_checked=health_checked)
    return tuple(options)


def _check_together(node_options: str, options: list[NodeOption], *, health_checked: bool) -> None:
    """Raise on the first option that stops the app or its health check, alone or with the others, judged
    on what Node ends with: a later ``--no-`` form turns a boolean off, a later value replaces one."""
    enabled: dict[str, str] = {}  # each option on at the end -> the option that turned it on
    values: dict[str, str | None] = {}
    for option in options:
        values[option.name] = option.value
        if option.name != option.base:
            enabled.pop(option.base, None)
            continue
        enabled[option.name] = option.name
        if option.name in IMPLIES:
            enabled[IMPLIES[option.name]] = option.name
    for name, by in enabled.items():
        if name in STOPS_THE_TASK:
            raise _refused(node_options, f"no {by}: {STOPS_THE_TASK[name]}")
    stopping = {**STOPPING_VALUES, **(CHECK_STOPPING_VALUES if health_checked else {})}
    for name, value in values.items():
        stops = stopping.get((name, value or ""))
        if stops:
            raise _refused(node_options, f"no {name}={value}: {stops}")
        if name in LIFTS_THE_CEILING and value != "0":
            raise _refused(node_options, f"no {name}={value}: {LIFTS_THE_CEILING[name]}")
        needed = NEEDS.get(name)
        if needed and needed not in enabled and value != _DEFAULT_VALUES.get(name):
            raise _refused(node_options, f"{name} only with {needed} (Node exits at start without it)")
    for first, second in NOT_BOTH:
        if {first, second} <= enabled.keys():
            raise _refused(node_options, f"not both {first} and {second} (Node exits 9)")
