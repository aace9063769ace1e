"""The Availability Zones where Fargate runs Linux tasks, in the regions where it runs in some only (pure)."""

from __future__ import annotations

from collections.abc import Sequence

#: AZ IDs (not names: names map to IDs differently in each account) by region, from the ECS Developer Guide,
#: "Supported Regions for Amazon ECS on AWS Fargate", Linux containers: "The supported Availability Zone IDs
#: are noted when applicable" — us-west-1 (usw1-az1 & usw1-az3 only), ap-northeast-1 (apne1-az1, apne1-az2,
#: & apne1-az4 only), and cn-north-1, whose IDs that page gave as "cnn1-az1 & cnn1-az2 only"
#: (awsdocs/amazon-ecs-developer-guide, launch_types.md). Fargate refuses a task in any other AZ there, as
#: EKS on Fargate reports it: "Fargate is not supported in the requested availability zone"
#: (awsdocs/amazon-eks-user-guide#262). Every other region the page lists has no such note.
FARGATE_ZONE_IDS: dict[str, tuple[str, ...]] = {
    "us-west-1": ("usw1-az1", "usw1-az3"),
    "ap-northeast-1": ("apne1-az1", "apne1-az2", "apne1-az4"),
    "cn-north-1": ("cnn1-az1", "cnn1-az2"),
}


def fargate_zone_ids(region: str) -> tuple[str, ...]:
    """The AZ IDs Fargate runs Linux tasks in within ``region``; empty when it runs in every AZ there (or the
    region is unknown)."""
    return FARGATE_ZONE_IDS.get(region, ())


def new_vpc_zone_names(
    names: Sequence[str], zone_ids: Sequence[str], fargate_ids: Sequence[str], count: int
) -> tuple[str, ...]:
    """The ``count`` AZ names a new VPC takes: awsx's own pick, the account's first ``count`` names
    (``getDefaultAzs``, pulumi-awsx ec2/vpc.ts), unless Fargate runs in some AZs only (``fargate_ids``)
    and one of those names maps to another ID there; then the first ``count`` names that map to Fargate's
    IDs. ``names`` and ``zone_ids`` are ``getAvailabilityZones``' two lists, one AZ per place. Fewer than
    ``count`` such names: as many as there are (the caller refuses them)."""
    if not fargate_ids:
        return tuple(names[:count])
    return tuple(name for name, zone in zip(names, zone_ids, strict=True) if zone in fargate_ids)[:count]
