"""Measure the arm64 Graviton image: cold build, warm rebuild after a source-only change, sizes.

    IMAGE_TEST_REGISTRY=... IMAGE_TEST_NODE_IMAGE=... [IMAGE_TEST_CA_BUNDLE=...] python tools/measure_image.py

Goals: the app adds <= 15 MB over the base image; a warm rebuild takes <= 10 % of the cold build; a
one-line source change pushes only the source layer, not the dependency layer. Sizes are compressed
layer bytes from the registry manifests (what a task pulls and a deploy pushes).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.image_build import DOCKER_DIR, Environment, build, layer_bytes, platform_manifests, split_ref

MB = 1_000_000


def main() -> int:
    env = Environment.from_env()
    if env is None:
        print("set IMAGE_TEST_REGISTRY and IMAGE_TEST_NODE_IMAGE (see README: Image tests)", file=sys.stderr)
        return 2
    run_id = time.strftime("%Y%m%d%H%M%S")
    cache_ref = f"{env.registry}/graviton-node/measure-cache:{run_id}"
    with tempfile.TemporaryDirectory() as scratch:
        context = Path(scratch) / "docker"
        shutil.copytree(DOCKER_DIR, context, ignore=shutil.ignore_patterns("node_modules"))
        cold_ref = f"{env.registry}/graviton-node/measure:{run_id}-cold"
        cold = build(env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=cold_ref,
                     cache_ref=cache_ref, context=context, no_cache=True)  # fmt: skip
        server = context / "app" / "server.js"
        server.write_text(server.read_text() + f"// measured {run_id}\n")
        warm_ref = f"{env.registry}/graviton-node/measure:{run_id}-warm"
        warm = build(env, dockerfile="Dockerfile.graviton", platform="linux/arm64", ref=warm_ref,
                     cache_ref=cache_ref, context=context)  # fmt: skip
    registry, repository, tag = split_ref(warm_ref)
    warm_manifest = platform_manifests(registry, repository, tag)["linux/arm64"]
    cold_manifest = platform_manifests(*split_ref(cold_ref))["linux/arm64"]
    image = layer_bytes(warm_manifest)
    base_registry, base_repository, base_tag = split_ref(env.node_image)
    base_manifest = platform_manifests(base_registry, base_repository, base_tag)["linux/arm64"]
    base = layer_bytes(base_manifest)
    added = image - base
    ratio = warm / cold
    # What a deploy of the source change pushes: the layers the registry did not hold already.
    held = {layer["digest"] for layer in cold_manifest["layers"]}
    pushed = sum(layer["size"] for layer in warm_manifest["layers"] if layer["digest"] not in held)
    base_digests = {layer["digest"] for layer in base_manifest["layers"]}
    app_layers = [layer for layer in warm_manifest["layers"] if layer["digest"] not in base_digests]
    dependencies = max(layer["size"] for layer in app_layers)
    print(f"cold build (arm64, no cache):            {cold:7.1f} s")
    print(f"warm rebuild (source change, reg. cache): {warm:7.1f} s   {ratio:.1%} of cold (goal <= 10 %)")
    print(f"final image (compressed layers):          {image / MB:7.1f} MB")
    print(f"base image ({env.node_image.rsplit('/', 1)[-1]}):   {base / MB:7.1f} MB")
    print(f"added by the app:                         {added / MB:7.2f} MB   (goal <= 15 MB)")
    print(f"dependency layer (node_modules):          {dependencies / 1000:7.1f} kB")
    print(f"pushed by a one-line source change:       {pushed / 1000:7.1f} kB   (goal: less than the dependency layer)")
    met = added <= 15 * MB and ratio <= 0.10 and pushed < dependencies
    print("goals:", "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
