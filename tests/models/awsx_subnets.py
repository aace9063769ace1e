"""The subnets an ``awsx.ec2.Vpc`` creates when given no subnet specs, as awsx lays them out.

pulumi/pulumi-awsx, awsx/ec2/vpc.ts: ``subnetStrategy`` defaults to ``Legacy``; subnetDistributorLegacy.ts
``getSubnetSpecsLegacy`` splits the VPC's CIDR into ``nextPow2(AZs)`` equal blocks, one per AZ, and
``generateDefaultSubnets`` takes the first half of each AZ's block as its private subnet and the first
half of the next quarter (``cidrSubnetV4(cidrSubnetV4(private, 0, 1), 1, 0)``) as its public one.
EC2 creates IPv4 subnets of /16 to /28 only (VPC User Guide, "Subnet CIDR blocks"); the load balancer's
subnets (the public ones) should be /27 or larger, a recommendation (ELB guide, "Subnets for your load
balancer": "To ensure that your load balancer can scale properly, verify that each subnet ... has a CIDR
block with at least a /27 bitmask").
"""

from __future__ import annotations

import ipaddress
import math

#: The IPv4 subnet sizes EC2 creates, and those ELB recommends for the load balancer's.
SUBNET_PREFIXES = range(16, 29)
LOAD_BALANCER_SUBNET_PREFIXES = range(16, 28)


def _subnet(cidr: ipaddress.IPv4Network, new_bits: int, number: int) -> ipaddress.IPv4Network:
    """awsx's ``cidrSubnetV4``: the ``number``-th block of ``new_bits`` more bits from the start of ``cidr``."""
    prefix = cidr.prefixlen + new_bits
    start = int(cidr.network_address) + number * 2 ** (32 - prefix)
    return ipaddress.IPv4Network((start, prefix))


def default_subnets(vpc_cidr: str, azs: int) -> dict[str, list[ipaddress.IPv4Network]]:
    """The private and public subnets, one of each per AZ."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    bits = int(math.log2(1 << (azs - 1).bit_length()))  # log2(nextPow2(azs))
    bases = [_subnet(vpc, bits, i) for i in range(azs)]
    private = [_subnet(base, 1, 0) for base in bases]
    public = [_subnet(_subnet(p, 0, 1), 1, 0) for p in private]
    return {"private": private, "public": public}
