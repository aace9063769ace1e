"""Nothing the program hands to AWS is refused: every input of every resource registered by dev, prod,
the maximal stack and the example passes the rule AWS documents for it (``tests/models/aws_contract.py``).

Mocks accept any string; EC2 refused the apostrophe in a security-group rule's description on every
deploy while 700 tests passed. A type or an input with no rule fails here, so nothing new goes unchecked.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

import settings
from components.service.service_spec import ServiceSpec
from tests.models import aws_api
from tests.models.aws_contract import (
    CONTRACT,
    INLINE_ROLE_POLICIES_LIMIT,
    RULE_DESCRIPTION,
    RULES,
    SECURITY_GROUP_RULES_PER_DIRECTION,
    iam_size,
    security_group_rules_over,
    strings_in,
)
from tests.program.stacks import PROGRAMS, recorded_run, run_config
from tools.offline import RecordingMocks, Registered, Run, run_program

TRUST_WITH_RESOURCE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Resource": "*",
            }
        ],
    }
)
COMPONENTS = "graviton-node:"
"""This program's own component resources: the engine keeps them, no AWS API sees them."""


def rolling_prod() -> Run:
    """prod deploying by rolling update: its requests policy reads the predefined ALBRequestCountPerTarget of
    its one target group, which no program sets since prod's canary reads both groups by metric math."""
    return recorded_run("prod", {"deploymentStrategy": "rolling"})


def aws_resources(run: Run) -> list[Registered]:
    return [r for r in run.mocks.resources if not r.type.startswith(COMPONENTS)]


def rules_in(rule: aws_api.Rule) -> Iterator[aws_api.Rule]:
    """``rule`` and every rule inside it."""
    yield rule
    for inner in getattr(rule, "rules", ()):
        yield from rules_in(inner)
    if isinstance(rule, (aws_api.Each, aws_api.Json, aws_api.Whole)):
        yield from rules_in(rule.rule)


def every_rule() -> Iterator[tuple[str, str, aws_api.Rule]]:
    for typ, rules in RULES.items():
        for path, rule in rules.items():
            for inner in rules_in(rule):
                yield typ, path, inner


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_input_of_every_registered_resource_passes_the_rule_aws_documents_for_it(program: str) -> None:
    problems = []
    for resource in aws_resources(run_config(program)):
        found, _ = CONTRACT.problems(resource.type, resource.name, resource.inputs)
        problems += found
    assert problems == []


def test_every_input_of_a_rolling_prod_passes_the_rule_aws_documents_for_it() -> None:
    problems = []
    for resource in aws_resources(rolling_prod()):
        problems += CONTRACT.problems(resource.type, resource.name, resource.inputs)[0]
    assert problems == []


def test_an_integer_past_32_bits_is_refused_by_the_contract_as_the_provider_would_wrap_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """maxPercent 2147483648 with the program's own checks of it taken away: the contract alone catches it
    (botocore ecs ``BoxedInteger``, 32 bits), as it would any integer input a check forgot."""
    monkeypatch.setattr(settings, "integer", lambda _key, raw, default=None: int(raw) if raw is not None else default)
    monkeypatch.setattr(ServiceSpec, "_check_max_percent", lambda _self: None)
    run = run_program("dev", {"maxPercent": "2147483648"}, mocks=RecordingMocks())
    problems = [p for r in aws_resources(run) for p in CONTRACT.problems(r.type, r.name, r.inputs)[0]]
    assert problems == [
        "aws:ecs/service:Service dev-app-svc: deploymentMaximumPercent: CreateService:deploymentConfiguration."
        "maximumPercent: 2147483648.0 does not fit a 32-bit BoxedInteger (integer)"
    ]
    shape = aws_api.shape_at("ecs", "DeploymentConfiguration.maximumPercent")
    assert aws_api.shape_problems(shape, 2**31 - 1, "") == [] != aws_api.shape_problems(shape, 2**31, "")


@pytest.mark.parametrize(
    ("user", "controls", "port", "refused"),
    [
        ("1000:1000", [], 80, True),
        ("node", [], 1023, True),
        ("1000:1000", [], 1024, False),
        ("0", [], 80, False),
        ("root:root", [], 443, False),
        ("1000", [{"namespace": "net.ipv4.ip_unprivileged_port_start", "value": "80"}], 80, False),
    ],
)
def test_the_contract_refuses_a_port_below_1024_mapped_by_a_container_that_is_not_root(
    user: str, controls: list[dict[str, str]], port: int, refused: bool
) -> None:
    container = {"name": "app", "image": "i", "user": user, "portMappings": [{"containerPort": port}]}
    task = {"family": "f", "containerDefinitions": json.dumps([{**container, "systemControls": controls}])}
    problems = CONTRACT.problems("aws:ecs/taskDefinition:TaskDefinition", "t", task)[0]
    assert bool([p for p in problems if "cannot bind a port below" in p]) is refused


