"""Access logs in every Region: the log bucket admits the principal ELB delivers as there, by a table
kept from AWS's guides, so no Region needs ``aws.elb.getServiceAccount`` (which fails in the new ones)."""

import json

import pytest

from components.edge.elb_log_delivery import LEGACY_ELB_ACCOUNTS, PARTITIONS, SERVICE_PRINCIPAL, log_delivery_principal
from components.errors import ConfigError
from components.iam_policies import LOG_PREFIX, access_log_bucket_policy
from tests.models import elb_log_delivery as elb

ACCOUNT = "123456789012"
SERVED = [region for region in elb.elb_regions() if region[0] in PARTITIONS]
ELSEWHERE = [region for region in elb.elb_regions() if region[0] not in PARTITIONS]


def test_the_legacy_table_is_the_guides_list_region_by_region() -> None:
    descriptions = {region: description for _, region, description in elb.elb_regions()}
    assert {region: elb.legacy_account(descriptions[region]) for region in LEGACY_ELB_ACCOUNTS} == LEGACY_ELB_ACCOUNTS
    listed = {elb.legacy_account(description) for description in descriptions.values()} - {None}
    assert listed == set(elb.DOCUMENTED_LEGACY_ACCOUNTS.values()), "every listed Region is one ELB serves"


def test_the_legacy_table_is_the_one_the_terraform_provider_answers_get_service_account_from() -> None:
    assert LEGACY_ELB_ACCOUNTS == elb.TERRAFORM_ACCOUNTS


def test_the_regions_the_issue_names_are_served_by_the_service_principal_alone() -> None:
    newer = ["ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-west-1", "eu-central-2",
             "eu-south-2", "il-central-1", "me-central-1", "mx-central-1"]  # fmt: skip
    assert {region: log_delivery_principal(region=region, partition="aws") for region in newer} == {
        region: {"Service": SERVICE_PRINCIPAL} for region in newer
    }


@pytest.mark.parametrize(("partition", "region", "description"), SERVED, ids=[region for _, region, _ in SERVED])
def test_every_region_elb_serves_gets_a_policy_s3_accepts_and_elb_delivers_through(
    partition: str, region: str, description: str
) -> None:
    bucket = f"arn:{partition}:s3:::web-logs"
    delivery = log_delivery_principal(region=region, partition=partition)
    policy = json.loads(access_log_bucket_policy(bucket_arn=bucket, account_id=ACCOUNT, delivery=delivery))
    assert elb.malformed(policy, partition=partition, logs_arn=f"{bucket}/{LOG_PREFIX}/AWSLogs/{ACCOUNT}/") == []
    assert elb.can_deliver(
        policy, partition=partition, description=description, bucket_arn=bucket, prefix=LOG_PREFIX, account_id=ACCOUNT
    )
    if region in LEGACY_ELB_ACCOUNTS:
        assert delivery["AWS"] == f"arn:{partition}:iam::{LEGACY_ELB_ACCOUNTS[region]}:root"
    else:
        assert delivery == {"Service": SERVICE_PRINCIPAL}


@pytest.mark.parametrize(("partition", "region"), [(p, r) for p, r, _ in ELSEWHERE] + [("aws-cn", "cn-south-1")])
def test_where_aws_documents_no_log_delivery_access_logs_are_refused_naming_the_region(
    partition: str, region: str
) -> None:
    with pytest.raises(ConfigError) as error:
        log_delivery_principal(region=region, partition=partition)
    assert (error.value.key, error.value.value) == ("LoadBalancerSpec.access_logs", True)
    assert region in error.value.allowed


def test_the_model_refuses_a_policy_that_admits_only_the_legacy_account_in_a_newer_region() -> None:
    """The old policy's first statement alone: us-east-1's account, in Zurich, where no legacy policy works."""
    bucket = "arn:aws:s3:::web-logs"
    policy = json.loads(
        access_log_bucket_policy(
            bucket_arn=bucket, account_id=ACCOUNT, delivery={"AWS": "arn:aws:iam::127311923021:root"}
        )
    )
    assert not elb.can_deliver(
        policy, partition="aws", description="Europe (Zurich)", bucket_arn=bucket, prefix=LOG_PREFIX, account_id=ACCOUNT
    )
