"""Whom an access-log bucket's policy must admit: the principal ELB delivers the logs as, per Region.

AWS documents two bucket policies (ELB guides, "Enable access logs for your Application Load Balancer"
and "... for your Classic Load Balancer", Step 2 "Attach a policy to your S3 bucket",
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy):

- the log-delivery service principal ``logdelivery.elasticloadbalancing.amazonaws.com``, the only one
  in Regions opened from August 2022 on ("Regions that are not in this list do not support the legacy
  policy"), and the one the current guides recommend everywhere, GovCloud ARNs shown with it;
- the legacy policy naming the Region's own ELB account, for the Regions opened before August 2022
  (``LEGACY_ELB_ACCOUNTS``): "This legacy policy is still supported, but we recommend that you replace
  it with the newer policy above" (Classic guide; the ALB connection-log guide says the same).

A legacy Region gets both: each is documented to deliver there (the ALB guide of 2023 still asked for
the account alone in those Regions), so the logs arrive whichever ELB writes as. AWS in China lists
only the legacy accounts and names no service principal, so a China Region gets its account alone.
Other partitions (ISO, European Sovereign Cloud) are refused: ELB documents no principal for them.

``aws.elb.getServiceAccount`` is not used: it knows only the legacy Regions and fails with
``unsupported AWS Region`` everywhere else.
"""

from __future__ import annotations

from ..errors import ConfigError

SERVICE_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"

#: Region -> its ELB account, for the Regions opened before August 2022. From the ELB guide's list
#: (Step 2 above; the list is the same in the ALB guide's archived source,
#: awsdocs/elb-application-load-balancers-user-guide doc_source/enable-access-logging.md, section
#: "Regions available before August 2022") and, for China, "Getting Started with AWS in China",
#: Elastic Load Balancing (https://docs.amazonaws.cn/en_us/aws/latest/userguide/elb.html). The same
#: 26 entries as the Terraform provider that pulumi-aws bridges (hashicorp/terraform-provider-aws
#: internal/service/elb/service_account_data_source.go, ``accountIDPerRegionMap``, commit 01f4311).
LEGACY_ELB_ACCOUNTS: dict[str, str] = {
    "us-east-1": "127311923021",  # US East (N. Virginia)
    "us-east-2": "033677994240",  # US East (Ohio)
    "us-west-1": "027434742980",  # US West (N. California)
    "us-west-2": "797873946194",  # US West (Oregon)
    "af-south-1": "098369216593",  # Africa (Cape Town)
    "ap-east-1": "754344448648",  # Asia Pacific (Hong Kong)
    "ap-southeast-3": "589379963580",  # Asia Pacific (Jakarta)
    "ap-south-1": "718504428378",  # Asia Pacific (Mumbai)
    "ap-northeast-3": "383597477331",  # Asia Pacific (Osaka)
    "ap-northeast-2": "600734575887",  # Asia Pacific (Seoul)
    "ap-southeast-1": "114774131450",  # Asia Pacific (Singapore)
    "ap-southeast-2": "783225319266",  # Asia Pacific (Sydney)
    "ap-northeast-1": "582318560864",  # Asia Pacific (Tokyo)
    "ca-central-1": "985666609251",  # Canada (Central)
    "eu-central-1": "054676820928",  # Europe (Frankfurt)
    "eu-west-1": "156460612806",  # Europe (Ireland)
    "eu-west-2": "652711504416",  # Europe (London)
    "eu-south-1": "635631232127",  # Europe (Milan)
    "eu-west-3": "009996457667",  # Europe (Paris)
    "eu-north-1": "897822967062",  # Europe (Stockholm)
    "me-south-1": "076674570225",  # Middle East (Bahrain)
    "sa-east-1": "507241528517",  # South America (Sao Paulo)
    "us-gov-east-1": "190560391635",  # AWS GovCloud (US-East)
    "us-gov-west-1": "048591011584",  # AWS GovCloud (US-West)
    "cn-north-1": "638102146993",  # China (Beijing)
    "cn-northwest-1": "037604701340",  # China (Ningxia)
}

#: Partitions where ELB documents who delivers access logs (see the module docstring).
PARTITIONS = ("aws", "aws-us-gov", "aws-cn")
#: Partitions whose guide names no service principal, only the ELB account of each region it lists.
_ACCOUNTS_ONLY = ("aws-cn",)


def log_delivery_principal(*, region: str, partition: str) -> dict[str, str]:
    """The ``Principal`` a statement needs to let ELB deliver access logs in ``region`` of ``partition``
    (as ``aws.get_region``/``aws.get_partition`` name them): ``{"AWS": ELB account root}`` and/or
    ``{"Service": SERVICE_PRINCIPAL}``. Raises ``ConfigError`` on ``accessLogs`` where ELB documents none."""
    if partition not in PARTITIONS:
        raise ConfigError(
            "LoadBalancerSpec.access_logs",
            True,
            f"false in {region} (partition {partition}): ELB documents who delivers access logs only in "
            f"partitions {', '.join(PARTITIONS)}",
        )
    principal: dict[str, str] = {}
    if region in LEGACY_ELB_ACCOUNTS:
        principal["AWS"] = f"arn:{partition}:iam::{LEGACY_ELB_ACCOUNTS[region]}:root"
    if partition not in _ACCOUNTS_ONLY:
        principal["Service"] = SERVICE_PRINCIPAL
    if not principal:
        raise ConfigError(
            "LoadBalancerSpec.access_logs",
            True,
            f"false in {region} (partition {partition}): its guide lists ELB accounts for other regions only "
            "and no service principal",
        )
    return principal
