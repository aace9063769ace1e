"""The platforms a stack's image build runs commands on, for ``tools/deploy.sh`` to check its builder first.

    python tools/emulated_platforms.py STACK    # one line per platform: PLATFORM DOCKERFILE:LINE

A RUN in a stage built for the target platform (not ``FROM --platform=$BUILDPLATFORM``) runs on that
platform: on a machine of another, only under an emulator the builder lists among its platforms. The
sample Dockerfiles have none (they cross-compile: docs/images.md, "Cross-compiled, not emulated"); an
app's own Dockerfile may. The Dockerfile and platforms are those the program registers for the stack
(``dockerContext``, ``dockerfile``, ``platforms``), read offline as ``tools/plan.py`` reads them. A
stack with no stack file yet builds the sample, which runs nothing on its target: it prints nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.errors import ConfigError
from components.image.dockerfile import target_runs
from components.stack_files import StackFileError, secure_keys, stack_file
from tools.offline import ROOT, Run
from tools.plan import PlanError, kept_plain, report, stack_run

IMAGE = "docker-build:index:Image"


def emulated(run: Run, root: Path = ROOT) -> dict[str, str]:
    """Platform -> ``DOCKERFILE:LINE`` of the first RUN that the builds ``run`` registered (the program in
    ``root``) run on that platform."""
    found: dict[str, str] = {}
    for image in run.mocks.resources:
        if image.type != IMAGE or not image.inputs.get("push"):
            continue
        location = image.inputs["dockerfile"]["location"]
        lines = target_runs((root / location).read_text())
        for platform in image.inputs["platforms"] if lines else []:
            found.setdefault(platform, f"{location}:{lines[0]}")
    return found


def main(argv: Sequence[str]) -> int:
    (stack,) = argv
    try:
        if not stack_file(ROOT, stack).is_file():  # where the CLI reads it: stackConfigDir too
            return 0
        encrypted = secure_keys(ROOT, stack)
    except (StackFileError, OSError):
        encrypted = frozenset()  # a file that cannot be read: stack_run names what is wrong with it
    try:
        platforms = emulated(stack_run(stack, []))
    except (ConfigError, StackFileError) as error:
        if not encrypted:
            return report(error, stack)
        # Offline, encrypted values are stand-ins, which may be what is refused (a stand-in's name is longer
        # than a real one, say): pulumi up reads the real ones and judges them. The check is skipped, not
        # the deploy.
        lines = error.lines if isinstance(error, StackFileError) else [str(one) for one in error.errors]
        lines = [kept_plain(line, lines, stack) for line in lines]
        print("deploy: the builder's platforms are not checked ahead: the stack holds encrypted values, which "
              "only pulumi up reads, and read with stand-ins:", *lines, sep="\n  ", file=sys.stderr)  # fmt: skip
        return 0
    except PlanError as error:
        return report(error, stack)
    for platform, where in platforms.items():
        print(platform, where)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
