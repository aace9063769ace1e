"""Node.js and glibc environment tuning, derived from the container's memory.

- ``MALLOC_ARENA_MAX`` caps glibc malloc arenas (glibc's default is 8 per core, which inflates RSS of
  a multi-threaded Node process). It is a glibc tunable: on Alpine/musl it does nothing.
- ``NODE_OPTIONS=--max-old-space-size`` (MiB) sets the V8 heap ceiling from the *container's* memory,
  leaving headroom for native memory, buffers and the libuv thread pool.
- ``UV_THREADPOOL_SIZE`` sizes libuv's pool (default 4), used by fs, dns, crypto and zlib and by
  native modules such as bcrypt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ConfigError, collect, raise_any
from ..validation import int_in_range

HEAP_FLAG = "--max-old-space-size"
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


def check_untuned(user_env: Mapping[str, str]) -> None:
    """Raise when the user's environment sets what the tuning sets: a tuned variable (each one named), or
    a heap flag in ``NODE_OPTIONS``, since two ceilings would leave the effective one to flag order."""
    clashes = [
        ConfigError(
            "ServiceSpec.environment", f"{name}={user_env[name]}", f"no {name} (set it with the tuning config key)"
        )
        for name in sorted(TUNED_NAMES & user_env.keys())
    ]
    if any(_is_heap_flag(flag) for flag in user_env.get("NODE_OPTIONS", "").split()):
        clashes.append(
            ConfigError(
                "ServiceSpec.environment",
                f"NODE_OPTIONS={user_env['NODE_OPTIONS']}",
                f"NODE_OPTIONS without {HEAP_FLAG} (it is derived from memory and Tuning.heap_percent)",
            )
        )
    raise_any(clashes)


def tuned_environment(user_env: Mapping[str, str], *, container_memory_mib: int, tuning: Tuning) -> dict[str, str]:
    """The container environment: the user's variables plus the tuning, user flags kept; a user
    ``NODE_OPTIONS`` keeps its flags and gains the heap ceiling. Computed, not judged: ``ServiceSpec``
    holds the user's environment to ``check_untuned`` once."""
    user_node_options = user_env.get("NODE_OPTIONS", "").split()
    heap = heap_ceiling_mib(container_memory_mib, tuning.heap_percent)
    return {
        **user_env,
        "MALLOC_ARENA_MAX": str(tuning.malloc_arena_max),
        "NODE_OPTIONS": " ".join([*user_node_options, f"{HEAP_FLAG}={heap}"]),
        "UV_THREADPOOL_SIZE": str(tuning.uv_threadpool_size),
    }
