"""Which secret Secrets Manager finds for the ARN a request names (as ECS's ``valueFrom`` does).

- A secret's full ARN is ``arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX``: the name, a
  hyphen and six random letters or digits (User Guide, "Permissions reference for Secrets Manager").
- An ARN that ends in a hyphen and six characters is taken as a full ARN and must equal one; any other
  is a partial ARN and finds the secret of exactly that name. A partial ARN of a name that itself ends
  in a hyphen and six characters "might not" find its secret, says the User Guide ("Troubleshooting":
  "An AWS CLI or AWS SDK operation can't find my secret from a partial ARN"): the model says it finds
  none, the case AWS cannot tell apart either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_LOOKS_FULL = re.compile(r".*-[A-Za-z0-9]{6}")
PREFIX = "arn:aws:secretsmanager:us-east-1:123456789012:secret:"


@dataclass(frozen=True)
class Secret:
    """A secret as it exists: its name and the suffix Secrets Manager gave it."""

    name: str
    suffix: str

    @property
    def arn(self) -> str:
        """The full ARN, which IAM authorizes against."""
        return f"{PREFIX}{self.name}-{self.suffix}"

    @property
    def partial_arn(self) -> str:
        """The ARN without the suffix, as a user may write it by hand."""
        return f"{PREFIX}{self.name}"


def find(arn: str, secrets: Iterable[Secret]) -> Secret | None:
    """The secret ``arn`` (a full or partial secret ARN, no JSON key) names, or None."""
    existing = list(secrets)
    if _LOOKS_FULL.fullmatch(arn):
        return next((s for s in existing if s.arn == arn), None)
    return next((s for s in existing if s.partial_arn == arn), None)
