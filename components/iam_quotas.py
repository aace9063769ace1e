"""How large IAM lets a policy be, and how it counts (IAM User Guide, "IAM and AWS STS quotas")."""

from __future__ import annotations

import re

#: IAM counts a policy's characters without white space: a role's inline policies take 10,240 together, a
#: managed policy 6,144.
INLINE_ROLE_POLICIES, MANAGED_POLICY = 10_240, 6_144


def counted_size(document: str) -> int:
    """The characters IAM counts in the policy ``document`` (JSON text): white space is not counted."""
    return len(re.sub(r"\s", "", document))
