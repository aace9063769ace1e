"""Where the service runs: the default VPC, a new awsx VPC, or existing VPC and subnets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from .. import validation as check
from ..errors import ConfigError
from ..naming import type_token

VPC_MODES = ("default", "new", "existing")
_NAT = {
    "None": awsx.ec2.NatGatewayStrategy.NONE,
    "Single": awsx.ec2.NatGatewayStrategy.SINGLE,
    "OnePerAz": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ,
}


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
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
    """Existing private subnets for tasks; empty puts tasks in the public subnets with a public IP. Default empty."""

    def __post_init__(self) -> None:
        check.one_of("vpc", self.mode, VPC_MODES)
        if self.mode == "new":
            check.ipv4_cidrs("vpcCidr", [self.vpc_cidr])
            if not 16 <= int(self.vpc_cidr.split("/")[1]) <= 24:
                raise ConfigError("vpcCidr", self.vpc_cidr, "an IPv4 CIDR from /16 to /24")
            check.int_in_range("availabilityZones", self.availability_zones, 2, 6)
            check.one_of("natStrategy", self.nat_strategy, _NAT)
        elif self.mode == "existing":
            if not self.vpc_id.startswith("vpc-"):
                raise ConfigError("vpcId", self.vpc_id, "a VPC ID such as vpc-0abc1234 when vpc is existing")
            if len(self.public_subnet_ids) < 2:
                raise ConfigError(
                    "publicSubnetIds", list(self.public_subnet_ids), "two or more subnet IDs in different AZs"
                )
            for key, subnets in (("publicSubnetIds", self.public_subnet_ids), ("taskSubnetIds", self.task_subnet_ids)):
                for subnet in subnets:
                    if not subnet.startswith("subnet-"):
                        raise ConfigError(key, subnet, "subnet IDs such as subnet-0abc1234")

    @property
    def tasks_in_public_subnets(self) -> bool:
        """Whether tasks sit in public subnets and need a public IP to reach ECR and CloudWatch."""
        if self.mode == "default":
            return True
        if self.mode == "new":
            return self.nat_strategy == "None"
        return not self.task_subnet_ids


def _default_subnet_filters(vpc_id: str) -> list[aws.ec2.GetSubnetsFilterArgsDict]:
    return [{"name": "vpc-id", "values": [vpc_id]}, {"name": "default-for-az", "values": ["true"]}]


class Network(pulumi.ComponentResource):
    """The VPC and subnets for the load balancer and the tasks."""

    vpc_id: pulumi.Output[str]
    """ID of the VPC."""
    public_subnet_ids: pulumi.Output[Sequence[str]]
    """Public subnets, for the load balancer."""
    task_subnet_ids: pulumi.Output[Sequence[str]]
    """Subnets the tasks run in."""
    assign_public_ip: bool
    """Whether tasks get a public IP (they do in public subnets: no NAT gateway cost)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("network", "Network"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.assign_public_ip = args.tasks_in_public_subnets
        if args.mode == "default":
            invoke = pulumi.InvokeOutputOptions(parent=self)
            vpc = aws.ec2.get_vpc_output(default=True, opts=invoke)
            subnets = aws.ec2.get_subnets_output(filters=vpc.id.apply(_default_subnet_filters), opts=invoke)
            self.vpc_id = vpc.id
            self.public_subnet_ids = subnets.ids
            self.task_subnet_ids = subnets.ids
        elif args.mode == "new":
            new_vpc = awsx.ec2.Vpc(
                f"{name}-vpc",
                cidr_block=args.vpc_cidr,
                number_of_availability_zones=args.availability_zones,
                nat_gateways={"strategy": _NAT[args.nat_strategy]},
                enable_dns_hostnames=True,
                opts=child,
            )
            self.vpc_id = new_vpc.vpc_id
            self.public_subnet_ids = new_vpc.public_subnet_ids
            self.task_subnet_ids = new_vpc.public_subnet_ids if self.assign_public_ip else new_vpc.private_subnet_ids
        else:
            self.vpc_id = pulumi.Output.from_input(args.vpc_id)
            self.public_subnet_ids = pulumi.Output.from_input(list(args.public_subnet_ids))
            self.task_subnet_ids = pulumi.Output.from_input(list(args.task_subnet_ids or args.public_subnet_ids))
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "task_subnet_ids": self.task_subnet_ids,
                "assign_public_ip": self.assign_public_ip,
            }
        )
