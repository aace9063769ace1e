"""Print the path of a uv at the version uv.lock pins, installing it first when none is at hand.

    python3 tools/uv_bootstrap.py                 # the path of uv (progress on stderr)
    python3 tools/uv_bootstrap.py --requirements  # uv's pin with its hashes, for pip --require-hashes

The version and the hashes of uv's wheels come from uv.lock (uv is in the dev group), so Dependabot's
lock updates move it too. A ``uv`` on PATH at that version is used as it is; otherwise pip installs it,
hash-checked, into a folder of the user's cache (``$XDG_CACHE_HOME/graviton-node/uv-<version>``,
``~/.cache`` by default), which later runs and other checkouts reuse. Standard library only: it runs
before any environment exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def locked_uv(lock: Path = ROOT / "uv.lock") -> tuple[str, list[str]]:
    """uv's version in the lock and the sha256 of each of its wheels (one per platform)."""
    packages = tomllib.loads(lock.read_text())["package"]
    (uv,) = (package for package in packages if package["name"] == "uv")
    return uv["version"], [wheel["hash"] for wheel in uv["wheels"]]


def requirements(version: str, hashes: list[str]) -> str:
    """A pip requirements line pinning uv to ``version`` and its wheels' hashes."""
    return f"uv=={version} " + " ".join(f"--hash={digest}" for digest in hashes) + "\n"


def reports(uv: str, version: str) -> bool:
    """Whether the executable ``uv`` runs and says it is ``version``."""
    try:
        out = subprocess.run([uv, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return False
    return out.split()[:2] == ["uv", version]


def user_cache(env: dict[str, str]) -> Path:
    """This project's folder of the user's cache: ``$XDG_CACHE_HOME/graviton-node`` (``~/.cache`` by default)."""
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(cache) / "graviton-node"


def bootstrap_dir(version: str, env: dict[str, str]) -> Path:
    return user_cache(env) / f"uv-{version}"


def ensure_uv(version: str, hashes: list[str], env: dict[str, str]) -> str:
    """The path of a uv at ``version``: the one on PATH, the one installed before, or a new install."""
    on_path = shutil.which("uv", path=env.get("PATH"))
    if on_path and reports(on_path, version):
        return on_path
    home = bootstrap_dir(version, env)
    uv = home / "bin" / "uv"
    if reports(str(uv), version):
        return str(uv)
    print(f"uv: installing uv {version} (hash-checked) into {home}", file=sys.stderr, flush=True)
    shutil.rmtree(home, ignore_errors=True)
    python = sys.executable
    if subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        # An interpreter without pip (some distributions split it out): a virtualenv brings its own.
        subprocess.run([python, "-m", "venv", str(home / "pip")], check=True, stdout=sys.stderr)
        python = str(home / "pip" / "bin" / "python")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as pinned:
        pinned.write(requirements(version, hashes))
        pinned.flush()
        pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", "--only-binary", ":all:"]
        # pip's progress goes to stderr: stdout carries only the path, for the caller to read.
        quiet_root = {**env, "PIP_ROOT_USER_ACTION": "ignore"}
        command = [*pip, "--require-hashes", "--target", str(home), "-r", pinned.name]
        subprocess.run(command, check=True, stdout=sys.stderr, env=quiet_root)
    if not reports(str(uv), version):
        raise SystemExit(f"uv: {uv} does not report version {version} after installing it")
    return str(uv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the path of a uv at the version uv.lock pins.")
    parser.add_argument("--requirements", action="store_true", help="print uv's pin with its hashes and exit")
    args = parser.parse_args(argv)
    version, hashes = locked_uv()
    if args.requirements:
        sys.stdout.write(requirements(version, hashes))
    else:
        print(ensure_uv(version, hashes, dict(os.environ)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
