"""A public Application Load Balancer whose only open port is its listener's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from . import validation as check
from .alb_rules import autonamed_elb_names
from .app_contract import http_timeouts_ms
from .naming import type_token


@dataclass(frozen=True, kw_only=True)
class LoadBalancerArgs:
    """Placement and exposure of the load balancer."""

    vpc_id: pulumi.Input[str]
    """VPC of the load balancer. Required."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Public subnets in two or more AZs. Required."""
    listener_port: int = 80
    """HTTP listener port. Default 80."""
    allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """IPv4 CIDRs allowed to reach the listener port (the load balancer is IPv4-only). Default ``("0.0.0.0/0",)``."""
    idle_timeout_seconds: int = 60
    """Seconds an idle connection stays open (1-4000); services derive their keep-alive from it. Default 60."""

    def __post_init__(self) -> None:
        check.port("listenerPort", self.listener_port)
        check.ipv4_cidrs("allowedCidrs", self.allowed_cidrs)
        http_timeouts_ms(self.idle_timeout_seconds)


class LoadBalancer(pulumi.ComponentResource):
    """ALB, its security group and an HTTP listener that answers 404 until a service adds a rule."""

    security_group_id: pulumi.Output[str]
    """The ALB's security group; services admit traffic from it and add their own egress rule."""
    listener_arn: pulumi.Output[str]
    """The HTTP listener; services attach listener rules to it."""
    dns_name: pulumi.Output[str]
    """The ALB's DNS name."""
    url: pulumi.Output[str]
    """``http://`` URL of the listener."""
    idle_timeout_seconds: int
    """The idle timeout; a service behind this listener sets its app's keep-alive above it."""

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        autonamed_elb_names("name", name, [f"{name}-alb"])
        super().__init__(type_token("load_balancer", "LoadBalancer"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"ALB: port {args.listener_port} from allowed CIDRs only",
            opts=child,
        )
        for index, cidr in enumerate(args.allowed_cidrs):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-ingress-{index}",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=args.listener_port,
                to_port=args.listener_port,
                cidr_ipv4=cidr,
                description=f"HTTP from {cidr}",
                opts=child,
            )
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[sg.id],
            subnets=args.subnet_ids,
            drop_invalid_header_fields=True,
            # The default is ipv4: an IPv6 CIDR could never reach it, so only IPv4 CIDRs are accepted.
            ip_address_type="ipv4",
            idle_timeout=args.idle_timeout_seconds,
            opts=child,
        )
        listener = aws.lb.Listener(
            f"{name}-listener",
            load_balancer_arn=alb.arn,
            port=args.listener_port,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "fixed-response",
                    "fixed_response": {"content_type": "text/plain", "status_code": "404", "message_body": "not found"},
                }
            ],
            opts=child,
        )
        self.security_group_id = sg.id
        self.listener_arn = listener.arn
        self.dns_name = alb.dns_name
        self.idle_timeout_seconds = args.idle_timeout_seconds
        port = "" if args.listener_port == 80 else f":{args.listener_port}"
        self.url = pulumi.Output.format("http://{0}{1}", alb.dns_name, port)
        self.register_outputs(
            {
                "security_group_id": self.security_group_id,
                "listener_arn": self.listener_arn,
                "dns_name": self.dns_name,
                "url": self.url,
                "idle_timeout_seconds": self.idle_timeout_seconds,
            }
        )
