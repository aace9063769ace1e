"""How ``testing`` runs a program under mocks, apart from Pulumi: the SDK's calls to the mocks one at a time, in
the program's order, and no collector passes during a run. Pure: asyncio and the collector only."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any


class InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs each call at once on the caller's thread (asyncio takes a ``ThreadPoolExecutor`` only)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # the SDK reads the call's error from its future, as from a thread's
            future.set_exception(error)
        return future


@contextlib.contextmanager
def one_call_at_a_time() -> Iterator[None]:
    """The SDK sends each registration and invoke to the monitor through its event loop's default executor, a
    pool of threads: the mocks then recorded resources in whatever order those threads ran, which a loaded
    machine changed from run to run (rules awaiting one security group's ID came out in another order, and
    one thread alone still left the loop to see each answer at its own moment). The mocks answer at once, so
    each call runs inline, in the order the program makes it: one order on every run."""
    loop = asyncio.get_event_loop()
    loop.set_default_executor(InlineExecutor())
    try:
        yield
    finally:
        loop.set_default_executor(concurrent.futures.ThreadPoolExecutor())


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
