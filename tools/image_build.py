"""Build, push and inspect the app images with ``docker buildx`` against a given engine and registry.

Shared by the image tests and ``tools/measure_image.py``. Nothing here provisions Docker: the caller
hands over an engine (``DOCKER_HOST``), a registry and a base image, as a CI runner would.

Builds export an OCI layout and this module pushes it to the registry itself. ``--push`` with the
docker driver names the result into the engine's image store first, and with the containerd image
store that naming races (BuildKit intermittently fails with ``image "…": already exists``). An OCI
export touches no image store, so the push cannot race; ``docker run`` then pulls from the registry
as a task would.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from components.image.dockerfile import stages

ROOT = Path(__file__).resolve().parent.parent
DOCKER_DIR = ROOT / "docker"
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
MANIFEST_TYPES = ("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json")


@dataclass(frozen=True)
class Environment:
    """What the runner provides: a registry (host:port, plain HTTP), a Node 22 base image built in place
    of the Dockerfiles' pinned one, a CA bundle."""

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
    steps: dict[str, bool] | None = None,
    secrets: Mapping[str, Path] | None = None,
    progress: list[str] | None = None,
) -> float:
    """Build one platform, push it, read and write the registry cache; return the seconds it took.

    ``steps``, when given, receives each Dockerfile step (``[stage-1 3/4] COPY ...``) and whether
    BuildKit took it from the cache; ``secrets`` are build secrets' files by id, beside the runner's CA
    bundle; ``progress``, when given, receives BuildKit's plain progress output.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="image-build-") as scratch:
        layout = Path(scratch) / "image.tar"
        args = [
            "buildx", "build", "--platform", platform, "-f", str(context / dockerfile),
            # The artifact a deploy pushes: docker-build 0.0.22 turns provenance off (client.go, Attests).
            "--provenance=false",
            *base_contexts(env, context / dockerfile),
            "--cache-to", f"type=registry,ref={cache_ref},image-manifest=true,oci-mediatypes=true,mode=max",
            "--output", f"type=oci,dest={layout}",
        ]  # fmt: skip
        args += ["--no-cache"] if no_cache else ["--cache-from", f"type=registry,ref={cache_ref}"]
        if env.ca_bundle:
            args += ["--secret", f"id=npm_ca,src={env.ca_bundle}"]
        for secret_id, path in (secrets or {}).items():
            args += ["--secret", f"id={secret_id},src={path}"]
        result = docker(*args, "--progress", "plain", str(context))
        if progress is not None:
            progress.append(result.stderr)
        if steps is not None:
            steps.update(cached_steps(result.stderr))
        push_oci_layout(layout, ref)
    return time.monotonic() - started


def base_images(dockerfile: Path) -> list[str]:
    """The images the Dockerfile's FROM lines name, not its own stages: each once, in order."""
    named: set[str] = set()
    images: list[str] = []
    for stage in stages(dockerfile.read_text()):
        if stage.base.lower() not in named and stage.base != "scratch" and stage.base not in images:
            images.append(stage.base)
        if stage.name:
            named.add(stage.name)
    return images


def base_contexts(env: Environment, dockerfile: Path) -> list[str]:
    """``--build-context`` arguments that build the runner's base image where a FROM line names the
    pinned one: BuildKit's named contexts replace a FROM image, so the Dockerfile keeps a literal,
    digest-pinned FROM that Dependabot can read (it does not follow an ARG into FROM)."""
    return [
        arg
        for image in base_images(dockerfile)
        for arg in ("--build-context", f"{image}=docker-image://{env.node_image}")
    ]


def cached_steps(progress: str) -> dict[str, bool]:
    """From BuildKit's plain progress: each Dockerfile step (``[build 6/6] RUN ...``) and whether it was
    taken from the cache (``#12 CACHED``)."""
    names: dict[str, str] = {}
    cached: set[str] = set()
    for line in progress.splitlines():
        match = re.match(r"#(\d+) (\[[\w-]+ \d+/\d+\] .*)", line)
        if match:
            names[match[1]] = match[2]
        elif re.fullmatch(r"#(\d+) CACHED", line.strip()):
            cached.add(line.split()[0][1:])
    return {name: number in cached for number, name in names.items()}


def push_oci_layout(layout_tar: Path, ref: str) -> None:
    """Push an OCI layout tarball to a plain-HTTP registry under ``ref`` (``host:port/repo:tag``).

    Blobs first, then every manifest below the top one by digest, then the top one by tag: a registry
    refuses a manifest whose blobs or child manifests it does not hold yet.
    """
    registry, repository, tag = split_ref(ref)
    with tempfile.TemporaryDirectory(prefix="oci-layout-") as scratch:
        root = Path(scratch)
        with tarfile.open(layout_tar) as archive:
            archive.extractall(root, filter="data")
        blobs = root / "blobs" / "sha256"
        for blob in sorted(blobs.iterdir()):
            _upload_blob(registry, repository, f"sha256:{blob.name}", blob.read_bytes())
        (top,) = json.loads((root / "index.json").read_text())["manifests"]

        def put(descriptor: dict, reference: str) -> None:
            body = (blobs / descriptor["digest"].split(":", 1)[1]).read_bytes()
            if descriptor["mediaType"] in INDEX_TYPES:
                for child in json.loads(body)["manifests"]:
                    put(child, child["digest"])
            _request(registry, f"{repository}/manifests/{reference}", "PUT", body, descriptor["mediaType"])

        put(top, tag)


