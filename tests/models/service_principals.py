"""The name a service answers to as a principal in each partition (a trust policy's or a resource
policy's ``Principal.Service``, a permission's ``principal``, ``iam:PassedToService``,
``iam:AWSServiceName``).

As the Terraform provider that pulumi-aws bridges computes it for its ``aws_service_principal`` data
source (hashicorp/terraform-provider-aws, internal/service/meta/service_principal_data_source.go,
``servicePrincipalNameForPartition``, whose exceptions come from AWS's CDK,
aws-cdk-lib/region-info/lib/default.ts): ``<service>.amazonaws.com`` in every partition, but for the
services below, which answer to ``<service>.<the partition's DNS suffix>`` there. So ``logs`` is
``logs.amazonaws.com.cn`` in China, while ``ecs-tasks``, ``events``, ``lambda`` and
``delivery.logs`` keep ``amazonaws.com``.
"""

from __future__ import annotations

#: The partitions' DNS suffixes other than ``amazonaws.com`` where a service takes one (the provider's
#: ``partition.DNSSuffix()``, botocore's ``endpoints.json`` ``dnsSuffix``).
DNS_SUFFIXES = {"aws-cn": "amazonaws.com.cn", "aws-iso": "c2s.ic.gov", "aws-iso-b": "sc2s.sgov.gov"}
#: The services that answer to the partition's own DNS suffix there.
OWN_SUFFIX = {
    "aws-cn": frozenset({"codedeploy", "elasticmapreduce", "logs"}),
    "aws-iso": frozenset({"cloudhsm", "config", "logs", "workspaces"}),
    "aws-iso-b": frozenset({"dms", "logs"}),
}
_SUFFIXES = sorted({"amazonaws.com", *DNS_SUFFIXES.values()}, key=len, reverse=True)


def service_principal(service: str, partition: str) -> str:
    """The principal of ``service`` (``ecs-tasks``, ``logs``...) in ``partition``."""
    if service in OWN_SUFFIX.get(partition, ()):
        return f"{service}.{DNS_SUFFIXES[partition]}"
    return f"{service}.amazonaws.com"


def service_of(principal: str) -> str | None:
    """The service a principal names (``ecs-tasks`` of ``ecs-tasks.amazonaws.com``), or None when it
    ends with no partition's suffix (an account, an ARN)."""
    for suffix in _SUFFIXES:
        if principal.endswith(f".{suffix}"):
            return principal.removesuffix(f".{suffix}")
    return None


def misnamed(principal: str, partition: str) -> str | None:
    """Why ``principal`` is not a service's name in ``partition``, or None when it is (or names no
    service)."""
    service = service_of(principal)
    if service is None:
        return None
    expected = service_principal(service, partition)
    return None if principal == expected else f"{principal} is {expected} in {partition}"
