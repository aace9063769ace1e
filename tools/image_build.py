"""Build, push and inspect the app images with ``docker buildx`` against a given engine and registry.

Shared by the image tests and ``tools/measure_image.py``. Nothing here provisions Docker: the caller
hands over an engine (``DOCKER_HOST``), a registry and a base image, as a CI runner would.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKER_DIR = ROOT / "docker"
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFEST_TYPES = ("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json")


@dataclass(frozen=True)
class Environment:
    """What the runner provides: a registry (host:port, plain HTTP), a Node 22 base image, a CA bundle."""

    registry: str
    node_image: str
    ca_bundle: str | None

    @classmethod
    def from_env(cls) -> Environment | None:
        """From ``IMAGE_TEST_REGISTRY``, ``IMAGE_TEST_NODE_IMAGE``, ``IMAGE_TEST_CA_BUNDLE``; None if unset."""
        registry = os.environ.get("IMAGE_TEST_REGISTRY")
        node_image = os.environ.get("IMAGE_TEST_NODE_IMAGE")
        if not registry or not node_image:
            return None
        return cls(registry, node_image, os.environ.get("IMAGE_TEST_CA_BUNDLE") or None)


def docker(*args: str, check: bool = True, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI; on failure raise with its output."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args[:3])} ... failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def build(
    env: Environment,
    *,
    dockerfile: str,
    platform: str,
    ref: str,
    cache_ref: str,
    context: Path = DOCKER_DIR,
    no_cache: bool = False,
) -> float:
    """Build one platform, push it, read and write the registry cache; return the seconds it took."""
    args = [
        "buildx", "build", "--platform", platform, "-f", str(context / dockerfile),
        "--build-arg", f"NODE_IMAGE={env.node_image}",
        "--cache-to", f"type=registry,ref={cache_ref},image-manifest=true,oci-mediatypes=true,mode=max",
        "-t", ref, "--push",
    ]  # fmt: skip
    args += ["--no-cache"] if no_cache else ["--cache-from", f"type=registry,ref={cache_ref}"]
    if env.ca_bundle:
        args += ["--secret", f"id=npm_ca,src={env.ca_bundle}"]
    started = time.monotonic()
    docker(*args, str(context))
    return time.monotonic() - started


def _get(registry: str, path: str, accept: tuple[str, ...]) -> tuple[dict, str]:
    request = urllib.request.Request(f"http://{registry}/v2/{path}", headers={"Accept": ", ".join(accept)})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read()), response.headers.get("Content-Type", "")


def platform_manifests(registry: str, repository: str, reference: str) -> dict[str, dict]:
    """``{"linux/arm64": manifest, ...}`` for a tag, skipping attestation entries (``unknown/unknown``)."""
    document, content_type = _get(registry, f"{repository}/manifests/{reference}", INDEX_TYPES + MANIFEST_TYPES)
    if content_type not in INDEX_TYPES and "manifests" not in document:
        config, _ = _get(registry, f"{repository}/blobs/{document['config']['digest']}", ("*/*",))
        return {f"{config['os']}/{config['architecture']}": document}
    found: dict[str, dict] = {}
    for entry in document["manifests"]:
        platform = entry.get("platform", {})
        if platform.get("architecture") in (None, "unknown"):
            continue
        manifest, _ = _get(registry, f"{repository}/manifests/{entry['digest']}", MANIFEST_TYPES)
        found[f"{platform['os']}/{platform['architecture']}"] = manifest
    return found


def image_config(registry: str, repository: str, manifest: dict) -> dict:
    """The image config blob (architecture, env, user, ...) of a platform manifest."""
    config, _ = _get(registry, f"{repository}/blobs/{manifest['config']['digest']}", ("*/*",))
    return config


def layer_bytes(manifest: dict) -> int:
    """Compressed size of an image as stored in the registry: the sum of its layers."""
    return sum(layer["size"] for layer in manifest["layers"])


def split_ref(ref: str) -> tuple[str, str, str]:
    """``host:port/repo/name:tag`` -> (registry, repository, tag)."""
    registry, _, rest = ref.partition("/")
    repository, _, tag = rest.rpartition(":")
    return registry, repository, tag
