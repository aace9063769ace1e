"""How the container runtime runs a container's health check (``HealthConfig.Test``, which ECS passes from
``HealthCheck.command``): the probe execs ``Test[1:]``, after the image's shell for ``CMD-SHELL`` (moby
``daemon/health.go``, ``cmdProbe.run``; the shell ``/bin/sh -c`` on Linux), and ``sh -c`` takes one
command string, any operand after it becoming ``$0``, ``$1``... (POSIX ``sh``: ``sh -c command_string
[command_name [argument...]]``).
"""

from __future__ import annotations

from collections.abc import Sequence

SHELL = ("/bin/sh", "-c")


def probe_argv(test: Sequence[str]) -> list[str]:
    """What the probe execs for a ``CMD`` or ``CMD-SHELL`` test."""
    return [*(SHELL if test[0] == "CMD-SHELL" else ()), *test[1:]]


def runs_as_written(test: Sequence[str]) -> bool:
    """Whether the probe runs the command ``test`` names, all of it: a program to exec for ``CMD``, one
    script for ``CMD-SHELL`` (none is ``sh -c`` without one, which fails; a second string is not script). An
    empty or blank first string names nothing: ``sh -c ""`` exits 0 without checking anything (POSIX: an
    empty command string), and exec of an empty name fails."""
    if not test or test[0] not in ("CMD", "CMD-SHELL") or len(test) < 2 or not test[1].strip():
        return False
    argv = probe_argv(test)
    return len(argv) == len(SHELL) + 1 if test[0] == "CMD-SHELL" else len(argv) >= 1
