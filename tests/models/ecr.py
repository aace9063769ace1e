"""ECR's tag rule, as the service enforces it (mocks accept any push).

A repository's ``imageTagMutability`` decides whether a tag may be pushed again: ``IMMUTABLE`` refuses
every push to an existing tag, even of the same digest (``ImageTagAlreadyExistsException``);
the ``*_WITH_EXCLUSION`` settings flip that for tags matching a wildcard filter (``*`` only).
An image is its digest: deleting it by digest deletes it with all its tags (``BatchDeleteImage``: "You can
completely delete an image (and all of its tags) by specifying the image's digest"), and a reference
``tag@digest`` pulls by the digest alone.

Its lifecycle policy (ECR User Guide, "Lifecycle policy properties"; only the ``imageCountMoreThan`` rules this
program writes): rules in ascending ``rulePriority``; a ``tagged`` rule selects the images with a tag for
every prefix of its ``tagPrefixList``, an ``untagged`` rule those with no tag; ``imageCountMoreThan`` sorts
them by push time, newest first, and expires those past ``countNumber``; an image a rule selected is left
alone by the rules after it. Nothing in a selection sees whether a service runs the image.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


class ImageTagAlreadyExistsError(Exception):
    """ECR's ``ImageTagAlreadyExistsException``."""


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, pattern.split("*"))) + r"\Z")


@dataclass
class EcrRepository:
    """One repository: its mutability rule and its tags (tag -> digest)."""

    mutability: str
    exclusions: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    images: set[str] = field(default_factory=set)
    """Digests of the images the repository holds."""
    pushed: dict[str, int] = field(default_factory=dict)
    """Each held digest's push, in order."""

    @classmethod
    def from_inputs(cls, inputs: dict[str, Any]) -> EcrRepository:
        """The rule as the program registered it (``aws:ecr/repository:Repository`` inputs)."""
        filters = inputs.get("imageTagMutabilityExclusionFilters") or []
        assert all(f["filterType"] == "WILDCARD" for f in filters)
        return cls(inputs.get("imageTagMutability", "MUTABLE"), tuple(f["filter"] for f in filters))

    def is_immutable(self, tag: str) -> bool:
        excluded = any(_wildcard(pattern).match(tag) for pattern in self.exclusions)
        return {
            "MUTABLE": False,
            "IMMUTABLE": True,
            "IMMUTABLE_WITH_EXCLUSION": not excluded,
            "MUTABLE_WITH_EXCLUSION": excluded,
        }[self.mutability]

    def push(self, tag: str, digest: str) -> None:
        if tag in self.tags and self.is_immutable(tag):
            raise ImageTagAlreadyExistsError(f"tag {tag} already exists and is immutable (pushed {digest})")
        self.tags[tag] = digest
        self.images.add(digest)
        self.pushed.setdefault(digest, len(self.pushed))

    def delete(self, digest: str) -> None:
        """Delete by digest: the image and every tag on it."""
        self.images.discard(digest)
        self.pushed.pop(digest, None)
        self.tags = {tag: held for tag, held in self.tags.items() if held != digest}

    def can_pull(self, ref: str) -> bool:
        """Whether ``<repository>:<tag>@<digest>`` can be pulled: its digest is held."""
        return ref.rsplit("@", 1)[1] in self.images

    def expire(self, policy: str) -> list[str]:
        """One evaluation of a lifecycle policy: the digests it expires (and deletes)."""
        selected: set[str] = set()
        expired: list[str] = []
        for rule in sorted(json.loads(policy)["rules"], key=lambda rule: rule["rulePriority"]):
            selection = rule["selection"]
            assert selection["countType"] == "imageCountMoreThan", "only count rules are modelled"
            found = [digest for digest in self.images - selected if self._selects(selection, digest)]
            found.sort(key=self.pushed.__getitem__, reverse=True)
            selected.update(found)
            expired += found[selection["countNumber"] :]
        for digest in expired:
            self.delete(digest)
        return expired

    def _selects(self, selection: dict[str, Any], digest: str) -> bool:
        tags = [tag for tag, held in self.tags.items() if held == digest]
        if selection["tagStatus"] == "untagged":
            return not tags
        prefixes = selection.get("tagPrefixList") or []
        return bool(tags) and all(any(tag.startswith(prefix) for tag in tags) for prefix in prefixes)
