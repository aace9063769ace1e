"""Every service a stack or a deploy identity names as a principal is named as it answers in the stack's
partition, by the rule of the provider pulumi-aws bridges (tests/models/service_principals.py): a
principal that names no service of the partition matches no request, and IAM accepts the policy all
the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.validation import PARTITION_DNS_SUFFIXES, partition_of
from tests.models.aws_contract import strings_in
from tests.models.service_principals import misnamed, service_principal
from tests.program.stacks import PROGRAMS, run_config
from tests.program.test_arn_shapes import CHINA, ELSEWHERE, GOVCLOUD, runs_in
from tools.deployer_policy import DOCUMENTS, document
from tools.offline import RecordingMocks, Registered, Run

#: The condition keys whose values are service principals (Service Authorization Reference, IAM).
SERVICE_KEYS = {"iam:passedtoservice", "iam:awsservicename"}


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | dict) else list(value or [])


def named_in(policy: Any) -> Iterator[str]:
    """The service principals a policy document names: in ``Principal.Service`` and as the value of a
    condition key that takes one."""
    if not isinstance(policy, dict):
        return
    for statement in _listed(policy.get("Statement")):
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            yield from _listed(principal.get("Service"))
        for tests in (statement.get("Condition") or {}).values():
            for key, value in tests.items():
                if key.lower() in SERVICE_KEYS:
                    yield from _listed(value)


def principals_of(run: Run) -> Iterator[tuple[str, str]]:
    """``(resource, principal)`` for every service principal among the run's inputs: in any policy
    document an input holds, and a Lambda permission's ``principal``."""
    for resource in run.mocks.resources:
        if resource.type == "aws:lambda/permission:Permission":
            yield resource.name, resource.inputs["principal"]
        for text in strings_in(resource.inputs):
            try:
                policy = json.loads(text)
            except ValueError:
                continue  # not JSON (a name, the smoke test's code...): no policy
            for principal in named_in(policy):
                yield resource.name, principal


def misnamed_in(run: Run, partition: str) -> list[str]:
    return [f"{name}: {why}" for name, principal in principals_of(run) if (why := misnamed(principal, partition))]


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_program_names_its_services_as_they_answer_in_the_commercial_partition(program: str) -> None:
    run = run_config(program)
    assert list(principals_of(run))
    assert misnamed_in(run, "aws") == []


@pytest.mark.parametrize("where", [ELSEWHERE, GOVCLOUD, CHINA], ids=lambda where: where["region"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_a_stack_in_another_partition_names_its_services_as_they_answer_there(
    program: str, where: dict[str, str]
) -> None:
    region = where["region"]
    assert misnamed_in(runs_in(region, where["account"])[program], partition_of(region) or "aws") == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_deploy_documents_name_each_service_as_it_answers_in_every_partition(name: str) -> None:
    """The documents carry no partition in their service names, so each must be the same in all."""
    for principal in named_in(document(name)):
        assert [why for p in PARTITION_DNS_SUFFIXES if (why := misnamed(principal, p))] == []


def test_a_service_with_a_partitions_own_suffix_misnamed_there_is_reported() -> None:
    services = ["logs.amazonaws.com", "ecs-tasks.amazonaws.com"]
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}]}
    role = Registered(type="aws:iam/role:Role", name="r", inputs={"assumeRolePolicy": json.dumps(trust)})
    run = Run(mocks=RecordingMocks(), outputs={})
    run.mocks.resources.append(role)
    assert misnamed_in(run, "aws") == []
    assert misnamed_in(run, "aws-cn") == ["r: logs.amazonaws.com is logs.amazonaws.com.cn in aws-cn"]


def test_a_condition_naming_a_service_is_read_as_a_principal() -> None:
    condition = {"StringEquals": {"iam:PassedToService": "codedeploy.amazonaws.com"}}
    passed = {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": condition}}
    assert list(named_in(passed)) == ["codedeploy.amazonaws.com"]
    assert misnamed("codedeploy.amazonaws.com", "aws-cn") == (
        "codedeploy.amazonaws.com is codedeploy.amazonaws.com.cn in aws-cn"
    )


@pytest.mark.parametrize(
    ("service", "partition", "principal"),
    [
        ("ecs-tasks", "aws-cn", "ecs-tasks.amazonaws.com"),
        ("delivery.logs", "aws-cn", "delivery.logs.amazonaws.com"),
        ("logs", "aws-cn", "logs.amazonaws.com.cn"),
        ("logs", "aws", "logs.amazonaws.com"),
        ("logs", "aws-us-gov", "logs.amazonaws.com"),
        ("logs", "aws-iso", "logs.c2s.ic.gov"),
        ("dms", "aws-iso-b", "dms.sc2s.sgov.gov"),
        ("config", "aws-iso-b", "config.amazonaws.com"),
        ("logs", "aws-eusc", "logs.amazonaws.com"),
    ],
)
def test_a_service_takes_its_partitions_suffix_only_where_the_provider_lists_it(
    service: str, partition: str, principal: str
) -> None:
    assert service_principal(service, partition) == principal


@pytest.mark.parametrize(
    ("principal", "partition", "why"),
    [
        ("logs.cn-north-1.amazonaws.com.cn", "aws-cn", None),
        (
            "logs.cn-north-1.amazonaws.com",
            "aws-cn",
            "logs.cn-north-1.amazonaws.com is logs.cn-north-1.amazonaws.com.cn in aws-cn",
        ),
        ("logs.us-east-1.amazonaws.com", "aws", None),
        ("ecs.application-autoscaling.amazonaws.com", "aws-cn", None),
        ("ecs-tasks.amazonaws.eu", "aws-eusc", "ecs-tasks.amazonaws.eu is ecs-tasks.amazonaws.com in aws-eusc"),
        ("123456789012", "aws", None),
    ],
)
def test_a_regional_principal_is_held_to_the_form_the_providers_data_source_gives(
    principal: str, partition: str, why: str | None
) -> None:
    """The data source's ``id``: ``<service>.<region>.<suffix>``; a region is told by its partition's
    pattern, so ``application-autoscaling`` stays part of the service's name."""
    assert misnamed(principal, partition) == why


def via_services(run: Run) -> Iterator[str]:
    """Every value of ``kms:ViaService`` in the policy documents among the run's inputs."""
    for resource in run.mocks.resources:
        for text in strings_in(resource.inputs):
            try:
                policy = json.loads(text)
            except ValueError:
                continue
            for statement in _listed(policy.get("Statement")) if isinstance(policy, dict) else ():
                for tests in (statement.get("Condition") or {}).values():
                    yield from (v for key, value in tests.items() if key.lower() == "kms:viaservice"
                                for v in _listed(value))  # fmt: skip


@pytest.mark.parametrize("where", [ELSEWHERE, GOVCLOUD, CHINA], ids=lambda where: where["region"])
def test_kms_via_service_is_the_service_in_the_stacks_region_with_the_amazonaws_com_suffix_in_every_partition(
    where: dict[str, str],
) -> None:
    """AWS KMS Developer Guide, services that support ``kms:ViaService``: "Use the .amazonaws.com suffix of
    the AWS KMS ViaService name in all AWS partitions" (not the China endpoint's ``.amazonaws.com.cn``)."""
    region = where["region"]
    values = {value for run in runs_in(region, where["account"]).values() for value in via_services(run)}
    assert values and all(value.endswith(f".{region}.amazonaws.com") for value in values), values
