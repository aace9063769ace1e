"""Existing stacks replace nothing: every URN that dev, prod, the maximal config and the second-service
example registered at 0.4.0 (``tests/program/fixtures/urns``, recorded before the components were split)
is still a resource's URN, or is named as an alias by exactly one resource, which has the same type and
the same AWS names. Anything else makes ``pulumi up`` delete the old resource and create a new one."""

import pytest

from tests.program.stacks import PROGRAMS, run_config
from tools.urns import Identities, baseline, physical_names


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_recorded_urn_is_kept_or_aliased_by_exactly_one_resource_with_the_same_names(program: str) -> None:
    run = run_config(program)
    identities = Identities(run)
    answering: dict[str, list[tuple[str, str, dict[str, object]]]] = {}
    for resource in (r for r in run.mocks.resources if r.urn):
        for urn in {identities.urn(resource), *identities.aliases(resource)}:
            answering.setdefault(urn, []).append((identities.urn(resource), resource.type, physical_names(resource)))
    problems = []
    for old in baseline(program):
        found = answering.get(old["urn"], [])
        if len(found) != 1:
            problems.append(f"{old['urn']}: answered by {len(found)} resources {[urn for urn, _, _ in found]}")
        elif found[0][1:] != (old["type"], old["physical"]):
            problems.append(f"{old['urn']}: now {found[0]}, was {old['type']} named {old['physical']}")
    assert not problems, "\n".join(problems)


def test_an_alias_is_resolved_as_the_engine_resolves_it() -> None:
    run = run_config("dev")
    identities = Identities(run)
    (service,) = [r for r in run.mocks.resources if r.type == "aws:ecs/service:Service"]
    assert identities.urn(service) in {row["urn"] for row in baseline("dev")}
    assert identities.urn(service).startswith("urn:pulumi:dev::graviton-node::graviton-node:")
