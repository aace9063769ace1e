"""Config changes on a deployed stack that ``pulumi up`` must be able to carry out: modelled with the engine's
replacement rules (``tools/replace_inputs.py`` through ``test_urns_unchanged.compared``), what it does with
``ignore_changes`` (``tests/models/pulumi_ignore_changes.py``) and what AWS refuses (``tests/models``)."""

import copy
import dataclasses
import json
from typing import Any

import pytest

from tests.models.alb import delete_target_group, forwarded
from tests.models.pulumi_delete import BUCKET, delete
from tests.models.pulumi_ignore_changes import engine_inputs
from tests.program.stacks import run_config
from tests.program.test_urns_unchanged import compared, replaced
from tools.offline import Registered, Run, run_program
from tools.urns import Identities, snapshot

TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
RULE = "aws:lb/listenerRule:ListenerRule"
SERVICE = "aws:ecs/service:Service"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _renamed(value: Any, arns: dict[str, str]) -> Any:
    """``value`` (a changeable copy) with each ARN of ``arns`` as the replacement's (a new resource, a new
    ARN)."""
    text = json.dumps(value)
    for old, new in arns.items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    return json.loads(text)


def _service_groups(inputs: dict[str, Any]) -> set[str]:
    """The target groups ECS registers the service's tasks in: each load balancer's, and its alternate."""
    balancers = inputs.get("loadBalancers", [])
    alternates = [b.get("advancedConfiguration", {}).get("alternateTargetGroupArn") for b in balancers]
    return {str(arn) for arn in [*(b["targetGroupArn"] for b in balancers), *alternates] if arn}


def _update(stack: str, change: dict[str, str]) -> tuple[dict[str, list[dict]], set[str], set[str], set[str]]:
    """``stack`` updated with ``change``: the actions the engine sends each listener rule, the target groups
    the service's tasks are in before and after, and the ARNs of the target groups replaced (deleted last)."""
    before, after = run_config(stack), run_program(stack, change)
    gone = {problem.split(": ")[0] for problem in replaced(snapshot(before), after)}
    identities = Identities(before)
    arns = {
        str(r.outputs["arn"]): f"{r.outputs['arn']}-replacement"
        for r in before.mocks.resources
        if r.type == TARGET_GROUP and identities.urn(r) in gone
    }

    def of(run: Run, type_token: str) -> dict[str, Any]:
        return {r.name: r for r in run.mocks.resources if r.type == type_token}

    old_rules = of(before, RULE)
    (old_service,), (new_service,) = of(before, SERVICE).values(), of(after, SERVICE).values()
    actions = {}
    for name, rule in of(after, RULE).items():
        sent = engine_inputs(_renamed(rule.inputs, arns), copy.deepcopy(old_rules[name].inputs), rule.ignore_changes)
        actions[name] = sent["actions"]
    return actions, _service_groups(old_service.inputs), _service_groups(_renamed(new_service.inputs, arns)), set(arns)


@pytest.mark.parametrize("stack", ["dev", "prod"], ids=["rolling", "canary"])
def test_a_new_container_port_keeps_every_target_group_routed_to_and_deletable(stack: str) -> None:
    """The rules are updated before the service (it depends on its route) and the replaced groups deleted
    last: no rule may forward to a group no task is in yet (503s), the tasks must end in groups a rule
    forwards to, and no replaced group may still be forwarded to (DeleteTargetGroup: ResourceInUse)."""
    rules, before, after, deleted = _update(stack, {"containerPort": "8080"})
    routed = set().union(*(forwarded(actions) for actions in rules.values()))
    assert routed <= before
    assert after <= routed
    for arn in deleted:
        delete_target_group(arn, list(rules.values()))


def test_a_target_group_created_after_a_port_change_takes_the_new_port() -> None:
    """The ignored port is only an existing stack's: a new one's groups are created with containerPort."""
    run = run_program("prod", {"containerPort": "8080"})
    assert {r.inputs["port"] for r in run.mocks.resources if r.type == TARGET_GROUP} == {8080}
    assert all("port" in r.ignore_changes for r in run.mocks.resources if r.type == TARGET_GROUP)


def test_turning_ecs_exec_off_leaves_its_session_log_group_in_aws() -> None:
    """A resource the program no longer registers is deleted, unless it is retained on delete."""
    on, off = run_program("dev", {"enableExecuteCommand": "true"}), run_config("dev")
    kept = {(r.type, r.name) for r in off.mocks.resources}
    removed = [r for r in on.mocks.resources if (r.type, r.name) not in kept and r.type == LOG_GROUP]
    assert [r.name for r in removed] == ["dev-app-exec-logs"]
    assert all(r.retain_on_delete for r in removed)


