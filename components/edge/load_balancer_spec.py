"""What a load balancer is, apart from where it runs: its listener, who may reach it, its idle timeout,
its logs and its domain. Validated on construction; importing it loads no cloud SDK."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import validation as check
from ..cidrs import ipv4_cidrs
from ..errors import ConfigError, collect
from ..security_group_quota import SecurityGroupQuota
from ..service.app_contract import DEFAULT_IDLE_TIMEOUT, MAX_IDLE_TIMEOUT, MIN_IDLE_TIMEOUT
from .domain import Domain

HTTPS_PORT = 443


@dataclass(frozen=True)
class IngressRule:
    """One inbound rule of the load balancer's security group: ``port`` open to ``cidr``."""

    port: int
    cidr: str
    name: str
    """Its Pulumi name, from its port and CIDR (``web-ingress-80-203-0-113-0-24``)."""
    was: str
    """Its name up to 0.4.0, by its place in ``allowed_cidrs``; an alias to it keeps a deployed rule."""


@dataclass(frozen=True, kw_only=True)
class LoadBalancerSpec:
    """Exposure, timeouts and logging of the load balancer."""

    listener_port: int = 80
    """HTTP listener port. Default 80."""
    allowed_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """IPv4 CIDRs allowed to reach the listener port (the load balancer is IPv4-only), a rule each per open port,
    named by port and CIDR (``ingress_rules``): a change adds the new rules before it removes the old ones.
    Default ``("0.0.0.0/0",)``."""
    idle_timeout_seconds: int = DEFAULT_IDLE_TIMEOUT
    """Seconds an idle connection stays open (1-4000); a routed service's app keeps its connections open
    longer than the longest of these, so changing it rolls no task (``app_contract``). Default 60."""
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
    security_group_quota: SecurityGroupQuota = field(default_factory=SecurityGroupQuota)
    """The account's rules per security group and direction: the load balancer's group takes one inbound rule
    per allowed CIDR and open port, so ``allowed_cidrs`` times ``open_ports`` may not exceed it. Default the
    Amazon VPC quota's default, 60."""

    def __post_init__(self) -> None:
        collect(
            lambda: check.port("LoadBalancerSpec.listener_port", self.listener_port),
            lambda: ipv4_cidrs("LoadBalancerSpec.allowed_cidrs", self.allowed_cidrs),
            # botocore elbv2 LoadBalancerAttribute.Key: idle_timeout.timeout_seconds, 1-4000.
            lambda: check.int_in_range(
                "LoadBalancerSpec.idle_timeout_seconds", self.idle_timeout_seconds, MIN_IDLE_TIMEOUT, MAX_IDLE_TIMEOUT
            ),
            lambda: check.int_in_range(
                "LoadBalancerSpec.access_log_retention_days", self.access_log_retention_days, 1, 3650
            ),
            self._check_ports,
            self._check_ingress_rules,
        )

    def _check_ports(self) -> None:
        if self.domain is not None and self.listener_port == HTTPS_PORT:
            raise ConfigError(
                "LoadBalancerSpec.listener_port", self.listener_port, f"not {HTTPS_PORT} with a domain (HTTPS takes it)"
            )

    def _check_ingress_rules(self) -> None:
        cidrs = len(self.allowed_cidrs)
        per_cidr = "LoadBalancerSpec.listener_port and, with a domain, 443"
        self.security_group_quota.check(
            "LoadBalancerSpec.allowed_cidrs",
            f"{cidrs} CIDRs",
            rules=cidrs * len(self.open_ports),
            fewer=f"fewer CIDRs (or adjacent ones joined into a wider one): each takes an inbound rule on the load "
            f"balancer's security group per open port ({per_cidr})",
        )

    def ingress_rules(self, name: str) -> tuple[IngressRule, ...]:
        """The rules a load balancer ``name`` opens: each open port to each allowed CIDR, named by both.

        Named by their place, a changed list made the engine update a rule in place to another CIDR
        (``cidr_ipv4`` is no replace-on-change input: terraform-provider-aws
        internal/service/ec2/vpc_security_group_ingress_rule.go, Update calls ModifySecurityGroupRules) while
        the rule holding that CIDR still stood (the engine deletes what the program dropped last: pulumi/pulumi
        pkg/resource/deploy/deployment_executor.go, performPostSteps), and EC2 refuses a duplicate rule (botocore
        ec2 SecurityGroupRuleRequest). Named by their content, a change only creates and deletes rules."""
        return tuple(
            IngressRule(
                port=port,
                cidr=cidr,
                # An IPv4 CIDR's four octets and prefix length, joined by '-': one name per network, and
                # only characters valid in a URN.
                name=f"{name}-ingress-{port}-{cidr.replace('.', '-').replace('/', '-')}",
                was=f"{name}-ingress-{index}" if port == self.listener_port else f"{name}-ingress-{port}-{index}",
            )
            for port in self.open_ports
            for index, cidr in enumerate(self.allowed_cidrs)
        )

    @property
    def open_ports(self) -> tuple[int, ...]:
        """The ports the load balancer listens on: the listener port, and 443 with a domain."""
        return (self.listener_port, HTTPS_PORT) if self.domain is not None else (self.listener_port,)
