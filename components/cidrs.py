"""The IPv4 CIDRs a stack takes (``allowedCidrs``, ``vpcCidr``), in the form the provider and EC2 accept."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from .errors import ConfigError


def _network_hint(value: str) -> str:
    """For a CIDR with host bits set (10.0.0.1/24), the network it most likely means (10.0.0.0/24)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return ""
    return f"; did you mean {network}?" if "/" in value else ""


#: The CIDR form the provider takes: every CIDR input (``cidr_ipv4``, ``cidr_block``) goes through Go's
#: ``net.ParseCIDR`` (terraform-provider-aws internal/types/cidr_block.go ``ValidateCIDRBlock``,
#: internal/verify/validate.go ``ValidateIPv4CIDRBlock``), which reads what follows the ``/`` as decimal
#: digits only (Go net/parse.go ``dtoi``): Python's ``ipaddress`` also takes a netmask
#: (``/255.255.255.0``) or a hostmask (``/0.0.0.255``), which the provider refuses. Octets with leading
#: zeros both refuse (Go net/netip ``ParseAddr``; Python since 3.9.5).
_PREFIX_LENGTH_FORM = re.compile(r"[0-9.]+/[0-9]+")


def ipv4_cidrs(key: str, values: Iterable[str]) -> tuple[str, ...]:
    """IPv4 networks in CIDR form (an address and a prefix length) with no host bits set; at least one."""
    result = tuple(values)
    if not result:
        raise ConfigError(key, [], "at least one IPv4 CIDR such as 203.0.113.0/24")
    for value in result:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError:
            raise ConfigError(key, value, "an IPv4 CIDR such as 203.0.113.0/24" + _network_hint(value)) from None
        if network.version == 6:
            raise ConfigError(
                key, value, "an IPv4 CIDR: the load balancer is IPv4-only, so IPv6 clients never reach it"
            )
        if not _PREFIX_LENGTH_FORM.fullmatch(value):
            mask = "; the provider takes no netmask or hostmask after the /" if "/" in value else ""
            raise ConfigError(key, value, f"a CIDR with a prefix length, such as {network.with_prefixlen}{mask}")
    # Each CIDR is a rule of its own; EC2 refuses a second rule equal to one the group has
    # (InvalidPermission.Duplicate, EC2 API error codes).
    if len({ipaddress.ip_network(value) for value in result}) != len(result):
        raise ConfigError(key, list(result), "each CIDR once: EC2 refuses a second identical rule")
    return result