def test_a_stack_deployed_by_0_4_0_keeps_its_exec_log_only_after_one_up_with_this_version() -> None:
    """0.4.0 set no ``retainOnDelete`` anywhere, and the engine deletes by the old state's options (README,
    "What a destroy leaves"): turning Exec off in the first up deletes the session log, after one up keeps it."""
    on = run_program("dev", {"enableExecuteCommand": "true"})
    logs = _removed(on, run_config("dev"))
    as_0_4_0 = [dataclasses.replace(r, retain_on_delete=False) for r in logs]
    assert delete(as_0_4_0).in_aws == set()
    assert delete(logs).in_aws == {"dev-app-exec-logs"}


VPC_URN = "urn:pulumi:prod::graviton-node::graviton-node:network:Network$awsx:ec2:Vpc::prod-net-vpc"


def test_another_az_count_that_resizes_the_subnets_is_refused_and_replaces_nothing_that_takes_the_vpc_id() -> None:
    """3 -> 2 AZs gives each kept AZ a block twice the size at the same start: the VPC and its ID stay, and
    EC2 refuses the overlapping subnets, so nothing that takes the VPC's ID is replaced either."""
    (problem,) = replaced(snapshot(run_config("prod")), run_program("prod", {"availabilityZones": "2"}))
    assert problem.startswith(f"{VPC_URN}: cannot be applied [('numberOfAvailabilityZones', 3.0, 2.0)]")
    assert "InvalidSubnet.Conflict" in problem


def test_a_fourth_az_adds_its_subnets_and_replaces_nothing() -> None:
    problems, laid_out = compared(snapshot(run_config("prod")), run_program("prod", {"availabilityZones": "4"}))
    assert problems == [] and laid_out == {f"new layout {VPC_URN}"}


def _removed(before: Run, after: Run) -> list[Registered]:
    """The resources of ``before`` that ``after`` no longer registers, as the state of ``before`` holds them."""
    kept = {(r.type, r.name) for r in after.mocks.resources}
    return [r for r in before.mocks.resources if (r.type, r.name) not in kept]


def _log_bucket(run: Run) -> str:
    (bucket,) = [r.name for r in run.mocks.resources if r.type == BUCKET]
    return bucket


def test_turning_access_logs_off_on_a_protected_stack_succeeds_and_leaves_the_logs_expiring_in_aws() -> None:
    """Prod's bucket is not force-destroyed (deletion protection), and the ALB has written logs to it: deleted,
    S3 refuses it once its lifecycle rule is gone, and every later up fails again. Retained, the update
    drops the bucket and its configurations from the state and AWS keeps them, private and expiring."""
    before = run_config("prod")
    result = delete(_removed(before, run_program("prod", {"accessLogs": "false"})), [_log_bucket(before)])
    assert result.error == ""
    assert result.in_state == set()
    parts = ("", "-expiry", "-private", "-policy", "-sse", "-owner")
    assert result.in_aws == {f"prod-web-logs{part}" for part in parts}


def test_turning_access_logs_off_without_protection_deletes_the_bucket_logs_and_all() -> None:
    before = run_program("dev", {"accessLogs": "true"})
    result = delete(_removed(before, run_config("dev")), [_log_bucket(before)])
    assert (result.error, result.in_aws, result.in_state) == ("", set(), set())


def test_the_readmes_prod_destroy_deletes_the_log_bucket_once_protection_is_off_and_applied() -> None:
    """README "7. Destroy": ``deletionProtection false`` and an up first write ``forceDestroy`` and no
    ``retainOnDelete`` to the state, which the destroy deletes by."""
    applied = run_program("prod", {"deletionProtection": "false", "forceDelete": "true"})
    logs = [r for r in applied.mocks.resources if r.type.startswith("aws:s3/")]
    result = delete(logs, [_log_bucket(applied)])
    assert (result.error, result.in_aws) == ("", set())


def test_a_destroy_without_turning_protection_off_first_keeps_the_log_bucket_and_its_logs() -> None:
    logs = [r for r in run_config("prod").mocks.resources if r.type.startswith("aws:s3/")]
    assert delete(logs, [_log_bucket(run_config("prod"))]).in_aws == {r.name for r in logs}
