"""A public Application Load Balancer whose only open port is its listener's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .. import validation as check
from ..errors import ConfigError, collect
from ..iam_policies import LOG_PREFIX, access_log_bucket_policy, stack_tag
from ..naming import type_token
from ..service.app_contract import http_timeouts_ms
from .alb_rules import autonamed_elb_names
from .domain import TLS_POLICY, Domain
from .elb_log_delivery import log_delivery_principal
from .https_domain import HttpsDomain, HttpsDomainArgs

HTTPS_PORT = 443


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
    access_logs: bool = False
    """Write access logs to an S3 bucket of the component's own (SSE-S3, public access blocked, written only
    by ELB's log delivery for this account, expired after ``access_log_retention_days``). Default False."""
    access_log_retention_days: int = 90
    """Days access logs are kept (1-3650). Default 90."""
    deletion_protection: bool = False
    """Refuse to delete the load balancer until this is turned off again (production). Default False."""
    domain: Domain | None = None
    """Serve HTTPS on this domain (port 443, a TLS 1.3 policy, a DNS-validated certificate, an alias
    record); ``listener_port`` then answers a 301 to HTTPS. Default None: HTTP only."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.port("listenerPort", self.listener_port),
            lambda: check.ipv4_cidrs("allowedCidrs", self.allowed_cidrs),
            lambda: http_timeouts_ms(self.idle_timeout_seconds),
            lambda: check.int_in_range("accessLogRetentionDays", self.access_log_retention_days, 1, 3650),
            self._check_ports,
        )

    def _check_ports(self) -> None:
        if self.domain is not None and self.listener_port == HTTPS_PORT:
            raise ConfigError("listenerPort", self.listener_port, f"not {HTTPS_PORT} with a domain (HTTPS takes it)")

    @property
    def open_ports(self) -> tuple[int, ...]:
        """The ports the load balancer listens on: the listener port, and 443 with a domain."""
        return (self.listener_port, HTTPS_PORT) if self.domain is not None else (self.listener_port,)


class LoadBalancer(pulumi.ComponentResource):
    """ALB, its security group and an HTTP listener that answers 404 until a service adds a rule."""

    security_group_id: pulumi.Output[str]
    """The ALB's security group; services admit traffic from it and add their own egress rule."""
    listener_arn: pulumi.Output[str]
    """The listener services attach their rules to: HTTPS with a domain, else HTTP."""
    dns_name: pulumi.Output[str]
    """The ALB's DNS name."""
    arn_suffix: pulumi.Output[str]
    """``app/<name>/<id>``: the ``LoadBalancer`` dimension of its CloudWatch metrics."""
    url: pulumi.Output[str]
    """``https://<domain>`` with a domain, else ``http://`` and the load balancer's DNS name."""
    idle_timeout_seconds: int
    """The idle timeout; a service behind this listener sets its app's keep-alive above it."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when ELB would refuse the
        name of the load balancer a ``LoadBalancer`` called ``name`` creates."""
        autonamed_elb_names(key, value or name, load_balancers=[f"{name}-alb"])

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("load_balancer", "LoadBalancer"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        sg = self._security_group(name, args, child)
        alb = self._load_balancer(name, args, sg, child)
        self.listener_arn, self.url = self._listeners(name, args, alb, child)
        self.security_group_id = sg.id
        self.dns_name = alb.dns_name
        self.arn_suffix = alb.arn_suffix
        self.idle_timeout_seconds = args.idle_timeout_seconds
        self.register_outputs(
            {
                "security_group_id": self.security_group_id,
                "listener_arn": self.listener_arn,
                "dns_name": self.dns_name,
                "arn_suffix": self.arn_suffix,
                "url": self.url,
                "idle_timeout_seconds": self.idle_timeout_seconds,
            }
        )

    @staticmethod
    def _security_group(name: str, args: LoadBalancerArgs, child: pulumi.ResourceOptions) -> aws.ec2.SecurityGroup:
        """The listener ports open to the allowed CIDRs, nothing else."""
        # The deployer may change only security groups and rules tagged with its stack (docs/iam.md).
        tags = stack_tag(pulumi.get_project(), pulumi.get_stack().lower())
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description=f"ALB: ports {', '.join(map(str, args.open_ports))} from allowed CIDRs only",
            tags=tags,
            opts=child,
        )
        for port in args.open_ports:
            for index, cidr in enumerate(args.allowed_cidrs):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-ingress-{index}" if port == args.listener_port else f"{name}-ingress-{port}-{index}",
                    security_group_id=sg.id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=cidr,
                    description=f"Port {port} from {cidr}",
                    tags=tags,
                    opts=child,
                )
        return sg

    def _load_balancer(
        self, name: str, args: LoadBalancerArgs, sg: aws.ec2.SecurityGroup, child: pulumi.ResourceOptions
    ) -> aws.lb.LoadBalancer:
        """The internet-facing ALB (and its access-log bucket)."""
        access_logs: aws.lb.LoadBalancerAccessLogsArgsDict | None = None
        alb_depends: list[pulumi.Resource] = []
        if args.access_logs:
            bucket, policy = self._log_bucket(name, args, child)
            access_logs = {"bucket": bucket.bucket, "prefix": LOG_PREFIX, "enabled": True}
            # The ALB checks that it may write to the bucket when logging is switched on.
            alb_depends.append(policy)
        return aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[sg.id],
            subnets=args.subnet_ids,
            drop_invalid_header_fields=True,
            # The default is ipv4: an IPv6 CIDR could never reach it, so only IPv4 CIDRs are accepted.
            ip_address_type="ipv4",
            idle_timeout=args.idle_timeout_seconds,
            # Set, not left to the default: requests that risk HTTP desync are refused or closed.
            desync_mitigation_mode="defensive",
            enable_deletion_protection=args.deletion_protection,
            access_logs=access_logs,
            opts=pulumi.ResourceOptions(parent=self, depends_on=alb_depends),
        )

    @staticmethod
    def _listeners(
        name: str, args: LoadBalancerArgs, alb: aws.lb.LoadBalancer, child: pulumi.ResourceOptions
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """The HTTP listener, and with a domain the HTTPS one; the listener services join and the URL."""
        not_found: aws.lb.ListenerDefaultActionArgsDict = {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "status_code": "404", "message_body": "not found"},
        }
        to_https: aws.lb.ListenerDefaultActionArgsDict = {
            "type": "redirect",
            "redirect": {"protocol": "HTTPS", "port": str(HTTPS_PORT), "status_code": "HTTP_301"},
        }
        listener = aws.lb.Listener(
            f"{name}-listener",
            load_balancer_arn=alb.arn,
            port=args.listener_port,
            protocol="HTTP",
            # With a domain, plain HTTP only answers a 301 to HTTPS; services listen on HTTPS.
            default_actions=[to_https if args.domain is not None else not_found],
            opts=child,
        )
        if args.domain is None:
            port = "" if args.listener_port == 80 else f":{args.listener_port}"
            return listener.arn, pulumi.Output.format("http://{0}{1}", alb.dns_name, port)
        domain = HttpsDomain(
            f"{name}-domain",
            HttpsDomainArgs(domain=args.domain, alb_dns_name=alb.dns_name, alb_zone_id=alb.zone_id),
            opts=child,
        )
        https = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=alb.arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=domain.certificate_arn,
            default_actions=[not_found],
            opts=child,
        )
        return https.arn, domain.url

    def _log_bucket(
        self, name: str, args: LoadBalancerArgs, child: pulumi.ResourceOptions
    ) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
        """A private, encrypted, expiring bucket that only ELB's log delivery for this account writes."""
        invoke = pulumi.InvokeOutputOptions(parent=self)
        bucket = aws.s3.Bucket(f"{name}-logs", force_destroy=not args.deletion_protection, opts=child)
        aws.s3.BucketPublicAccessBlock(
            f"{name}-logs-private",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-logs-owner", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        # ALB access logs support SSE-S3 only (not SSE-KMS).
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-logs-sse",
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-logs-expiry",
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-access-logs",
                    "status": "Enabled",
                    "filter": {"prefix": f"{LOG_PREFIX}/"},
                    "expiration": {"days": args.access_log_retention_days},
                }
            ],
            opts=child,
        )
        # Who delivers the logs follows from the region by a table (elb_log_delivery), not from
        # aws.elb.getServiceAccount, which fails in every region opened since August 2022. Region and
        # partition are known in a preview, so a partition without log delivery already fails the preview.
        delivery = pulumi.Output.all(
            aws.get_region_output(opts=invoke).region, aws.get_partition_output(opts=invoke).partition
        ).apply(lambda v: log_delivery_principal(region=v[0], partition=v[1]))
        policy = aws.s3.BucketPolicy(
            f"{name}-logs-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(
                bucket.arn, aws.get_caller_identity_output(opts=invoke).account_id, delivery
            ).apply(lambda v: access_log_bucket_policy(bucket_arn=v[0], account_id=v[1], delivery=v[2])),
            opts=child,
        )
        return bucket, policy
