"""The inbound rules ``LoadBalancer("web")`` registers for a list of ``allowed_cidrs``, shared by
``tests/components/test_load_balancer_ingress.py`` and ``tests/unit/test_ingress_rules.py``.

One module both import by this one name, so each program is run once per test process for both files: a
mocked run of the load balancer takes 15 to 30 ms, and their examples ask for the same 128 programs (64 lists,
with and without a domain) again and again; pytest imports a test module under a name of its own, so a cache
kept in the component test file was filled twice."""

import functools

from hypothesis import strategies as st

from components.edge.domain import Domain
from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.load_balancer_spec import LoadBalancerSpec
from tests.models.ec2_security_groups import SecurityGroups
from tests.models.pulumi_steps import State, Wanted, up
from tests.program.stacks import read_only
from tools.offline import run_mocked
from tools.urns import Identities

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
A, B, C, D = "203.0.113.0/24", "198.51.100.7/32", "0.0.0.0/0", "10.0.0.0/8"
CIDRS = st.lists(st.sampled_from([A, B, C, D]), min_size=1, max_size=4, unique=True).map(tuple)


def program(cidrs: tuple[str, ...], domain: bool = False) -> tuple[Wanted, ...]:
    """The inbound rules ``LoadBalancer("web")`` registers for ``cidrs``, with their aliases' URNs.
    Shared by every test that asks for the same, so read-only: their inputs refuse changes."""
    # functools.cache keys ``program(c)`` and ``program(c, False)`` apart: one key per program, one run.
    return _program(cidrs, domain)


@functools.cache
def _program(cidrs: tuple[str, ...], domain: bool) -> tuple[Wanted, ...]:
    spec = LoadBalancerSpec(
        allowed_cidrs=cidrs,
        domain=Domain(name="app.example.com", hosted_zone_id="Z0123456789ABC") if domain else None,
    )

    def build() -> None:
        LoadBalancer("web", LoadBalancerArgs(vpc_id="vpc-1", subnet_ids=["s-1", "s-2"], spec=spec))

    run = read_only(run_mocked(build))
    identities = Identities(run)
    # In the order the load balancer made them: the mocks record a run in its program's order (mock_runs).
    rules = [r for r in run.mocks.resources if r.type == INGRESS]
    return tuple(Wanted(identities.urn(r), tuple(sorted(identities.aliases(r))), r.inputs) for r in rules)


def positional(rules: tuple[Wanted, ...]) -> tuple[Wanted, ...]:
    """The same rules as 0.4.0 named them, by their place in the list: each under the name its alias keeps."""
    return tuple(Wanted(rule.aliases[0], (), rule.inputs) for rule in rules)


def deployed(ec2: SecurityGroups, rules: tuple[Wanted, ...]) -> State:
    return up(ec2, {}, rules)
