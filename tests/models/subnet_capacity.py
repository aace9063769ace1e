"""How many Fargate tasks a new awsx VPC's task subnets hold, and how many a deployment runs at its peak,
from AWS's own words and awsx's layout (``awsx_subnets``), not from the program's arithmetic.

- One address a task: "every Amazon ECS task on Fargate is provided an elastic network interface (ENI) with
  a primary private IP address" (ECS guide, "Amazon ECS task networking options for Fargate").
- ``RESERVED``: botocore ec2 ``CreateSubnet`` documentation, "reserves both the first four and the last IPv4
  address in each subnet's CIDR block" (a test checks botocore still says it).
- ``LOAD_BALANCER_FREE``: ELB guide, "Subnets for your load balancer": "at least 8 free IP addresses" in each
  of its subnets; tasks without NAT run in those (the public ones).
- The peak of a rolling deployment: botocore ecs ``DeploymentConfiguration.maximumPercent`` bounds the
  tasks RUNNING or PENDING at ``maxPercent`` of the desired count, rounded down (``ecs_rolling.ROUNDING``).
  The bound, not the new revision's count: the scheduler "uses this parameter to replace unhealthy tasks by
  starting replacement tasks first" (the same documentation), beside both revisions. A shifting deployment
  scales the new revision to the full count beside the old (ECS lifecycle stage ``SCALE_UP``).
"""

from __future__ import annotations

import math
from fractions import Fraction

from tests.models.awsx_subnets import default_subnets

RESERVED = ("ec2", "CreateSubnet", "reserves both the first four and the last IPv4 address in each subnet")
RESERVED_PER_SUBNET = 4 + 1
LOAD_BALANCER_FREE = 8


def task_capacity(vpc_cidr: str, azs: int, nat_strategy: str) -> int:
    """Addresses the tasks may take, every task subnet awsx lays out together."""
    subnets = default_subnets(vpc_cidr, azs)
    if nat_strategy == "None":
        return sum(max(0, s.num_addresses - RESERVED_PER_SUBNET - LOAD_BALANCER_FREE) for s in subnets["public"])
    return sum(s.num_addresses - RESERVED_PER_SUBNET for s in subnets["private"])


def deployment_peak(count: int, max_percent: int, *, shifting: bool) -> int:
    """Most tasks RUNNING or PENDING at once while a deployment of ``count`` tasks runs."""
    if shifting:
        return 2 * count
    return max(count, math.floor(Fraction(count * max_percent, 100)))
