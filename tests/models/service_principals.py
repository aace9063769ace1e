"""The name a service answers to as a principal in each partition (a trust policy's or a resource
policy's ``Principal.Service``, a permission's ``principal``, ``iam:PassedToService``,
``iam:AWSServiceName``), by the rule of the Terraform provider that pulumi-aws bridges.

hashicorp/terraform-provider-aws, internal/service/meta/service_principal_data_source.go
(``servicePrincipalNameForPartition``, for its ``aws_service_principal`` data source, whose exceptions
it takes from AWS's CDK region data, aws-cdk-lib/region-info/lib/default.ts): ``<service>.amazonaws.com``
in every partition but for the services below, which take the partition's own DNS suffix there; the
data source's regional form (its ``id``) is ``<service>.<region>.<that suffix>``. So ``logs`` is
``logs.amazonaws.com.cn`` (and ``logs.cn-north-1.amazonaws.com.cn``) in China, while ``ecs-tasks``,
``events``, ``lambda`` and ``delivery.logs`` keep ``amazonaws.com``.

The sources are not of one mind: the CDK has since deprecated that table, and its
``@aws-cdk/aws-iam:standardizedServicePrincipals`` flag writes ``<service>.amazonaws.com`` in every
partition. The programs use only services both agree on; this model keeps a principal the provider
would name otherwise from slipping in unnoticed.
"""

from __future__ import annotations

import re

from components.validation import PARTITION_DNS_SUFFIXES, PARTITION_REGIONS

#: The services that answer to the partition's own DNS suffix there (``partition.DNSSuffix()``).
OWN_SUFFIX = {
    "aws-cn": frozenset({"codedeploy", "elasticmapreduce", "logs"}),
    "aws-iso": frozenset({"cloudhsm", "config", "logs", "workspaces"}),
    "aws-iso-b": frozenset({"dms", "logs"}),
}
_SUFFIXES = sorted(set(PARTITION_DNS_SUFFIXES.values()), key=len, reverse=True)


def service_principal(service: str, partition: str, region: str = "") -> str:
    """The principal of ``service`` (``ecs-tasks``, ``logs``...) in ``partition``: global, or regional
    when ``region`` is given."""
    suffix = PARTITION_DNS_SUFFIXES[partition] if service in OWN_SUFFIX.get(partition, ()) else "amazonaws.com"
    return ".".join(part for part in (service, region, suffix) if part)


def service_of(principal: str) -> tuple[str, str] | None:
    """The service and region a principal names (``("ecs-tasks", "")`` of ``ecs-tasks.amazonaws.com``,
    ``("logs", "cn-north-1")`` of ``logs.cn-north-1.amazonaws.com.cn``), or None when it ends with no
    partition's DNS suffix (an account, an ARN)."""
    for suffix in _SUFFIXES:
        if principal.endswith(f".{suffix}"):
            name, _, last = principal.removesuffix(f".{suffix}").rpartition(".")
            if name and any(re.match(pattern, last) for _, pattern in PARTITION_REGIONS):
                return name, last
            return principal.removesuffix(f".{suffix}"), ""
    return None


def misnamed(principal: str, partition: str) -> str | None:
    """Why ``principal`` is not a service's name in ``partition``, or None when it is (or names no
    service)."""
    named = service_of(principal)
    if named is None:
        return None
    expected = service_principal(named[0], partition, named[1])
    return None if principal == expected else f"{principal} is {expected} in {partition}"
