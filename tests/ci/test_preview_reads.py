"""A pull request's preview runs the program's invokes under the preview role (docs/ci.md): a preview
registers nothing, so what it asks AWS is the provider's own calls and the invokes' (the data sources:
``tests/program/provider_calls.py``). Every one is a call ``docs/ci-roles/preview.policy.json`` allows, or
the preview fails before it shows a diff."""

import shutil
from pathlib import Path

import pytest

from tests.ci.test_identities import PROJECT, PULLS, policy, pulls, reaches
from tests.models import iam, pulumi_diy
from tests.program.deploy_requests import Program, aws_name
from tests.program.provider_calls import INVOKES
from tests.program.stacks import run_config
from tests.program.test_account_unique_names import copy_of_this_project
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


def test_a_stack_spelled_in_capitals_previews_reads_its_state_and_pulls_its_images(tmp_path: Path) -> None:
    """``--stack Prod``: the state's paths keep the stack's spelling (``Prod.json``), the resource names its
    lower case (``prod-app-repo-…``), and IAM matches both case-sensitively."""
    root = copy_of_this_project(tmp_path, PROJECT)
    shutil.copy(root / "Pulumi.prod.yaml", root / "Pulumi.Prod.yaml")
    run = run_program("Prod", root=root)
    document = policy("preview.policy.json", "Prod")
    asked = [request for who, request in Program((run,)).all_requests() if who == "provider" or who in INVOKES]
    assert [f"{r.action} on {r.resource}" for r in asked if iam.verdict([document], r) != "Allow"] == []
    for key in pulumi_diy.preview_reads(PROJECT, "Prod"):
        assert "s3:GetObject" in reaches(document, key), key
    repositories = [aws_name(r) for r in run.mocks.resources if r.type == "aws:ecr/repository:Repository"]
    assert repositories and all(name.startswith("prod-") for name in repositories)
    for name in repositories:
        assert pulls(document, name) == set(PULLS), name
