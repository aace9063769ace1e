"""How many AZs a region's default VPC is assumed to span, for the cost estimate (pure).

A default VPC has a default subnet in each AZ of its region (Amazon VPC User Guide, "Default subnets"),
and the load balancer takes every one (``Network``), a billed public IPv4 address each: the count is
the region's, not one figure for every region.
"""

from __future__ import annotations

#: AWS Regions and Availability Zones, "AWS Availability Zones": "Each Region has at least three
#: Availability Zones". The count assumed where ``REGION_AZS`` has no row: a floor, said as one.
FEWEST_REGION_AZS = 3
#: AZs by region, from AWS's pages. us-east-1: AZ IDs use1-az1 to use1-az6 ("AWS Availability Zones"
#: lists use1-az1, use1-az2, use1-az3 ...; the EFS User Guide's "Supported Availability Zones for One
#: Zone file systems" lists use1-az1, use1-az2, use1-az4, use1-az5, use1-az6). Add a region's row from
#: "AWS Availability Zones" (its AZ IDs), never from a guess.
REGION_AZS: dict[str, int] = {"us-east-1": 6}


def region_azs(region: str | None) -> tuple[int, bool]:
    """The AZs ``region`` has, and whether that is its own count (``REGION_AZS``) rather than the floor
    every region reaches (``FEWEST_REGION_AZS``)."""
    if region is not None and region in REGION_AZS:
        return REGION_AZS[region], True
    return FEWEST_REGION_AZS, False
