"""Component tests: build one component under recording mocks and read what it registered."""

from collections.abc import Callable
from typing import Any

import pytest

from tools.offline import RecordingMocks, run_mocked


# Module scope: a fixture that records a component once can serve every test that only reads it.
@pytest.fixture(scope="module")
def mocked() -> Callable[[Callable[[], Any]], RecordingMocks]:
    """Run a function that creates components; return the recording mocks (inputs, parents, deps)."""

    def run(build: Callable[[], Any]) -> RecordingMocks:
        return run_mocked(build).mocks

    return run
