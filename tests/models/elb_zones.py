"""The AZs where ELB refuses an Application Load Balancer, and its two-AZ minimum.

No AWS page lists the refused AZs; users report CreateLoadBalancer's "The following Availability Zones <name>
cannot be associated with a load balancer. Please try a different Availability Zone" for the legacy AZs of
older accounts: apne1-az3 (aws/copilot-cli#1298, traced to the AZ ID) and us-west-1's (widdix/mastodon-on-aws#13),
which is usw1-az2, the one Fargate leaves out there too. botocore elbv2 ``CreateLoadBalancer`` lists
``AvailabilityZoneNotSupportedException``: "The specified Availability Zone is not supported."
"""

from __future__ import annotations

REFUSED_ZONE_IDS = frozenset({"apne1-az3", "usw1-az2"})
#: botocore elbv2 CreateLoadBalancerInput.Subnets: "[Application Load Balancers] You must specify subnets from at
#: least two Availability Zones."
FEWEST_ZONES = 2


def refuses(zone_ids: list[str]) -> str:
    """Why CreateLoadBalancer refuses subnets in ``zone_ids`` (one per subnet), or ``""``."""
    if refused := sorted(set(zone_ids) & REFUSED_ZONE_IDS):
        return f"cannot be associated with a load balancer: {', '.join(refused)}"
    if len(set(zone_ids)) < FEWEST_ZONES:
        return f"subnets from at least {FEWEST_ZONES} Availability Zones"
    return ""
