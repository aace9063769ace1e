"""How ``testing`` runs a program under mocks, apart from Pulumi: its record in the order the program made the
resources, and no collector passes during a run. Pure: the SDK is handed in."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def in_program_order(sdk: Any, recorded: list[Any]) -> Iterator[None]:
    """``recorded`` (things with a ``type`` and a ``name``) sorted, once the run is over, into the order the
    program made them: ``sdk.register_resource``, which each resource's constructor calls at once, counts them.
    The SDK sends the registrations to the mocks from a pool of threads, and the mocks record them as those
    threads happen to run: another order on each run (prod's three runs in one process gave three orders), so
    a test reading the record in order passed or failed by chance. What the program did not make itself (a
    resource read with ``get``) keeps its place after the rest; records of earlier runs keep theirs."""
    made: dict[tuple[str, str], int] = {}
    original, before = sdk.register_resource, len(recorded)

    def counted(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
        made.setdefault((ty, name), len(made))
        return original(res, ty, name, *args, **kwargs)

    sdk.register_resource = counted
    try:
        yield
    finally:
        sdk.register_resource = original
        recorded[before:] = sorted(recorded[before:], key=lambda r: made.get((r.type, r.name), len(made)))


@contextlib.contextmanager
def no_garbage_collection() -> Iterator[None]:
    """A run keeps nearly everything it allocates until it ends, so the collector's passes during it
    (about fifty in a large run, each walking the young objects) find little to free: about a quarter
    of a run's CPU time. It collects after the run instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
