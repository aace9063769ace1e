"""The mocks answer the SDK's engine calls on the thread that runs the program (``mock_runs``'
``engine_calls_at_once``), as a pool's thread would have: a run hands no call to another thread, holds at any
size, fails with a refusing mock's error, and leaves the event loop's own executor to whatever runs after it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime.sync_await import _ensure_event_loop

from components.mock_runs import engine_calls_at_once
from tools.offline import RecordingMocks, run_mocked


class ThreadNoting(RecordingMocks):
    """Notes the thread each registration, read and invoke reaches the mocks on."""

    def __init__(self) -> None:
        super().__init__({"org/platform/prod": {"vpc": "vpc-1"}})
        self.threads: set[int] = set()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.threads.add(threading.get_ident())
        return super().new_resource(args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        self.threads.add(threading.get_ident())
        return super().call(args)


def a_registration_a_read_and_an_invoke() -> None:
    aws.s3.Bucket("made")
    aws.s3.Bucket.get("read", "read-id")
    pulumi.StackReference("org/platform/prod")
    pulumi.export("account", aws.get_caller_identity().account_id)


def test_every_engine_call_is_answered_on_the_thread_running_the_program() -> None:
    mocks = ThreadNoting()
    run = run_mocked(a_registration_a_read_and_an_invoke, mocks=mocks)
    assert [r.name for r in run.mocks.resources] == ["made", "read", "org/platform/prod"]
    assert run.outputs["account"] == mocks.account
    assert mocks.threads == {threading.get_ident()}


def three_hundred_buckets() -> None:
    for index in range(300):
        aws.s3.Bucket(f"bucket-{index}")


def test_a_program_of_hundreds_of_resources_runs_without_nesting_one_call_in_another() -> None:
    """The SDK's mock monitor waits on its own coroutines with ``_sync_await``: on a running loop each call
    would run the next inside it, and about a hundred reached Python's recursion limit."""
    assert len(run_mocked(three_hundred_buckets).mocks.resources) == 300


def asks_who_it_runs_as() -> None:
    aws.get_caller_identity()


def one_bucket() -> None:
    aws.s3.Bucket("made")


class Refusing(RecordingMocks):
    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        raise ValueError(f"refused {args.token}")


def test_a_mock_s_error_fails_the_run_with_its_message() -> None:
    with pytest.raises(Exception, match="refused aws:index/getCallerIdentity:getCallerIdentity"):
        run_mocked(asks_who_it_runs_as, mocks=Refusing())


def test_after_a_run_the_loop_hands_calls_to_its_own_pool_again() -> None:
    run_mocked(one_bucket)
    loop = _ensure_event_loop()
    assert loop.run_until_complete(loop.run_in_executor(None, threading.get_ident)) != threading.get_ident()


def test_the_loop_s_own_executor_is_back_and_the_side_loop_closed_once_the_run_is_over() -> None:
    loop, own = asyncio.new_event_loop(), concurrent.futures.ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(own)
    with engine_calls_at_once(loop):
        at_once = loop._default_executor  # type: ignore[attr-defined]
    assert loop._default_executor is own  # type: ignore[attr-defined]
    assert at_once is not own and at_once.side.is_closed()
    loop.close()
    own.shutdown()
