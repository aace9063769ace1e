"""Which IPv4 CIDRs the AWS provider takes: it checks each with Go's ``net.ParseCIDR`` and wants the network
itself back (terraform-provider-aws internal/types/cidr_block.go ``ValidateCIDRBlock``,
internal/verify/validate.go ``ValidateIPv4CIDRBlock``; the framework's ``cidr_ipv4`` validator,
internal/framework/validators/cidr.go, calls the same).

Go's rules (src/net/ip.go ``ParseCIDR``, src/net/netip/netip.go ``parseIPv4``, src/net/parse.go ``dtoi``):
the address is four dot-separated decimal fields of 0-255, none with a leading zero ("IPv4 field has
octet with leading zero"); after the one ``/`` come decimal digits only (leading zeros are read), 0-32.
"""

from __future__ import annotations

import ipaddress
import re

_FORM = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+)", re.ASCII)


def go_accepts_ipv4_cidr(value: str) -> bool:
    """True when the provider takes ``value`` as an IPv4 network: Go parses it and no host bit is set."""
    match = _FORM.fullmatch(value)
    if match is None:
        return False
    *octets, prefix = match.groups()
    if any((len(octet) > 1 and octet.startswith("0")) or int(octet) > 255 for octet in octets):
        return False
    if int(prefix) > 32:
        return False
    address = int(ipaddress.IPv4Address(".".join(str(int(octet)) for octet in octets)))
    host_bits = (1 << (32 - int(prefix))) - 1
    return address & host_bits == 0
