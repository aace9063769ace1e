"""Recovering from an update that stopped before it ended (README, Troubleshooting, "the stack is currently
locked"): ``pulumi cancel`` as the DIY backend runs it (tests/models/pulumi_diy.py, ``cancel_calls``) is
allowed to a stack's deploy role for its own stack only, never to a preview role, and the README says how."""

from __future__ import annotations

import re

from tests.ci.test_identities import BUCKET, PROJECT, ROOT, policy, state_object, two_stacks
from tests.models import iam, pulumi_diy


def allowed(document: dict[str, object], action: str, key: str) -> bool:
    """IAM's verdict on one call: a listing is a request on the bucket, its prefix a parameter."""
    resource = f"arn:aws:s3:::{BUCKET}" if action == "s3:ListBucket" else state_object(key)
    return iam.allows(document, action, resource)


@two_stacks
def test_a_deploy_role_may_cancel_its_own_stacks_update_and_not_another_stacks(stacks: list[str]) -> None:
    own, other = stacks
    document = policy("deploy-state.policy.json", own)
    for action, key in pulumi_diy.cancel_calls(PROJECT, own):
        assert allowed(document, action, key), (action, key)
    deletes = [(a, k) for a, k in pulumi_diy.cancel_calls(PROJECT, other) if a == "s3:DeleteObject"]
    assert deletes and not any(allowed(document, action, key) for action, key in deletes)


def test_a_preview_role_may_not_cancel_an_update() -> None:
    document = policy("preview.policy.json", "dev")
    refused = [(a, k) for a, k in pulumi_diy.cancel_calls(PROJECT, "dev") if not allowed(document, a, k)]
    assert refused and {action for action, _ in refused} == {"s3:DeleteObject"}


def test_cancel_deletes_every_lock_under_the_stacks_own_folder() -> None:
    """Locks of other processes included (``CancelCurrentUpdate`` lists and deletes them all)."""
    calls = pulumi_diy.cancel_calls(PROJECT, "dev", lock_ids=("a", "b"))
    prefix = pulumi_diy.lock_prefix(PROJECT, "dev")
    assert ("s3:ListBucket", prefix) in calls
    assert [key for action, key in calls if action == "s3:DeleteObject"] == [f"{prefix}a.json", f"{prefix}b.json"]
    assert any(key.startswith(prefix) for key in pulumi_diy.update_writes(PROJECT, "dev")), "where up locks"


def test_the_troubleshooting_entry_for_a_locked_stack_gives_the_recovery_in_order() -> None:
    """The lock error's own words (``lock.go``, ``checkForLock``) and the engine's pending-operations
    warning lead to the entry; ``pulumi cancel`` takes ``--stack`` and ``--yes``
    (``pkg/cmd/pulumi/cancel/cancel.go``), ``pulumi refresh`` ``--stack``."""
    section = (ROOT / "README.md").read_text().split("\n## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]
    (entry,) = [" ".join(e.split()) for e in re.split(r"\n- ", section) if "currently locked" in e]
    steps = ["no deploy of the stack is running", "deployer's profile", "pulumi cancel --stack <stack> --yes",
             "pulumi refresh --stack <stack>", "interactively", "tools/deploy.sh <stack> --refresh",
             "Do not cancel a running deploy job"]  # fmt: skip
    assert [entry.find(step) for step in steps] == sorted(entry.find(step) for step in steps)
    assert all(step in entry for step in steps), [step for step in steps if step not in entry]
    assert "pending operations" in entry
