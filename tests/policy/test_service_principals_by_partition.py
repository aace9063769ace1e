"""The pack knows a service principal by any partition's DNS suffix: a Lambda permission for China's
CloudWatch Logs (``logs.amazonaws.com.cn``) needs its source as ``logs.amazonaws.com`` does, and a trust
of Cognito under any partition's name needs its identity pool. The names are those of
tests/models/service_principals.py (terraform-provider-aws, ``servicePrincipalNameForPartition``)."""

from __future__ import annotations

import json

import pytest
from botocore.loaders import Loader

from components.validation import PARTITION_DNS_SUFFIXES
from conditions import DNS_SUFFIXES, service_of
from tests.models.service_principals import service_principal
from tests.policy.engine import violations

#: A region of each partition (botocore endpoints.json).
REGIONS = {
    partition["partition"]: min(partition["regions"]) for partition in Loader().load_data("endpoints")["partitions"]
}
PERMISSION = "aws:lambda/permission:Permission"
SERVICES = ("logs", "events", "s3", "codedeploy")


def principals(partition: str) -> list[str]:
    """Each service's principal in ``partition``, global and regional."""
    return [service_principal(service, partition, region) for service in SERVICES
            for region in ("", REGIONS[partition])]  # fmt: skip


def test_the_pack_knows_every_partitions_dns_suffix() -> None:
    assert sorted(DNS_SUFFIXES) == sorted(set(PARTITION_DNS_SUFFIXES.values()))


@pytest.mark.parametrize("partition", sorted(REGIONS))
def test_each_service_principal_of_each_partition_is_known_as_a_service(partition: str) -> None:
    for principal in principals(partition):
        assert service_of(principal) is not None, principal


@pytest.mark.parametrize("principal", ["123456789012", "arn:aws-cn:iam::123456789012:root", "*", "amazonaws.com.cn"])
def test_an_account_an_arn_or_a_bare_suffix_is_no_service(principal: str) -> None:
    assert service_of(principal) is None


@pytest.mark.parametrize("partition", sorted(REGIONS))
def test_a_lambda_permission_for_a_service_of_any_partition_without_its_source_is_refused(partition: str) -> None:
    for principal in principals(partition):
        reported = violations(PERMISSION, {"principal": principal, "action": "lambda:InvokeFunction"})
        assert any("without sourceArn" in message for message in reported), principal


@pytest.mark.parametrize("partition", sorted(REGIONS))
def test_a_lambda_permission_for_s3_of_any_partition_without_its_account_is_refused(partition: str) -> None:
    """A source that names an account (an access point) passes the source check: only the S3 rule asks."""
    source = f"arn:{partition}:s3:{REGIONS[partition]}:123456789012:accesspoint/uploads"
    reported = violations(PERMISSION, {"principal": service_principal("s3", partition), "sourceArn": source})
    assert any("without sourceAccount" in message for message in reported)


@pytest.mark.parametrize("suffix", sorted(set(PARTITION_DNS_SUFFIXES.values())))
def test_a_cognito_trust_under_any_partitions_name_must_name_its_identity_pool(suffix: str) -> None:
    provider = f"cognito-identity.{suffix}"
    statement = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}
    trust = {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}
    assert any("names no identity pool" in message for message in violations("aws:iam/role:Role", trust))
    pool = "cn-north-1:12345678-1234-1234-1234-123456789012"
    statement["Condition"] = {"StringEquals": {f"{provider}:aud": pool}}
    trust = {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}
    assert violations("aws:iam/role:Role", trust) == []
