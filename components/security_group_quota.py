"""How many rules a security group may hold in one direction, checked before any rule is registered.

Amazon VPC User Guide, "Amazon VPC quotas", Security groups: "Inbound or outbound rules per security group",
default 60, adjustable, enforced separately for IPv4 and IPv6 rules; "This quota multiplied by the quota for
security groups per network interface cannot exceed 1,000". EC2 refuses the rule beyond it
(RulesPerSecurityGroupLimitExceeded) halfway through a deploy. The two directions counted here, the load
balancer's inbound and the tasks' outbound rules, are IPv4 CIDR rules, one per port and CIDR (a rule that
references a group counts as both an IPv4 and an IPv6 rule; a prefix list would count its maximum entries,
so it buys no room).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError
from .validation import int_in_range

DEFAULT_RULES_QUOTA = 60
#: An account's raised quota times its security groups per network interface (at least 1) stays within 1,000.
MAX_RULES_QUOTA = 1000
#: What an error over the quota tells the reader about the quota itself.
ADJUSTABLE = (
    "a security group holds {quota} rules per direction here (the Amazon VPC quota 'Inbound or outbound rules "
    "per security group', default 60, adjustable in Service Quotas: raise it there, then set {key} to match)"
)


@dataclass(frozen=True, kw_only=True)
class SecurityGroupQuota:
    """The account's quota on the rules of one security group, shared by every spec that adds rules."""

    rules: int = DEFAULT_RULES_QUOTA
    """Rules per security group and direction (60-1000): the default 60, or the account's raised quota.
    Default 60."""

    def __post_init__(self) -> None:
        int_in_range("SecurityGroupQuota.rules", self.rules, DEFAULT_RULES_QUOTA, MAX_RULES_QUOTA)

    def check(self, key: str, value: object, *, rules: int, fewer: str) -> None:
        """``rules`` in one direction of one group within the quota; ``fewer`` says how to need fewer."""
        if rules > self.rules:
            adjustable = ADJUSTABLE.format(quota=self.rules, key="SecurityGroupQuota.rules")
            raise ConfigError(key, value, f"{fewer} ({rules} rules); {adjustable}")
