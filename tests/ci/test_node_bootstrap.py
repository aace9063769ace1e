"""The Node.js the app's tests need: the one on PATH when new enough, else the image's own version,
fetched from the npm registry and unpacked only when its hash is the pinned one."""

import io
import tarfile
from pathlib import Path

import pytest

from tools.node_bootstrap import (
    INTEGRITY,
    ROOT,
    ensure_node,
    image_node_version,
    integrity_of,
    unpack,
)


def tarball(path: Path, content: bytes) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("package/bin/node")
        info.size, info.mode = len(content), 0o755
        archive.addfile(info, io.BytesIO(content))
    return path


def test_the_version_fetched_is_the_one_every_dockerfile_runs() -> None:
    version = image_node_version()
    assert version == image_node_version(ROOT / "docker" / "Dockerfile.graviton")
    assert {(version, "x64"), (version, "arm64")} <= INTEGRITY.keys()
    assert all(value.startswith("sha512-") and len(value) == 95 for value in INTEGRITY.values())


def test_a_tarball_with_the_pinned_hash_is_unpacked(tmp_path: Path) -> None:
    good = tarball(tmp_path / "node.tgz", b"#!/bin/sh\necho v22.0.0\n")
    unpack(good, integrity_of(good), tmp_path / "home")
    assert (tmp_path / "home" / "bin" / "node").read_bytes().startswith(b"#!/bin/sh")


def test_a_tarball_with_another_hash_is_refused_and_nothing_unpacked(tmp_path: Path) -> None:
    tampered = tarball(tmp_path / "node.tgz", b"#!/bin/sh\necho evil\n")
    with pytest.raises(SystemExit, match="not unpacked"):
        unpack(tampered, INTEGRITY[(image_node_version(), "x64")], tmp_path / "home")
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(("version", "used"), [("v22.1.0", True), ("v24.0.0", True), ("v20.20.2", False)])
def test_a_node_on_path_is_used_only_when_it_is_22_or_later(tmp_path: Path, version: str, used: bool) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").write_text(f"#!/bin/sh\necho {version}\n")
    (bin_dir / "node").chmod(0o755)
    cache = tmp_path / "cache" / "graviton-node" / f"node-{image_node_version()}-x64" / "bin"
    cache.mkdir(parents=True)
    (cache / "node").write_text("#!/bin/sh\necho v22.23.3\n")  # as a previous run left it
    (cache / "node").chmod(0o755)
    found = ensure_node({"PATH": str(bin_dir), "XDG_CACHE_HOME": str(tmp_path / "cache")}, "x86_64")
    assert found == (bin_dir if used else cache)
