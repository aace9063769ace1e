"""How ``testing`` runs a program under mocks, apart from Pulumi: its record in the order the program made the
resources, no collector passes during a run, and the engine's calls answered on the loop's own thread. Pure: the
SDK and its event loop are handed in."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def in_program_order(sdk: Any, recorded: list[Any]) -> Iterator[None]:
    """``recorded`` (things with a ``type`` and a ``name``) sorted, once the run is over, into the order the
    program made them: ``sdk.register_resource`` and ``sdk.read_resource`` (a ``get`` or a stack reference),
    which each resource's constructor calls at once, count them. The mocks record the calls as the SDK's
    tasks happen to reach them: from a pool of threads that was another order on each run (prod's three runs
    in one process gave three orders), so a test reading the record in order passed or failed by chance. A
    resource made inside an apply is counted when its apply runs, which varies as before; records of earlier
    runs keep their places."""
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


class _AtOnce(concurrent.futures.ThreadPoolExecutor):
    """An executor that runs each call on the caller's thread before ``submit`` returns, as a pool's thread
    would run it: with no loop running and a loop of its own (``side``) as the thread's event loop. The SDK's
    mock monitor waits on its own coroutines with ``_sync_await``, which pumps the running loop if there is
    one: on the caller's loop each call would run the next one's inside it, until Python's recursion limit
    (90 resources were enough). The event loop takes only a ``ThreadPoolExecutor``; no thread is started."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(max_workers=1)
        self._loop, self.side = loop, asyncio.new_event_loop()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        running = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(self.side)
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the awaiting task, as a pool's thread does
            future.set_exception(error)
        finally:
            asyncio.set_event_loop(self._loop)
            asyncio.events._set_running_loop(running)
        return future


@contextlib.contextmanager
def engine_calls_at_once(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """The SDK hands each call to the engine (register, read, invoke) to ``loop``'s default executor, a pool
    of threads sized for a real engine's round trips. The mocks answer in microseconds, so the hand-over
    between threads cost more than the call: answered on the loop's thread (``_AtOnce``), batches of dev and
    prod runs alternating in one process took 140 ms a run against 187 ms (medians of 8), the suite 0.93 of its
    wall time. ``loop`` is the thread's event loop; its own executor is back in place after the run."""
    held, at_once = getattr(loop, "_default_executor", None), _AtOnce(loop)
    loop.set_default_executor(at_once)
    try:
        yield
    finally:
        loop._default_executor = held  # type: ignore[attr-defined]  # set_default_executor refuses None
        at_once.side.close()
