"""The package's test mocks (``components/testing.py``) answer as AWS would, or say they cannot: a
consumer's tests never read an ARN AWS would not issue, nor a missing one."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from tests.models.aws_contract import PREFIXED_UNIQUE_ID
from tools.offline import RecordingMocks, run_mocked, run_program

STREAM = "aws:kinesis/stream:Stream"
#: terraform-plugin-sdk ``id.PrefixedUniqueId``'s suffix: an 18-digit timestamp and an 8-hex-digit counter.
UNIQUE_SUFFIX = r"\d{18}[0-9a-f]{8}"


def kinesis_arn(name: str, inputs: Mapping[str, Any], *, partition: str, region: str, account: str) -> str:
    # The SAR's Kinesis stream: arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}.
    return f"arn:{partition}:kinesis:{region}:{account}:stream/{inputs.get('name') or name}"


def stream_and_its_writer() -> None:
    stream = aws.kinesis.Stream("events", name="orders", shard_count=1)
    statement = {"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": stream.arn}
    aws.iam.Policy("writer", policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [statement]}))


def test_a_type_with_an_arn_and_no_form_is_refused_naming_it_and_how_to_add_one() -> None:
    # Asked directly: a run it fails leaves its resources' faulted outputs for asyncio to report at exit.
    stream = pulumi.runtime.MockResourceArgs(STREAM, "events", {"shardCount": 1})
    with pytest.raises(NotImplementedError, match=rf"no ARN form for {STREAM}: .*RecordingMocks\(arns="):
        RecordingMocks().new_resource(stream)


def test_a_type_with_no_arn_of_its_own_needs_no_form() -> None:
    attachment = pulumi.runtime.MockResourceArgs("aws:iam/rolePolicy:RolePolicy", "p", {"role": "r", "policy": "{}"})
    assert "arn" not in RecordingMocks().new_resource(attachment)[1]


def test_a_form_given_to_the_mocks_forms_that_types_arn() -> None:
    mocks = RecordingMocks(arns={STREAM: kinesis_arn}, region="eu-west-1")
    run_mocked(stream_and_its_writer, mocks=mocks)
    arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
    assert mocks.one(STREAM).outputs["arn"] == arn
    assert f'"Resource": "{arn}"' in mocks.one("aws:iam/policy:Policy").inputs["policy"]


@pytest.mark.parametrize(
    ("build", "arn"),
    [
        (lambda: aws.iam.Policy("p", name="readers", path="/team/", policy="{}"),
         "arn:aws:iam::123456789012:policy/team/readers"),
        (lambda: aws.secretsmanager.Secret("s", name="graviton-node/dev/api-key"),
         r"arn:aws:secretsmanager:us-east-1:123456789012:secret:graviton-node/dev/api-key-[A-Za-z0-9]{6}"),
        (lambda: aws.dynamodb.Table("t", name="orders", hash_key="id", attributes=[{"name": "id", "type": "S"}]),
         "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
    ],
    ids=["iam policy", "secret", "table"],
)  # fmt: skip
def test_the_common_types_outside_the_program_have_their_arn_as_aws_forms_it(
    build: Callable[[], Any], arn: str
) -> None:
    (resource,) = run_mocked(lambda: build() and None).mocks.resources
    assert re.fullmatch(arn, resource.outputs["arn"]), resource.outputs["arn"]


def test_the_contracts_model_of_the_providers_unique_suffix_has_the_same_form() -> None:
    assert re.fullmatch(UNIQUE_SUFFIX, PREFIXED_UNIQUE_ID)


def test_a_name_prefix_names_the_resource_and_its_arn_with_the_providers_unique_suffix() -> None:
    mocks = run_mocked(lambda: aws.cloudwatch.LogGroup("spot", name_prefix="/aws/events/app-") and None).mocks
    outputs = mocks.one("aws:cloudwatch/logGroup:LogGroup").outputs
    assert re.fullmatch(f"/aws/events/app-{UNIQUE_SUFFIX}", outputs["name"])
    assert outputs["arn"] == f"arn:aws:logs:us-east-1:123456789012:log-group:{outputs['name']}"


def test_a_roles_name_prefix_and_path_are_in_its_arn() -> None:
    mocks = run_mocked(
        lambda: aws.iam.Role("r", name_prefix="app-", path="/team/", assume_role_policy="{}") and None
    ).mocks
    outputs = mocks.one("aws:iam/role:Role").outputs
    assert re.fullmatch(f"arn:aws:iam::123456789012:role/team/app-{UNIQUE_SUFFIX}", outputs["arn"])
    assert outputs["arn"].endswith(outputs["name"])


def test_a_bucket_prefix_names_the_bucket() -> None:
    mocks = run_mocked(lambda: aws.s3.Bucket("b", bucket_prefix="logs-") and None).mocks
    outputs = mocks.one("aws:s3/bucket:Bucket").outputs
    assert re.fullmatch(f"logs-{UNIQUE_SUFFIX}", outputs["bucket"])
    assert outputs["arn"] == f"arn:aws:s3:::{outputs['bucket']}"


def test_the_arn_of_a_recorded_resource_is_the_one_the_mocks_gave_it() -> None:
    role = "aws:iam/role:Role"
    mocks = run_mocked(lambda: aws.iam.Role("r", name="app", path="/team/", assume_role_policy="{}") and None).mocks
    assert mocks.arn(role, "r") == mocks.one(role).outputs["arn"] == "arn:aws:iam::123456789012:role/team/app"
    assert mocks.arn(role, "other") == "arn:aws:iam::123456789012:role/other"
    assert mocks.arn(role, "r", {"name": "x"}) == "arn:aws:iam::123456789012:role/x"


def test_a_program_s_resources_are_recorded_in_one_order_on_every_run() -> None:
    """The SDK hands its calls to an executor: from a pool of threads the mocks recorded them in the order the
    threads happened to run, another on each run even on an idle machine (prod's many rules and alarms wait on
    the same few IDs), and a test reading the record in order passed or failed by chance."""
    orders = {tuple((r.type, r.name) for r in run_program("prod").mocks.resources) for _ in range(3)}
    assert len(orders) == 1


def buckets_around_two_reads() -> None:
    aws.s3.Bucket("a")
    pulumi.StackReference("org/platform/prod")
    aws.s3.Bucket.get("got", "got-id")
    aws.s3.Bucket("b")


def test_reads_are_recorded_where_the_program_made_them_too() -> None:
    """A ``get`` and a stack reference reach the mocks through the SDK's read call, not its registration."""
    orders = {
        tuple(
            r.name
            for r in run_mocked(
                buckets_around_two_reads, mocks=RecordingMocks({"org/platform/prod": {}})
            ).mocks.resources
        )
        for _ in range(5)
    }
    assert orders == {("a", "org/platform/prod", "got", "b")}
