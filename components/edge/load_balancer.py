"""A public Application Load Balancer whose only open port is its listener's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..errors import ConfigError
from ..iam_policies import LOAD_BALANCER_GROUP_TAG, LOG_PREFIX, access_log_bucket_policy, stack_tag
from ..naming import bucket_names, security_group_names, type_token, unprefixed
from .alb_rules import autonamed_elb_names
from .domain import TLS_POLICY
from .elb_log_delivery import log_delivery_principal
from .https_domain import HttpsDomain, HttpsDomainArgs
from .load_balancer_spec import HTTPS_PORT, LoadBalancerSpec


@dataclass(frozen=True, kw_only=True)
class LoadBalancerArgs:
    """The load balancer's spec and where it runs."""

    vpc_id: pulumi.Input[str]
    """VPC of the load balancer. Required."""
    subnet_ids: pulumi.Input[Sequence[str]]
    """Public subnets in two or more AZs. Required."""
    spec: LoadBalancerSpec = field(default_factory=LoadBalancerSpec)
    """Listener, allowed CIDRs, idle timeout, access logs, deletion protection and domain (validated).
    Default: ``LoadBalancerSpec()``."""
    check_zone: bool = True
    """Whether the domain's hosted zone is looked up and checked to hold it (``HttpsDomain.check_zone``).
    Default True; False when the caller checked it before registering anything, or the zone is a
    placeholder a preview warns of (there is no zone to look up yet)."""

    def __post_init__(self) -> None:
        # "[Application Load Balancers] You must specify subnets from at least two Availability Zones" (botocore
        # elbv2 CreateLoadBalancerInput.Subnets): judged when the list is given here, not when it is an Output.
        if isinstance(self.subnet_ids, list | tuple) and len(set(self.subnet_ids)) < 2:
            allowed = "two or more subnets, in two or more Availability Zones"
            raise ConfigError("LoadBalancerArgs.subnet_ids", list(self.subnet_ids), allowed)


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
    """The idle timeout; a service behind this listener keeps its app's connections open longer."""
    access_log_bucket: pulumi.Output[str] | None
    """The access logs' bucket (``<name>-logs-<suffix>``), to copy them out before a destroy deletes it
    (it is destroyed with its logs once deletion protection is off); None without access logs."""

    @staticmethod
    def check_name(name: str, key: str = "name", value: str = "") -> None:
        """Raise ``ConfigError`` (as ``key``: ``value``, by default ``name``) when AWS would refuse a name a
        ``LoadBalancer`` called ``name`` gives a child: its load balancer, security group or log bucket."""
        autonamed_elb_names(key, value or name, load_balancers=[f"{name}-alb"])
        security_group_names(key, value or name, [f"{name}-sg"])
        bucket_names(key, value or name, [f"{name}-logs"])

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.check_name(name)
        super().__init__(type_token("load_balancer", "LoadBalancer"), name, None, opts)
        if warning := unprefixed("LoadBalancer", name, pulumi.get_stack(), opts):
            pulumi.log.warn(warning, self)
        child = pulumi.ResourceOptions(parent=self)
        sg = self._security_group(name, args, child)
        alb, self.access_log_bucket = self._load_balancer(name, args, sg, child)
        self.listener_arn, self.url = self._listeners(name, args, alb, child)
        self.security_group_id = sg.id
        self.dns_name = alb.dns_name
        self.arn_suffix = alb.arn_suffix
        self.idle_timeout_seconds = args.spec.idle_timeout_seconds
        self.register_outputs(
            {
                "security_group_id": self.security_group_id,
                "listener_arn": self.listener_arn,
                "dns_name": self.dns_name,
                "arn_suffix": self.arn_suffix,
                "url": self.url,
                "idle_timeout_seconds": self.idle_timeout_seconds,
                "access_log_bucket": self.access_log_bucket,
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
            # EC2 cannot change a group's description: a new one replaces the group, and deleting the old one
            # fails (DependencyViolation) once another stack's rule references it (examples/second-service).
            # So one text whatever the ports; the groups created with the ports in it ("ALB: ports 80 from
            # allowed CIDRs only") keep theirs, as what enters is the rules' to say.
            description="ALB: listener ports from allowed CIDRs only",
            tags={**tags, **LOAD_BALANCER_GROUP_TAG},
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(ignore_changes=["description"])),
        )
        for rule in args.spec.ingress_rules(name):
            # Upgrading with allowedCidrs unchanged, the alias hands each rule its place-named state.
            aliases = [pulumi.Alias(name=rule.was)]
            aws.vpc.SecurityGroupIngressRule(
                rule.name,
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=rule.port,
                to_port=rule.port,
                cidr_ipv4=rule.cidr,
                description=f"Port {rule.port} from {rule.cidr}",
                tags=tags,
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(aliases=aliases)),
            )
        return sg

    def _load_balancer(
        self, name: str, args: LoadBalancerArgs, sg: aws.ec2.SecurityGroup, child: pulumi.ResourceOptions
    ) -> tuple[aws.lb.LoadBalancer, pulumi.Output[str] | None]:
        """The internet-facing ALB, and its access-log bucket's name (None without access logs)."""
        access_logs: aws.lb.LoadBalancerAccessLogsArgsDict | None = None
        alb_depends: list[pulumi.Resource] = []
        bucket_name: pulumi.Output[str] | None = None
        if args.spec.access_logs:
            bucket, policy = self._log_bucket(name, args, child)
            bucket_name = bucket.bucket
            access_logs = {"bucket": bucket.bucket, "prefix": LOG_PREFIX, "enabled": True}
            # The ALB checks that it may write to the bucket when logging is switched on.
            alb_depends.append(policy)
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            security_groups=[sg.id],
            subnets=args.subnet_ids,
            drop_invalid_header_fields=True,
            # The default is ipv4: an IPv6 CIDR could never reach it, so only IPv4 CIDRs are accepted.
            ip_address_type="ipv4",
            idle_timeout=args.spec.idle_timeout_seconds,
            # Set, not left to the default: requests that risk HTTP desync are refused or closed.
            desync_mitigation_mode="defensive",
            enable_deletion_protection=args.spec.deletion_protection,
            access_logs=access_logs,
            opts=pulumi.ResourceOptions(parent=self, depends_on=alb_depends),
        )
        return alb, bucket_name

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
            port=args.spec.listener_port,
            protocol="HTTP",
            # With a domain, plain HTTP only answers a 301 to HTTPS; services listen on HTTPS.
            default_actions=[to_https if args.spec.domain is not None else not_found],
            opts=child,
        )
        if args.spec.domain is None:
            port = "" if args.spec.listener_port == 80 else f":{args.spec.listener_port}"
            return listener.arn, pulumi.Output.format("http://{0}{1}", alb.dns_name, port)
        domain = HttpsDomain(
            f"{name}-domain",
            HttpsDomainArgs(
                domain=args.spec.domain,
                alb_dns_name=alb.dns_name,
                alb_zone_id=alb.zone_id,
                check_zone=args.check_zone,
            ),
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
        # Protected, the bucket is not emptied on delete (force_destroy), so S3 refuses to delete it with logs
        # in it (DeleteBucket: BucketNotEmpty), after the engine has deleted its children: turning accessLogs
        # off would fail every up and leave the logs unexpired. Retained instead, bucket and children stay
        # in AWS, private and expiring; the engine reads the option from the old state (README, "7. Destroy").
        protected = args.spec.deletion_protection
        child = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=protected))
        bucket = aws.s3.Bucket(f"{name}-logs", force_destroy=not protected, opts=child)
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
                    "expiration": {"days": args.spec.access_log_retention_days},
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
