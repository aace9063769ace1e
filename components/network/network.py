"""Where the service runs: the default VPC, a new awsx VPC, or existing VPC and subnets (``NetworkSpec``)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from ..naming import type_token, unprefixed
from .network_spec import NetworkSpec

_NAT = {
    "None": awsx.ec2.NatGatewayStrategy.NONE,
    "Single": awsx.ec2.NatGatewayStrategy.SINGLE,
    "OnePerAz": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ,
}


def _default_subnet_filters(vpc_id: str, zone_ids: Sequence[str] = ()) -> list[aws.ec2.GetSubnetsFilterArgsDict]:
    """The default VPC's default subnets; with ``zone_ids``, only those in these AZ IDs (DescribeSubnets'
    ``availability-zone-id`` filter, botocore ec2 DescribeSubnetsRequest.Filters)."""
    filters: list[aws.ec2.GetSubnetsFilterArgsDict] = [
        {"name": "vpc-id", "values": [vpc_id]},
        {"name": "default-for-az", "values": ["true"]},
    ]
    return [*filters, {"name": "availability-zone-id", "values": list(zone_ids)}] if zone_ids else filters


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

    def __init__(self, name: str, args: NetworkSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("network", "Network"), name, None, opts)
        if warning := unprefixed("Network", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        child = pulumi.ResourceOptions(parent=self)
        self.assign_public_ip = args.tasks_in_public_subnets
        if args.mode == "default":
            invoke = pulumi.InvokeOutputOptions(parent=self)
            vpc = aws.ec2.get_vpc_output(default=True, opts=invoke)
            subnets = aws.ec2.get_subnets_output(filters=vpc.id.apply(_default_subnet_filters), opts=invoke)
            self.vpc_id = vpc.id
            self.public_subnet_ids = subnets.ids
            self.task_subnet_ids = subnets.ids
            if zone_ids := args.fargate_zone_ids:
                # The load balancer keeps every default subnet; the tasks keep to the AZs Fargate runs in.
                self.task_subnet_ids = aws.ec2.get_subnets_output(
                    filters=vpc.id.apply(lambda vpc_id: _default_subnet_filters(vpc_id, zone_ids)), opts=invoke
                ).ids
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
