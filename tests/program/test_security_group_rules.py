"""No security group of any program gets the same rule twice: each rule is its own resource, and EC2
refuses a second rule equal to one the group has (``InvalidPermission.Duplicate``, EC2 API error codes:
"The specified inbound or outbound rule already exists for that security group"), which the mocks
accept. A rule is the group, its direction, protocol, ports and its one source or destination."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.program.stacks import PROGRAMS, recorded_run, run_config
from tools.offline import RecordingMocks, Registered, Run

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RULES = {INGRESS: "ingress", EGRESS: "egress"}
PEERS = ("cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId")


def rule_of(direction: str, inputs: dict[str, Any]) -> tuple[Any, ...]:
    return (
        inputs["securityGroupId"], direction, inputs["ipProtocol"], inputs.get("fromPort"), inputs.get("toPort"),
        *(inputs.get(peer) for peer in PEERS),
    )  # fmt: skip


def duplicate_rules(run: Run) -> list[tuple[Any, ...]]:
    rules = Counter(rule_of(RULES[r.type], r.inputs) for r in run.mocks.resources if r.type in RULES)
    return [rule for rule, count in rules.items() if count > 1]


@pytest.mark.parametrize("program", PROGRAMS)
def test_no_group_of_any_program_gets_the_same_rule_twice(program: str) -> None:
    run = run_config(program)
    assert any(r.type in RULES for r in run.mocks.resources)
    assert duplicate_rules(run) == []


def test_many_cidrs_on_both_listeners_of_a_domain_make_one_rule_each() -> None:
    cidrs = '["203.0.113.0/24", "198.51.100.7/32", "192.0.2.0/28"]'
    run = recorded_run("prod", {"allowedCidrs": cidrs})
    assert sum(r.type in RULES for r in run.mocks.resources) > 6
    assert duplicate_rules(run) == []


def test_a_rule_given_twice_is_found_and_one_in_the_other_direction_is_not() -> None:
    rule = {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv4": "0.0.0.0/0"}
    run = Run(mocks=RecordingMocks(), outputs={})
    for name, typ in (("a", INGRESS), ("b", INGRESS), ("c", EGRESS)):
        run.mocks.resources.append(Registered(type=typ, name=name, inputs=dict(rule)))
    assert duplicate_rules(run) == [rule_of("ingress", rule)]
