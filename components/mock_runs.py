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
    program made them: ``sdk.register_resource`` and ``sdk.read_resource`` (a ``get`` or a stack reference),
    which each resource's constructor calls at once, count them. The SDK sends the calls to the mocks from a
    pool of threads, and the mocks record them as those threads happen to run: another order on each run
    (prod's three runs in one process gave three orders), so a test reading the record in order passed or
    failed by chance. A resource made inside an apply is counted when its apply runs, which varies as before;
    records of earlier runs keep their places."""
    made: dict[tuple[str, str], int] = {}
    originals, before = (sdk.register_resource, sdk.read_resource), len(recorded)

    def counting(original: Any) -> Any:
        def counted(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
            made.setdefault((ty, name), len(made))
            return original(res, ty, name, *args, **kwargs)

        return counted

    sdk.register_resource, sdk.read_resource = (counting(original) for original in originals)
    try:
        yield
    finally:
        sdk.register_resource, sdk.read_resource = originals
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
