"""Whether ELB can deliver a load balancer's access logs to a bucket, by the bucket's policy.

From the ELB guides, "Enable access logs for your Application Load Balancer" (and the Classic Load
Balancer's and the ALB connection-log pages, which carry the same list), Step 2 "Attach a policy to
your S3 bucket": ELB writes ``<bucket>/<prefix>/AWSLogs/<account>/...`` with ``s3:PutObject`` (first a
test file, ``ELBAccessLogTestFile``, when logging is switched on: the switch fails if it is refused).
It writes as the service principal ``logdelivery.elasticloadbalancing.amazonaws.com`` in every Region
(the recommended policy; GovCloud's ARNs are shown under it), or, in the Regions listed below only,
as the Region's ELB account (the legacy policy, "still supported"; "Regions that are not in this list
do not support the legacy policy"). AWS in China lists only the legacy accounts ("Getting Started
with AWS in China", Elastic Load Balancing). Deliveries go over TLS.

The list is kept here as the pages print it, by Region name, and matched to Region codes through
botocore's endpoint data, so it checks the program's table by code independently.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from botocore.loaders import Loader

SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

#: As printed in the ELB guides ("Regions available before August 2022") and the China guide.
DOCUMENTED_LEGACY_ACCOUNTS = {
    "US East (N. Virginia)": "127311923021",
    "US East (Ohio)": "033677994240",
    "US West (N. California)": "027434742980",
    "US West (Oregon)": "797873946194",
    "Africa (Cape Town)": "098369216593",
    "Asia Pacific (Hong Kong)": "754344448648",
    "Asia Pacific (Jakarta)": "589379963580",
    "Asia Pacific (Mumbai)": "718504428378",
    "Asia Pacific (Osaka)": "383597477331",
    "Asia Pacific (Seoul)": "600734575887",
    "Asia Pacific (Singapore)": "114774131450",
    "Asia Pacific (Sydney)": "783225319266",
    "Asia Pacific (Tokyo)": "582318560864",
    "Canada (Central)": "985666609251",
    "Europe (Frankfurt)": "054676820928",
    "Europe (Ireland)": "156460612806",
    "Europe (London)": "652711504416",
    "Europe (Milan)": "635631232127",
    "Europe (Paris)": "009996457667",
    "Europe (Stockholm)": "897822967062",
    "Middle East (Bahrain)": "076674570225",
    "South America (São Paulo)": "507241528517",
    "AWS GovCloud (US-East)": "190560391635",
    "AWS GovCloud (US-West)": "048591011584",
    "China (Beijing)": "638102146993",
    "China (Ningxia)": "037604701340",
}


def elb_regions() -> list[tuple[str, str, str]]:
    """``(partition, region, description)`` for every Region of botocore's endpoint data with an
    ``elasticloadbalancing`` endpoint (``fips-*`` endpoint names are not Regions and are left out)."""
    data = Loader().load_data("endpoints")
    return [
        (partition["partition"], region, partition["regions"][region]["description"])
        for partition in data["partitions"]
        for region in partition["services"].get("elasticloadbalancing", {}).get("endpoints", {})
        if region in partition["regions"]
    ]


def _plain(name: str) -> str:
    """A Region name without accents: the guides print São Paulo, botocore Sao Paulo."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def legacy_account(description: str) -> str | None:
    """The ELB account the guides list for the Region botocore describes as ``description``."""
    return {_plain(name): account for name, account in DOCUMENTED_LEGACY_ACCOUNTS.items()}.get(_plain(description))


def writers(*, partition: str, description: str) -> set[tuple[str, str]]:
    """Every principal ELB may deliver as in this Region, as ``(principal type, value)``."""
    found = set() if partition == "aws-cn" else {("Service", SERVICE)}
    account = legacy_account(description)
    if account:
        found.add(("AWS", f"arn:{partition}:iam::{account}:root"))
    return found


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _principals(statement: Mapping[str, Any]) -> set[tuple[str, str]]:
    principal = statement.get("Principal") or {}
    if principal == "*":
        return {("*", "*")}
    return {(kind, value) for kind, values in principal.items() for value in _listed(values)}


def _applies(statement: Mapping[str, Any], *, who: set[tuple[str, str]], action: str, resource: str) -> bool:
    return (
        bool(_principals(statement) & (who | {("*", "*"), ("AWS", "*")}))
        and any(fnmatch.fnmatchcase(action, a) for a in _listed(statement.get("Action")))
        and any(fnmatch.fnmatchcase(resource, r) for r in _listed(statement.get("Resource")))
    )


def _denied_over_tls(statement: Mapping[str, Any]) -> bool:
    """A Deny holds for a TLS delivery unless its only condition is ``aws:SecureTransport`` = false."""
    return statement.get("Condition") != {"Bool": {"aws:SecureTransport": "false"}}


def can_deliver(
    document: Mapping[str, Any], *, partition: str, description: str, bucket_arn: str, prefix: str, account_id: str
) -> bool:
    """Whether ELB may write its test file for ``account_id``'s load balancer in this Region."""
    who = writers(partition=partition, description=description)
    resource = f"{bucket_arn}/{prefix}/AWSLogs/{account_id}/ELBAccessLogTestFile"
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    matching = [s for s in statements if _applies(s, who=who, action="s3:PutObject", resource=resource)]
    allowed = any(s["Effect"] == "Allow" for s in matching)
    return allowed and not any(s["Effect"] == "Deny" and _denied_over_tls(s) for s in matching)


def malformed(document: Mapping[str, Any], *, partition: str, logs_arn: str) -> list[str]:
    """Why S3 would refuse the policy (``MalformedPolicy``: an account principal must be an IAM ARN of
    the bucket's partition, ``arn:<partition>:iam::<12 digits>:root``), or why a grant reaches beyond
    the log prefix ``logs_arn`` (``<bucket>/<prefix>/AWSLogs/<account>/``)."""
    problems = []
    account = re.compile(rf"arn:{re.escape(partition)}:iam::\d{{12}}:root")
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        for kind, value in _principals(statement):
            if not ((kind == "AWS" and account.fullmatch(value)) or (kind, value) == ("Service", SERVICE)):
                problems.append(f"principal {kind} {value}")
        problems += [f"resource {r}" for r in _listed(statement["Resource"]) if not r.startswith(logs_arn)]
    return problems


#: hashicorp/terraform-provider-aws internal/service/elb/service_account_data_source.go (commit 01f4311),
#: ``accountIDPerRegionMap``: what ``aws.elb.getServiceAccount`` answers from.
TERRAFORM_ACCOUNTS = {
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-south-1": "718504428378",
    "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928", "eu-north-1": "897822967062", "eu-south-1": "635631232127",
    "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667",
    "me-south-1": "076674570225", "sa-east-1": "507241528517", "us-east-1": "127311923021",
    "us-east-2": "033677994240", "us-gov-east-1": "190560391635", "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980", "us-west-2": "797873946194",
}  # fmt: skip


def get_service_account(*, region: str, partition: str) -> dict[str, str]:
    """``aws.elb.getServiceAccount`` as the provider answers it (``dataSourceServiceAccountRead``)."""
    if region not in TERRAFORM_ACCOUNTS:
        raise RuntimeError(f"unsupported AWS Region: {region}")
    account = TERRAFORM_ACCOUNTS[region]
    return {"id": account, "arn": f"arn:{partition}:iam::{account}:root"}