def test_a_domain_under_an_internationalised_top_level_domain_passes_acm_and_route_53() -> None:
    run = run_program("dev", {"domainName": "app.xn--p1ai", "hostedZoneId": "Z0123456789ABC"})
    named = [
        r for r in aws_resources(run) if r.type in ("aws:acm/certificate:Certificate", "aws:route53/record:Record")
    ]
    assert {r.type for r in named} == {"aws:acm/certificate:Certificate", "aws:route53/record:Record"}
    assert [p for r in named for p in CONTRACT.problems(r.type, r.name, r.inputs)[0]] == []


def test_the_components_themselves_send_nothing_to_aws() -> None:
    components = [
        r for program in PROGRAMS for r in run_config(program).mocks.resources if r.type.startswith(COMPONENTS)
    ]
    assert components
    assert all(r.inputs == {} for r in components)


def handed_out(run: Run) -> set[str]:
    """Every value the (mock) provider issued: IDs, the outputs it made (not the inputs it echoes back)
    and the answers of invokes."""
    issued = {r.id for r in run.mocks.resources}
    for r in run.mocks.resources:
        issued |= {s for key, value in r.outputs.items() if key not in r.inputs for s in strings_in(value)}
    return issued | {s for answer in run.mocks.answers for s in strings_in(answer)}


def made_up(run: Run) -> list[tuple[str, str, str]]:
    """``ISSUED`` inputs whose value the provider never handed out."""
    issued = handed_out(run)
    found = []
    for resource in aws_resources(run):
        _, used = CONTRACT.problems(resource.type, resource.name, resource.inputs)
        for path in used:
            if any(isinstance(rule, aws_api.Issued) for rule in rules_in(RULES[resource.type][path])):
                values = strings_in(lookup(resource.inputs, path))
                found += [(resource.name, path, value) for value in values if value not in issued]
    return found


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_id_or_arn_passed_back_is_one_the_provider_handed_out(program: str) -> None:
    """``ISSUED`` inputs skip the format checks because AWS made them: hold them to that."""
    assert made_up(run_config(program)) == []


def test_an_id_the_program_made_up_is_caught() -> None:
    run = run_config("dev")
    target_group = next(r for r in run.mocks.resources if r.type == "aws:lb/targetGroup:TargetGroup")
    invented = copy.deepcopy(run)
    for resource in invented.mocks.resources:
        if resource.urn == target_group.urn:
            resource.inputs = {**resource.inputs, "vpcId": "vpc-123"}
    assert ("dev-app-tg", "vpcId", "vpc-123") in made_up(invented)


def lookup(inputs: dict[str, Any], path: str) -> list[Any]:
    """Every value at ``path`` (``a.b``, ``a[].b``) in ``inputs``."""
    values: list[Any] = [inputs]
    for part in path.split("."):
        key = part.removesuffix("[]")
        values = [v[key] for v in values if isinstance(v, dict) and key in v]
        if part.endswith("[]"):
            values = [item for v in values for item in v]
    return values


@pytest.mark.parametrize("program", PROGRAMS)
def test_no_security_group_holds_more_rules_in_one_direction_than_the_vpc_quota(program: str) -> None:
    assert security_group_rules_over(aws_resources(run_config(program))) == []


def test_a_group_over_the_rules_quota_is_caught() -> None:
    """The count sees what one run registers: 61 outbound rules on the tasks' group (built without settings,
    which refuse them) are one too many."""
    run = run_config("dev")
    egress = next(
        r for r in run.mocks.resources if r.type.endswith("SecurityGroupEgressRule") and "-sg-egress-" in r.name
    )
    crowded = [*aws_resources(run), *([egress] * SECURITY_GROUP_RULES_PER_DIRECTION)]
    (over,) = security_group_rules_over(crowded)
    assert f"{SECURITY_GROUP_RULES_PER_DIRECTION + 1} outbound IPv4 rules" in over


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_inline_policies_of_each_role_fit_iams_10240_characters(program: str) -> None:
    """IAM: "Role policy size cannot exceed 10,240 characters" for all inline policies of a role together
    (reference_iam-quotas), white space not counted."""
    per_role: dict[str, int] = defaultdict(int)
    for policy in run_config(program).mocks.inputs_of("aws:iam/rolePolicy:RolePolicy"):
        per_role[policy["role"]] += iam_size(policy["policy"])
    assert per_role
    assert {role: size for role, size in per_role.items() if size > INLINE_ROLE_POLICIES_LIMIT} == {}


def test_every_rule_is_used_by_some_program() -> None:
    """A rule no program (nor the rolling prod) reaches is a rule for an input that is no longer set: the
    table stays true."""
    used: dict[str, set[str]] = defaultdict(set)
    for run in [*map(run_config, PROGRAMS), rolling_prod()]:
        for resource in aws_resources(run):
            used[resource.type] |= CONTRACT.problems(resource.type, resource.name, resource.inputs)[1]
    assert {typ: sorted(set(rules) - used[typ]) for typ, rules in RULES.items() if set(rules) - used[typ]} == {}


def test_every_quoted_rule_is_stated_in_botocores_documentation() -> None:
    """The character sets and ranges written by hand are AWS's words, found where the row says."""
    quotes = [(typ, path, getattr(rule, "cited", None)) for typ, path, rule in every_rule()]
    missing = [
        (typ, path, str(quote))
        for typ, path, quote in quotes
        if isinstance(quote, aws_api.Quote) and quote.says not in aws_api.documentation(quote.service, quote.where)
    ]
    assert missing == []


