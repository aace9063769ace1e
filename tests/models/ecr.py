"""ECR's tag rule, as the service enforces it (mocks accept any push).

A repository's ``imageTagMutability`` decides whether a tag may be pushed again: ``IMMUTABLE`` refuses
every push to an existing tag, even of the same digest (``ImageTagAlreadyExistsException``);
the ``*_WITH_EXCLUSION`` settings flip that for tags matching a wildcard filter (``*`` only).
An image is its digest: deleting it by digest deletes it with all its tags (``BatchDeleteImage``: "You can
completely delete an image (and all of its tags) by specifying the image's digest"), and a reference
``tag@digest`` pulls by the digest alone.
"""

from __future__ import annotations

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

    def delete(self, digest: str) -> None:
        """Delete by digest: the image and every tag on it."""
        self.images.discard(digest)
        self.tags = {tag: held for tag, held in self.tags.items() if held != digest}

    def can_pull(self, ref: str) -> bool:
        """Whether ``<repository>:<tag>@<digest>`` can be pulled: its digest is held."""
        return ref.rsplit("@", 1)[1] in self.images
