"""What pulumi-docker-build does with an ``Image`` or ``Index`` across deployments, from its source.

``provider/internal/image.go`` (``Diff``, ``Create``) and ``context.go`` (``hashBuildContext``):
- an image is rebuilt and re-pushed when any diffed input changes — tags, platforms, build args,
  secrets (unless in ``ignoreSecretsInDiffCalculation`` *and* present before and after), cache
  settings, exports, ``push``, ``buildOnPreview``, ``context.location`` and ``dockerfile`` compared
  as the strings given, registries by address and user — or when the context hash changes: the
  Dockerfile's content plus every file the ``.dockerignore`` lets through, by path, mode and content;
- with no state (first deploy, lost state, a renamed resource) it is created: built and pushed;
- in a preview it builds when ``buildOnPreview`` (default true), never pushes, but does export its
  caches ("Images built during previews are never exported to registries, however cache manifests
  are still exported"); an ``Index`` does nothing in a preview and pushes its tag on every change.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IMAGE = "docker-build:index:Image"
INDEX = "docker-build:index:Index"
_DIFFED = (
    "addHosts", "buildArgs", "buildOnPreview", "builder", "cacheFrom", "cacheTo", "exports", "labels",
    "load", "network", "noCache", "platforms", "pull", "push", "ssh", "tags", "target",
)  # fmt: skip


def _glob(pattern: str) -> re.Pattern[str]:
    # Go's filepath.Match, as .dockerignore uses it: * and ? never cross a /.
    return re.compile("".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def _ignored(relative: str, patterns: list[str]) -> bool:
    """A path is out of the context when it, or a directory above it, matches a pattern."""
    parts = relative.split("/")
    for pattern in patterns:
        anywhere = pattern.startswith("**/")
        regex = _glob(pattern.removeprefix("**/"))
        spans = [(j, i) for i in range(1, len(parts) + 1) for j in (range(i) if anywhere else [0])]
        if any(regex.match("/".join(parts[j:i])) for j, i in spans):
            return True
    return False


def context_hash(cwd: Path, inputs: dict[str, Any]) -> str:
    """``hashBuildContext``: the Dockerfile's content, then each non-ignored file's path, mode and content."""
    context = cwd / inputs["context"]["location"]
    dockerfile = cwd / inputs["dockerfile"]["location"]
    ignore = context / ".dockerignore"
    patterns = [
        line.strip() for line in (ignore.read_text().splitlines() if ignore.is_file() else [])
        if line.strip() and not line.startswith("#")
    ]  # fmt: skip
    digest = hashlib.sha256(dockerfile.read_bytes())
    for root, dirs, files in os.walk(context):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            relative = path.relative_to(context).as_posix()
            if _ignored(relative, patterns):
                continue
            digest.update(f"{relative}\0{path.stat().st_mode:o}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def changed_inputs(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """``Image.Diff`` on recorded inputs, the context hash included (as ``contextHash``)."""
    changed = {key for key in _DIFFED if old.get(key) != new.get(key)}
    if old["context"]["location"] != new["context"]["location"]:
        changed.add("context.location")
    if old.get("dockerfile") != new.get("dockerfile"):
        changed.add("dockerfile")
    ignored = set(new.get("ignoreSecretsInDiffCalculation") or [])
    old_secrets, new_secrets = dict(old.get("secrets") or {}), dict(new.get("secrets") or {})
    for key in ignored & old_secrets.keys() & new_secrets.keys():
        del old_secrets[key], new_secrets[key]
    if old_secrets != new_secrets:
        changed.add("secrets")
    if [(r["address"], r.get("username")) for r in old.get("registries") or []] != [
        (r["address"], r.get("username")) for r in new.get("registries") or []
    ]:
        changed.add("registries")
    if old["contextHash"] != new["contextHash"]:
        changed.add("contextHash")
    return changed


@dataclass
class Engine:
    """Pulumi state for docker-build resources, and what each ``up``/``preview`` made them do.

    ``push(tag)`` is called for every push to the registry, ``export_cache(ref)`` for every cache export.
    """

    push: Callable[[str, str], None]
    export_cache: Callable[[str], None]
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    builds: int = 0

    def _build(self, inputs: dict[str, Any], preview: bool) -> str:
        self.builds += 1
        digest = f"sha256:{self.builds:064x}"  # builds are not reproducible: every build is a new digest
        for cache in inputs.get("cacheTo") or []:
            self.export_cache(cache["registry"]["ref"])
        if inputs.get("push") and not preview:
            for tag in inputs["tags"]:
                self.push(tag, digest)
        return digest

    def deploy(self, resources: list[tuple[str, str, dict[str, Any]]], cwd: Path, *, preview: bool = False) -> None:
        """One ``pulumi up`` (or preview) of the registered docker-build resources, in registration order."""
        seen = set()
        refs: dict[str, str] = {}
        for type_token, name, recorded in resources:
            seen.add(name)
            inputs = dict(recorded)
            old = self.state.get(name)
            if type_token == INDEX:
                sources = [refs.get(str(source).split("@")[0], str(source)) for source in inputs["sources"]]
                inputs["sources"] = sources
                changed = old is None or old["tag"] != inputs["tag"] or old["sources"] != sources
                if changed and not preview:
                    self.push(inputs["tag"], "sha256:index-of-" + ",".join(sources))
                    self.state[name] = inputs
                continue
            inputs["contextHash"] = context_hash(cwd, inputs)
            if old is not None and not changed_inputs(old, inputs):
                refs.update({tag: f"{tag}@{old['digest']}" for tag in inputs.get("tags") or []})
                continue
            if preview and inputs.get("buildOnPreview") is False:
                continue
            digest = self._build(inputs, preview)
            refs.update({tag: f"{tag}@{digest}" for tag in inputs.get("tags") or []})
            if not preview:
                self.state[name] = {**inputs, "digest": digest}
        if not preview:
            for name in set(self.state) - seen:
                del self.state[name]
