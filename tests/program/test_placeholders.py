"""Pulumi.prod.yaml ships with documented placeholders (a domain, a hosted zone and an account of the docs):
a real deploy refuses them, naming what to set; a real preview, offline plans and the tests run the file
as it is, with a warning for each."""

from typing import Any

import jmespath
import pytest

import components.testing
from components.errors import CombinedConfigError
from settings import ZONE_HINT, placeholders
from tools.offline import RecordingMocks, run_program

#: The prod stack with its own values in place of the placeholders.
OWN_VALUES = {
    "domainName": "app.mycorp.io",
    "hostedZoneId": "Z04517273AB3XYZQ",
    "alarmEmails": '["oncall@mycorp.io"]',
    "secrets": '["DATABASE_URL=arn:aws:ssm:us-east-1:210987654321:parameter/graviton-node/prod/database-url"]',
}


class NotAMock:
    """A monitor the program cannot tell from the engine's, as under ``pulumi up``: it forwards to the
    recording mocks but is no ``MockMonitor``."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def deploying(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program runs as if it created real resources."""
    recording = components.testing._RecordingMonitor
    monkeypatch.setattr(components.testing, "_RecordingMonitor", lambda mocks: NotAMock(recording(mocks)))


@pytest.mark.usefixtures("deploying")
def test_a_deploy_of_the_prod_stack_as_shipped_is_refused_naming_each_placeholder_and_what_to_set() -> None:
    mocks = RecordingMocks()
    with pytest.raises(CombinedConfigError) as error:
        run_program("prod", mocks=mocks)
    allowed = {e.key: e.allowed for e in error.value.errors}
    assert set(allowed) == {"domainName", "hostedZoneId", "alarmEmails", "secrets"}
    assert allowed["domainName"].endswith("(RFC 2606): pulumi config set domainName ...")
    assert allowed["hostedZoneId"].startswith("your domain's Route 53 hosted zone ID")
    assert allowed["alarmEmails"].endswith("pulumi config set --secret --path 'alarmEmails[0]' ...")
    assert allowed["secrets"].startswith("an ARN in your own account, not 123456789012")
    assert mocks.resources == []


@pytest.mark.usefixtures("deploying")
def test_a_deploy_with_your_own_values_in_their_place_goes_ahead() -> None:
    run = run_program("prod", OWN_VALUES)
    assert run.mocks.warnings == []
    assert run.outputs["url"] == "https://app.mycorp.io"


@pytest.mark.usefixtures("deploying")
def test_a_real_preview_of_the_prod_stack_as_shipped_goes_ahead_with_a_warning_for_each_placeholder() -> None:
    """Every pull request previews each stack: a copy whose prod is not set up yet still gets its previews."""
    run = run_program("prod", preview=True)
    assert len(run.mocks.resources) > 0
    assert [w.split("'")[1] for w in run.mocks.warnings] == ["alarmEmails", "domainName", "hostedZoneId", "secrets"]


def test_under_mocks_the_prod_stack_runs_as_shipped_with_a_warning_for_each_placeholder() -> None:
    run = run_program("prod")
    assert len(run.mocks.resources) > 0
    assert [w.split("'")[1] for w in run.mocks.warnings] == ["alarmEmails", "domainName", "hostedZoneId", "secrets"]
    assert all(w.endswith("(a placeholder: pulumi up refuses it)") for w in run.mocks.warnings)


@pytest.mark.parametrize(
    ("key", "value", "placeholder"),
    [
        ("domainName", "app.example.com", True),
        ("domainName", "example.org", True),
        ("domainName", "shop.test", True),
        ("domainName", "api.example", True),
        ("domainName", "example.com.mycorp.io", False),
        ("domainName", "myexample.com", False),
        ("alarmEmails", '["a@mycorp.io", "b@example.net"]', True),
        ("hostedZoneId", "Z0123456789EXAMPLE", True),
        ("hostedZoneId", "Z04517273AB3XYZQ", False),
        ("certificateArn", "arn:aws:acm:us-east-1:111122223333:certificate/0b1c", True),
        ("certificateArn", "arn:aws:acm:us-east-1:210987654321:certificate/0b1c", False),
        ("environment", '["NOTE=123456789012"]', False),
    ],
)
def test_a_placeholder_is_a_name_reserved_for_documentation_or_an_example_account(
    key: str, value: str, placeholder: bool
) -> None:
    assert bool(placeholders({key: value})) is placeholder


def test_a_secret_key_is_never_looked_into() -> None:
    assert placeholders({"domainName": "app.example.com"}, frozenset({"domainName"})) == []


def test_the_hosted_zone_hint_finds_a_subdomains_parent_zone_and_leaves_private_zones_out() -> None:
    """ListHostedZones' answer (botocore route53 ListHostedZonesResponse: HostedZones[].Id, Name,
    Config.PrivateZone) run through the hint's --query, as the AWS CLI runs it with jmespath."""
    query = ZONE_HINT.split("--query '", 1)[1].split("'", 1)[0]
    zones = [("Z1", "example.com.", False), ("Z2", "example.com.", True), ("Z3", "shop.example.com.", False)]
    answer = {"HostedZones": [{"Id": f"/hostedzone/{i}", "Name": n, "Config": {"PrivateZone": p}} for i, n, p in zones]}
    listed = jmespath.search(query, answer)
    assert ["/hostedzone/Z1", "example.com."] in listed
    assert ["/hostedzone/Z2", "example.com."] not in listed
