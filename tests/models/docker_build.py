"""What pulumi-docker-build (0.0.22) and the Pulumi engine do with an ``Image`` or ``Index`` across deployments.

From docker-build's ``provider/internal/image.go`` (``Diff``, ``Create``, ``Delete``), ``index.go``
(``Diff``, ``Delete``), ``client.go`` (``Delete``, ``ManifestDelete``) and ``context.go``
(``hashBuildContext``, ``getIgnorePatterns``), and Pulumi's ``pkg/resource/deploy`` (``step_generator.go``,
``step.go``):
- an image is rebuilt and re-pushed when any diffed input changes — tags, platforms, build args,
  secrets (unless in ``ignoreSecretsInDiffCalculation`` *and* present before and after), cache
  settings, exports, ``push``, ``buildOnPreview``, ``context.location`` and ``dockerfile`` compared
  as the strings given, registries by address and user — or when the context hash changes: the
  Dockerfile's content plus every file the ignore file lets through (``<Dockerfile>.dockerignore``, else
  the context's), by path, mode and content. An Image's diff is never a replace: it is rebuilt in place;
- with no state (first deploy, lost state, a renamed resource) it is created: built and pushed;
- in a preview it builds when ``buildOnPreview`` (default true), never pushes, but does export its
  caches ("Images built during previews are never exported to registries, however cache manifests
  are still exported"); an ``Index`` does nothing in a preview and pushes its tag on every change;
- an Index whose tag changes is *replaced* (``index.go`` ``Diff``: ``diff[tagKey] = replace``): the engine
  creates the new one first and deletes the old one at the end of the update (delete-after-replace, the
  default); one that leaves the program is deleted at the end too;
- deleting an Index deletes its manifest by digest (``Delete``: ``ManifestDelete(state.Ref)``, the ref being
  ``tag@sha256:…``); deleting a pushed Image deletes its digest in each repository it was tagged in
  (``Delete`` -> ``cli.Delete(tag@digest)`` -> ``ManifestDelete``). A registry deletes an image by digest
  with all its tags (ECR ``BatchDeleteImage``: "completely delete an image (and all of its tags) by
  specifying the image's digest") — also the tag the replacement just pushed, when it is the same digest;
- unless the *old* state has ``retainOnDelete``: the engine then never calls the provider's Delete
  (``step.go``, ``DeleteStep.Apply``: ``s.old.RetainOnDelete``). A replaced resource is deleted with the
  state of the deploy before (``step_generator.go``: the ``Delete``-marked entries of the previous
  snapshot), so the option protects the deploy *after* the one that first registers it;
- a rebuild of the same content gives the same digest: BuildKit reproduces cached layers and config, and
  pulumi/pulumi-docker-build#581 and #606 ("ECR image deleted after second deployment") saw the
  replacement's push change nothing and the delete of the replaced image remove it. The model's image
  digest is its content's: the Dockerfile's instructions (not its comments), the files it reads, build
  args, target and platforms — never its tags; an index's is its sources'.

The ignore rules are moby/patternmatcher's, ported (and tested against its own cases) in
``tests/models/dockerignore.py``.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.models.dockerignore import context_files

IMAGE = "docker-build:index:Image"
INDEX = "docker-build:index:Index"
_DIFFED = (
    "addHosts", "buildArgs", "buildOnPreview", "builder", "cacheFrom", "cacheTo", "exports", "labels",
    "load", "network", "noCache", "platforms", "pull", "push", "ssh", "tags", "target",
)  # fmt: skip


def _files(cwd: Path, inputs: dict[str, Any]) -> tuple[bytes, list[Path], Path]:
    context = cwd / inputs["context"]["location"]
    dockerfile = cwd / inputs["dockerfile"]["location"]
    return dockerfile.read_bytes(), list(context_files(context, dockerfile.relative_to(context).as_posix())), context


def _hashed(files: list[Path]) -> Iterator[tuple[Path, int, bytes]]:
    """``hashFile`` over fsutil's walk: each entry's own (lstat) mode and what ``os.Open`` reads through a link.
    A FIFO, socket or device is skipped (``TestIgnoreIrregularFiles``), a link to a directory too (``EISDIR``);
    a link that leads nowhere fails to open, and fsutil's walk turns that not-found error into ``SkipDir``,
    which ``filepath.WalkDir`` takes, on a file, as "skip the rest of this directory" (the entries after it in
    lexical order, subdirectories included)."""
    stopped: dict[Path, str] = {}  # a directory, and the link its walk stopped at
    for path in files:
        mode = path.lstat().st_mode
        if _skipped(path, stopped) or not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            continue
        try:
            yield path, mode, path.read_bytes()
        except FileNotFoundError:
            stopped[path.parent] = path.name
        except IsADirectoryError:
            continue


def _skipped(path: Path, stopped: dict[Path, str]) -> bool:
    return any(
        path.is_relative_to(folder) and path.relative_to(folder).parts[0] > name for folder, name in stopped.items()
    )


def context_hash(cwd: Path, inputs: dict[str, Any]) -> str:
    """``hashBuildContext``: the Dockerfile's content, then each non-ignored file's path, mode and content."""
    dockerfile, files, context = _files(cwd, inputs)
    digest = hashlib.sha256(dockerfile)
    for path, mode, content in _hashed(files):
        digest.update(f"{path.relative_to(context).as_posix()}\0{mode:o}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def image_digest(cwd: Path, inputs: dict[str, Any]) -> str:
    """The pushed manifest's digest: a function of what goes into the image, as a warm builder reproduces it."""
    dockerfile, files, context = _files(cwd, inputs)
    dockerfile_name = Path(inputs["dockerfile"]["location"]).name
    instructions = [
        line for line in dockerfile.decode().splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    digest = hashlib.sha256("\n".join(instructions).encode())
    for path in files:
        if path.name == dockerfile_name or path.name.endswith(".dockerignore"):
            continue  # they shape the image by their instructions and rules, not as its files
        mode = path.lstat().st_mode
        digest.update(f"{path.relative_to(context).as_posix()}\0{mode:o}\0".encode())
        # BuildKit sends a link as a link and a FIFO as a node: neither is read.
        digest.update(
            path.read_bytes() if stat.S_ISREG(mode) else str(path.readlink() if path.is_symlink() else "").encode()
        )
    settings = (inputs.get("buildArgs"), inputs.get("platforms"), inputs.get("target"))
    digest.update(repr(settings).encode())
    return "sha256:" + digest.hexdigest()


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


#: One registered docker-build resource: type, name, inputs, and its ``retainOnDelete`` option.
Registration = tuple[str, str, dict[str, Any], bool]


@dataclass
class Engine:
    """Pulumi state for docker-build resources, and what each ``up``/``preview`` made them do.

    ``push(tag, digest)`` is called for every push to the registry, ``delete(tag@digest)`` for every
    manifest the provider deletes, ``export_cache(ref)`` for every cache export.
    """

    push: Callable[[str, str], None]
    export_cache: Callable[[str], None]
    delete: Callable[[str], None] = lambda ref: None
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    builds: int = 0

    def _build(self, cwd: Path, inputs: dict[str, Any], preview: bool) -> str:
        self.builds += 1
        digest = image_digest(cwd, inputs)
        for cache in inputs.get("cacheTo") or []:
            self.export_cache(cache["registry"]["ref"])
        if inputs.get("push") and not preview:
            for tag in inputs["tags"]:
                self.push(tag, digest)
        return digest

    def _index(self, inputs: dict[str, Any], refs: dict[str, str], preview: bool) -> dict[str, Any] | None:
        """The Index's new state when it changes (None when not); a changed tag replaces the old one."""
        old = self.state.get(inputs["name"])
        sources = [refs.get(str(source).split("@")[0], str(source)) for source in inputs["sources"]]
        digest = "sha256:" + hashlib.sha256(",".join(s.split("@")[1] for s in sources).encode()).hexdigest()
        if old is not None and old["tag"] == inputs["tag"] and old["sources"] == sources:
            return None
        if not preview:
            self.push(inputs["tag"], digest)
        return {**inputs, "sources": sources, "digest": digest, "ref": f"{inputs['tag']}@{digest}"}

    def _deleted(self, old: dict[str, Any]) -> None:
        """The provider's Delete of a resource's old state, unless that state was registered to be retained."""
        if old["retain"] or not old.get("digest"):
            return
        if old["type"] == INDEX:
            self.delete(old["ref"])
        elif old.get("push"):
            for tag in sorted(set(old["tags"])):
                self.delete(f"{tag}@{old['digest']}")

    def deploy(self, resources: list[Registration], cwd: Path, *, preview: bool = False) -> None:
        """One ``pulumi up`` (or preview) of the registered docker-build resources, in registration order."""
        seen = set()
        refs: dict[str, str] = {}
        replaced: list[dict[str, Any]] = []
        for type_token, name, recorded, retain in resources:
            seen.add(name)
            inputs = {**recorded, "type": type_token, "name": name, "retain": retain}
            old = self.state.get(name)
            if type_token == INDEX:
                new = self._index(inputs, refs, preview)
                if not preview and new is not None:
                    if old is not None and old["tag"] != new["tag"]:
                        replaced.append(old)
                    self.state[name] = new
                elif not preview and old is not None:
                    old["retain"] = retain  # an unchanged resource's state takes the new options
                continue
            inputs["contextHash"] = context_hash(cwd, inputs)
            if old is not None and not changed_inputs(old, inputs):
                refs.update({tag: f"{tag}@{old['digest']}" for tag in inputs.get("tags") or []})
                if not preview:
                    old["retain"] = retain
                continue
            if preview and inputs.get("buildOnPreview") is False:
                continue
            digest = self._build(cwd, inputs, preview)
            refs.update({tag: f"{tag}@{digest}" for tag in inputs.get("tags") or []})
            if not preview:
                self.state[name] = {**inputs, "digest": digest}
        if not preview:
            # Deletes run last: the replaced resources, then those the program no longer registers.
            for old in replaced + [self.state.pop(name) for name in sorted(set(self.state) - seen)]:
                self._deleted(old)

    def ref(self, name: str) -> str:
        """A resource's ``ref`` output (``tag@digest``): what a task definition pins."""
        state = self.state[name]
        return state.get("ref") or f"{state['tags'][0]}@{state['digest']}"
