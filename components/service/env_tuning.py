"""Node.js and glibc environment tuning, derived from the container's memory.

- ``MALLOC_ARENA_MAX`` caps glibc malloc arenas (glibc's default is 8 per core, which inflates RSS of
  a multi-threaded Node process). It is a glibc tunable: on Alpine/musl it does nothing.
- ``NODE_OPTIONS=--max-old-space-size`` (MiB) sets the V8 heap ceiling from the *container's* memory,
  leaving headroom for native memory, buffers and the libuv thread pool.
- ``UV_THREADPOOL_SIZE`` sizes libuv's pool (default 4), used by fs, dns, crypto and zlib and by
  native modules such as bcrypt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ConfigError, collect
from ..validation import int_in_range

HEAP_FLAG = "--max-old-space-size"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Variables the tuning owns; a user value for one of them is an error, not a silent override.
TUNED_NAMES = frozenset({"MALLOC_ARENA_MAX", "UV_THREADPOOL_SIZE"})


@dataclass(frozen=True, kw_only=True)
class Tuning:
    """Tuning knobs; each is a config key (``heapPercent``, ``uvThreadpoolSize``, ``mallocArenaMax``)."""

    heap_percent: int = 70
    """V8 old-space ceiling as a percentage of the container's memory (10-90). Default 70."""
    uv_threadpool_size: int = 8
    """libuv thread pool size (1-1024, libuv's own limit). Default 8."""
    malloc_arena_max: int = 2
    """glibc malloc arena cap (1-64). Default 2."""


def validate_tuning(tuning: Tuning) -> None:
    """Raise ``ConfigError`` for every tuning value out of range."""
    checks = (
        ("Tuning.heap_percent", tuning.heap_percent, 10, 90),
        ("Tuning.uv_threadpool_size", tuning.uv_threadpool_size, 1, 1024),
        ("Tuning.malloc_arena_max", tuning.malloc_arena_max, 1, 64),
    )
    collect(*(functools.partial(int_in_range, key, value, low, high) for key, value, low, high in checks))


def _is_heap_flag(flag: str) -> bool:
    # V8 accepts dashes or underscores: --max-old-space-size=512 and --max_old_space_size=512.
    return flag.split("=")[0].replace("_", "-") == HEAP_FLAG


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


def tuned_environment(user_env: Mapping[str, str], *, container_memory_mib: int, tuning: Tuning) -> dict[str, str]:
    """The container environment: the user's variables plus the tuning, user flags kept.

    A user ``NODE_OPTIONS`` keeps its flags and gains the heap ceiling; a heap flag of its own is an
    error, since two ceilings would leave the effective one to flag order.
    """
    validate_tuning(tuning)
    clashes = sorted(TUNED_NAMES & user_env.keys())
    if clashes:
        name = clashes[0]
        raise ConfigError(
            "ServiceSpec.environment", f"{name}={user_env[name]}", f"no {name} (set it with the tuning config key)"
        )
    user_node_options = user_env.get("NODE_OPTIONS", "").split()
    if any(_is_heap_flag(flag) for flag in user_node_options):
        raise ConfigError(
            "ServiceSpec.environment",
            f"NODE_OPTIONS={user_env['NODE_OPTIONS']}",
            f"NODE_OPTIONS without {HEAP_FLAG} (it is derived from memory and Tuning.heap_percent)",
        )
    heap = heap_ceiling_mib(container_memory_mib, tuning.heap_percent)
    return {
        **user_env,
        "MALLOC_ARENA_MAX": str(tuning.malloc_arena_max),
        "NODE_OPTIONS": " ".join([*user_node_options, f"{HEAP_FLAG}={heap}"]),
        "UV_THREADPOOL_SIZE": str(tuning.uv_threadpool_size),
    }
