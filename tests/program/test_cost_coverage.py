"""Every resource a stack registers has its bill placed: a line of the estimate, words of what the estimate
leaves out, or no charge of its own with AWS's page for it (``tests/models/aws_billing``). The next
billable resource a change adds fails here until it is priced or named."""

from __future__ import annotations

import pytest

from components.cost import NOT_INCLUDED
from tests.models.aws_billing import BILLING, FUNCTION, Line, Unpriced, bills
from tests.program.stacks import run_config

#: dev, prod and the maximal stack: prod with everything it leaves off (secret values and their key, exec,
#: the smoke test...) on top of its access logs, alarms, domain, autoscaling and new VPC with NAT gateways.
STACKS = ("dev", "prod", "maximal")


def unplaced_bills(name: str) -> list[str]:
    """The resources of stack ``name`` whose bill is nowhere: no row, a line the estimate lacks, or words
    ``NOT_INCLUDED`` lacks."""
    run = run_config(name)
    lines = {line["item"] for line in run.outputs["cost_estimate"]["lines"]}
    unplaced: list[str] = []
    for resource in run.mocks.resources:
        try:
            found = bills(resource.type, resource.name)
        except KeyError:
            unplaced.append(f"{resource.type} {resource.name}: no row in aws_billing")
            continue
        for bill in found:
            if isinstance(bill, Line) and bill.when(resource.inputs) and bill.item not in lines:
                unplaced.append(f"{resource.type} {resource.name}: no {bill.item!r} line")
            if isinstance(bill, Unpriced) and bill.words not in NOT_INCLUDED:
                unplaced.append(f"{resource.type} {resource.name}: {bill.words!r} not in NOT_INCLUDED")
    return unplaced


@pytest.mark.parametrize("name", STACKS)
def test_every_resource_the_stack_registers_is_priced_named_as_left_out_or_free(name: str) -> None:
    assert unplaced_bills(name) == []


def test_every_row_of_the_table_is_a_type_the_stacks_register_so_none_is_unchecked() -> None:
    registered = {resource.type for name in STACKS for resource in run_config(name).mocks.resources}
    assert set(BILLING) - registered == set()
    assert FUNCTION in registered


def test_a_resource_type_nobody_has_priced_has_no_place() -> None:
    with pytest.raises(KeyError):
        bills("aws:rds/instance:Instance", "prod-db")
    with pytest.raises(KeyError):
        bills(FUNCTION, "prod-app-resizer-function")
