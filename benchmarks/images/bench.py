"""Cold builds, the previous Dockerfiles (build stage on the target platform, arm64 under QEMU) against
the current ones (build stage on the build machine's platform, cross-compiling), side by side.

    IMAGE_TEST_REGISTRY=... IMAGE_TEST_NODE_IMAGE=... [IMAGE_TEST_CA_BUNDLE=...] \
        python benchmarks/images/bench.py [--rounds N]

Every build is cold: ``--no-cache`` and no registry cache, exported as an OCI layout (no push), with
the same base image and context. Each round builds every case with both Dockerfiles, alternating
which goes first, so a drift in the shared machine's speed falls on both; the ratio is taken pair by
pair and its median printed. Goals (issue 17): new <= 35 % of previous for each arm64 build, <= 40 %
for the multi-arch one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.image_build import DOCKER_DIR, Environment, base_contexts, docker

PREVIOUS_DIR = Path(__file__).resolve().parent / "previous"
#: (label, Dockerfile name, platforms, goal as a fraction of the previous time)
CASES = [
    ("Dockerfile, linux/arm64", "Dockerfile", "linux/arm64", 0.35),
    ("Dockerfile.graviton, linux/arm64", "Dockerfile.graviton", "linux/arm64", 0.35),
    ("Dockerfile, linux/arm64+linux/amd64", "Dockerfile", "linux/arm64,linux/amd64", 0.40),
]


def cold_build(env: Environment, dockerfile: Path, platforms: str) -> float:
    """Wall seconds of one build that reuses nothing: no local cache, no registry cache."""
    with tempfile.TemporaryDirectory(prefix="bench-image-") as scratch:
        layout = Path(scratch) / "image.tar"
        args = ["buildx", "build", "--no-cache", "--platform", platforms, "-f", str(dockerfile),
                *base_contexts(env, dockerfile), "--output", f"type=oci,dest={layout}"]  # fmt: skip
        if env.ca_bundle:
            args += ["--secret", f"id=npm_ca,src={env.ca_bundle}"]
        started = time.monotonic()
        docker(*args, "--progress", "plain", str(DOCKER_DIR))
        return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cold image builds, previous Dockerfiles against current.")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    env = Environment.from_env()
    if env is None:
        print("set IMAGE_TEST_REGISTRY and IMAGE_TEST_NODE_IMAGE (see README: Image tests)", file=sys.stderr)
        return 2
    times: dict[tuple[str, str], list[float]] = {}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)  # fmt: skip
    for round_number in range(args.rounds):
        for label, name, platforms, _ in CASES:
            order = [("previous", PREVIOUS_DIR / name), ("new", DOCKER_DIR / name)]
            for variant, dockerfile in order if round_number % 2 == 0 else order[::-1]:
                seconds = cold_build(env, dockerfile, platforms)
                times.setdefault((label, variant), []).append(seconds)
                print(f"round {round_number + 1}  {label:36} {variant:8} {seconds:6.1f} s  "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'case':36} {'previous':>17} {'new':>17} {'new/previous':>13} {'goal':>6}")
    for label, _, _, goal in CASES:
        previous, new = times[(label, "previous")], times[(label, "new")]
        ratio = statistics.median(n / p for n, p in zip(new, previous, strict=True))
        print(f"{label:36} {spread(previous):>17} {spread(new):>17} {ratio:12.0%} "
              f"{'<=' if ratio <= goal else '> '}{goal:.0%}")  # fmt: skip
    print("(median s [min-max] of the rounds; the ratio is the median of the per-round ratios)")
    return 0


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} [{min(values):.0f}-{max(values):.0f}]"


if __name__ == "__main__":
    raise SystemExit(main())
