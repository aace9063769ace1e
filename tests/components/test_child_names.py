"""Every public component judges the names its children get from its own, before it registers anything.

Pulumi auto-names a child after the component (``autonames``), and AWS or the provider refuses a name too
long, or in characters the resource type does not take, only when that child is created: half-way through
an update, after the image push. Here each public component is built under names of many lengths and
characters, and what it registers is held to the name rules (``autonames.RULES``, from botocore's shapes):
either it refuses the name first, registering nothing, or every child named after it fits."""

import re

import pytest

from components.autonames import RULES
from components.edge.alb_rules import AUTONAME_SUFFIX
from components.errors import ConfigError
from components.service.cluster import Cluster
from components.service.cluster_spec import ClusterSpec
from components.service.fargate_task import FargateTask, FargateTaskArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from tests.components.builders import DEPLOYER_ROLE, IMAGE, PUBLIC_COMPONENTS
from tools.offline import RecordingMocks, run_mocked

#: Each public component, and the shapes with optional children: a cluster that logs ECS Exec sessions, a task
#: with ECS Exec and stored secret values (its key, alias and parameters are named outright).
SHAPES = {
    **PUBLIC_COMPONENTS,
    "Cluster logging sessions": lambda name: Cluster(name, ClusterSpec(exec_logging=True)),
    "FargateTask with Exec and secret values": lambda name: FargateTask(
        name,
        FargateTaskArgs(
            spec=ServiceSpec(
                enable_execute_command=True,
                access=ServiceAccess(secret_value_names=("TOKEN",), deployer_role_arn=DEPLOYER_ROLE),
            ),
            image_ref=IMAGE,
            role_path="/",
            permissions_boundary_arn="",
            secret_values={"TOKEN": "t"},
        ),
    ),
}
#: The inputs that name a resource outright: Pulumi's auto-name does not apply then (the AWS input contract
#: judges those names).
NAMED = ("name", "namePrefix", "functionName", "targetId", "statementId", "dashboardName", "family")
#: Types that take no name, or whose name AWS holds to no rule: ``Pulumi`` may suffix them freely.
NAMELESS = {
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",  # botocore logs PolicyName: a string, no constraint
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:kms/key:Key",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "docker-build:index:Image",
    "docker-build:index:Index",
}
#: Around each rule's bound (a role's 64, a load balancer's 32) and past them all, and characters some
#: resource types refuse (ECR's upper case, ECS's ".", IAM's and Lambda's space and "/").
NAMES = [
    *(f"dev-{'a' * n}" for n in (8, 16, 20, 24, 28, 40, 48, 52, 56, 120, 250)),
    "Dev-Orders",
    "dev.orders",
    "dev orders",
    "dev/orders",
    "dev-ordérs",
]


def auto_named(mocks: RecordingMocks) -> list[tuple[str, str]]:
    """(type, name) of each resource Pulumi names after its own: a type no rule covers fails the test."""
    resources = [
        r
        for r in mocks.resources
        if not r.type.startswith("graviton-node:") and not any(r.inputs.get(k) for k in NAMED)
    ]
    unknown = {r.type for r in resources if r.type not in RULES and r.type not in NAMELESS}
    assert not unknown, f"no name rule for {unknown}: add its rule to autonames.RULES (or NAMELESS, with why)"
    return [(r.type, r.name) for r in resources if r.type in RULES]


def refusal(type_token: str, name: str) -> str:
    """Why AWS or the provider would refuse ``name`` with Pulumi's suffix for ``type_token`` ("" when not)."""
    rule = RULES[type_token]
    if len(name) + AUTONAME_SUFFIX > rule.most:
        return f"{len(name)} + {AUTONAME_SUFFIX} characters past {rule.most}"
    return "" if re.fullmatch(rule.pattern, f"{name}-0a1b2c3") else f"not {rule.pattern}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("component", sorted(SHAPES))
def test_a_component_refuses_a_name_before_registering_anything_or_every_child_named_after_it_is_one_aws_takes(
    component: str, name: str
) -> None:
    mocks = RecordingMocks()
    try:
        run_mocked(lambda: SHAPES[component](name), mocks=mocks)
    except ConfigError as error:
        assert (error.key, error.value) == ("name", name)
        assert mocks.resources == []
        return
    refused = {child: why for child in auto_named(mocks) if (why := refusal(*child))}
    assert refused == {}


@pytest.mark.parametrize("component", sorted(SHAPES))
def test_each_component_takes_a_short_stack_prefixed_name(component: str) -> None:
    assert run_mocked(lambda: SHAPES[component]("dev-orders")).mocks.resources
