"""The mock harness (``tools/offline.py``) leaves the SDK as it found it."""

from pulumi.runtime import resource as resource_runtime

from tools.offline import run_program


def test_a_mocked_run_skips_the_sdks_stack_capture_only_while_it_runs() -> None:
    """The capture is for the engine's diagnostics, which mocks never show; the SDK itself is untouched."""
    before = resource_runtime._get_stack_trace
    run_program("dev")
    assert resource_runtime._get_stack_trace is before
    assert callable(before) and before.__module__ == "pulumi.runtime.resource"
