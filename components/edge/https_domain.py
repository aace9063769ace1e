"""HTTPS on the user's domain: a DNS-validated ACM certificate (or the user's own) and an alias record.

``Domain`` is what config gives; ``HttpsDomain`` makes the certificate, validates it through the
hosted zone, and points the name at the load balancer. ``LoadBalancer`` puts its HTTPS listener on the
certificate and turns port 80 into a 301 to HTTPS.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..naming import type_token
from .domain import Domain, check_hosted_zone


@dataclass(frozen=True, kw_only=True)
class HttpsDomainArgs:
    """The domain and the load balancer it points at."""

    domain: Domain
    """Name, zone and/or certificate (validated). Required."""
    alb_dns_name: pulumi.Input[str]
    """The load balancer's DNS name. Required."""
    alb_zone_id: pulumi.Input[str]
    """The load balancer's canonical hosted zone. Required."""
    check_zone: bool = True
    """Whether the hosted zone is looked up and checked to hold the domain (``check_zone``). Default True;
    False when the caller checked it before registering anything, or the zone is a placeholder."""


class HttpsDomain(pulumi.ComponentResource):
    """Certificate (requested and DNS-validated, or given) and the alias record to the load balancer."""

    certificate_arn: pulumi.Output[str]
    """A validated certificate for the domain: the HTTPS listener's."""
    url: pulumi.Output[str]
    """``https://<domain>``."""

    @staticmethod
    def check_zone(domain: Domain | None, opts: pulumi.InvokeOptions | None = None) -> None:
        """ConfigError unless the domain's records can live in its hosted zone (``domain.check_hosted_zone``):
        the zone looked up (GetHostedZone), before anything is registered when called first."""
        if domain is None or not domain.hosted_zone_id:
            return
        zone = aws.route53.get_zone(zone_id=domain.hosted_zone_id, opts=opts)
        check_hosted_zone(domain, zone.name, bool(zone.private_zone))

    def __init__(self, name: str, args: HttpsDomainArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_token("https_domain", "HttpsDomain"), name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        domain = args.domain
        if args.check_zone:
            self.check_zone(domain, pulumi.InvokeOptions(parent=self))
        if domain.certificate_arn:
            self.certificate_arn = pulumi.Output.from_input(domain.certificate_arn)
        else:
            certificate = aws.acm.Certificate(
                f"{name}-certificate",
                domain_name=domain.name,
                validation_method="DNS",
                opts=child,
            )
            option = certificate.domain_validation_options[0]
            # ACM gives every certificate for this name in the account the same CNAME, and renews them all
            # with it: another stack may have written it too (allow_overwrite), and the provider's delete
            # removes the live record by name and type, so a destroy leaves it (README, "Destroy").
            record = aws.route53.Record(
                f"{name}-validation",
                zone_id=domain.hosted_zone_id,
                name=option.resource_record_name,
                type=option.resource_record_type,
                records=[option.resource_record_value],
                ttl=300,
                allow_overwrite=True,
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            validation = aws.acm.CertificateValidation(
                f"{name}-validated",
                certificate_arn=certificate.arn,
                validation_record_fqdns=[record.fqdn],
                opts=child,
            )
            self.certificate_arn = validation.certificate_arn
        if domain.hosted_zone_id:
            aws.route53.Record(
                f"{name}-alias",
                zone_id=domain.hosted_zone_id,
                name=domain.name,
                type="A",
                aliases=[{"name": args.alb_dns_name, "zone_id": args.alb_zone_id, "evaluate_target_health": True}],
                opts=child,
            )
        self.url = pulumi.Output.from_input(f"https://{domain.name}")
        self.register_outputs({"certificate_arn": self.certificate_arn, "url": self.url})
