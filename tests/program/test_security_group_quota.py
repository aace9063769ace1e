"""No security group the program builds holds more rules in one direction than the account's quota
(Amazon VPC quota "Inbound or outbound rules per security group", default 60, adjustable): config that
would need more is refused before anything is registered, saying the quota can be raised
(``securityGroupRulesQuota``). The rules a run registers are counted as EC2 counts them
(``tests/models/aws_contract.py``, ``security_group_rules_over``)."""

import json

import pytest

from components.errors import ConfigError
from tests.models.aws_contract import SECURITY_GROUP_RULES_PER_DIRECTION as QUOTA
from tests.models.aws_contract import security_group_rules_over
from tools.offline import RecordingMocks, run_program

HTTPS = {"domainName": "app.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}


def cidrs(count: int) -> dict[str, str]:
    """``count`` allowed CIDRs on an HTTPS stack: each opens the listener port and 443."""
    return {**HTTPS, "allowedCidrs": json.dumps([f"10.{i}.0.0/16" for i in range(count)])}


def egress_ports(count: int) -> dict[str, str]:
    return {"taskEgressPorts": json.dumps(["443", *(str(1000 + i) for i in range(count - 1))])}


@pytest.mark.parametrize(
    ("config", "key", "rules"),
    [(cidrs(40), "allowedCidrs", 80), (egress_ports(QUOTA + 1), "taskEgressPorts", QUOTA + 1)],
    ids=["40-cidrs-on-two-ports", "61-egress-ports"],
)
def test_config_needing_more_rules_than_a_group_holds_is_refused_before_anything_is_registered(
    config: dict[str, str], key: str, rules: int
) -> None:
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_program("dev", config, mocks=mocks)
    assert error.value.key == key and f"({rules} rules)" in error.value.allowed
    assert "adjustable" in error.value.allowed and "securityGroupRulesQuota" in error.value.allowed
    assert mocks.resources == []


@pytest.mark.parametrize(
    "config", [cidrs(QUOTA // 2), egress_ports(QUOTA)], ids=["30-cidrs-on-two-ports", "60-egress-ports"]
)
def test_the_most_rules_accepted_fit_every_group(config: dict[str, str]) -> None:
    run = run_program("dev", config)
    assert security_group_rules_over(run.mocks.resources) == []
    assert security_group_rules_over(run.mocks.resources, quota=QUOTA - 1) != [], "one rule short of the quota"


def test_a_raised_quota_set_in_config_admits_the_rules_it_allows() -> None:
    run = run_program("dev", {**cidrs(40), "securityGroupRulesQuota": "100"})
    assert security_group_rules_over(run.mocks.resources, quota=100) == []


@pytest.mark.parametrize("quota", ["59", "1001"])
def test_a_quota_below_the_default_or_above_what_ec2_allows_is_refused(quota: str) -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"securityGroupRulesQuota": quota}, mocks=RecordingMocks())
    assert error.value.key == "securityGroupRulesQuota" and "60 to 1000" in error.value.allowed
