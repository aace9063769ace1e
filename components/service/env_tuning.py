"""Node.js and glibc environment tuning, derived from the container's memory.

- ``MALLOC_ARENA_MAX`` caps glibc malloc arenas (glibc's default is 8 per core, which inflates RSS of
  a multi-threaded Node process). It is a glibc tunable: on Alpine/musl it does nothing.
- ``NODE_OPTIONS=--max-old-space-size`` (MiB) sets the V8 heap ceiling from the *container's* memory,
  leaving headroom for native memory, buffers and the libuv thread pool.
- ``UV_THREADPOOL_SIZE`` sizes libuv's pool (default 4), used by fs, dns, crypto and zlib and by
  native modules such as bcrypt.

The container must hold more than the heap ceiling: ``app_memory_floor_mib`` adds V8's young generation,
Node's own memory, what V8 takes beside a full heap (a share of the ceiling) and, when the app has a
container health check, its ``node -e``, each measured with the image's Node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from ..errors import ConfigError, collect, raise_any
from ..validation import int_in_range
from .node_options import NodeOption, parse

HEAP_FLAG = "--max-old-space-size"
#: Node >= 22.21: "takes precedence over --max-old-space-size when both are specified" (cli.md,
#: ``--max-old-space-size-percentage``), so it is a second heap ceiling too.
HEAP_PERCENT_FLAG = "--max-old-space-size-percentage"
SEMI_SPACE_FLAG = "--max-semi-space-size"
#: V8's young generation is three semi-spaces (cli.md ``--max-semi-space-size``: "the young generation
#: size of the V8 heap is three times ... the size of the semi-space").
SEMI_SPACES = 3
#: The semi-space V8 takes under an explicit ``--max-old-space-size``, in MiB: Node 22.23.3's
#: ``v8.getHeapStatistics().heap_size_limit`` is the old-space ceiling + 48 MiB for every ceiling from
#: 64 to 110,592 MiB (linux-x64; tests/unit/test_node_memory.py measures it again on any machine).
DEFAULT_SEMI_SPACE_MIB = 16
#: Node's own memory beside its heap, in MiB: the sample app (docker/app/server.js, with bcrypt) at start
#: under the task's environment measured 43.6 (``process.memoryUsage()`` rss 50.5 less heapTotal 6.9, Node
#: 22.23.3, linux-x64); tests/unit/test_node_memory.py measures it again.
NODE_NON_HEAP_MIB = 48
#: What V8 takes beside a FULL old space grows with its ceiling (GC bookkeeping, compaction; at start,
#: with the heap nearly empty, none shows): a percent of the ceiling, beyond the young generation and
#: Node's own.
#: The peaks in ``v8_full_heap.json`` (Node 22.23.3, linux-x64, the task's environment, a heap filled
#: until V8 gives up) need at most 10.5 (at 1433; 8 or less elsewhere); 13 keeps a margin, and the default
#: 70 % at 512 MiB still fits (511 MiB with a health check).
FULL_HEAP_PERCENT = 13
#: The container health check's ``node -e`` (``container_definition.health_check_command``), which ECS runs
#: inside the app's container every interval: its anonymous memory (RssAnon) 7.4 MiB at exit (Node 22.23.3,
#: the task's environment, linux-x64). Its file pages (the node binary) are the app's own, already counted
#: in NODE_NON_HEAP_MIB. tests/unit/test_node_memory.py measures it again.
HEALTH_CHECK_ANON_MIB = 10
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Variables the tuning owns; a user value for one of them is an error, not a silent override.
TUNED_NAMES = frozenset({"MALLOC_ARENA_MAX", "UV_THREADPOOL_SIZE"})


@dataclass(frozen=True, kw_only=True)
class Tuning:
    """Tuning knobs; each is a config key (``heapPercent``, ``uvThreadpoolSize``, ``mallocArenaMax``).
    Validated on construction, every value out of range at once."""

    heap_percent: int = 70
    """V8 old-space ceiling as a percentage of the container's memory (10-90). Default 70."""
    uv_threadpool_size: int = 8
    """libuv thread pool size (1-1024, libuv's own limit). Default 8."""
    malloc_arena_max: int = 2
    """glibc malloc arena cap (1-64). Default 2."""

    def __post_init__(self) -> None:
        collect(
            lambda: int_in_range("Tuning.heap_percent", self.heap_percent, 10, 90),
            lambda: int_in_range("Tuning.uv_threadpool_size", self.uv_threadpool_size, 1, 1024),
            lambda: int_in_range("Tuning.malloc_arena_max", self.malloc_arena_max, 1, 64),
        )


