"""ECR's tag rule, as the service enforces it (mocks accept any push).

A repository's ``imageTagMutability`` decides whether a tag may be pushed again: ``IMMUTABLE`` refuses
every push to an existing tag, even of the same digest (``ImageTagAlreadyExistsException``);
the ``*_WITH_EXCLUSION`` settings flip that for tags matching a wildcard filter (``*`` only).
An image is its digest: deleting it by digest deletes it with all its tags (``BatchDeleteImage``: "You can
completely delete an image (and all of its tags) by specifying the image's digest"), and a reference
``tag@digest`` pulls by the digest alone.

Its lifecycle policy (ECR User Guide, "Lifecycle policy properties"; only ``imageCountMoreThan`` rules):
rules in ascending ``rulePriority``; a ``tagged`` rule selects the images with a tag for every prefix of its
``tagPrefixList`` (or every wildcard pattern of its ``tagPatternList``), an ``untagged`` rule those with no
tag, an ``any`` rule every image; ``imageCountMoreThan`` sorts them by push time, newest first, and expires
those past ``countNumber``; an image a rule selected is left alone by the rules after it. Nothing in a
selection sees whether a service runs the image.

ECR refuses a policy that breaks the same page's rules, and so does ``lifecycle_refusals``: each rule's
``rulePriority`` unique; an ``any`` rule with the highest ``rulePriority``; a ``tagged`` rule with a
``tagPrefixList`` or a ``tagPatternList``, an ``untagged`` rule with neither; at most four ``*`` in each
``tagPatternList`` string (``["*test*1*2*3", "test*1*2*3*"]`` is valid, ``["test*1*2*3*4*5*6"]`` not).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


class ImageTagAlreadyExistsError(Exception):
    """ECR's ``ImageTagAlreadyExistsException``."""


class LifecyclePolicyRefusedError(Exception):
    """ECR refusing a lifecycle policy that breaks its rules (``PutLifecyclePolicy``)."""


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
        rules = json.loads(policy)["rules"]
        if refusals := lifecycle_refusals(rules):
            raise LifecyclePolicyRefusedError("; ".join(refusals))
        selected: set[str] = set()
        expired: list[str] = []
        for rule in sorted(rules, key=lambda rule: rule["rulePriority"]):
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
        status = selection["tagStatus"]
        if status != "tagged":
            return status == "any" or not tags
        if "tagPatternList" in selection:
            return all(any(_wildcard(p).match(tag) for tag in tags) for p in selection["tagPatternList"])
        return all(any(tag.startswith(prefix) for tag in tags) for prefix in selection["tagPrefixList"])


def lifecycle_refusals(rules: list[dict[str, Any]]) -> list[str]:
    """What ECR refuses in a lifecycle policy's ``rules`` (module docstring); empty when it accepts them."""
    priorities = [rule["rulePriority"] for rule in rules]
    refusals = [f"rulePriority {p} is given twice" for p in sorted(set(priorities)) if priorities.count(p) > 1]
    for rule in rules:
        selection, priority = rule["selection"], rule["rulePriority"]
        status, lists = selection["tagStatus"], {"tagPrefixList", "tagPatternList"} & selection.keys()
        if status == "any" and priority != max(priorities):
            refusals.append(f"rule {priority}: an any rule must have the highest rulePriority")
        if status == "tagged" and not lists:
            refusals.append(f"rule {priority}: a tagged rule needs a tagPrefixList or a tagPatternList")
        if status == "untagged" and lists:
            refusals.append(f"rule {priority}: an untagged rule takes no {' or '.join(sorted(lists))}")
        if status not in ("tagged", "untagged", "any"):
            refusals.append(f"rule {priority}: tagStatus {status!r} is not tagged, untagged or any")
        refusals += [
            f"rule {priority}: tagPatternList {p!r} has more than four wildcards"
            for p in selection.get("tagPatternList", [])
            if p.count("*") > 4
        ]
    return refusals
