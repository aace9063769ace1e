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
from tools.offline import RecordingMocks, Run, run_program

ZONE = "Z0123456789ABC"
#: prod on a domain of its own (the shipped one is a placeholder, which the program does not look up).
DOMAIN = {"domainName": "app.mycorp.io", "hostedZoneId": ZONE}


def preview_run(program: str) -> Run:
    if program == "prod-on-its-domain":
        return run_program("prod", DOMAIN, mocks=RecordingMocks(hosted_zones={ZONE: ("mycorp.io", False)}))
    return run_config(program)


@pytest.mark.parametrize("program", ["dev", "prod", "maximal", "prod-on-its-domain"])
def test_every_call_a_preview_makes_is_allowed_to_the_preview_role(program: str) -> None:
    document = policy("preview.policy.json", "prod" if program == "prod-on-its-domain" else program)
    asked = [
        (who, request)
        for who, request in Program((preview_run(program),)).all_requests()
        if who == "provider" or who in INVOKES
    ]
    assert {who for who, _ in asked} - {"provider"}, "the program makes invokes"
    if program == "prod-on-its-domain":
        assert "aws:route53/getZone:getZone" in {who for who, _ in asked}
    refused = [
        f"{who}: {request.action} on {request.resource}"
        for who, request in asked
        if iam.verdict([document], request) != "Allow"
    ]
    assert refused == []
