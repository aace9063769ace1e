"""The violations a review crafted that the pack let through (75 of its 83 caught), each caught by its
rule with its fix under prod's policy config, and the class each one stood for: a wildcard OIDC audience,
``awslogs-create-group`` in any spelling Go reads as true, an EC2 ID with a wildcard, signing, session
and ``_AUTH`` credentials, and a load balancer's world-open group its tasks use too. And an action named
in another case is the same action to a condition that scopes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as UNKNOWN

from documents import EC2_ISSUED_IDS
from tests.models import go_strconv
from tests.policy.corpus import urn
from tests.policy.engine import stack_violations, violations

PROD = json.loads((Path(__file__).resolve().parents[2] / "policy" / "config.prod.json").read_text())
ACCOUNT = "123456789012"
ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
TASK, SERVICE = "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"
GROUP, LOAD_BALANCER = "aws:ec2/securityGroup:SecurityGroup", "aws:lb/loadBalancer:LoadBalancer"
GITHUB = "token.actions.githubusercontent.com"
SUB = {f"{GITHUB}:sub": "repo:octo/app:ref:refs/heads/main"}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def github_trust(audience: str) -> dict[str, Any]:
    return {"assumeRolePolicy": document({
        "Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {f"{GITHUB}:aud": audience, **SUB}}})}  # fmt: skip


def task(container: dict[str, Any]) -> dict[str, Any]:
    base = {"name": "app", "image": "x", "user": "1000:1000", "stopTimeout": 30, "readonlyRootFilesystem": True,
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/app"}}}  # fmt: skip
    return {"runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            "requiresCompatibilities": ["FARGATE"], "containerDefinitions": json.dumps([base | container])}  # fmt: skip


def creates_group(value: str) -> dict[str, Any]:
    return task({"logConfiguration": {"logDriver": "awslogs",
                                      "options": {"awslogs-group": "/a", "awslogs-create-group": value}}})  # fmt: skip


def environment(name: str) -> dict[str, Any]:
    return task({"environment": [{"name": name, "value": "x"}]})


def on(resource: str, action: str = "ec2:AuthorizeSecurityGroupIngress", **more: Any) -> dict[str, Any]:
    return {"policy": document({"Effect": "Allow", "Action": action, "Resource": resource, **more})}


def ec2(resource: str) -> str:
    return f"arn:aws:ec2:us-east-1:{ACCOUNT}:{resource}"


WORLD_443 = [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]


def service(*groups: str) -> dict[str, Any]:
    return {"name": "s", "cluster": "c", "networkConfiguration": {"securityGroups": list(groups), "subnets": ["x"]}}


SHARED = [(GROUP, {"id": "sg-lb", "ingress": WORLD_443}), (LOAD_BALANCER, {"securityGroups": ["sg-lb"]}),
          (SERVICE, service("sg-lb"))]  # fmt: skip
SHARED_IN_A_PREVIEW = [
    (GROUP, {"id": UNKNOWN, "ingress": WORLD_443}, urn(GROUP, "lb-sg")),
    (LOAD_BALANCER, {"securityGroups": [UNKNOWN]}, urn(LOAD_BALANCER, "alb"),
     {"securityGroups": [urn(GROUP, "lb-sg")]}),
    (SERVICE, service(UNKNOWN), urn(SERVICE, "web"), {"networkConfiguration": [urn(GROUP, "lb-sg")]}),
]  # fmt: skip

#: (id, rule, a fragment of its fix, the resources).
CASES: list[tuple[str, str, str, list[tuple[Any, ...]]]] = [
    ("github-audience-s-star", "iam-trust-scoped", "with no wildcard", [(ROLE, github_trust("s*"))]),
    ("create-group-1", "ecs-containers-hardened", "declare the group", [(TASK, creates_group("1"))]),
    ("create-group-t", "ecs-containers-hardened", "declare the group", [(TASK, creates_group("t"))]),
    ("ec2-security-group-id-prefix", "iam-least-privilege", "on every resource",
     [(ROLE_POLICY, on(ec2("security-group/sg-*")))]),
    ("jwt-signing-key", "ecs-containers-hardened", "passes JWT_SIGNING_KEY", [(TASK, environment("JWT_SIGNING_KEY"))]),
    ("session-key", "ecs-containers-hardened", "passes SESSION_KEY", [(TASK, environment("SESSION_KEY"))]),
    ("redis-auth", "ecs-containers-hardened", "passes REDIS_AUTH", [(TASK, environment("REDIS_AUTH"))]),
    ("load-balancer-group-shared-with-tasks", "world-open-only-on-load-balancers", "tasks use too", SHARED),
    ("the-same-in-a-preview", "world-open-only-on-load-balancers", "tasks use too", SHARED_IN_A_PREVIEW),
]  # fmt: skip
STACK_RULE = "world-open-only-on-load-balancers"


@pytest.mark.parametrize(("rule", "fix", "resources"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_violation_the_review_crafted_is_caught_by_its_rule_with_its_fix(
    rule: str, fix: str, resources: list[tuple[Any, ...]]
) -> None:
    if rule == STACK_RULE:
        found = stack_violations(resources, PROD)
    else:
        ((resource_type, props),) = resources
        found = violations(resource_type, props, PROD)
    assert any(fix in m for m in found if m.startswith(f"{rule}: ")), found


def _reported(rule: str, resource_type: str, props: dict[str, Any]) -> bool:
    return any(m.startswith(f"{rule}: ") for m in violations(resource_type, props, PROD))


@given(before=st.text("sts.amazonaws.com", max_size=8), wildcard=st.sampled_from("*?"),
       after=st.text("sts.amazonaws.com*?", max_size=8))  # fmt: skip
def test_a_github_audience_with_a_wildcard_is_refused(before: str, wildcard: str, after: str) -> None:
    assert _reported("iam-trust-scoped", ROLE, github_trust(before + wildcard + after))


def test_a_github_audience_named_literally_passes() -> None:
    assert not _reported("iam-trust-scoped", ROLE, github_trust("sts.amazonaws.com"))


def _go_reads_true(value: str) -> bool:
    try:
        return go_strconv.parse_bool(value)
    except go_strconv.ParseBoolError:
        return False  # the driver refuses the option: the container fails, no group is created


@given(st.one_of(st.sampled_from(["1", "t", "T", "TRUE", "true", "True", "tRUE", "yes", "on", " true", "0", "F"]),
                 st.text(max_size=5)))  # fmt: skip
def test_awslogs_create_group_is_refused_exactly_when_go_reads_it_as_true(value: str) -> None:
    assert _reported("ecs-containers-hardened", TASK, creates_group(value)) == _go_reads_true(value)


@given(kind=st.sampled_from(sorted(EC2_ISSUED_IDS)), start=st.sampled_from(["", "x-", "x-0", "x-0a1b"]),
       wildcard=st.sampled_from(["*", "?", "*?", "??*"]))  # fmt: skip
def test_an_ec2_issued_id_with_a_wildcard_names_every_resource_of_its_type(
    kind: str, start: str, wildcard: str
) -> None:
    assert _reported("iam-least-privilege", ROLE_POLICY, on(ec2(f"{kind}/{start}{wildcard}")))


@pytest.mark.parametrize(
    "resource", ["security-group/sg-0123456789abcdef0", "key-pair/app-*", "placement-group/batch-*"]
)
def test_one_ec2_id_or_a_prefix_of_a_chosen_name_narrows(resource: str) -> None:
    assert not _reported("iam-least-privilege", ROLE_POLICY, on(ec2(resource)))


@pytest.mark.parametrize(
    ("name", "secret"),
    [("JWT_SIGNING_KEY", True), ("SIGNINGKEY", True), ("ENCRYPTION_KEY", True), ("SESSION_KEY", True),
     ("REDIS_AUTH", True), ("smtp_auth", True), ("ENABLE_AUTH", False), ("DISABLE_AUTH", False),
     ("USE_BASIC_AUTH", False), ("REQUIRE_AUTH", False), ("AUTH_ENABLED", False), ("OAUTH_CALLBACK_URL", False)],
)  # fmt: skip
def test_signing_session_and_auth_credentials_are_refused_and_switches_are_not(name: str, secret: bool) -> None:
    assert _reported("ecs-containers-hardened", TASK, environment(name)) == secret


CLUSTER = {"ArnEquals": {"ecs:cluster": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/app"}}


@given(st.sets(st.integers(0, len("ecs:ListTasks") - 1)))
def test_list_tasks_in_any_case_is_scoped_by_its_cluster_condition(upper: set[int]) -> None:
    """IAM compares action names case-insensitively (IAM User Guide, "IAM JSON policy elements: Action")."""
    action = "".join(c.upper() if i in upper else c.lower() for i, c in enumerate("ecs:ListTasks"))
    assert not _reported("iam-least-privilege", ROLE_POLICY, on("*", action, Condition=CLUSTER))
    assert _reported("iam-least-privilege", ROLE_POLICY, on("*", action))


def test_a_load_balancer_s_own_world_open_group_passes() -> None:
    own = [*SHARED[:2], (SERVICE, service("sg-task"))]
    assert not [m for m in stack_violations(own, PROD) if m.startswith(f"{STACK_RULE}: ")]