def test_every_api_rule_names_a_member_botocore_knows() -> None:
    for _, _, rule in every_rule():
        if isinstance(rule, aws_api.Api):
            aws_api.shape_at(rule.service, rule.where)


def test_the_rule_description_with_an_apostrophe_is_refused_as_ec2_refuses_it() -> None:
    problems = RULE_DESCRIPTION.problems("Load balancer to the tasks' app port")
    assert len(problems) == 2
    assert all('characters "\'" outside' in problem for problem in problems)
    assert RULE_DESCRIPTION.problems("Load balancer to the tasks app port") == []


@pytest.mark.parametrize(
    ("typ", "inputs", "expected"),
    [
        ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", {"description": "it's"}, "description"),
        ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"description": "A & B"}, "description"),
        (
            "aws:ecs/taskDefinition:TaskDefinition",
            {"containerDefinitions": '[{"name": "app", "image": "x", "stopTimeout": 300}]'},
            "stopTimeout",
        ),
        ("aws:iam/role:Role", {"assumeRolePolicy": TRUST_WITH_RESOURCE}, "names no Resource"),
        ("aws:cloudwatch/eventRule:EventRule", {"scheduleExpression": "at(2026-12-01T00:00:00)"}, "scheduleExpression"),
        ("aws:iam/role:Role", {"name": "r\u00f4le"}, "name"),
        (
            "aws:cloudwatch/dashboard:Dashboard",
            {"dashboardBody": '{"widgets": [{"type": "metric", "x": 20, "width": 12, "properties": {"region": "x"}}]}'},
            "past the 24 columns",
        ),
        ("aws:lambda/function:Function", {"environment": {"variables": {"AWS_REGION": "x"}}}, "reserved by Lambda"),
        ("aws:ssm/parameter:Parameter", {"name": "app/x"}, "starts with /"),
        ("aws:lb/targetGroup:TargetGroup", {"port": 70000.0}, "port"),
        ("aws:ecs/service:Service", {"propagateTags": "ALL"}, "propagateTags"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", {"period": 90.0}, "period"),
        (
            "aws:appautoscaling/policy:Policy",
            {
                "targetTrackingScalingPolicyConfiguration": {
                    "customizedMetricSpecification": {"metrics": [{"id": "Tasks"}]}
                }
            },
            "first character is not a lowercase letter",
        ),
        ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 2.0}, "retentionInDays"),
        (
            "aws:iam/role:Role",
            {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": []})},
            "statement",
        ),
        (
            "aws:iam/rolePolicy:RolePolicy",
            {"policy": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}'},
            "policy",
        ),
        ("aws:cloudwatch/dashboard:Dashboard", {"dashboardName": "prod app"}, "dashboardName"),
        ("aws:ssm/parameter:Parameter", {"name": "/aws/app/x"}, "name"),
        ("aws:lb/loadBalancer:LoadBalancer", {"idleTimeout": 5000.0}, "idleTimeout"),
        (
            "aws:ecs/taskDefinition:TaskDefinition",
            {"containerDefinitions": '[{"name": "app", "imaeg": "x"}]'},
            "containerDefinitions",
        ),
        (
            "aws:lb/listenerRule:ListenerRule",
            {"conditions": [{"pathPattern": {"values": ["/a*/b*/c*", "/d*/e*/f*"]}}]},
            "conditions: 6 wildcards, over 5",
        ),
        (
            "aws:lb/listenerRule:ListenerRule",
            {"conditions": [{"pathPattern": {"values": ["/a", "/b", "/c"]}}, {"httpHeader": {"values": list("xyz")}}]},
            "conditions: 6 condition values, over 5",
        ),
        ("aws:ecs/service:Service", {"unknownInput": 1}, "unknownInput: no rule"),
        ("aws:ec2/instance:Instance", {}, "no rules for this resource type"),
    ],
    ids=lambda value: value if isinstance(value, str) and ":" not in value else None,
)
def test_a_value_aws_would_refuse_is_named_with_its_input(typ: str, inputs: dict[str, Any], expected: str) -> None:
    problems, _ = CONTRACT.problems(typ, "x", inputs)
    assert problems
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("typ", "name", "refused"),
    [
        ("aws:lb/targetGroup:TargetGroup", "a-stack-name-that-is-too-long-app-tg", True),
        ("aws:lb/loadBalancer:LoadBalancer", "internal-web-alb", True),
        ("aws:ec2/securityGroup:SecurityGroup", "sg-web", True),
        ("aws:s3/bucket:Bucket", "Prod_Web.Logs", True),
        ("aws:iam/role:Role", "x" * 57, True),
        ("aws:lb/targetGroup:TargetGroup", "prod-app-tg", False),
    ],
)
def test_names_pulumi_makes_from_the_resource_name_are_held_to_awss_naming_rules(
    typ: str, name: str, refused: bool
) -> None:
    problems, _ = CONTRACT.problems(typ, name, {})
    if refused:
        assert problems != []
    else:
        assert problems == []
