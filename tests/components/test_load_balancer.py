import json
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.domain import Domain
from components.edge.elb_log_delivery import PARTITIONS
from components.edge.load_balancer import LoadBalancer, LoadBalancerArgs
from components.edge.load_balancer_spec import LoadBalancerSpec
from components.errors import ConfigError
from tests.models import elb_log_delivery as elb
from tests.models.aws_api import Api
from tests.models.aws_contract import CONTRACT
from tests.models.aws_prose import stated_most
from tools.offline import ACCOUNT, RecordingMocks, run_mocked

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def load_balancer(**overrides) -> LoadBalancer:
    return LoadBalancer(
        "web", LoadBalancerArgs(vpc_id="vpc-1", subnet_ids=["subnet-1", "subnet-2"], spec=LoadBalancerSpec(**overrides))
    )


def test_the_listener_port_is_open_to_each_allowed_cidr_and_nothing_else(mocked) -> None:
    mocks = mocked(lambda: load_balancer(listener_port=8080, allowed_cidrs=("203.0.113.0/24", "198.51.100.7/32")))
    rules = mocks.inputs_of(INGRESS)
    assert sorted((r.get("cidrIpv4"), r.get("cidrIpv6")) for r in rules) == [
        ("198.51.100.7/32", None),
        ("203.0.113.0/24", None),
    ]
    assert all((r["fromPort"], r["toPort"], r["ipProtocol"]) == (8080, 8080, "tcp") for r in rules)
    assert "ingress" not in mocks.one("aws:ec2/securityGroup:SecurityGroup").inputs


@pytest.mark.parametrize("cidr", ["2001:db8::/32", "::/0"])
def test_an_ipv6_cidr_is_refused_because_the_alb_is_ipv4_only(cidr: str) -> None:
    with pytest.raises(ConfigError) as error:
        LoadBalancerSpec(allowed_cidrs=("203.0.113.0/24", cidr))
    assert (error.value.key, error.value.value) == ("LoadBalancerSpec.allowed_cidrs", cidr)
    assert "IPv4-only" in error.value.allowed


def test_a_cidr_given_twice_is_refused_as_ec2_refuses_the_second_identical_rule() -> None:
    with pytest.raises(ConfigError) as error:
        LoadBalancerSpec(allowed_cidrs=("203.0.113.7/32", "198.51.100.0/24", "203.0.113.7/32"))
    assert error.value.key == "LoadBalancerSpec.allowed_cidrs" and "each CIDR once" in error.value.allowed


def test_the_alb_is_ipv4_only_so_only_ipv4_ingress_can_ever_match(mocked) -> None:
    mocks = mocked(load_balancer)
    assert mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs["ipAddressType"] == "ipv4"
    assert all("cidrIpv6" not in rule for rule in mocks.inputs_of(INGRESS))


