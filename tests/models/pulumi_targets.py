"""What ``pulumi up --target`` touches, as the engine decides it.

pulumi/pulumi ``pkg/resource/deploy/deployment.go``, ``UrnTargets``: a target with a ``*`` is a glob, where
``**`` matches any text and ``*`` any text without a ``:`` (``getMatcher``); any other is a literal URN, which
must be in the state (``pkg/engine/deployment.go``, ``checkTargets``). ``step_generator.go``: a registered
resource no target matches is left as the state has it (a same step, its provider not even asked to check
it), or, if the state does not hold it, not created (``NewSkippedCreateStep``); a targeted resource the
state does not hold is created; and the update fails ("untargeted create") if a resource it updates or
creates depends on one it skipped creating.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from components.mock_records import Registered


def pattern(glob: str) -> re.Pattern[str]:
    """``getMatcher``: the regular expression of a target glob."""
    parts = ("[^:]*".join(re.escape(piece) for piece in segment.split("*")) for segment in glob.split("**"))
    return re.compile("^" + ".*".join(parts) + "$")


def targeted(targets: Iterable[str], registered: Sequence[Registered]) -> list[Registered]:
    """The resources of ``registered`` that ``targets`` (globs or URNs) name."""
    targets = list(targets)
    return [r for r in registered if any(r.urn == t or ("*" in t and pattern(t).match(r.urn)) for t in targets)]


def untargeted_creates(
    targets: Iterable[str], registered: Sequence[Registered], state: Sequence[Registered]
) -> list[str]:
    """Why a targeted ``up`` of a program registering ``registered`` against ``state`` fails or creates: each
    targeted resource the state lacks (it would be created), and each targeted resource depending on one
    it skips creating (the update fails)."""
    held = {r.urn for r in state}
    chosen = targeted(targets, registered)
    skipped = {r.urn for r in registered if r.urn not in held} - {r.urn for r in chosen}
    problems = [f"{r.urn}: created" for r in chosen if r.urn not in held]
    problems += [
        f"{r.urn}: depends on {dep}, not created" for r in chosen for dep in {r.parent, *r.dependencies} & skipped
    ]
    return problems
