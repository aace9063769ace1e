"""Every ARN the mocks give is shaped as AWS forms it, in the stack's partition, region and account: the
plan, the IAM policies built from these ARNs and the boundary tests that evaluate them read no ARN that
AWS would never issue.

The forms are AWS's data: the Service Authorization Reference's resource types, as parliament ships them
(``iam_definition.json``: per service prefix, ``resources[].arn``). Which types have an ARN of their own is
the provider's schema, read from the pulumi_aws SDK: an output ``arn`` (``<type>_arn`` where the schema
names it so, as a dashboard's ``dashboard_arn``); an ``arn`` given as an input names another resource."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator

import pytest

from components.arn_forms import OTHER_ARNS, SAR_ARNS
from components.testing import own_arn_output
from components.validation import partition_of
from tests.models.aws_contract import strings_in
from tests.models.iam import service_authorization
from tests.program.stacks import EXAMPLES, MAXIMAL, MAXIMAL_SECRET_KEYS, PLATFORM, PROGRAMS, STACKS, run_config
from tools.offline import RecordingMocks, Registered, Run, run_program, stack_config

SAR = service_authorization()
#: The fields whose values AWS lets hold a slash: a role's path, a parameter's and a log group's
#: hierarchy, an alias's name, an Application Auto Scaling resource ID (``service/CLUSTER/SERVICE``), a
#: policy's path, a secret's name (``graviton-node/prod/api-key``).
SLASHED = {"RoleNameWithPath", "ParameterNameWithoutLeadingSlash", "LogGroupName", "Alias", "ResourceId",
           "PolicyNameWithPath", "SecretId"}  # fmt: skip
ELSEWHERE = {"region": "eu-west-1", "account": "210987654321"}
#: Stacks in the other partitions the programs run in: AWS GovCloud (US) and China. Ningxia, not Beijing, where
#: Fargate runs in two AZs only and prod's three are refused (``fargate_zones``).
GOVCLOUD = {"region": "us-gov-west-1", "account": "210987654321"}
CHINA = {"region": "cn-northwest-1", "account": "210987654321"}


def sar_patterns(service: str, resource: str) -> set[str]:
    return {r["arn"] for s in SAR if s["prefix"] == service for r in s["resources"] if r["resource"] == resource}


@pytest.mark.parametrize("typ", sorted(SAR_ARNS))
def test_each_arn_pattern_is_the_one_the_service_authorization_reference_gives(typ: str) -> None:
    service, resource, pattern = SAR_ARNS[typ]
    assert pattern in sar_patterns(service, resource)


def test_a_type_has_its_arn_from_one_table_only() -> None:
    assert not set(SAR_ARNS) & set(OTHER_ARNS)


def arn_regex(pattern: str, partition: str, region: str, account: str) -> re.Pattern[str]:
    """``pattern`` as a regex: partition, region and account the stack's, every other field one or more
    characters without a colon (nor a slash, unless AWS lets the field hold one)."""
    known = {"Partition": partition, "Region": region, "Account": account}

    def field(match: re.Match[str]) -> str:
        name = match[1]
        if name in known:
            return re.escape(known[name])
        return "[^:]+" if name in SLASHED else "[^:/]+"

    parts = re.split(r"(\$\{\w+\})", pattern)
    return re.compile("".join(re.sub(r"\$\{(\w+)\}", field, p) if p.startswith("${") else re.escape(p) for p in parts))


#: An ARN anywhere in a string (a policy's JSON, a container's secrets): its partition.
_ANY_ARN = re.compile(r"(?<![\w-])arn:([\w-]*):")


def foreign_partitions(text: str, partition: str) -> set[str]:
    """The partitions other than ``partition`` that an ARN in ``text`` names."""
    return {found for found in _ANY_ARN.findall(text) if found != partition}


def misshapen(run: Run, partition: str, region: str, account: str) -> Iterator[str]:
    """What in ``run`` is not as AWS forms it: a type with an ARN and no form, an ARN off its pattern, an
    ARN given as an input that names no resource of the run, an ARN of another partition among the
    inputs (IAM refuses a policy naming one: ``check.in_partition``)."""
    own = {r.outputs[key] for r in run.mocks.resources if (key := own_arn_output(r.type)) and key in r.outputs}
    for resource in run.mocks.resources:
        for text in strings_in(resource.inputs):
            for other in foreign_partitions(text, partition):
                yield f"{resource.type} {resource.name}: an ARN of partition {other!r} in {text}"
    for resource in run.mocks.resources:
        key = own_arn_output(resource.type)
        if key is None:
            continue
        if key in resource.inputs:
            if resource.inputs[key] not in own:
                yield f"{resource.type} {resource.name}: {resource.inputs[key]} is no ARN of this stack"
            continue
        pattern = SAR_ARNS[resource.type][2] if resource.type in SAR_ARNS else OTHER_ARNS.get(resource.type)
        if pattern is None:
            yield f"{resource.type}: has an ARN ({key}), but no form in SAR_ARNS or OTHER_ARNS"
        elif not arn_regex(pattern, partition, region, account).fullmatch(str(resource.outputs.get(key))):
            yield f"{resource.type} {resource.name}: {resource.outputs.get(key)} is not {pattern}"


def _elsewhere(value: str, partition: str, region: str, account: str) -> str:
    """A config value naming ARNs of the default stack, moved to ``region`` and ``account``."""
    return (
        value.replace("arn:aws:", f"arn:{partition}:")
        .replace(":us-east-1:", f":{region}:")
        .replace(":123456789012:", f":{account}:")
    )


@functools.cache
def runs_in(region: str, account: str) -> dict[str, Run]:
    """Every program of ``PROGRAMS``, its stack in ``region`` and ``account``."""
    partition = partition_of(region) or "aws"
    where = {"aws:region": region, "aws:allowedAccountIds": f'["{account}"]'}
    maximal = {key: _elsewhere(value, partition, region, account) for key, value in MAXIMAL.items()}
    # prod's secrets are its own region's and partition's: a stack elsewhere names its own.
    prod_secrets = _elsewhere(stack_config("prod")["graviton-node:secrets"], partition, region, account)
    runs = {
        "dev": run_program("dev", where),
        "prod": run_program("prod", where | {"secrets": prod_secrets}),
        "maximal": run_program("prod", maximal | where, secret_keys=list(MAXIMAL_SECRET_KEYS)),
    }
    for name, root in EXAMPLES.items():
        mocks = RecordingMocks(stack_outputs={PLATFORM: runs["dev"].outputs})
        runs[name] = run_program(STACKS[name], where, mocks=mocks, root=root)
    assert set(runs) == set(PROGRAMS)
    return runs


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_arn_of_every_program_is_shaped_as_aws_forms_it(program: str) -> None:
    assert list(misshapen(run_config(program), "aws", "us-east-1", "123456789012")) == []


@pytest.mark.parametrize("where", [ELSEWHERE, GOVCLOUD, CHINA], ids=lambda where: where["region"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_a_stack_in_another_region_and_partition_has_them_in_every_arn(program: str, where: dict[str, str]) -> None:
    region, account = where["region"], where["account"]
    run = runs_in(region, account)[program]
    assert list(misshapen(run, partition_of(region) or "aws", region, account)) == []


def test_an_arn_of_another_partition_among_the_inputs_is_reported() -> None:
    statement = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:cn-north-1:1:key/k"}
    policy = Registered(type="aws:iam/rolePolicy:RolePolicy", name="p", inputs={"policy": json.dumps(statement)})
    run = Run(mocks=RecordingMocks(), outputs={})
    run.mocks.resources.append(policy)
    assert list(misshapen(run, "aws-cn", "cn-north-1", "1")) == [
        f"aws:iam/rolePolicy:RolePolicy p: an ARN of partition 'aws' in {json.dumps(statement)}"
    ]


def test_a_type_with_an_arn_and_no_form_is_reported() -> None:
    queue = Registered(type="aws:sqs/queue:Queue", name="q", inputs={}, outputs={"arn": "arn:aws:sqs:us-east-1:1:q"})
    table = Registered(type="aws:kinesis/stream:Stream", name="t", inputs={}, outputs={"arn": "arn:aws:kinesis:x"})
    run = Run(mocks=RecordingMocks(), outputs={})
    run.mocks.resources.extend([queue, table])
    assert list(misshapen(run, "aws", "us-east-1", "1")) == [
        "aws:kinesis/stream:Stream: has an ARN (arn), but no form in SAR_ARNS or OTHER_ARNS"
    ]


@pytest.mark.parametrize(
    ("arn", "shaped"),
    [
        ("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/50dc6c495c0c9188", True),
        ("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web", False),
        ("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/50dc/extra", False),
        ("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/50dc6c495c0c9188", False),
        ("arn:aws:elasticloadbalancing:us-east-1:2:loadbalancer/app/web/50dc6c495c0c9188", False),
        ("arn:aws-cn:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/50dc6c495c0c9188", False),
        ("arn:aws:lb:us-east-1:1:web", False),
    ],
)
def test_an_arn_is_shaped_only_with_every_field_of_its_pattern_and_the_stacks_place(arn: str, shaped: bool) -> None:
    pattern = SAR_ARNS["aws:lb/loadBalancer:LoadBalancer"][2]
    assert bool(arn_regex(pattern, "aws", "us-east-1", "1").fullmatch(arn)) == shaped


def test_a_global_services_arn_names_no_region() -> None:
    role = arn_regex(SAR_ARNS["aws:iam/role:Role"][2], "aws", "eu-west-1", "1")
    assert role.fullmatch("arn:aws:iam::1:role/graviton-node/dev/r")
    assert not role.fullmatch("arn:aws:iam:eu-west-1:1:role/graviton-node/dev/r")


def test_a_stack_in_china_has_the_partitions_domain_in_its_urls() -> None:
    outputs = runs_in(CHINA["region"], CHINA["account"])["dev"].outputs
    # endpoints.json: the aws-cn partition's dnsSuffix is amazonaws.com.cn.
    assert outputs["repository_url"] == "210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn/dev-app-repo"
    assert outputs["url"] == "http://dev-web-alb-1234567890.cn-northwest-1.elb.amazonaws.com.cn"