def heap_ceiling_mib(container_memory_mib: int, heap_percent: int) -> int:
    """The ``--max-old-space-size`` value: floor(memory * percent / 100), in MiB."""
    return container_memory_mib * heap_percent // 100


def parse_environment(entries: tuple[str, ...]) -> dict[str, str]:
    """Parse the ``environment`` config (``NAME=value`` strings) into a mapping."""
    env: dict[str, str] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep or not _ENV_NAME.match(name):
            raise ConfigError("ServiceSpec.environment", entry, "NAME=value with NAME of letters, digits and _")
        if name in env:
            raise ConfigError("ServiceSpec.environment", entry, f"each name once ({name} is set twice)")
        env[name] = value
    return env


def check_untuned(
    user_env: Mapping[str, str],
    *,
    app_memory_mib: int,
    sidecar_memory: tuple[int, ...],
    tuning: Tuning,
    health_checked: bool,
) -> None:
    """Raise when the user's environment sets what the tuning sets: a tuned variable (each one named), or
    a heap ceiling in ``NODE_OPTIONS``, since two ceilings would leave the effective one to Node's rules;
    when Node would refuse its ``NODE_OPTIONS`` at start (``node_options.parse``); or when the app container
    cannot hold the heap and what Node needs beside it (``check_app_memory_floor``, with the semi-space
    ``NODE_OPTIONS`` sets and the health check's node when ``health_checked``). Every mistake at once."""
    clashes = [
        ConfigError(
            "ServiceSpec.environment", f"{name}={user_env[name]}", f"no {name} (set it with the tuning config key)"
        )
        for name in sorted(TUNED_NAMES & user_env.keys())
    ]
    node_options = user_env.get("NODE_OPTIONS")
    try:
        options = parse(node_options or "", health_checked=health_checked)
    except ConfigError as refused:
        clashes.append(refused)
        options = ()
    ceilings = [o.name for o in options if o.base in (HEAP_FLAG, HEAP_PERCENT_FLAG)]
    if ceilings:
        clashes.append(
            ConfigError(
                "ServiceSpec.environment",
                f"NODE_OPTIONS={node_options}",
                f"NODE_OPTIONS without {HEAP_FLAG} or {HEAP_PERCENT_FLAG} (has {', '.join(ceilings)}): the "
                "heap ceiling is derived from memory and Tuning.heap_percent",
            )
        )
    try:
        check_app_memory_floor(
            app_memory_mib,
            sidecar_memory=sidecar_memory,
            tuning=tuning,
            semi_space=semi_space_mib(options),
            health_checked=health_checked,
        )
    except ConfigError as short:
        clashes.append(short)
    raise_any(clashes)


def semi_space_mib(options: Iterable[NodeOption]) -> int:
    """The semi-space V8 runs with: the last ``--max-semi-space-size`` of ``options`` (0 is V8's default),
    or the default. V8 rounds a size up to a power of two (Node 22.23.3: 17 gives a young generation of
    3 x 32 MiB, 65 one of 3 x 128; tests/unit/test_node_memory.py reads it again)."""
    sizes = [int(o.value or 0) for o in options if o.name == SEMI_SPACE_FLAG]
    size = (sizes[-1] if sizes else 0) or DEFAULT_SEMI_SPACE_MIB
    return 1 << (size - 1).bit_length()


