"""Which network a stack uses: the default VPC, a new awsx VPC, or existing VPC and subnets (plain
values, validated on construction; the ``Network`` component realises it)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import validation as check
from ..cidrs import ipv4_cidrs
from ..errors import INT32_MAX, ConfigError
from .fargate_zones import fargate_zone_ids

VPC_MODES = ("default", "new", "existing")
#: awsx's NatGatewayStrategy values (``awsx.ec2.NatGatewayStrategy``).
NAT_STRATEGIES = ("None", "Single", "OnePerAz")
#: The smallest IPv4 subnet EC2 creates: /28 (VPC User Guide, "Subnet CIDR blocks": /16 to /28).
SMALLEST_SUBNET = 28
#: The prefixes a new VPC takes: /16 (EC2's largest, VPC User Guide, "VPC CIDR blocks") to /24.
LARGEST_VPC, SMALLEST_VPC = 16, 24
#: The smallest subnet ELB recommends for the load balancer, which takes the public subnets: the ELB guide,
#: "Subnets for your load balancer": "To ensure that your load balancer can scale properly, verify that each
#: subnet ... has a CIDR block with at least a /27 bitmask ... and has at least 8 free IP addresses" (a /28
#: has 11; tasks without NAT share them too). A recommendation: a /28 deploys, and 0.4.0 stacks have them.
RECOMMENDED_LOAD_BALANCER_SUBNET = 27
#: Amazon VPC quotas, "Elastic IP addresses per Region": default 5, adjustable. awsx allocates one
#: ``aws.ec2.Eip`` per NAT gateway it creates (pulumi-awsx awsx/ec2/vpc.ts); EC2 refuses the address past
#: the quota (AddressLimitExceeded) halfway through the VPC's creation.
DEFAULT_ELASTIC_IP_QUOTA = 5
#: ECS's "limit of 16 subnets that can be specified" (botocore ecs ``AwsVpcConfiguration.subnets``).
MAX_TASK_SUBNETS = 16


def public_subnet_prefix(vpc_prefix: int, azs: int) -> int:
    """The prefix length of each public subnet awsx makes of a VPC given no subnet specs (its default
    ``Legacy`` layout, pulumi-awsx awsx/ec2/subnetDistributorLegacy.ts): one block per AZ of
    ``1/nextPow2(azs)`` of the VPC, a private half and a public quarter of each."""
    return vpc_prefix + (azs - 1).bit_length() + 2


def largest_vpc_prefix(subnet_prefix: int, azs: int) -> int:
    """The longest VPC prefix whose public subnets, with ``azs`` AZs, are a /``subnet_prefix`` or larger."""
    return subnet_prefix - public_subnet_prefix(0, azs)


@dataclass(frozen=True, kw_only=True)
class NetworkSpec:
    """Which network to use; validated on construction."""

    mode: str = "default"
    """``default`` (the account's default VPC), ``new`` (an awsx VPC) or ``existing``. Default ``default``."""
    vpc_cidr: str = "10.0.0.0/16"
    """CIDR of a new VPC, IPv4 /16 to /24. Default 10.0.0.0/16."""
    availability_zones: int = 2
    """AZs of a new VPC (2-6; an ALB needs two). Default 2."""
    nat_strategy: str = "Single"
    """NAT gateways of a new VPC: ``None`` (tasks in public subnets), ``Single`` or ``OnePerAz``. Default Single."""
    vpc_id: str = ""
    """Existing VPC ID (mode ``existing``). Default empty."""
    public_subnet_ids: tuple[str, ...] = ()
    """Existing public subnets for the load balancer, two or more AZs (mode ``existing``). Default empty."""
    task_subnet_ids: tuple[str, ...] = ()
    """Existing private subnets for tasks, at most 16; empty puts tasks in the public subnets with a public IP.
    Default empty."""
    elastic_ip_quota: int = DEFAULT_ELASTIC_IP_QUOTA
    """Elastic IP addresses per Region the account allows (the Amazon VPC quota, default 5, adjustable): a new
    VPC's NAT gateways take one each. Default 5."""
    region: str = ""
    """The stack's AWS region, when known: where Fargate runs in some AZs only (``fargate_zones``), a new VPC
    takes no more AZs than those and the default VPC's tasks keep to them. Default empty (not known)."""

    def __post_init__(self) -> None:
        check.one_of("NetworkSpec.mode", self.mode, VPC_MODES)
        if self.mode == "new":
            self._check_new()
        elif self.mode == "existing":
            self._check_existing()

    def _check_new(self) -> None:
        ipv4_cidrs("NetworkSpec.vpc_cidr", [self.vpc_cidr])
        if not LARGEST_VPC <= self.vpc_prefix <= SMALLEST_VPC:
            raise ConfigError(
                "NetworkSpec.vpc_cidr", self.vpc_cidr, f"an IPv4 CIDR from /{LARGEST_VPC} to /{SMALLEST_VPC}"
            )
        check.int_in_range("NetworkSpec.availability_zones", self.availability_zones, 2, 6)
        if self._public_prefix > SMALLEST_SUBNET:
            raise ConfigError(
                "NetworkSpec.vpc_cidr",
                self.vpc_cidr,
                f"/{largest_vpc_prefix(SMALLEST_SUBNET, self.availability_zones)} or larger with "
                f"{self.availability_zones} AZs: each AZ's public subnet would be a /{self._public_prefix}, "
                f"and EC2 creates subnets of /16 to /{SMALLEST_SUBNET}",
            )
        check.one_of("NetworkSpec.nat_strategy", self.nat_strategy, NAT_STRATEGIES)
        if self.fargate_zone_ids and self.availability_zones > len(self.fargate_zone_ids):
            raise ConfigError(
                "NetworkSpec.availability_zones",
                self.availability_zones,
                f"at most {len(self.fargate_zone_ids)} in {self.region}, where Fargate runs tasks only in the AZs "
                f"{', '.join(self.fargate_zone_ids)} (ECS Developer Guide, Supported Regions for Amazon ECS on "
                "AWS Fargate)",
            )
        check.int_in_range("NetworkSpec.elastic_ip_quota", self.elastic_ip_quota, 0, INT32_MAX)
        if self.nat_gateways > self.elastic_ip_quota:
            fewer = "Single (one NAT gateway) or None" if self.nat_gateways > 1 else "None"
            raise ConfigError(
                "NetworkSpec.nat_strategy",
                self.nat_strategy,
                f"{fewer}: with NetworkSpec.availability_zones {self.availability_zones} it creates "
                f"{self.nat_gateways} NAT gateways, each with an Elastic IP address, over the "
                f"NetworkSpec.elastic_ip_quota of {self.elastic_ip_quota} (the Amazon VPC quota 'Elastic IP "
                "addresses per Region', default 5, adjustable, less the addresses the Region already holds: "
                "raise it in Service Quotas, then set NetworkSpec.elastic_ip_quota to match)",
            )

    def _check_existing(self) -> None:
        if not self.vpc_id.startswith("vpc-"):
            raise ConfigError(
                "NetworkSpec.vpc_id", self.vpc_id, "a VPC ID such as vpc-0abc1234 when NetworkSpec.mode is existing"
            )
        # aws_lb.subnets and aws_ecs_service's network_configuration.subnets are sets (terraform-provider-aws
        # elbv2/load_balancer.go, ecs/service.go: TypeSet, flex.ExpandStringValueSet): a repeated ID collapses
        # into one, harmless unless it leaves ELB fewer than the "subnets from at least two Availability Zones"
        # it wants (botocore elbv2 CreateLoadBalancerInput.Subnets), and ECS is sent each subnet once.
        if len(set(self.public_subnet_ids)) < 2:
            raise ConfigError(
                "NetworkSpec.public_subnet_ids",
                list(self.public_subnet_ids),
                "two or more distinct subnet IDs, in different AZs",
            )
        for key, subnets in (
            ("NetworkSpec.public_subnet_ids", self.public_subnet_ids),
            ("NetworkSpec.task_subnet_ids", self.task_subnet_ids),
        ):
            for subnet in subnets:
                if not subnet.startswith("subnet-"):
                    raise ConfigError(key, subnet, "subnet IDs such as subnet-0abc1234")
        # The tasks' subnets, or the public ones when none are given, go to AwsVpcConfiguration.subnets.
        subnets = self.task_subnet_ids or self.public_subnet_ids
        if len(set(subnets)) > MAX_TASK_SUBNETS:
            key = "NetworkSpec.task_subnet_ids" if self.task_subnet_ids else "NetworkSpec.public_subnet_ids"
            raise ConfigError(
                key,
                list(subnets),
                f"at most {MAX_TASK_SUBNETS} distinct subnet IDs: the tasks run in them, and ECS takes at most "
                f'{MAX_TASK_SUBNETS} ("There\'s a limit of 16 subnets that can be specified", AwsVpcConfiguration)',
            )

    @property
    def nat_gateways(self) -> int:
        """NAT gateways a new VPC gets, each with an Elastic IP: awsx makes one per AZ with ``OnePerAz``, one
        with ``Single`` (pulumi-awsx awsx/ec2/vpc.ts, ``shouldCreateNatGateway``); 0 for other VPCs."""
        if self.mode != "new":
            return 0
        return {"None": 0, "Single": 1, "OnePerAz": self.availability_zones}[self.nat_strategy]

    @property
    def fargate_zone_ids(self) -> tuple[str, ...]:
        """The AZ IDs Fargate runs tasks in within ``region``; empty when every AZ (or the region is unknown)."""
        return fargate_zone_ids(self.region)

    @property
    def small_load_balancer_subnets(self) -> str:
        """Why a new VPC's public subnets, where the load balancer runs, are smaller than ELB recommends
        ("" when they are not, or the VPC is not new)."""
        if self.mode != "new" or self._public_prefix <= RECOMMENDED_LOAD_BALANCER_SUBNET:
            return ""
        largest = largest_vpc_prefix(RECOMMENDED_LOAD_BALANCER_SUBNET, self.availability_zones)
        return (
            f"{self.vpc_cidr} with {self.availability_zones} AZs gives the load balancer /{self._public_prefix} "
            f"public subnets; ELB recommends /{RECOMMENDED_LOAD_BALANCER_SUBNET} or larger for it to scale (a VPC "
            f"of /{largest} or larger), and without NAT the tasks share their addresses: changing NetworkSpec.vpc_cidr "
            "replaces the VPC, the load balancer and the service"
        )

    @property
    def vpc_prefix(self) -> int:
        """The prefix length of ``vpc_cidr`` (a new VPC's)."""
        return int(self.vpc_cidr.split("/")[1])

    @property
    def _public_prefix(self) -> int:
        """The prefix length of each public subnet awsx makes of this new VPC."""
        return public_subnet_prefix(self.vpc_prefix, self.availability_zones)

    @property
    def tasks_in_public_subnets(self) -> bool:
        """Whether tasks sit in public subnets and need a public IP to reach ECR and CloudWatch."""
        if self.mode == "default":
            return True
        if self.mode == "new":
            return self.nat_strategy == "None"
        return not self.task_subnet_ids


#: 0.4.0's name for ``NetworkSpec`` (a plain spec, not args with Inputs), kept for its users.
NetworkArgs = NetworkSpec