def _request(registry: str, path: str, method: str, body: bytes | None = None, content_type: str = "") -> str:
    """One registry API call; returns the ``Location`` header (upload URLs)."""
    url = path if path.startswith("http") else f"http://{registry}/v2/{path}"
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.headers.get("Location", "")


def _upload_blob(registry: str, repository: str, digest: str, data: bytes) -> None:
    try:
        _request(registry, f"{repository}/blobs/{digest}", "HEAD")
        return  # already there
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
    location = _request(registry, f"{repository}/blobs/uploads/", "POST", b"")
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    separator = "&" if "?" in location else "?"
    _request(registry, f"{location}{separator}digest={digest}", "PUT", data, "application/octet-stream")


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


def manifest_of(registry: str, repository: str, reference: str) -> dict:
    """One manifest as stored, e.g. a registry cache's (``image-manifest=true``), which names no platform."""
    return _get(registry, f"{repository}/manifests/{reference}", MANIFEST_TYPES)[0]


def image_config(registry: str, repository: str, manifest: dict) -> dict:
    """The image config blob (architecture, env, user, ...) of a platform manifest."""
    config, _ = _get(registry, f"{repository}/blobs/{manifest['config']['digest']}", ("*/*",))
    return config


def image_files(registry: str, repository: str, manifest: dict, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """The files of a platform image whose paths end with one of ``suffixes``, read from its layers in
    the registry without running it: ``{"app/node_modules/...": content}``."""
    return layer_files(_registry_layers(registry, repository, manifest), suffixes)


def _registry_layers(registry: str, repository: str, manifest: dict) -> Iterator[IO[bytes]]:
    for layer in manifest["layers"]:
        request = urllib.request.Request(f"http://{registry}/v2/{repository}/blobs/{layer['digest']}")
        with urllib.request.urlopen(request, timeout=120) as response, tempfile.TemporaryFile() as blob:
            shutil.copyfileobj(response, blob)
            blob.seek(0)
            yield blob


def exported_files(ref: str, platform: str, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """The files of a local image whose paths end with one of ``suffixes``, read from the filesystem
    ``docker export`` streams of a container created (never started) from it, as one layer. The command
    given is never run; it only spares an image with none Docker's "no command specified"."""
    container = docker("create", "--platform", platform, ref, "unused").stdout.strip()
    try:
        with subprocess.Popen(["docker", "export", container], stdout=subprocess.PIPE) as export:
            assert export.stdout is not None
            found = layer_files([export.stdout], suffixes)
        if export.returncode != 0:
            raise RuntimeError(f"docker export {container} failed ({export.returncode})")
        return found
    finally:
        docker("rm", container, check=False)


def layer_files(layers: Iterable[IO[bytes]], suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """The files whose paths end with one of ``suffixes`` in a stack of layer tar streams applied in order:
    ``{"app/node_modules/...": content}``. A layer's whiteouts remove what earlier layers hold (OCI image
    spec, layer.md: ``.wh.<name>``, and ``.wh..wh..opq`` for a whole folder)."""
    found: dict[str, bytes] = {}
    for layer in layers:
        removed: list[str] = []
        added: dict[str, bytes] = {}
        with tarfile.open(fileobj=layer, mode="r|*") as archive:
            for member in archive:
                folder, _, name = member.name.removeprefix("./").rpartition("/")
                if name == ".wh..wh..opq":
                    removed.append(f"{folder}/")
                elif name.startswith(".wh."):
                    removed += [f"{folder}/{name[4:]}".lstrip("/"), f"{folder}/{name[4:]}/".lstrip("/")]
                elif member.isfile() and name.endswith(suffixes):
                    content = archive.extractfile(member)
                    assert content is not None
                    added[f"{folder}/{name}".lstrip("/")] = content.read()
        found = {
            path: data
            for path, data in found.items()
            if not any(path == r or (r.endswith("/") and path.startswith(r)) for r in removed)
        }
        found.update(added)
    return found


def stored_blobs(registry: str, repository: str, manifest: dict) -> Iterator[tuple[str, bytes]]:
    """Everything a manifest makes readable by whoever can pull it: its config (the image's history) and
    each layer, uncompressed (gzip, what BuildKit writes by default), by digest."""
    for blob in (manifest["config"], *manifest["layers"]):
        request = urllib.request.Request(f"http://{registry}/v2/{repository}/blobs/{blob['digest']}")
        with urllib.request.urlopen(request, timeout=120) as response:
            data = response.read()
        yield blob["digest"], gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def layer_bytes(manifest: dict) -> int:
    """Compressed size of an image as stored in the registry: the sum of its layers."""
    return sum(layer["size"] for layer in manifest["layers"])


def split_ref(ref: str) -> tuple[str, str, str]:
    """``host:port/repo/name:tag`` -> (registry, repository, tag)."""
    registry, _, rest = ref.partition("/")
    repository, _, tag = rest.rpartition(":")
    return registry, repository, tag
