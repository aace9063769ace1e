"""A pull request's preview runs the program's invokes under the preview role (docs/ci.md): a preview
registers nothing, so what it asks AWS is the provider's own calls and the invokes' (the data sources:
``tests/program/provider_calls.py``). Every one is a call ``docs/ci-roles/preview.policy.json`` allows, or
the preview fails before it shows a diff."""

import pytest

from tests.ci.test_identities import policy
from tests.models import iam
from tests.program.deploy_requests import Program
from tests.program.provider_calls import INVOKES
from tests.program.stacks import run_config


@pytest.mark.parametrize("program", ["dev", "prod", "maximal"])
def test_every_call_a_preview_makes_is_allowed_to_the_preview_role(program: str) -> None:
    document = policy("preview.policy.json", program)
    asked = [
        (who, request)
        for who, request in Program((run_config(program),)).all_requests()
        if who == "provider" or who in INVOKES
    ]
    assert {who for who, _ in asked} - {"provider"}, "the program makes invokes"
    refused = [
        f"{who}: {request.action} on {request.resource}"
        for who, request in asked
        if iam.verdict([document], request) != "Allow"
    ]
    assert refused == []