def full_heap_overhead_mib(heap: int) -> int:
    """V8's memory beside a full old space of ``heap`` MiB, beyond its young generation and Node's own:
    ``FULL_HEAP_PERCENT`` of the ceiling, rounded up."""
    return -(-heap * FULL_HEAP_PERCENT // 100)


def app_memory_floor_mib(app_memory_mib: int, *, heap_percent: int, semi_space: int, health_checked: bool) -> int:
    """What the app container must hold at the most, with its heap full: the old-space ceiling, the young
    generation, Node's own memory, V8's overhead that grows with the ceiling and, when ``health_checked``
    (the app has a container health check), the check's process, in MiB. Without one, no second node runs
    in the container."""
    heap = heap_ceiling_mib(app_memory_mib, heap_percent)
    check = HEALTH_CHECK_ANON_MIB if health_checked else 0
    return heap + SEMI_SPACES * semi_space + NODE_NON_HEAP_MIB + full_heap_overhead_mib(heap) + check


def check_app_memory_floor(
    app_memory_mib: int, *, sidecar_memory: tuple[int, ...], tuning: Tuning, semi_space: int, health_checked: bool
) -> None:
    """Raise when the app container (the task's memory less its sidecars') cannot hold what
    ``app_memory_floor_mib`` counts: the kernel would kill it (exit 137) before V8 reports its heap full."""
    semi = semi_space
    floor = partial(app_memory_floor_mib, app_memory_mib, semi_space=semi, health_checked=health_checked)
    need = floor(heap_percent=tuning.heap_percent)
    if need <= app_memory_mib:
        return
    fits = [percent for percent in range(10, 91) if floor(heap_percent=percent) <= app_memory_mib]
    heap = heap_ceiling_mib(app_memory_mib, tuning.heap_percent)
    sidecars = f" less ServiceSpec.sidecars' {list(sidecar_memory)}" if sidecar_memory else ""
    remedy = f"Tuning.heap_percent at most {fits[-1]}" if fits else "more ServiceSpec.memory"
    remedy += ", or less ServiceSpec.sidecars memory" if sidecar_memory else ""
    check = f" and the health check's node ({HEALTH_CHECK_ANON_MIB})" if health_checked else ""
    raise ConfigError(
        "ServiceSpec.memory",
        app_memory_mib + sum(sidecar_memory),
        f"an app container ({app_memory_mib} MiB: ServiceSpec.memory{sidecars}) that holds {need} MiB: the heap "
        f"ceiling at Tuning.heap_percent {tuning.heap_percent} ({heap}), the young generation ({SEMI_SPACES} x "
        f"{semi} MiB semi-space), Node's own {NODE_NON_HEAP_MIB}, V8's {FULL_HEAP_PERCENT} % of the ceiling "
        f"beside a full heap ({full_heap_overhead_mib(heap)}){check}; {remedy}",
    )


def tuned_environment(user_env: Mapping[str, str], *, container_memory_mib: int, tuning: Tuning) -> dict[str, str]:
    """The container environment: the user's variables plus the tuning, user flags kept; a user
    ``NODE_OPTIONS`` keeps its flags and gains the heap ceiling. Computed, not judged: ``ServiceSpec``
    holds the user's environment to ``check_untuned`` once."""
    heap = heap_ceiling_mib(container_memory_mib, tuning.heap_percent)
    # The user's text as given: Node splits it at spaces but keeps what double quotes hold together.
    user_node_options = user_env.get("NODE_OPTIONS", "").strip(" ")
    return {
        **user_env,
        "MALLOC_ARENA_MAX": str(tuning.malloc_arena_max),
        "NODE_OPTIONS": " ".join(filter(None, [user_node_options, f"{HEAP_FLAG}={heap}"])),
        "UV_THREADPOOL_SIZE": str(tuning.uv_threadpool_size),
    }
