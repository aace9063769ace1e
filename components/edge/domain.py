"""The domain a service is reached by: what config may give, checked before anything exists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ConfigError, collect

#: A current TLS 1.3 policy (TLS 1.3 and 1.2, forward-secret ciphers only).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#: What ACM takes for a certificate's name (botocore acm ``DomainNameString``: labels of letters, digits and
#: hyphens, none at either end, the last 2-63 long, so an internationalised TLD in its ``xn--`` form too, and
#: at most 253 in all), lower-case (as Route 53 keeps a record's name) and without a wildcard (a service's
#: own address). The last label is not all digits (RFC 3696 section 2: a top-level domain is never all-numeric),
#: which keeps an IPv4 address out: ACM's pattern admits one, and no CA issues for it.
_DNS_NAME = re.compile(
    r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+(?![0-9]+$)[a-z0-9][a-z0-9-]{0,61}[a-z0-9]"
)
DNS_NAME_ALLOWED = (
    "a lower-case DNS name such as app.example.com: at most 253 characters; labels of a-z, 0-9 and hyphens, "
    "1-63 long with no hyphen at either end; the last 2-63 long and not all digits (an internationalised "
    "name in its xn-- form, e.g. app.xn--p1ai)"
)
_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}")
#: A certificate the stack requests names the domain as its common name: botocore ``acm``
#: ``RequestCertificate:DomainName``, "cannot exceed 64 octets (characters), including periods" (the
#: shape's own max, 253, is the SAN's). An existing certificate may carry a longer name as a SAN.
MAX_REQUESTED_NAME = 64


@dataclass(frozen=True, kw_only=True)
class Domain:
    """The name users reach the service by."""

    name: str
    """Lower-case DNS name, e.g. ``app.example.com``. Required."""
    hosted_zone_id: str = ""
    """Route 53 hosted zone holding ``name``: validates the certificate and gets the alias record. Named as
    ``name`` or a parent of it, and public unless ``certificate_arn`` is given (``HttpsDomain.check_zone``).
    Default empty (then ``certificate_arn`` is required and DNS is yours to point)."""
    certificate_arn: str = ""
    """An existing ACM certificate for ``name`` in the stack's region; empty requests one. Default empty."""

    def __post_init__(self) -> None:
        collect(
            lambda: _match("Domain.name", self.name, _DNS_NAME, DNS_NAME_ALLOWED),
            lambda: (
                _match(
                    "Domain.hosted_zone_id", self.hosted_zone_id, _ZONE_ID, "a Route 53 zone ID such as Z0123456789ABC"
                )
                if self.hosted_zone_id
                else None
            ),
            lambda: (
                _match("Domain.certificate_arn", self.certificate_arn, _CERTIFICATE_ARN, "an ACM certificate ARN")
                if self.certificate_arn
                else None
            ),
            self._check_zone_or_certificate,
            self._check_requested_name,
        )

    def _check_requested_name(self) -> None:
        if not self.certificate_arn and len(self.name) > MAX_REQUESTED_NAME:
            raise ConfigError(
                "Domain.name",
                self.name,
                f"at most {MAX_REQUESTED_NAME} characters for the certificate the stack requests (ACM's limit on "
                "a certificate's common name), or a Domain.certificate_arn of yours that covers it",
            )

    def _check_zone_or_certificate(self) -> None:
        if not self.hosted_zone_id and not self.certificate_arn:
            raise ConfigError(
                "Domain.hosted_zone_id",
                "",
                f"the Route 53 zone of {self.name}, or a Domain.certificate_arn for it (then point DNS yourself)",
            )


def _match(key: str, value: str, pattern: re.Pattern[str], allowed: str) -> None:
    if not pattern.fullmatch(value):
        raise ConfigError(key, value, allowed)


def in_zone(name: str, zone_name: str) -> bool:
    """Whether ``name`` is the zone's own name or under it, label by label, case aside (DNS names compare
    case-insensitively, RFC 4343), a final dot aside (Route 53 answers a zone's name with one)."""
    labels, zone = name.lower().rstrip(".").split("."), [label for label in zone_name.lower().split(".") if label]
    return not zone or labels[-len(zone) :] == zone


def check_hosted_zone(domain: Domain, zone_name: str, private: bool) -> None:
    """ConfigError, naming the zone, unless ``domain``'s records can live in the zone called ``zone_name``.

    The provider writes a record named outside its zone as ``<name>.<zone>`` (terraform-provider-aws
    ``route53/record.go``, ``expandRecordName``: the zone's name is appended unless the name ends with it,
    as a string), so a domain under another zone would silently get an alias at a name nobody asked for.
    A certificate the stack requests is validated through public DNS, and a private zone answers only
    queries from the VPCs associated with it (Route 53 Developer Guide, "Working with private hosted
    zones"): ACM never sees the CNAME, and the validation waits out its 75 minutes
    (``acm/certificate_validation.go``, ``Timeouts.Create``)."""
    zone = zone_name.rstrip(".")
    if not in_zone(domain.name, zone):
        allowed = f"the hosted zone of Domain.name {domain.name} (named as it or a parent of it), not {zone}'s"
        raise ConfigError("Domain.hosted_zone_id", domain.hosted_zone_id, allowed)
    if private and not domain.certificate_arn:
        allowed = (
            f"a public hosted zone: {zone}'s is private, and ACM validates the certificate it requests through "
            "public DNS; a Domain.certificate_arn of yours with a private zone"
        )
        raise ConfigError("Domain.hosted_zone_id", domain.hosted_zone_id, allowed)
