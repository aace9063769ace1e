"""CIDR config values are held to the form the AWS provider parses them in (Go's ``net.ParseCIDR``,
modelled in ``tests.models.go_cidr``), not to Python's ``ipaddress``, which takes more."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cidrs import ipv4_cidrs
from components.errors import ConfigError
from components.network.network_spec import NetworkSpec
from tests.models.go_cidr import go_accepts_ipv4_cidr

_DECIMAL = st.integers(0, 300).map(str) | st.from_regex(r"0[0-9]{1,2}", fullmatch=True)
_OCTETS = st.lists(_DECIMAL, min_size=4, max_size=4).map(".".join)
_NETWORKS = st.builds(
    lambda address, bits: ipaddress.IPv4Network((address, bits), strict=False), st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)  # fmt: skip
#: A network written each way Python's ``ipaddress`` reads it: prefix length (also zero-padded), netmask, hostmask.
_WRITTEN = st.builds(
    lambda network, form: f"{network.network_address}/{form(network)}",
    _NETWORKS,
    st.sampled_from([lambda n: n.prefixlen, lambda n: f"0{n.prefixlen}", lambda n: n.netmask, lambda n: n.hostmask]),
)
_SUFFIX = st.integers(0, 40).map(str) | st.from_regex(r"0[0-9]{1,2}", fullmatch=True) | _OCTETS
CIDR_LIKE = st.builds(lambda address, suffix: f"{address}/{suffix}", _OCTETS, _SUFFIX) | _OCTETS | _WRITTEN


def accepted(value: str) -> bool:
    try:
        ipv4_cidrs("allowedCidrs", [value])
    except ConfigError:
        return False
    return True


@given(CIDR_LIKE)
def test_a_cidr_is_accepted_exactly_when_the_provider_would_parse_it(value: str) -> None:
    assert accepted(value) == go_accepts_ipv4_cidr(value)


@pytest.mark.parametrize("value", ["203.0.113.0/255.255.255.0", "203.0.113.0/0.0.0.255", "10.0.0.0/255.255.0.0"])
def test_a_netmask_or_hostmask_after_the_slash_is_refused_with_the_prefix_length_it_means(value: str) -> None:
    with pytest.raises(ConfigError) as error:
        ipv4_cidrs("allowedCidrs", [value])
    assert error.value.value == value and "prefix length" in error.value.allowed and "netmask" in error.value.allowed


def test_an_octet_with_a_leading_zero_is_refused_as_go_refuses_it() -> None:
    assert not go_accepts_ipv4_cidr("010.0.0.0/16") and not accepted("010.0.0.0/16")


def test_a_vpc_cidr_with_a_netmask_is_a_config_error_not_a_crash() -> None:
    with pytest.raises(ConfigError) as error:
        NetworkSpec(mode="new", vpc_cidr="10.0.0.0/255.255.0.0")
    assert (error.value.key, error.value.value) == ("NetworkSpec.vpc_cidr", "10.0.0.0/255.255.0.0")
