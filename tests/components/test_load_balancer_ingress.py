"""The load balancer's inbound rules through later changes of ``allowed_cidrs``: each rule is named by its
port and CIDR, so a change only creates and deletes rules, and EC2 never sees one rule modified to a CIDR
another still holds (``tests/models/ec2_security_groups.py`` plays EC2 and the provider,
``tests/models/pulumi_steps.py`` the engine's steps, in every order they may run)."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.load_balancer_spec import LoadBalancerSpec
from tests.components.ingress_programs import CIDRS, A, B, C, D, deployed, positional, program
from tests.models import aws_api
from tests.models.ec2_security_groups import DUPLICATE, MODIFY_SHAPE, RuleRefusedError, SecurityGroups
from tests.models.pulumi_steps import plan, up

GROUP = "web-sg-id"


def held(ec2: SecurityGroups) -> list[str]:
    return sorted(source.removeprefix("cidrIpv4=") for *_, source in ec2.sources(GROUP))


def wanted(cidrs: tuple[str, ...], ports: int = 1) -> list[str]:
    return sorted(cidrs * ports)


@given(before=CIDRS, after=CIDRS, data=st.data())
def test_every_change_of_the_allowed_cidrs_applies_in_any_order_of_its_steps(before, after, data) -> None:
    ec2 = SecurityGroups()
    state = deployed(ec2, program(before, True))
    order = data.draw(st.permutations(range(len(program(after, True)))))
    up(ec2, state, program(after, True), order)
    assert held(ec2) == wanted(after, ports=2)


@given(before=CIDRS, after=CIDRS)
def test_a_change_only_creates_and_deletes_rules_never_moves_one_to_another_cidr(before, after) -> None:
    state = deployed(SecurityGroups(), program(before))
    steps, _ = plan(state, program(after), SecurityGroups().replaces)
    assert {step.op for step in steps} <= {"create", "same"}


@pytest.mark.parametrize(
    ("before", "after"),
    [((A, B), (B,)), ((A, B), (B, A)), ((A, B, C), (A, C))],
    ids=["first-removed", "reordered", "middle-removed"],
)
def test_rules_named_by_their_place_failed_as_ec2_refuses_a_rule_modified_into_a_duplicate(before, after) -> None:
    """0.4.0's names: rule i is modified to the CIDR of rule i+1, which is deleted only at the end."""
    ec2 = SecurityGroups()
    state = deployed(ec2, positional(program(before)))
    with pytest.raises(RuleRefusedError, match="Duplicate"):
        up(ec2, state, positional(program(after)))


def test_a_cidr_added_first_under_place_names_fails_in_some_order_of_the_steps() -> None:
    """[A] -> [C, A]: rule 0 modified to C and rule 1 created for A; run the create first and EC2 refuses it."""
    ec2 = SecurityGroups()
    state = deployed(ec2, positional(program((A,))))
    with pytest.raises(RuleRefusedError, match="Duplicate"):
        up(ec2, state, positional(program((C, A))), order=[1, 0])


@pytest.mark.parametrize("cidrs", [(A,), (A, B, C), (D, C, B, A)])
@pytest.mark.parametrize("domain", [False, True], ids=["http", "https"])
def test_a_stack_upgraded_with_its_list_unchanged_keeps_every_rule_it_has(cidrs, domain) -> None:
    """The aliases hand each place-named rule to the rule of its port and CIDR: nothing is created,
    modified or deleted in EC2."""
    ec2 = SecurityGroups()
    state = deployed(ec2, positional(program(cidrs, domain)))
    ids, calls = sorted(h.id for h in state.values()), len(ec2.calls)
    steps, deletes = plan(state, program(cidrs, domain), ec2.replaces)
    assert {step.op for step in steps} == {"same"} and deletes == []
    after = up(ec2, state, program(cidrs, domain))
    assert sorted(h.id for h in after.values()) == ids and len(ec2.calls) == calls


def test_each_rule_is_named_by_its_port_and_cidr_and_aliased_to_its_place_in_the_list() -> None:
    names = [(rule.urn.rsplit("::", 1)[1], rule.aliases[0].rsplit("::", 1)[1]) for rule in program((A, B), True)]
    assert names == [
        ("web-ingress-80-203-0-113-0-24", "web-ingress-0"),
        ("web-ingress-80-198-51-100-7-32", "web-ingress-1"),
        ("web-ingress-443-203-0-113-0-24", "web-ingress-443-0"),
        ("web-ingress-443-198-51-100-7-32", "web-ingress-443-1"),
    ]


NETWORKS = st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)).map(
    lambda n: ipaddress.IPv4Network(n, strict=False)
)


@given(st.lists(NETWORKS, min_size=1, max_size=5, unique=True))
def test_distinct_cidrs_give_distinct_names_of_urn_safe_characters(networks) -> None:
    spec = LoadBalancerSpec(allowed_cidrs=tuple(str(n) for n in networks))
    names = [rule.name for rule in spec.ingress_rules("web")]
    assert len(set(names)) == len(names)
    assert all(name.replace("-", "").isalnum() and name.isascii() for name in names)


def test_a_change_whose_old_and_new_rules_together_pass_the_quota_fails_so_it_is_made_a_few_cidrs_at_a_time() -> None:
    """The new rules are authorized before the old ones are revoked: the group holds both lists at once."""
    ec2 = SecurityGroups(quota=2)
    state = deployed(ec2, program((A, B)))
    with pytest.raises(RuleRefusedError, match="RulesPerSecurityGroupLimitExceeded"):
        up(ec2, state, program((C, D)))
    ec2 = SecurityGroups(quota=2)
    state = up(ec2, deployed(ec2, program((A, B))), program((A,)))
    state = up(ec2, up(ec2, state, program((C,))), program((C, D)))
    assert held(ec2) == [C, D]


def test_the_duplicate_rule_the_model_refuses_is_botocores_words_for_modify_and_authorize() -> None:
    assert DUPLICATE.says in aws_api.documentation(DUPLICATE.service, DUPLICATE.where), str(DUPLICATE)
    assert aws_api.shape_at(*MODIFY_SHAPE).name == DUPLICATE.where
