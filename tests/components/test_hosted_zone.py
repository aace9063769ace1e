"""A domain's records land in its hosted zone exactly where they are named, or the stack is refused before
anything is registered: the provider appends the zone's name to a record named outside it
(``tests/models/route53.py``, ``expand_record_name``), and ACM cannot see a private zone."""

from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.domain import Domain, check_hosted_zone, in_zone
from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.errors import ConfigError
from tests.models.route53 import expand_record_name
from tools.offline import RecordingMocks, run_mocked, run_program
from tools.plan import stacks

ZONE_ID = "Z0123456789ABC"
RECORD = "aws:route53/record:Record"


def https(domain: Domain, zone: str, private: bool = False) -> RecordingMocks:
    """A load balancer on ``domain`` in an account whose zone ``ZONE_ID`` is named ``zone``."""
    spec = LoadBalancerSpec(domain=domain)
    mocks = RecordingMocks(hosted_zones={ZONE_ID: (zone, private)})

    def build() -> None:
        LoadBalancer("web", LoadBalancerArgs(vpc_id="vpc-1", subnet_ids=["s-1", "s-2"], spec=spec))

    run_mocked(build, mocks=mocks)
    return mocks


def sent(mocks: RecordingMocks, zone: str) -> dict[str, Any]:
    """The name and type of each record as the provider sends them to the zone named ``zone``."""
    return {
        expand_record_name(r.inputs["name"], f"{zone}."): r.inputs["type"] for r in mocks.resources if r.type == RECORD
    }


@pytest.mark.parametrize("zone", ["app.example.com", "example.com", "EXAMPLE.com."])
def test_the_records_land_exactly_at_the_domain_and_acms_name_under_it(zone: str) -> None:
    mocks = https(Domain(name="app.example.com", hosted_zone_id=ZONE_ID), zone)
    assert sent(mocks, zone.lower().rstrip(".")) == {"app.example.com": "A", "_3f2a.app.example.com": "CNAME"}


@pytest.mark.parametrize("zone", ["example.org", "myexample.com", "shop.example.com", "www.app.example.com"])
def test_a_zone_that_cannot_hold_the_domain_is_refused_naming_the_zone_and_the_domain(zone: str) -> None:
    with pytest.raises(ConfigError) as error:
        https(Domain(name="app.example.com", hosted_zone_id=ZONE_ID), zone)
    assert (error.value.key, error.value.value) == ("Domain.hosted_zone_id", ZONE_ID)
    assert "Domain.name app.example.com" in error.value.allowed and zone in error.value.allowed


def test_the_program_refuses_a_zone_of_another_domain_by_its_config_keys_before_anything_is_registered() -> None:
    mocks = RecordingMocks(hosted_zones={ZONE_ID: ("mycorp.org", False)})
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"domainName": "app.mycorp.io", "hostedZoneId": ZONE_ID}, mocks=mocks)
    assert (error.value.key, error.value.value) == ("hostedZoneId", ZONE_ID)
    assert "domainName app.mycorp.io" in error.value.allowed
    assert mocks.resources == []


class Route53Account(RecordingMocks):
    """An account whose zones are ``hosted_zones`` and no other: GetHostedZone answers any other ID with
    NoSuchHostedZone (botocore route53 ``GetHostedZone`` errors), which the provider's zone data source
    returns (``zone_data_source.go``, ``findHostedZoneByID``)."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "aws:route53/getZone:getZone" and args.args["zoneId"] not in self.hosted_zones:
            raise Exception(f"NoSuchHostedZone: No hosted zone found with ID: {args.args['zoneId']}")
        return super().call(args)


@pytest.mark.parametrize("stack", stacks())
def test_every_shipped_stack_previews_in_an_account_without_its_placeholder_zone(stack: str) -> None:
    run = run_program(stack, mocks=Route53Account(), preview=True)
    assert run.mocks.resources


def test_the_program_looks_its_zone_up_once_and_a_placeholder_zone_not_at_all() -> None:
    lookups = "aws:route53/getZone:getZone"
    mocks = RecordingMocks(hosted_zones={ZONE_ID: ("mycorp.io", False)})
    run_program("dev", {"domainName": "app.mycorp.io", "hostedZoneId": ZONE_ID}, mocks=mocks)
    assert [token for token, _ in mocks.calls].count(lookups) == 1
    # prod ships with app.example.com in zone Z0123456789EXAMPLE: a preview warns of both and runs on,
    # where a lookup of a zone that does not exist would fail it.
    shipped = run_program("prod")
    assert lookups not in [token for token, _ in shipped.mocks.calls]
    assert any("hostedZoneId" in warning and "placeholder" in warning for warning in shipped.mocks.warnings)


def test_a_private_zone_is_refused_for_a_certificate_the_stack_requests() -> None:
    with pytest.raises(ConfigError) as error:
        https(Domain(name="app.example.com", hosted_zone_id=ZONE_ID), "example.com", private=True)
    assert error.value.key == "Domain.hosted_zone_id" and "private" in error.value.allowed


def test_a_private_zone_takes_the_alias_of_a_domain_with_its_own_certificate() -> None:
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab"
    mocks = https(
        Domain(name="app.example.com", hosted_zone_id=ZONE_ID, certificate_arn=certificate), "example.com", True
    )
    assert sent(mocks, "example.com") == {"app.example.com": "A"}


LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)


@given(st.lists(LABEL, min_size=2, max_size=5), st.lists(LABEL, min_size=1, max_size=5))
def test_every_name_the_check_lets_into_a_zone_is_sent_as_it_is_named(domain: list[str], zone: list[str]) -> None:
    name, zone_name = ".".join(domain), ".".join(zone)
    accepted = in_zone(name, zone_name)
    assert accepted == (domain[-len(zone) :] == zone)
    if accepted:
        assert expand_record_name(name, f"{zone_name}.") == name
        assert expand_record_name(f"_3f2a.{name}.", f"{zone_name}.") == f"_3f2a.{name}"


def test_the_check_compares_whole_labels_case_aside() -> None:
    domain = Domain(name="app.example.com", hosted_zone_id=ZONE_ID)
    check_hosted_zone(domain, "Example.COM.", private=False)
    with pytest.raises(ConfigError):
        check_hosted_zone(domain, "ample.com", private=False)
