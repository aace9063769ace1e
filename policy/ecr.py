"""ECR repositories: immutable tags, scanned on push, and a lifecycle policy each."""

from __future__ import annotations

from collections.abc import Sequence

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .rule_types import Config, Props, Rule, StackRule
    from .unknowns import StackResource
else:
    from rule_types import Config, Props, Rule, StackRule
    from unknowns import StackResource


def _names_a_prefix(pattern: str) -> bool:
    """Whether an exclusion filter starts with a literal: it then matches only tags that start so. ECR's
    filter is ``[0-9a-zA-Z._*-]{1,128}`` with ``*`` its only wildcard (botocore ``ecr``
    ``ImageTagMutabilityExclusionFilterValue``). One character is the least asked: how long a prefix names
    "the tags that must move" is the project's naming, not AWS's rule."""
    return pattern[:1] not in ("", "*")


def _ecr_immutable_and_scanned(_: str, props: Props, __: Config) -> list[str]:
    found: list[str] = []
    if props.get("imageTagMutability") not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
        found.append(
            f"imageTagMutability is {props.get('imageTagMutability', 'MUTABLE')!r}; set IMMUTABLE "
            "(or IMMUTABLE_WITH_EXCLUSION for tags that must move, such as a build cache)."
        )
    if not (props.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        found.append('Images are not scanned; set image_scanning_configuration={"scan_on_push": True}.')
    if props.get("imageTagMutability") == "IMMUTABLE_WITH_EXCLUSION":
        found += [
            f"Exclusion filter {item.get('filter')!r} does not start with a literal, so it matches tags of any "
            "name ('*.*', '*1*'); exclude the tags that must move by their prefix (e.g. 'cache-*')."
            for item in props.get("imageTagMutabilityExclusionFilters") or []
            if not _names_a_prefix(str(item.get("filter") or ""))
        ]
    return found


def _ecr_lifecycle(resources: Sequence[StackResource], _: Config) -> list[str]:
    """ECR.3: every repository has a lifecycle policy."""
    governed = {props.get("repository") for t, props, *_ in resources if t == "aws:ecr/lifecyclePolicy:LifecyclePolicy"}
    return [
        f"ECR repository {props.get('name')!r} has no lifecycle policy; add one so old images expire."
        for t, props, *_ in resources
        if t == "aws:ecr/repository:Repository" and props.get("name") not in governed
    ]


IMMUTABLE_SCANNED = Rule(
    "ecr-immutable-scanned",
    "ECR repositories have immutable tags (exclusions only for named tags) and scan on push.",
    ("aws:ecr/repository:Repository",),
    _ecr_immutable_and_scanned,
    anchors=("ECR.1", "ECR.2"),
)

LIFECYCLE = StackRule(
    "ecr-lifecycle", "Every ECR repository has a lifecycle policy.", _ecr_lifecycle, anchors=("ECR.3",)
)
