"""The acceptance run deploys to the region the caller names (``AWS_REGION``): the region variables the
suite clears (``tests/conftest.py``) are given back to its tests."""

import pytest


@pytest.fixture(autouse=True)
def region_from_the_environment(no_region_in_the_environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in no_region_in_the_environment.items():
        monkeypatch.setenv(name, value)
