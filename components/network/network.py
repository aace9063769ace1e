"""Where the service runs: the default VPC, a new awsx VPC, or existing VPC and subnets (``NetworkSpec``)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from ..errors import ConfigError
from ..iam_policies import stack_tag
from ..naming import type_token, unprefixed
from .fargate_zones import new_vpc_zone_names
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

    @staticmethod
    def zone_names(args: NetworkSpec, opts: pulumi.InvokeOptions | None = None) -> tuple[str, ...]:
        """The AZ names a new VPC must be given: where Fargate runs in some AZs only and awsx's own pick (the
        account's first names) includes another AZ, the first names in Fargate's (names map to IDs per
        account); else empty, for awsx's pick. ConfigError, before anything is registered when called first,
        for an account with fewer of Fargate's AZs than ``availability_zones``."""
        if args.mode != "new" or not args.fargate_zone_ids:
            return ()
        zones = aws.get_availability_zones(opts=opts)
        names = new_vpc_zone_names(zones.names, zones.zone_ids, args.fargate_zone_ids, args.availability_zones)
        if len(names) < args.availability_zones:
            # A new VPC takes two AZs at least (NetworkSpec): with fewer here, no count will do.
            most = f"at most {len(names)}" if len(names) >= 2 else "no count (a new VPC takes 2 or more)"
            raise ConfigError(
                "NetworkSpec.availability_zones",
                args.availability_zones,
                f"{most} in this account: Fargate runs tasks in {args.region} only in the AZs "
                f"{', '.join(args.fargate_zone_ids)}, and of those this account has "
                f"{', '.join(names) or 'none'}" + ("" if len(names) >= 2 else "; use another region"),
            )
        return () if names == tuple(zones.names[: args.availability_zones]) else names

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
                # The tasks keep to the AZs Fargate runs in, and so does the load balancer: ELB refuses the
                # legacy AZs older accounts have a default subnet in (CreateLoadBalancer's "cannot be associated
                # with a load balancer" for apne1-az3 and usw1-az2: aws/copilot-cli#1298,
                # widdix/mastodon-on-aws#13), and targets need their AZ enabled on it anyway.
                self.task_subnet_ids = aws.ec2.get_subnets_output(
                    filters=vpc.id.apply(lambda vpc_id: _default_subnet_filters(vpc_id, zone_ids)), opts=invoke
                ).ids
                self.public_subnet_ids = self.task_subnet_ids
        elif args.mode == "new":
            # awsx takes either the names or a count; a count keeps a live stack's inputs as they were.
            zones = self.zone_names(args, pulumi.InvokeOptions(parent=self))
            new_vpc = awsx.ec2.Vpc(
                f"{name}-vpc",
                cidr_block=args.vpc_cidr,
                availability_zone_names=list(zones) or None,
                number_of_availability_zones=None if zones else args.availability_zones,
                nat_gateways={"strategy": _NAT[args.nat_strategy]},
                enable_dns_hostnames=True,
                # awsx hands these on (pulumi-awsx awsx/ec2/vpc.ts at e60adf3c: sharedTags, line 143, on the
                # Vpc, InternetGateway, each Subnet and RouteTable; args.tags on each Eip and NatGateway, 287-306),
                # which deployer-network scopes by (docs/iam.md, "The network"); routes and associations take none.
                tags=stack_tag(pulumi.get_project(), pulumi.get_stack().lower()),
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
