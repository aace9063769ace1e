"""Shared test settings: hypothesis profiles sized for a 2-core CI machine, and the collector's pace."""

import gc
import os
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# At CPython's default pace (the young collected every 700 allocations) what lives through a few tests (a
# hypothesis example, the recording a test reads) reaches the oldest generation, and the full collections that
# follow walk the whole heap (the SDKs' generated classes, the shared runs): 35 of them took 8 s of the 46 s
# of CPU of tests/unit and the config-error tests. Every 5,000: 7 of them, under 2 s. No test reads the
# collector's pace.
gc.set_threshold(5_000, 10, 10)


# The tests reach servers of their own at 127.0.0.1. A caller's http_proxy would send those requests to the
# proxy: urllib matches no_proxy against names, so the usual no_proxy=localhost does not cover the address.
# Set on import, before any test module builds its opener (the smoke test's function does when imported).
for _name in ("no_proxy", "NO_PROXY"):
    os.environ[_name] = ",".join(filter(None, [os.environ.get(_name), "127.0.0.1", "localhost"]))


#: Where the AWS provider takes the region from when a stack sets no ``aws:region``, and so the mocks
#: (``RecordingMocks.locate``).
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


@pytest.fixture(scope="session", autouse=True)
def no_region_in_the_environment() -> Iterator[dict[str, str]]:
    """The suite answers alike on every machine: the mocks in the stacks' region (or us-east-1), never in
    the caller's. Session-wide, so a module's shared run is made without them too. Yields what the
    environment held, for the acceptance run, which deploys where the caller says."""
    held = {name: os.environ[name] for name in REGION_VARIABLES if name in os.environ}
    with pytest.MonkeyPatch.context() as patch:
        for name in REGION_VARIABLES:
            patch.delenv(name, raising=False)
        yield held


#: Files whose tests each run the whole program on their own: spread over the workers test by test.
SPREAD = frozenset({"tests/program/test_every_key_matters.py"})


def pytest_xdist_make_scheduler(config, log):
    """Distribute by file, so module-scoped fixtures (a build, a mocked program) are made once, except
    the files in ``SPREAD``, whose independent tests are spread one by one.

    Keeping each file on one worker matters most for the image tests: split over two workers, both
    would build the same images at once. pytest-xdist 3.8's own grouping (xdist_group with
    --dist loadgroup) is silently ignored under pytest 9 (it rewrites item._nodeid, which pytest 9 no
    longer reads).
    """
    from xdist.scheduler import LoadScopeScheduling

    pending = image_set_up_pending()

    class ByFileSpreadingSome(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling_unit(nodeid)

        def _assign_work_unit(self, node) -> None:
            scopes = list(self.workqueue)
            for scope in reversed(started_first(scopes, pending)):
                self.workqueue.move_to_end(scope, last=False)
            for scope in started_last(scopes, pending):
                self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return ByFileSpreadingSome(config, log)


#: The image files' units, in the order they start: before every other file. Their tests wait minutes on
#: BuildKit, not on the worker's core, so started first they overlap the rest of the suite; xdist would
#: otherwise start the files with the most tests first, and these, with few, last.
STARTED_FIRST = (
    "tests/image/test_images.py",
    "tests/image/test_own_app_image.py",
    "tests/image/test_npmrc_secret.py",
)


def image_set_up_pending() -> bool:
    """Whether the runner is still making what the image tests use: ``IMAGE_TEST_READY_FILE`` names the file it
    writes when done (tools/image_ready.py), and it is not there yet."""
    ready = os.environ.get("IMAGE_TEST_READY_FILE")
    return bool(ready) and not os.path.exists(ready)


def started_first(scopes: list[str], pending: bool = False) -> list[str]:
    """Those of ``scopes`` that start before the rest (``STARTED_FIRST``), in their order. While the runner still
    makes what they use, only the first: its worker waits for it, the other runs the rest of the suite meanwhile."""
    first = STARTED_FIRST[:1] if pending else STARTED_FIRST
    return [scope for scope in first if scope in scopes]


def started_last(scopes: list[str], pending: bool) -> list[str]:
    """The image units held back while the runner still makes what they use (``started_first``): after every
    other file, so no second worker waits with the first."""
    return [scope for scope in STARTED_FIRST[1:] if scope in scopes] if pending else []


#: Files that use an image another file builds in a session fixture (tests/image/conftest.py), with that file:
#: fixtures are made once per worker, so on two workers both would build and push it at once.
WITH_FILE = {"tests/image/test_run_local_image.py": "tests/image/test_images.py"}


def scheduling_unit(nodeid: str) -> str:
    """The file of a test (or the file it runs with, ``WITH_FILE``), or the test itself for a file in ``SPREAD``."""
    path = nodeid.split("::", 1)[0]
    return nodeid if path in SPREAD else WITH_FILE.get(path, path)


def skipped_groups(reasons: list[str]) -> list[str]:
    """One line per distinct skip reason, with how many tests it skipped, most first."""
    counts = Counter(reasons)
    return [f"{n} skipped: {reason}" for reason, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """What was skipped and why, one line per reason (``-rs`` would print one per test location)."""
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons.append(reason.removeprefix("Skipped: "))
    if reasons:
        terminalreporter.section("skipped, by reason")
        for line in skipped_groups(reasons):
            terminalreporter.line(line)
