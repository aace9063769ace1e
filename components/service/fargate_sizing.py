"""Fargate task sizes: the CPU/memory table from the ECS TaskDefinition docs.

awsx's own table gets the 8 and 16 vCPU memory steps wrong (they are 4 GiB and 8 GiB), so the table
lives here, checked against AWS's documentation (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ConfigError

# CPU units -> (min MiB, max MiB, step MiB), or an explicit list where the steps are irregular.
_RANGES: dict[int, tuple[int, int, int]] = {
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),
    16384: (32768, 122880, 8192),
}
_EXPLICIT: dict[int, tuple[int, ...]] = {256: (512, 1024, 2048)}

#: CPU sizes that exist only on platform version 1.4.0 and later.
_NEEDS_PLATFORM_1_4: frozenset[int] = frozenset({8192, 16384})

VALID_CPU: tuple[int, ...] = tuple(sorted([*_EXPLICIT, *_RANGES]))


def valid_memory(cpu: int) -> tuple[int, ...]:
    """The memory sizes (MiB) Fargate accepts for ``cpu`` units; empty for an unknown CPU size."""
    if cpu in _EXPLICIT:
        return _EXPLICIT[cpu]
    if cpu in _RANGES:
        low, high, step = _RANGES[cpu]
        return tuple(range(low, high + 1, step))
    return ()


def _describe(memories: Sequence[int]) -> str:
    if len(memories) <= 3:
        return ", ".join(str(m) for m in memories)
    step = memories[1] - memories[0]
    return f"{memories[0]}-{memories[-1]} in steps of {step}"


def validate_task_size(cpu: int, memory: int, platform_version: str) -> None:
    """Raise ``ConfigError`` unless (cpu, memory) is a Fargate task size on ``platform_version``."""
    if cpu not in VALID_CPU:
        raise ConfigError("ServiceSpec.cpu", cpu, f"one of {', '.join(str(c) for c in VALID_CPU)} (CPU units)")
    memories = valid_memory(cpu)
    if memory not in memories:
        raise ConfigError("ServiceSpec.memory", memory, f"for cpu {cpu}: {_describe(memories)} MiB")
    if cpu in _NEEDS_PLATFORM_1_4 and platform_version not in ("1.4.0", "LATEST"):
        raise ConfigError(
            "ServiceSpec.platform_version", platform_version, f"1.4.0 or LATEST for cpu {cpu} (8 and 16 vCPU)"
        )
