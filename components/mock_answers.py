"""What AWS would answer, for the test mocks (``testing``): plausible outputs of a resource and answers to
an invoke, in a given region and account, and the engine's secret wrappers taken off the inputs. Plain
data in and out, no Pulumi import."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .arn_forms import ARN_OUTPUTS, ArnForm, arn, given_name, has_form, no_form_message
from .validation import PARTITION_DNS_SUFFIXES, partition_of

#: What the mocks answer where the stack names no region (``aws:region``) or account
#: (``aws:allowedAccountIds``) of its own.
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
#: The key of the engine's wrapper around a special value, a secret here (``pulumi.runtime.rpc._special_sig_key``).
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def unwrap(value: Any) -> tuple[Any, bool]:
    """``value`` with Pulumi's secret wrappers removed, and whether any were found."""
    if isinstance(value, dict):
        if _SECRET_SIG in value:
            return unwrap(value["value"])[0], True
        items = {k: unwrap(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items = [unwrap(v) for v in value]
        return [v for v, _ in items], any(secret for _, secret in items)
    return value, False


def stack_place(
    config: Mapping[str, str],
    environ: Mapping[str, str],
    region: str | None = None,
    account: str | None = None,
    fallback_account: str | None = None,
) -> tuple[str, str]:
    """The region and account the mocks answer in, where not given: the region as the AWS provider reads
    it (``aws:region``, else ``AWS_REGION`` or ``AWS_DEFAULT_REGION`` in ``environ``), the account from
    ``aws:allowedAccountIds`` when it names exactly one, else ``fallback_account``; else ``DEFAULT_REGION``,
    ``DEFAULT_ACCOUNT``."""
    region = region or config.get("aws:region") or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    return region or DEFAULT_REGION, account or allowed_account(config) or fallback_account or DEFAULT_ACCOUNT


def allowed_account(config: Mapping[str, str]) -> str | None:
    """The one account ``aws:allowedAccountIds`` names, else None (none, several, or not a JSON list)."""
    with contextlib.suppress(ValueError):
        allowed = json.loads(config.get("aws:allowedAccountIds") or "[]")
        if isinstance(allowed, list) and len(allowed) == 1:
            return str(allowed[0])
    return None


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def mock_arn(
    typ: str,
    name: str,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    inputs: Mapping[str, Any] | None = None,
    forms: Mapping[str, ArnForm] | None = None,
) -> str:
    """The ARN the mocks give a resource of ``typ`` named ``name`` with ``inputs`` (``arn_forms``, or the
    form ``forms`` gives for ``typ``), in the partition of ``region``. KeyError for a type with no ARN form."""
    partition = partition_of(region) or "aws"
    return arn(typ, name, inputs or {}, partition=partition, region=region, account=account, forms=forms)


#: How AWS shortens a region's direction in its AZ IDs (us-west-1 -> usw1-az1, ap-northeast-1 -> apne1-az1).
_DIRECTIONS = {"north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
               "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}  # fmt: skip
#: The mock account's default subnets, one in each of its region's first AZ IDs.
DEFAULT_SUBNETS = ("subnet-0def1", "subnet-0def2", "subnet-0def3")


def zone_id(region: str, az: int) -> str:
    """The ID of ``region``'s AZ number ``az`` as AWS writes it (us-west-1, 2: usw1-az2)."""
    area, direction, number = region.rsplit("-", 2) if region.count("-") >= 2 else (region, "", "")
    return f"{area.replace('-', '')}{_DIRECTIONS.get(direction, direction)}{number}-az{az}"


#: How many AZs the mock account has in each region: AZ N is named with the Nth letter (us-west-1a) and
#: has ID N (usw1-az1), as ``zone_id`` writes it.
ZONES = 4


def zone_name(region: str, az: int) -> str:
    """The mock account's name for ``region``'s AZ number ``az`` (us-west-1, 2: us-west-1b)."""
    return f"{region}{'abcdefghij'[az - 1]}"


def _default_subnets(region: str, filters: list[dict[str, Any]]) -> list[str]:
    """The default subnets DescribeSubnets returns with ``filters``: subnet N sits in the region's AZ ID
    N, and an ``availability-zone-id`` filter keeps those in its values (botocore ec2
    DescribeSubnetsRequest.Filters); the VPC and default-for-az filters match every one."""
    wanted = [f["values"] for f in filters if f.get("name") in ("availability-zone-id", "availabilityZoneId")]
    return [s for az, s in enumerate(DEFAULT_SUBNETS, 1) if all(zone_id(region, az) in v for v in wanted)]


def _vpc_outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """An awsx VPC's subnets: one public and one private per AZ, as awsx lays out its default subnets."""
    count = len(inputs.get("availabilityZoneNames") or ()) or int(inputs.get("numberOfAvailabilityZones") or 2)
    azs = range(1, count + 1)
    return {
        "vpcId": "vpc-0new",
        "publicSubnetIds": [f"subnet-0pub{az}" for az in azs],
        "privateSubnetIds": [f"subnet-0prv{az}" for az in azs],
    }


def _own_arn(
    typ: str,
    name: str,
    inputs: dict[str, Any],
    region: str,
    account: str,
    arn_output: str | None,
    forms: Mapping[str, ArnForm] | None,
) -> dict[str, str]:
    """A resource's own ARN, by the output that holds it, where its type has a form (``arn_forms``, or
    ``forms``'). ``arn_output``: that output in the provider's schema (``testing`` reads it from pulumi_aws);
    a type with one and no form is refused (NotImplementedError): an ARN of None would let a policy with
    ``"Resource": null`` pass. An input of that name names another resource, and is kept."""
    if has_form(typ, forms):
        return {arn_output or ARN_OUTPUTS.get(typ, "arn"): mock_arn(typ, name, region, account, inputs, forms)}
    if arn_output is not None and arn_output not in inputs:
        raise NotImplementedError(no_form_message(typ))
    return {}


def resource_outputs(
    typ: str,
    name: str,
    inputs: dict[str, Any],
    region: str,
    account: str,
    *,
    arn_output: str | None = None,
    forms: Mapping[str, ArnForm] | None = None,
) -> dict[str, Any]:
    """Plausible provider outputs of a resource in ``region`` and ``account``, so typed outputs downstream
    resolve like they would on AWS: its own ARN among them (``_own_arn``)."""
    if typ == "awsx:ec2:Vpc":
        # A remote component's outputs are typed differently from its inputs: never echo them.
        return _vpc_outputs(inputs)
    out = _own_arn(typ, name, inputs, region, account, arn_output, forms) | inputs
    out.setdefault("name", given_name(name, inputs))
    domain = PARTITION_DNS_SUFFIXES.get(partition_of(region) or "aws", "amazonaws.com")
    if typ == "aws:ecr/repository:Repository":
        out.update(repositoryUrl=f"{account}.dkr.ecr.{region}.{domain}/{out['name']}", registryId=account)
    elif typ == "docker-build:index:Image":
        digest = _digest(name + json.dumps(inputs.get("tags"), sort_keys=True))
        out.update(digest=digest, ref=f"{inputs['tags'][0]}@{digest}" if inputs.get("tags") else "")
    elif typ == "docker-build:index:Index":
        digest = _digest(name + json.dumps(inputs.get("sources"), sort_keys=True))
        out.update(ref=f"{inputs['tag']}@{digest}")
    elif typ == "aws:lb/loadBalancer:LoadBalancer":
        out.update(
            dnsName=f"{name}-1234567890.{region}.elb.{domain}",
            arnSuffix=out["arn"].split(":loadbalancer/", 1)[1],
            zoneId="Z35SXDOTRQ7X7K",
        )
    elif typ == "aws:acm/certificate:Certificate":
        domain_name = inputs["domainName"]
        out.update(
            domainValidationOptions=[
                {
                    "domainName": domain_name,
                    "resourceRecordName": f"_3f2a.{domain_name}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": "_9c1e.acm-validations.aws.",
                }
            ],
        )
    elif typ == "aws:route53/record:Record":
        out.update(fqdn=str(inputs["name"]).rstrip("."))
    elif typ == "aws:lb/targetGroup:TargetGroup":
        out.update(arnSuffix=out["arn"].rsplit(":", 1)[1])
    elif typ == "aws:s3/bucket:Bucket":
        out.setdefault("bucket", given_name(name, inputs, "bucket"))
    elif typ == "aws:sqs/queue:Queue":
        # A queue's URL (GetQueueUrl's QueueUrl): https://sqs.REGION.DOMAIN/ACCOUNT/NAME.
        out.update(url=f"https://sqs.{region}.{domain}/{account}/{out['name']}")
    elif typ == "aws:kms/key:Key":
        out.update(keyId=out["arn"].rsplit("/", 1)[1])
    return out


#: A hosted zone as the mocks answer it: its name and whether it is private.
HostedZone = tuple[str, bool]
#: The zone the mocks answer for an ID they were not given: public, and named as the DNS root, which every
#: domain is under; a test of a zone's name or privacy gives its zone (``RecordingMocks(hosted_zones=...)``).
ANY_DOMAINS_ZONE: HostedZone = (".", False)


def _hosted_zone(args: dict[str, Any], partition: str, zones: Mapping[str, HostedZone]) -> dict[str, Any]:
    """The zone data source by ID (route53/zone_data_source.go, dataSourceZoneRead): its name without the
    final dot (``normalizeDomainName``, which keeps the root's ".") and whether it is private."""
    zone_id = args["zoneId"]
    name, private = zones.get(zone_id, ANY_DOMAINS_ZONE)
    return {"id": zone_id, "zoneId": zone_id, "arn": f"arn:{partition}:route53:::hostedzone/{zone_id}",
            "name": name if name == "." else name.rstrip("."), "privateZone": private}  # fmt: skip


def invoke_answer(
    token: str, args: dict[str, Any], region: str, account: str, zones: Mapping[str, HostedZone] | None = None
) -> dict[str, Any]:
    """What AWS would answer the invoke ``token`` in ``region`` and ``account``, with ``zones`` the account's
    hosted zones by ID (``ANY_DOMAINS_ZONE`` for any other)."""
    partition = partition_of(region) or "aws"
    if token == "aws:route53/getZone:getZone":
        return _hosted_zone(args, partition, zones or {})
    if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
            "userName": "AWS",
            "password": "mock-ecr-token",
            "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.{PARTITION_DNS_SUFFIXES[partition]}",
            "registryId": args.get("registryId", account),
        }
    if token == "aws:ec2/getVpc:getVpc":
        return {"id": "vpc-0default", "cidrBlock": "172.31.0.0/16", "default": True}
    if token == "aws:ec2/getSubnets:getSubnets":
        filters = args.get("filters", [])
        return {"id": region, "ids": _default_subnets(region, filters), "filters": filters}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        # Sorted by name, one AZ per place in both lists (ec2_availability_zones_data_source.go).
        azs = range(1, ZONES + 1)
        return {"id": region, "names": [zone_name(region, az) for az in azs],
                "zoneIds": [zone_id(region, az) for az in azs]}  # fmt: skip
    if token == "aws:index/getRegion:getRegion":
        return {"id": region, "name": region, "region": region}
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"id": account, "accountId": account, "arn": f"arn:{partition}:iam::{account}:user/deployer",
                "userId": "AIDAMOCK"}  # fmt: skip
    if token == "aws:index/getPartition:getPartition":
        return {"id": partition, "partition": partition, "dnsSuffix": PARTITION_DNS_SUFFIXES[partition]}
    raise NotImplementedError(f"no mock for invoke {token}")
