"""A load balancer or service spec is accepted exactly when each of its security groups holds no more rules
in one direction than the account's quota (Amazon VPC quota "Inbound or outbound rules per security group":
default 60, adjustable; a raised quota times the groups per network interface stays within 1,000)."""

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from components.edge.domain import Domain
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.errors import ConfigError
from components.security_group_quota import SecurityGroupQuota
from components.service.service_access import ServiceAccess

QUOTAS = st.builds(SecurityGroupQuota, rules=st.integers(60, 1000))


def accepted(build: Callable[[], object]) -> bool:
    try:
        build()
    except ConfigError:
        return False
    return True


@given(cidrs=st.integers(1, 600), https=st.booleans(), quota=QUOTAS)
def test_allowed_cidrs_fit_when_one_rule_per_cidr_and_open_port_stays_within_the_quota(
    cidrs: int, https: bool, quota: SecurityGroupQuota
) -> None:
    allowed = tuple(f"10.{i // 256}.{i % 256}.0/24" for i in range(cidrs))
    domain = Domain(name="app.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ") if https else None
    fits = accepted(lambda: LoadBalancerSpec(allowed_cidrs=allowed, domain=domain, security_group_quota=quota))
    assert fits == (cidrs * (2 if https else 1) <= quota.rules)


@given(ports=st.integers(1, 1100), quota=QUOTAS)
def test_egress_ports_fit_when_one_rule_per_port_stays_within_the_quota(ports: int, quota: SecurityGroupQuota) -> None:
    egress = (443, *range(1000, 1000 + ports - 1))
    assert accepted(lambda: ServiceAccess(egress_ports=egress, security_group_quota=quota)) == (ports <= quota.rules)


@given(rules=st.integers(-5, 2000))
def test_the_quota_is_the_default_60_or_a_raised_one_up_to_1000(rules: int) -> None:
    assert accepted(lambda: SecurityGroupQuota(rules=rules)) == (60 <= rules <= 1000)