@pytest.mark.parametrize(("seconds", "ok"), [(60, True), (1, True), (4000, True), (0, False), (4001, False)])
def test_the_idle_timeout_is_a_setting_within_the_albs_range(mocked, seconds: int, ok: bool) -> None:
    if not ok:
        with pytest.raises(ConfigError) as error:
            LoadBalancerSpec(idle_timeout_seconds=seconds)
        assert error.value.key == "LoadBalancerSpec.idle_timeout_seconds"
        return
    alb = mocked(lambda: load_balancer(idle_timeout_seconds=seconds)).one("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["idleTimeout"] == seconds


def test_the_alb_is_public_in_the_given_subnets_and_drops_invalid_headers(mocked) -> None:
    alb = mocked(load_balancer).one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["internal"] is False
    assert alb["loadBalancerType"] == "application"
    assert alb["subnets"] == ["subnet-1", "subnet-2"]
    assert alb["dropInvalidHeaderFields"] is True


def test_the_listener_answers_404_until_a_service_adds_a_rule(mocked) -> None:
    listener = mocked(load_balancer).one("aws:lb/listener:Listener").inputs
    assert listener["port"] == 80 and listener["protocol"] == "HTTP"
    assert listener["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"


def test_the_url_omits_port_80(mocked) -> None:
    urls: list[str] = []
    mocked(lambda: load_balancer().url.apply(urls.append))
    assert urls == ["http://web-alb-1234567890.us-east-1.elb.amazonaws.com"]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"listener_port": 0}, "LoadBalancerSpec.listener_port"),
        ({"listener_port": 70000}, "LoadBalancerSpec.listener_port"),
        ({"allowed_cidrs": ()}, "LoadBalancerSpec.allowed_cidrs"),
        ({"allowed_cidrs": ("10.0.0.1/8",)}, "LoadBalancerSpec.allowed_cidrs"),
        ({"allowed_cidrs": ("not-a-cidr",)}, "LoadBalancerSpec.allowed_cidrs"),
        ({"allowed_cidrs": ("10.0.0.1",)}, "LoadBalancerSpec.allowed_cidrs"),
    ],
)
def test_bad_exposure_is_rejected_naming_the_key(overrides: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        LoadBalancerSpec(**overrides)
    assert error.value.key == key


def test_desync_mitigation_is_set_explicitly_and_nothing_is_logged_or_protected_by_default(mocked) -> None:
    mocks = mocked(load_balancer)
    alb = mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["desyncMitigationMode"] == "defensive"
    assert alb["enableDeletionProtection"] is False
    assert "accessLogs" not in alb and mocks.inputs_of("aws:s3/bucket:Bucket") == []


@pytest.fixture(scope="module")
def logged(mocked) -> RecordingMocks:
    return mocked(lambda: load_balancer(access_logs=True, access_log_retention_days=30, deletion_protection=True))


def test_access_logs_go_to_a_private_encrypted_expiring_bucket(logged: RecordingMocks) -> None:
    alb = logged.one("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["accessLogs"] == {"bucket": "web-logs", "prefix": "alb", "enabled": True}
    assert alb.inputs["enableDeletionProtection"] is True
    block = logged.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(
        block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    (rule,) = logged.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}  # ALB logs take SSE-S3 only
    (expiry,) = logged.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert (expiry["expiration"]["days"], expiry["filter"]["prefix"]) == (30, "alb/")
    assert logged.one("aws:s3/bucket:Bucket").inputs["forceDestroy"] is False  # protected: keep the logs


def test_only_elb_log_delivery_for_this_account_may_write_and_only_over_tls(logged: RecordingMocks) -> None:
    policy = json.loads(logged.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    (write,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    # us-east-1 predates August 2022: its ELB account and the log-delivery service both deliver there.
    assert write["Principal"] == {
        "AWS": "arn:aws:iam::127311923021:root",
        "Service": "logdelivery.elasticloadbalancing.amazonaws.com",
    }
    assert (write["Action"], write["Resource"]) == ("s3:PutObject", "arn:aws:s3:::web-logs/alb/AWSLogs/123456789012/*")
    (deny,) = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


class InRegion(RecordingMocks):
    """The mocks in one Region (the base answers ``aws.get_region`` with it, and ``aws.get_partition`` and
    every ARN with its partition); ``aws.elb.getServiceAccount`` answers as the provider does, failing
    outside its table."""

    def __init__(self, partition: str, region: str) -> None:
        super().__init__(region=region)
        self.partition = partition

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "aws:elb/getServiceAccount:getServiceAccount":
            self.calls.append((args.token, dict(args.args)))
            return elb.get_service_account(region=self.region, partition=self.partition), []
        return super().call(args)


#: Invokes that answer in every Region: region and partition come from the provider's own
#: configuration (terraform-provider-aws internal/service/meta), the caller from STS's regional endpoint.
EVERY_REGION = {
    "aws:index/getRegion:getRegion",
    "aws:index/getPartition:getPartition",
    "aws:index/getCallerIdentity:getCallerIdentity",
}
SERVED = [(p, r, d) for p, r, d in elb.elb_regions() if p in PARTITIONS]


def with_access_logs() -> None:
    load_balancer(access_logs=True)


@pytest.mark.parametrize(("partition", "region", "description"), SERVED, ids=[r for _, r, _ in SERVED])
def test_access_logs_deploy_in_every_region_elb_serves_with_no_invoke_that_fails_there(
    partition: str, region: str, description: str
) -> None:
    mocks = run_mocked(with_access_logs, mocks=InRegion(partition, region)).mocks
    assert {token for token, _ in mocks.calls} <= EVERY_REGION
    assert [answer["partition"] for answer in mocks.answers if "partition" in answer] == [partition]
    bucket = mocks.one("aws:s3/bucket:Bucket").name
    policy = json.loads(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    assert elb.malformed(policy, partition=partition, logs_arn=f"{bucket_arn}/alb/AWSLogs/{ACCOUNT}/") == []
    assert elb.can_deliver(
        policy, partition=partition, description=description, bucket_arn=bucket_arn, prefix="alb", account_id=ACCOUNT
    )


def test_access_logs_in_a_partition_without_documented_log_delivery_fail_naming_the_key() -> None:
    # Raised in the policy's apply (the region is an invoke's answer); the engine reports it wrapped.
    with pytest.raises(
        ValueError, match=r"config 'LoadBalancerSpec\.access_logs': got true; allowed: false in us-iso-east-1"
    ):
        run_mocked(with_access_logs, mocks=InRegion("aws-iso", "us-iso-east-1"))


def test_the_alb_waits_for_the_bucket_policy_it_checks_on_creation(logged: RecordingMocks) -> None:
    alb = logged.one("aws:lb/loadBalancer:LoadBalancer")
    assert "web-logs-policy" in {logged.by_urn(urn).name for urn in alb.dependencies}


DOMAIN = Domain(name="app.example.com", hosted_zone_id="Z0123456789ABC")


@pytest.fixture(scope="module")
def https(mocked) -> RecordingMocks:
    return mocked(lambda: load_balancer(domain=DOMAIN))


def test_a_domain_gets_a_dns_validated_certificate_in_its_zone(https: RecordingMocks) -> None:
    certificate = https.one("aws:acm/certificate:Certificate").inputs
    assert (certificate["domainName"], certificate["validationMethod"]) == ("app.example.com", "DNS")
    validation = https.find("aws:route53/record:Record", "web-domain-validation").inputs
    assert (validation["zoneId"], validation["type"], validation["name"]) == (
        "Z0123456789ABC", "CNAME", "_3f2a.app.example.com.",
    )  # fmt: skip
    assert validation["records"] == ["_9c1e.acm-validations.aws."]
    validated = https.one("aws:acm/certificateValidation:CertificateValidation").inputs
    assert validated["validationRecordFqdns"] == ["_3f2a.app.example.com"]


def test_https_listens_on_443_with_a_tls13_policy_and_port_80_answers_301(https: RecordingMocks) -> None:
    listeners = {r.name: r.inputs for r in https.resources if r.type == "aws:lb/listener:Listener"}
    assert (listeners["web-https"]["port"], listeners["web-https"]["protocol"]) == (443, "HTTPS")
    assert listeners["web-https"]["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listeners["web-https"]["certificateArn"].startswith("arn:aws:acm:us-east-1:123456789012:certificate/")
    (redirect,) = listeners["web-listener"]["defaultActions"]
    assert redirect == {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}


def test_the_domain_points_at_the_load_balancer_and_both_ports_are_open(https: RecordingMocks) -> None:
    alias = https.find("aws:route53/record:Record", "web-domain-alias").inputs
    assert (alias["name"], alias["type"], alias["zoneId"]) == ("app.example.com", "A", "Z0123456789ABC")
    assert alias["aliases"] == [
        {
            "name": "web-alb-1234567890.us-east-1.elb.amazonaws.com",
            "zoneId": "Z35SXDOTRQ7X7K",
            "evaluateTargetHealth": True,
        }
    ]
    assert sorted(r["fromPort"] for r in https.inputs_of(INGRESS)) == [80, 443]


def test_services_attach_to_https_and_the_url_is_the_domain(mocked) -> None:
    outputs: dict[str, Any] = {}

    def build() -> None:
        web = load_balancer(domain=DOMAIN)
        pulumi.Output.all(web.listener_arn, web.url).apply(lambda v: outputs.update(listener=v[0], url=v[1]))

    mocks = mocked(build)
    https = next(r for r in mocks.resources if r.name == "web-https")
    assert outputs["url"] == "https://app.example.com"
    assert outputs["listener"] == https.outputs["arn"]


def test_an_existing_certificate_is_used_as_is_and_without_a_zone_no_record_is_made(mocked) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    mocks = mocked(lambda: load_balancer(domain=Domain(name="app.example.com", certificate_arn=arn)))
    assert mocks.inputs_of("aws:acm/certificate:Certificate") == []
    assert mocks.inputs_of("aws:route53/record:Record") == []
    assert mocks.find("aws:lb/listener:Listener", "web-https").inputs["certificateArn"] == arn


def test_without_a_domain_the_stack_stays_http(mocked) -> None:
    mocks = mocked(load_balancer)
    (listener,) = mocks.inputs_of("aws:lb/listener:Listener")
    assert listener["protocol"] == "HTTP" and listener["defaultActions"][0]["type"] == "fixed-response"
    assert mocks.inputs_of("aws:acm/certificate:Certificate") == []


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"name": "App.Example.com", "hosted_zone_id": "Z0123"}, "Domain.name"),
        ({"name": "localhost", "hosted_zone_id": "Z0123"}, "Domain.name"),
        ({"name": "app.example.com"}, "Domain.hosted_zone_id"),
        ({"name": "app.example.com", "hosted_zone_id": "zone-1"}, "Domain.hosted_zone_id"),
        ({"name": "app.example.com", "certificate_arn": "arn:aws:iam::1:cert"}, "Domain.certificate_arn"),
        ({"name": "a" * 60 + ".example.com", "hosted_zone_id": "Z0123"}, "Domain.name"),
        # Refused by ACM's DomainNameString, or no name a service is reached by.
        *(({"name": name, "hosted_zone_id": "Z0123"}, "Domain.name") for name in (
            "app.example.c", "app.-example.com", "app.example-.com", "app..example.com", "app.example.com.",
            "app.xn--p1ai-", "*.example.com", "10.0.0.1", "app.123", "app_1.example.com",
        )),
    ],
)  # fmt: skip
def test_a_bad_domain_setting_names_its_key(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Domain(**kwargs)
    assert error.value.key == key


#: ACM's name and the Route 53 record's, which every accepted domain name must pass.
ACM_NAME = Api("acm", "RequestCertificate:DomainName")
RECORD_NAME = Api("route53", "ChangeResourceRecordSets:ChangeBatch.Changes[].ResourceRecordSet.Name")


@pytest.mark.parametrize("name", ["app.xn--p1ai", "xn--80ak6aa92e.xn--p1ai", "app.example.co.uk", "a.io", "app.1a"])
def test_a_name_acm_takes_is_taken_internationalised_top_level_domains_included(name: str) -> None:
    assert Domain(name=name, hosted_zone_id="Z0123").name == name
    assert ACM_NAME.problems(name) == RECORD_NAME.problems(name) == []


label = st.from_regex(r"[a-z0-9-]{1,63}", fullmatch=True)


@given(st.lists(label, min_size=1, max_size=4), st.from_regex(r"[a-z0-9-]{1,63}", fullmatch=True))
def test_the_domain_takes_exactly_the_lower_case_names_acm_takes_but_an_all_digit_top_level_domain(
    labels: list[str], last: str
) -> None:
    """Modelled on botocore acm ``DomainNameString`` (its pattern and 253 maximum), less a numeric TLD."""
    name = ".".join([*labels, last])
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    try:
        Domain(name=name, certificate_arn=arn)
        taken = True
    except ConfigError as error:
        assert error.key == "Domain.name"
        taken = False
    assert taken == (ACM_NAME.problems(name) == [] and last.strip("0123456789") != "")


def test_a_name_too_long_for_a_requested_certificate_is_taken_with_a_certificate_of_ones_own() -> None:
    """ACM's requested common name "cannot exceed 64 octets" (botocore acm ``RequestCertificate:DomainName``);
    a certificate of one's own may cover a longer name as a SAN. The edge: ``test_stated_bounds``."""
    longest = stated_most("acm", "RequestCertificate:DomainName", r"cannot exceed {n} octets")
    name = "a" * (longest + 1 - len(".example.com")) + ".example.com"
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    with pytest.raises(ConfigError) as error:
        Domain(name=name, hosted_zone_id="Z0123")
    assert (error.value.key, error.value.value) == ("Domain.name", name) and "certificate_arn" in error.value.allowed
    assert Domain(name=name, hosted_zone_id="Z0123", certificate_arn=arn).name == name


def test_https_cannot_share_the_http_port() -> None:
    with pytest.raises(ConfigError) as error:
        LoadBalancerSpec(listener_port=443, domain=DOMAIN)
    assert error.value.key == "LoadBalancerSpec.listener_port"


@pytest.mark.parametrize("name", ["XN--web", "Sthree-web", "AMZN-S3-DEMO-web", "xn--web", "Xn-web", "S3-web"])
def test_a_name_is_refused_exactly_when_s3_refuses_the_lower_cased_log_bucket_name_pulumi_makes(name: str) -> None:
    """pulumi-aws lower-cases a bucket's auto-name (the contract's ``AUTONAMED``), so a reserved prefix in
    capitals reaches S3 in lower case."""
    s3_refuses = bool(CONTRACT.problems("aws:s3/bucket:Bucket", f"{name}-logs", {})[0])
    try:
        LoadBalancer.check_name(name)
    except ConfigError as error:
        assert s3_refuses and "S3 reserves" in error.allowed
    else:
        assert not s3_refuses
