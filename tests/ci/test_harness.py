"""The mock harness (``components/testing.py``, through ``tools/offline.py``) leaves the SDK as it found
it, and the shared recorded runs (``tests/program/stacks.py``) cannot be changed by the tests that share
them."""

import copy
import dataclasses
import gc
from collections.abc import Callable

import pytest
from pulumi.runtime import resource as resource_runtime

from tests.program.stacks import recorded_run
from tools.offline import run_mocked, run_program


def test_a_mocked_run_skips_the_sdks_stack_capture_only_while_it_runs() -> None:
    """The capture is for the engine's diagnostics, which mocks never show; the SDK itself is untouched."""
    before = resource_runtime._get_stack_trace
    run_program("dev")
    assert resource_runtime._get_stack_trace is before
    assert callable(before) and before.__module__ == "pulumi.runtime.resource"


def test_a_mocked_run_pauses_the_garbage_collector_only_while_it_runs() -> None:
    seen: list[bool] = []
    run_mocked(lambda: seen.append(gc.isenabled()))
    assert seen == [False]
    assert gc.isenabled()


def test_a_shared_recorded_run_is_made_once_per_process() -> None:
    assert recorded_run("dev", {"desiredCount": "2"}) is recorded_run("dev", {"desiredCount": "2"})
    assert recorded_run("dev", {"desiredCount": "2"}) is not recorded_run("dev", {"desiredCount": "3"})


def test_no_test_can_change_a_shared_recorded_run_for_the_others() -> None:
    run = recorded_run("dev")
    service = run.mocks.one("aws:ecs/service:Service")
    changes: list[Callable[[], object]] = [
        lambda: run.mocks.resources.append(service),
        lambda: run.mocks.resources.pop(),
        lambda: setattr(run.mocks, "resources", []),
        lambda: setattr(run, "outputs", {}),
        lambda: run.outputs.pop("url"),
        lambda: setattr(service, "inputs", {}),
        lambda: service.inputs.update(desiredCount=9),
        lambda: service.inputs["capacityProviderStrategies"].append({}),
        lambda: service.inputs["capacityProviderStrategies"][0].update(weight=9),
        lambda: service.dependencies.clear(),
    ]
    for change in changes:
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert recorded_run("dev").mocks.one("aws:ecs/service:Service") == service


def test_a_copy_of_a_shared_recorded_run_is_the_tests_own_to_change() -> None:
    run = recorded_run("dev")
    copied = copy.deepcopy(run)
    copied.mocks.resources.clear()
    service = run.mocks.one("aws:ecs/service:Service")
    changed = dataclasses.replace(service, inputs={**service.inputs, "desiredCount": 9})
    assert changed.inputs["desiredCount"] == 9
    assert service.inputs["desiredCount"] != 9 and run.mocks.resources
