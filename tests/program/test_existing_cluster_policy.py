"""A stack whose services join an existing cluster (``clusterArn``) of any name: its deployer, boundary and
operator documents filled with ``--cluster-name`` allow every call of its deploy, its task counter and its
shells there, and reach no other stack's tasks in that cluster.

ECS names a service and a task by their cluster (Service Authorization Reference, Amazon ECS:
``service/${ClusterName}/${ServiceName}``, ``task/${ClusterName}/${TaskId}``), so documents that scope
them by the stack's or its platform stack's cluster names (``PLATFORM_STACK-*``) refuse a cluster named
otherwise, e.g. ``shared``.
"""

from functools import cache
from typing import Any

import pytest

from tests.models import iam
from tests.models.iam import Request
from tests.program.deploy_requests import STACK_TAG, Program
from tests.program.stacks import CONFIGS, EXAMPLES, PLATFORM, recorded_run
from tests.program.test_deployer_policy import (
    ADMIN,
    POLICY,
    assert_the_boundary_leaves_each_role_everything,
    joining_deployer,
    project_of,
    refused,
    stack_values,
    staging_values,
)
from tools.deployer_policy import document, fill
from tools.deployer_policy import main as deployer_policy_main
from tools.offline import ACCOUNT, REGION, RecordingMocks, Run, main_program, run_mocked

SHARED = "shared"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{SHARED}"
#: The configs that join it: prod, and the maximal stack (ECS Exec with the cluster's key, autoscaling).
JOINING = ("prod", "maximal")
TASK = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{SHARED}/0123456789abcdef0123456789abcdef"
OWN, OTHERS = {STACK_TAG: "graviton-node/prod"}, {STACK_TAG: "graviton-node/dev"}


@cache
def joining(name: str) -> Run:
    stack, overrides, secret_keys = CONFIGS[name]
    return recorded_run(stack, {**overrides, "clusterArn": CLUSTER_ARN}, secret_keys)


def values(**more: str) -> dict[str, str]:
    """``tools/deployer_policy.py`` values for prod, with ``more``."""
    where = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws"}
    return where | {"PROJECT": "graviton-node", "STACK": "prod"} | more


def filled(name: str, **more: str) -> dict[str, Any]:
    return fill(document(name), values(**more))


def deployer(deploy: Program, **more: str) -> dict[str, Any]:
    """prod's deployer documents, as one, filled as the README fills them for ``deploy`` (and ``more``)."""
    return fill(POLICY, stack_values(deploy, "graviton-node", "prod") | more)


@pytest.mark.parametrize("name", JOINING)
def test_the_deployer_filled_with_the_clusters_name_allows_every_call_of_a_stack_joining_it(name: str) -> None:
    deploy = Program((joining(name),))
    assert refused(deploy, deployer(deploy, CLUSTER=SHARED)) == []


@pytest.mark.parametrize("name", JOINING)
def test_the_deployer_filled_without_it_is_refused_the_stacks_service_in_that_cluster(name: str) -> None:
    """The reason for ``--cluster-name``: the default scopes services by the stack's own cluster names."""
    deploy = Program((joining(name),))
    denied = refused(deploy, deployer(deploy))
    assert any(f"ecs:CreateService on arn:aws:ecs:{REGION}:{ACCOUNT}:service/{SHARED}/" in line for line in denied)


@pytest.mark.parametrize("name", JOINING)
def test_the_boundary_filled_with_the_clusters_name_leaves_each_role_everything(name: str) -> None:
    assert_the_boundary_leaves_each_role_everything(name, joining(name), filled("boundary", CLUSTER=SHARED))


def test_the_task_counter_reads_the_stacks_tasks_in_that_cluster_and_no_other_stacks() -> None:
    boundary = filled("boundary", CLUSTER=SHARED)
    assert iam.role_allows([ADMIN], Request("ecs:DescribeTasks", TASK, OWN), boundary)
    assert not iam.role_allows([ADMIN], Request("ecs:DescribeTasks", TASK, OTHERS), boundary)
    assert not iam.role_allows([ADMIN], Request("ecs:DescribeTasks", TASK.replace(SHARED, "other")), boundary)


def test_the_operator_opens_shells_in_the_stacks_tasks_in_that_cluster_and_in_no_other_stacks() -> None:
    operator = filled("operator", CLUSTER=SHARED)
    cluster = TASK.replace(":task/", ":cluster/").rsplit("/", 1)[0]
    assert iam.verdict([operator], Request("ecs:ExecuteCommand", cluster)) == "Allow"
    assert iam.verdict([operator], Request("ecs:ExecuteCommand", TASK, OWN)) == "Allow"
    assert iam.verdict([operator], Request("ecs:ExecuteCommand", TASK, OTHERS)) == "Deny"
    assert iam.verdict([operator], Request("ecs:ExecuteCommand", TASK)) != "Allow"


def test_a_cluster_of_the_stacks_own_name_needs_no_joining_statement() -> None:
    """Without ``--cluster-name`` (the stack creates its cluster) the documents stay as they were."""
    assert "CountStackTasksInThePlatformsCluster" not in str(filled("boundary"))
    assert "CountStackTasksInThePlatformsCluster" in str(filled("boundary", CLUSTER=SHARED))


@pytest.mark.parametrize("cluster", ["shared*", "a/b", "x" * 256])
def test_the_tool_refuses_a_cluster_name_ecs_does_not_take(cluster: str) -> None:
    """botocore ecs ``CreateClusterRequest.clusterName``: up to 255 letters, numbers, ``_`` and ``-``; a
    ``*`` would widen every statement it fills."""
    argv = ["--document", "deployer-ecs", "--account", ACCOUNT, "--region", REGION, "--cluster-name", cluster, "prod"]
    with pytest.raises(SystemExit) as exit_:
        deployer_policy_main(argv)
    assert exit_.value.code == 2


def test_the_tool_fills_the_clusters_name_into_every_ecs_service_and_task_arn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("deployer-ecs", "boundary", "operator"):
        argv = ["--document", name, "--account", ACCOUNT, "--region", REGION, "--cluster-name", SHARED, "prod"]
        assert deployer_policy_main(argv) == 0
        printed = capsys.readouterr().out
        assert f"/{SHARED}/" in printed and "prod-*/prod-*" not in printed, name


@pytest.mark.parametrize("program", sorted(EXAMPLES))
def test_an_example_joining_a_platform_in_an_existing_cluster_needs_the_clusters_name_as_its_readme_says(
    program: str,
) -> None:
    """The platform (prod, in cluster ``shared``): its ``cluster_name`` output is the name the example's README
    has the joining stack's documents take."""
    platform = joining("prod")
    assert platform.outputs["cluster_name"] == SHARED
    project = project_of(program)
    config = {"aws:region": REGION, f"{project}:platformStack": PLATFORM}
    if program == "second-service":
        config[f"{project}:listenerRulePriority"] = "200"
    mocks = RecordingMocks(stack_outputs={PLATFORM: platform.outputs})
    deploy = Program((run_mocked(main_program(EXAMPLES[program]), config, "staging", mocks, project), platform))
    given = staging_values(program) | {"PLATFORM_STACK": "prod"}
    policy = joining_deployer if program == "second-service" else (lambda values: fill(POLICY, values))
    assert refused(deploy, policy(given | {"CLUSTER": SHARED})) == []
    assert refused(deploy, policy(given)), "without --cluster-name the documents scope the platform's own names"
    readme = (EXAMPLES[program] / "README.md").read_text()
    assert "--cluster-name" in readme and "pulumi stack output cluster_name" in readme
