"""Existing stacks replace nothing: every URN that dev, prod, the maximal config and the second-service
example registered at 0.4.0 (``tests/program/fixtures/urns``, recorded before the components were split)
is still a resource's URN, or is named as an alias by exactly one resource, which has the same type, the
same AWS names and the same values of the inputs its provider replaces it on (``tools/replace_inputs.py``).
Anything else makes ``pulumi up`` delete the old resource and create a new one. What every deploy of new
code replaces by design, a task definition's new revision or a new build's index tag, is listed apart
and pinned per program: a refactor that changes the container definitions would register a new revision
on every existing stack."""

import copy
import json
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

import tools.urns
from components.naming import name_form, stack_hash
from tests.program.stacks import BASELINED, PROGRAMS, baselined_run, run_config
from tools.offline import PROJECT, RecordingMocks, Run, run_mocked, run_program
from tools.replace_inputs import COMPONENT, MOVED_GROUP, READ, changed, kind, knock_on, refused, rule, unclassified
from tools.urns import REPLACE, Identities, add_replace_inputs, baseline, normalize_physical, physical_names, snapshot

#: The names 0.5.0 gives anew, each type's with the input that sets it: a task family and a dashboard now
#: carry the hash of project and stack after the project (``components.naming.account_unique``), as ``-``
#: joins project and stack names that may contain it. The engine replaces both (family and dashboard_name
#: force a new resource: terraform-provider-aws ``internal/service/ecs/task_definition.go``,
#: ``internal/service/cloudwatch/dashboard.go``; ``tools/replace_inputs.py``).
RENAMED_IN_0_5 = {
    "aws:ecs/taskDefinition:TaskDefinition": "family",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
}


def name_in_0_5(urn: str, name: str) -> str:
    """``name``, a 0.4.0 family or dashboard of the resource ``urn``, as 0.5.0 names it ("" if it is none)."""
    stack, project = urn.split("::")[0].removeprefix("urn:pulumi:"), urn.split("::")[1]
    prefix = f"{name_form(project)}-"
    return f"{prefix}{stack_hash(project, stack)}-{name.removeprefix(prefix)}" if name.startswith(prefix) else ""


def named_as_in_0_5(recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``recorded``, a 0.4.0 baseline's rows, with each family and dashboard named as 0.5.0 names it: for the
    tests of what else a change replaces."""
    for row in recorded:
        key = RENAMED_IN_0_5.get(row["type"], "")
        for names in (row["physical"], row[REPLACE]):
            if key in names:
                names[key] = name_in_0_5(row["urn"], names[key])
    return recorded


def renamed_in_0_5(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``new`` is ``old`` under its 0.5.0 name, and nothing else changed of its names."""
    key = RENAMED_IN_0_5.get(old["type"])
    if key is None or new["type"] != old["type"] or set(new["physical"]) != {key}:
        return False
    return new["physical"][key] == name_in_0_5(old["urn"], old["physical"][key])


def compared(recorded: list[dict[str, Any]], run: Run) -> tuple[list[str], set[str]]:
    """Each recorded resource the engine would replace in ``run``, and why (a kept one too, when an input
    its provider replaces it on takes an output of a replaced one); and each it would give a new revision
    or build (``new revision <urn>``: what a deploy of new code does by design)."""
    identities = Identities(run)
    rows = {row["urn"]: row for row in snapshot(run, known={row["urn"] for row in recorded})}
    # An ignored input keeps the state's value, so its change replaces nothing (tests/models/pulumi_ignore_changes.py).
    ignored = {identities.urn(r): set(r.ignore_changes) for r in run.mocks.resources if r.urn}
    answering: dict[str, list[dict[str, Any]]] = {}
    problems, redeployed, gone = [], set(), set()
    for resource in (r for r in run.mocks.resources if r.urn):
        answers = {identities.urn(resource), *identities.aliases(resource)}
        for urn in answers:
            answering.setdefault(urn, []).append(rows[identities.urn(resource)])
        # One resource takes over one old one; the engine deletes every other it answers.
        if len(shared := sorted(answers & {row["urn"] for row in recorded})) > 1:
            problems.append(f"{identities.urn(resource)}: answers {len(shared)} recorded URNs {shared}")
            gone |= set(shared)
    kept: dict[str, tuple[str, dict[str, Any]]] = {}
    for old in recorded:
        found = answering.get(old["urn"], [])
        if len(found) != 1:
            problems.append(f"{old['urn']}: answered by {len(found)} resources {[row['urn'] for row in found]}")
            gone.add(old["urn"])
            continue
        (new,) = found
        replaces = rule(old["type"], PROJECT)
        if renamed_in_0_5(old, new):
            redeployed.add(f"renamed {old['urn']}")
            gone.add(old["urn"])
        elif (new["type"], new["physical"]) != (old["type"], old["physical"]):
            problems.append(
                f"{old['urn']}: now {new['type']} named {new['physical']}, was {old['type']} named {old['physical']}"
            )
            gone.add(old["urn"])
        elif (
            changes := [c for c in changed(old[REPLACE], new[REPLACE], replaces) if c[0] not in ignored[new["urn"]]]
        ) and kind(replaces, [c[0] for c in changes]) == "-/+":
            problems.append(f"{old['urn']}: replace-on-change inputs changed {changes}")
            gone.add(old["urn"])
            if reason := refused(old["type"], old[REPLACE], new[REPLACE]):
                problems.append(f"{old['urn']}: cannot be applied: {reason}")
        elif changes and (reason := refused(old["type"], old[REPLACE], new[REPLACE])):
            problems.append(f"{old['urn']}: cannot be applied {changes}: {reason}")
        else:
            kept[old["urn"]] = (old["type"], new[REPLACE])
            if changes:
                redeployed.add(f"{kind(replaces, [c[0] for c in changes])} {old['urn']}")
    for urn, (path, source) in sorted(knock_on(kept, gone, PROJECT).items()):
        if reason := refused(kept[urn][0], {}, {}, [path]):
            problems.append(f"{urn}: cannot be applied: {reason}")
        if (verdict := kind(rule(kept[urn][0], PROJECT), [path])) == "-/+":
            problems.append(f"{urn}: replaced with {source}, an output of which its {path} takes")
        else:
            redeployed.add(f"{verdict} {urn}")
    return problems, redeployed


def replaced(recorded: list[dict[str, Any]], run: Run) -> list[str]:
    """Each recorded resource the engine would replace in ``run``, and why."""
    return compared(recorded, run)[0]


@pytest.mark.parametrize("program", BASELINED)
def test_every_recorded_urn_is_kept_or_aliased_by_exactly_one_resource_with_the_same_names_and_replace_inputs(
    program: str,
) -> None:
    problems = replaced(baseline(program), baselined_run(program))
    assert not problems, "\n".join(problems)


#: What today's code gives each 0.4.0 stack anew: the maximal stack's multi-platform index, whose tag is the
#: build's (components/image/build_tag.py) and the app's sources changed since 0.4.0; each service's task
#: definition in its family of 0.5.0's name, and the dashboard of a stack with alarms (``RENAMED_IN_0_5``),
#: which also carries the new revision each service the platform routes needed, whose environment now keeps
#: the app's connections open above any idle timeout the ALB allows (KEEP_ALIVE_TIMEOUT_MS,
#: HEADERS_TIMEOUT_MS: app_contract). Any other new revision would mean the split changed what every
#: existing service runs.
_TASK = (
    "urn:pulumi:{0}::graviton-node::graviton-node:fargate_service:FargateService$aws:ecs/taskDefinition:"
    "TaskDefinition::{0}-app-task"
)
_DASHBOARD = (
    "urn:pulumi:prod::graviton-node::graviton-node:fargate_service:FargateService$graviton-node:service_monitoring:"
    "ServiceMonitoring$aws:cloudwatch/dashboard:Dashboard::prod-app-monitoring-dashboard"
)
REDEPLOYED = {
    "dev": {f"renamed {_TASK.format('dev')}"},
    "prod": {f"renamed {_TASK.format('prod')}", f"renamed {_DASHBOARD}"},
    "maximal": {
        "new build urn:pulumi:prod::graviton-node::graviton-node:app_image:AppImage"
        "$docker-build:index:Index::prod-app-index",
        f"renamed {_TASK.format('prod')}",
        f"renamed {_DASHBOARD}",
    },
    "second-service": {
        "renamed urn:pulumi:dev::graviton-node-api::graviton-node:fargate_service:FargateService"
        "$aws:ecs/taskDefinition:TaskDefinition::dev-api-task"
    },
}


@pytest.mark.parametrize("program", BASELINED)
def test_a_0_4_0_stack_gets_only_its_renamed_family_and_dashboard_and_only_the_maximal_one_a_new_build(
    program: str,
) -> None:
    assert compared(baseline(program), baselined_run(program))[1] == REDEPLOYED[program]


def added(program: str) -> set[str]:
    """The type and name of each resource of ``program`` (under its baseline's config) that answers to no
    recorded URN: what a ``pulumi up`` of today's code adds to the 0.4.0 stack."""
    run = baselined_run(program)
    identities, recorded = Identities(run), {row["urn"] for row in baseline(program)}
    return {
        f"{r.type} {r.name}"
        for r in run.mocks.resources
        if r.urn and not {identities.urn(r), *identities.aliases(r)} & recorded
    }


def test_the_maximal_stack_of_0_4_0_is_compared_under_its_own_config_and_gains_only_what_prod_gains() -> None:
    """The maximal config gained keys after the baseline (writable paths, the linear deployment's test
    rule and smoke test); under those, its new resources and new task revision are the config's doing."""
    assert added("maximal") == added("prod")
    assert "aws:lb/listenerRule:ListenerRule prod-app-test-rule" in {
        f"{r.type} {r.name}" for r in run_config("maximal").mocks.resources
    }


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_type_a_program_registers_has_a_replace_on_change_row(program: str) -> None:
    types = {r.type for r in run_config(program).mocks.resources if r.type != READ}
    assert not {t for t in types if rule(t, PROJECT) is None}, "add a row to tools/replace_inputs.py"


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_input_a_program_sets_is_classified_as_replacing_in_place_or_each_deploy(program: str) -> None:
    """A newly set input fails here until it is read in the provider source and placed in its row or
    ``IN_PLACE`` (tools/replace_inputs.py)."""
    resources = [
        r for r in run_config(program).mocks.resources if r.type != READ and rule(r.type, PROJECT) is not COMPONENT
    ]
    found = {f"{r.type} {key}" for r in resources for key in unclassified(r.type, r.inputs)}
    assert not found, sorted(found)


def test_every_recorded_resource_has_its_replace_on_change_inputs_recorded() -> None:
    assert all(REPLACE in row for program in BASELINED for row in baseline(program))


def _with(program: str, type_token: str, path: str, value: object) -> list[dict[str, Any]]:
    """The baseline of ``program`` as if 0.4.0 had set ``path`` of its first ``type_token`` to ``value`` (and
    had named its families and dashboards as 0.5.0 does, so that only ``path`` tells them apart)."""
    recorded = named_as_in_0_5(copy.deepcopy(baseline(program)))
    row = next(row for row in recorded if row["type"] == type_token)
    row[REPLACE][path] = value
    return recorded


@pytest.mark.parametrize(
    ("type_token", "path", "value"),
    [
        ("aws:ec2/securityGroup:SecurityGroup", "description", "Managed by Pulumi"),
        ("aws:lb/targetGroup:TargetGroup", "protocol", "HTTPS"),
        ("aws:iam/role:Role", "path", "/"),
    ],
)
def test_a_changed_replace_on_change_input_is_a_replacement_though_urn_and_names_are_kept(
    type_token: str, path: str, value: object
) -> None:
    problems = replaced(_with("prod", type_token, path, value), run_config("prod"))
    (problem,) = [problem for problem in problems if "replace-on-change inputs changed" in problem]
    assert f"replace-on-change inputs changed [('{path}', {value!r}," in problem


def test_a_resource_that_answers_two_recorded_urns_keeps_only_one_of_them() -> None:
    """An alias naming a second 0.4.0 resource would let the engine take over one and delete the other."""
    run = run_config("prod")
    identities = Identities(run)
    recorded = copy.deepcopy(baseline("prod"))
    urns = {row["urn"] for row in recorded}
    # A resource that answers its 0.4.0 URN through an alias, and no other references: as if 0.4.0 had had
    # one at its new URN too.
    refs = json.dumps(recorded)
    moved, old = next(
        (r, old)
        for r in run.mocks.resources
        if r.urn and identities.urn(r) not in urns
        for old in identities.aliases(r) & urns
        if f"ref:{old}#" not in refs
    )
    recorded.append({**next(row for row in recorded if row["urn"] == old), "urn": identities.urn(moved)})
    assert replaced(recorded, run) == [
        f"{identities.urn(moved)}: answers 2 recorded URNs {sorted([old, identities.urn(moved)])}"
    ]


_PROD = "urn:pulumi:prod::graviton-node::graviton-node:fargate_service:FargateService$"


def test_a_resource_whose_replace_on_change_input_takes_a_replaced_one_s_output_is_replaced_too() -> None:
    """A new security group has a new ID: the rules on it are replaced; the load balancer's rule that
    names it as its source changes in place (only a change of source kind replaces one)."""
    problems = replaced(_with("prod", "aws:ec2/securityGroup:SecurityGroup", "description", "x"), run_config("prod"))
    knocked = {problem.split(": ")[0] for problem in problems if ": replaced with " in problem}
    assert knocked == {
        f"{_PROD}aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::prod-app-sg-egress-443",
        f"{_PROD}aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::prod-app-sg-from-alb",
    }


def test_a_replaced_role_replaces_its_policy_and_gives_the_task_definition_a_new_revision() -> None:
    problems, redeployed = compared(_with("prod", "aws:iam/role:Role", "path", "/"), run_config("prod"))
    assert [p.split(": ")[0] for p in problems if ": replaced with " in p] == [
        f"{_PROD}aws:iam/rolePolicy:RolePolicy::prod-app-exec-policy"
    ]
    assert redeployed == {f"new revision {_PROD}aws:ecs/taskDefinition:TaskDefinition::prod-app-task"}


def test_a_task_definition_with_other_inputs_is_a_new_revision_not_a_replacement() -> None:
    problems, redeployed = compared(
        _with("prod", "aws:ecs/taskDefinition:TaskDefinition", "cpu", "4096"), run_config("prod")
    )
    assert problems == []
    assert redeployed == {
        "new revision urn:pulumi:prod::graviton-node::graviton-node:fargate_service:FargateService"
        "$aws:ecs/taskDefinition:TaskDefinition::prod-app-task"
    }


def test_an_alias_is_resolved_as_the_engine_resolves_it() -> None:
    run = run_config("dev")
    identities = Identities(run)
    (service,) = [r for r in run.mocks.resources if r.type == "aws:ecs/service:Service"]
    assert identities.urn(service) in {row["urn"] for row in baseline("dev")}
    assert identities.urn(service).startswith("urn:pulumi:dev::graviton-node::graviton-node:")


class _Box(pulumi.ComponentResource):
    def __init__(self, token: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"test:index:{token}", name, None, opts)


def _answers(program: Callable[[], None]) -> set[str]:
    run = run_mocked(program)
    identities = Identities(run)
    return {urn for r in run.mocks.resources for urn in (identities.urn(r), *identities.aliases(r))}


def _before() -> None:
    outer = _Box("Outer", "a")
    aws.sns.Topic("a-topic", opts=pulumi.ResourceOptions(parent=outer))


def _moved(alias: bool) -> Callable[[], None]:
    def program() -> None:
        outer = _Box("Outer", "a")
        inner = _Box("Inner", "a", pulumi.ResourceOptions(parent=outer))
        aliases = [pulumi.Alias(parent=outer)] if alias else None
        aws.sns.Topic("a-topic", opts=pulumi.ResourceOptions(parent=inner, aliases=aliases))

    return program


def _moved_parent() -> None:
    _Box("Outer", "a")
    # The parent moves to the top with an alias to where it was; its child names no alias of its own.
    old = pulumi.create_urn("a", "test:index:Outer")
    inner = _Box("Inner", "a", pulumi.ResourceOptions(aliases=[pulumi.Alias(name="a", parent=old)]))
    aws.sns.Topic("a-topic", opts=pulumi.ResourceOptions(parent=inner))


def test_a_child_moved_under_a_new_component_keeps_its_urn_only_through_an_alias() -> None:
    old = "urn:pulumi:dev::graviton-node::test:index:Outer$aws:sns/topic:Topic::a-topic"
    assert old in _answers(_before)
    assert old in _answers(_moved(alias=True))
    assert old not in _answers(_moved(alias=False))


def test_a_parent_s_alias_carries_over_to_its_children_as_the_engine_multiplies_them() -> None:
    assert "urn:pulumi:dev::graviton-node::test:index:Outer$test:index:Inner$aws:sns/topic:Topic::a-topic" in (
        _answers(_moved_parent)
    )


def _moved_under_a_parent_from_the_top() -> None:
    outer = _Box("Outer", "a")
    # Was top-level; now under ``outer``, with an alias to having had no parent. Its child names none.
    was_top = pulumi.ResourceOptions(parent=outer, aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)])
    inner = _Box("Inner", "a", was_top)
    aws.sns.Topic("a-topic", opts=pulumi.ResourceOptions(parent=inner))


def test_a_parent_aliased_to_the_top_carries_that_alias_to_its_children() -> None:
    answers = _answers(_moved_under_a_parent_from_the_top)
    assert "urn:pulumi:dev::graviton-node::test:index:Inner::a" in answers
    assert "urn:pulumi:dev::graviton-node::test:index:Inner$aws:sns/topic:Topic::a-topic" in answers


def test_a_top_level_task_and_route_give_their_children_no_alias_to_a_place_they_never_were() -> None:
    """Their children alias the service they belonged to up to 0.4.0: with no service above them, there
    was none, and an alias to "no parent" would name a URN nothing ever had."""
    from components.edge.route_spec import RouteSpec
    from components.edge.service_route import ServiceRoute
    from components.edge.service_route_args import Route, ServiceRouteArgs
    from components.service.fargate_task import FargateTask, FargateTaskArgs
    from components.service.service_spec import ServiceSpec

    def program() -> None:
        spec = ServiceSpec(route=RouteSpec(listener_rule_priority=50000))
        FargateTask("t", FargateTaskArgs(spec=spec, image_ref="i@sha256:" + "a" * 64, role_path="/",
                                         permissions_boundary_arn=""))  # fmt: skip
        route = Route(listener_arn="l", load_balancer_security_group_id="s", idle_timeout_seconds=60)
        ServiceRoute("r", ServiceRouteArgs(route=route, service=spec, vpc_id="v", task_security_group_id="sg"))

    run = run_mocked(program)
    # (pulumi-aws gives some types aliases to their old type tokens: those keep the parent.)
    moved = {r.name for r in run.mocks.resources for a in r.aliases if a.spec.parentUrn or a.spec.noParent}
    assert moved == set(), moved


def test_recording_refuses_when_the_installed_components_are_another_tree_s(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """In a checkout of 1e9a338 the editable install still imports today's components: the second-service
    example would be recorded from them."""
    elsewhere = types.ModuleType("graviton_node_components")
    elsewhere.__file__ = str(tmp_path / "components" / "__init__.py")
    monkeypatch.setitem(sys.modules, "graviton_node_components", elsewhere)
    monkeypatch.setattr(tools.urns, "_programs", lambda: pytest.fail("ran a program"))
    assert tools.urns.main(["--add-replace-inputs"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"recorded nothing: graviton_node_components is {tmp_path / 'components'}, not this")
    assert tools.urns.foreign_components() != "" and "PYTHONPATH=" in (tools.urns.__doc__ or "")


def test_recording_runs_with_this_tree_s_components() -> None:
    assert tools.urns.foreign_components() == ""


def test_adding_replace_inputs_to_a_baseline_changes_nothing_else_and_refuses_another_program() -> None:
    run = run_config("dev")
    rows = snapshot(run)
    recorded = {"program": "dev", "resources": [{k: v for k, v in row.items() if k != REPLACE} for row in rows]}
    assert add_replace_inputs(recorded, run) == {"program": "dev", "resources": rows}
    with pytest.raises(ValueError, match="recorded already"):
        add_replace_inputs({"resources": rows}, run)
    with pytest.raises(ValueError, match="not the recorded program"):
        add_replace_inputs({"resources": recorded["resources"][1:]}, run)


def test_an_aws_name_another_resource_supplies_is_recorded_as_its_source_not_as_the_mocks_made_it() -> None:
    """The logs bucket's configurations take its ID, the validation record its name from the
    certificate: compared raw, a change of the mocks' answers would read as a rename."""
    names = {row["urn"].rsplit("::", 1)[1]: row["physical"] for row in baseline("prod")}
    bucket = (
        "urn:pulumi:prod::graviton-node::graviton-node:load_balancer:LoadBalancer$aws:s3/bucket:Bucket::prod-web-logs"
    )
    assert names["prod-web-logs-policy"] == {"bucket": f"ref:{bucket}#id"}
    assert names["prod-web-domain-validation"]["name"].endswith(
        "aws:acm/certificate:Certificate::prod-web-domain-certificate#domainValidationOptions[0].resourceRecordName"
    )
    assert not any(
        str(value).endswith("-id")
        for program in BASELINED
        for row in baseline(program)
        for value in row["physical"].values()
        if not str(value).startswith("ref:")
    )


def test_normalizing_a_baseline_s_aws_names_changes_nothing_else_and_refuses_other_names() -> None:
    run = run_config("prod")
    identities = Identities(run)
    rows = snapshot(run)
    raw = {identities.urn(r): physical_names(r) for r in run.mocks.resources if r.urn}
    recorded = {"program": "prod", "resources": [{**row, "physical": raw[row["urn"]]} for row in rows]}
    assert recorded["resources"] != rows
    assert normalize_physical(recorded, run) == {"program": "prod", "resources": rows}
    renamed = copy.deepcopy(recorded)
    renamed["resources"][0]["physical"] = {"name": "another"}
    with pytest.raises(ValueError, match="names other than the recorded ones"):
        normalize_physical(renamed, run)
    with pytest.raises(ValueError, match="not the recorded program"):
        normalize_physical({"resources": recorded["resources"][1:]}, run)


class _ProviderMocks(RecordingMocks):
    """Recording mocks that also note each resource's provider reference (``urn::id``)."""

    def __init__(self) -> None:
        super().__init__()
        self.providers: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.providers[args.name] = args.provider or ""
        return super().new_resource(args)


def _cluster_of_a_0_4_0_service_under_a_parent(cluster_opts: bool) -> tuple[set[str], str]:
    """A 0.4.0 user's ``FargateService("app", ..., opts=ResourceOptions(parent=platform, providers=[east]))``
    created ``app-cluster`` beneath it; today a ``Cluster("app")`` does, given those options or none. What
    URNs the ECS cluster answers, and its provider."""
    from components.service.cluster import Cluster
    from components.service.cluster_spec import ClusterSpec

    mocks = _ProviderMocks()

    def program() -> None:
        platform = _Box("Platform", "platform")
        east = aws.Provider("east", region="us-east-1", opts=pulumi.ResourceOptions(parent=platform))
        opts = pulumi.ResourceOptions(parent=platform, providers=[east]) if cluster_opts else None
        Cluster("app", ClusterSpec(), opts)

    run = run_mocked(program, mocks=mocks)
    identities = Identities(run)
    (cluster,) = [r for r in run.mocks.resources if r.type == "aws:ecs/cluster:Cluster"]
    return {identities.urn(cluster), *identities.aliases(cluster)}, mocks.providers["app-cluster"]


def test_a_0_4_0_service_under_a_parent_with_a_provider_keeps_its_cluster_only_if_the_cluster_gets_both() -> None:
    """The CHANGELOG's migration note: give the ``Cluster`` the service's name, parent and provider(s)."""
    old = (
        "urn:pulumi:dev::graviton-node::test:index:Platform$graviton-node:fargate_service:FargateService"
        "$aws:ecs/cluster:Cluster::app-cluster"
    )
    answers, provider = _cluster_of_a_0_4_0_service_under_a_parent(cluster_opts=True)
    assert old in answers and "pulumi:providers:aws::east::" in provider
    answers, provider = _cluster_of_a_0_4_0_service_under_a_parent(cluster_opts=False)
    # Not the 0.4.0 URN, and the default provider: either one makes the engine replace the cluster.
    assert old not in answers and "::east::" not in provider


_DEV_EDGE = "urn:pulumi:dev::graviton-node::graviton-node:load_balancer:LoadBalancer$"
#: What other stacks take from the platform's outputs (examples/second-service, examples/worker): the
#: cluster, the listeners their rules join and the load balancer's group their rules reference. Replacing the
#: group would fail besides: EC2 deletes no group another group's rule references (DependencyViolation).
SHARED = (
    f"{_DEV_EDGE}aws:ec2/securityGroup:SecurityGroup::dev-web-sg",
    f"{_DEV_EDGE}aws:lb/loadBalancer:LoadBalancer::",
    f"{_DEV_EDGE}aws:lb/listener:Listener::",
    "aws:ecs/cluster:Cluster::",
)
HTTPS = {"domainName": "app.example.com", "hostedZoneId": "Z0123456789ABCDEFGHIJ"}


@pytest.mark.parametrize(
    "change",
    [HTTPS, {"listenerPort": "8080"}, {"allowedCidrs": '["203.0.113.0/24"]'}],
    ids=["adding-a-domain", "another-listener-port", "other-cidrs"],
)
def test_a_change_at_the_edge_replaces_nothing_another_stack_references(change: dict[str, str]) -> None:
    problems = replaced(snapshot(run_config("dev")), run_program("dev", change))
    assert [problem for problem in problems if any(shared in problem.split(": ")[0] for shared in SHARED)] == []


GROUP = "aws:ec2/securityGroup:SecurityGroup"
EXISTING_VPC = {
    "vpc": "existing",
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
}


@pytest.mark.parametrize(
    ("stack", "change"),
    [
        ("dev", {"vpc": "new"}),
        ("dev", EXISTING_VPC),
        ("prod", {"vpcCidr": "10.1.0.0/16"}),
        ("prod", {"vpc": "default"}),
    ],
    ids=["default-to-new", "default-to-existing", "another-cidr", "new-to-default"],
)
def test_a_change_of_vpc_cannot_be_applied_the_load_balancer_s_group_would_move_to_another_vpc(
    stack: str, change: dict[str, str]
) -> None:
    """The sibling of the test above: a VPC change replaces the load balancer's group (which other stacks'
    rules reference) in another VPC, where the kept load balancer cannot follow. Destroy and deploy again."""
    problems = replaced(snapshot(run_config(stack)), run_program(stack, change))
    group = f"urn:pulumi:{stack}::graviton-node::graviton-node:load_balancer:LoadBalancer${GROUP}::{stack}-web-sg"
    assert f"{group}: cannot be applied: {MOVED_GROUP}" in problems


def test_adding_a_domain_replaces_only_the_stacks_own_listener_rule_which_moves_to_https() -> None:
    problems = replaced(snapshot(run_config("dev")), run_program("dev", HTTPS))
    (rule_moves,) = problems
    assert "ListenerRule::dev-app-rule: replace-on-change inputs changed [('listenerArn'" in rule_moves
    assert rule_moves.endswith("Listener::dev-web-https#arn')]")


def test_the_load_balancer_group_created_with_its_ports_in_its_description_keeps_it() -> None:
    """0.4.0 wrote the open ports into the description; the engine keeps it (``ignore_changes``)."""
    recorded = baseline("prod")
    (group,) = [row for row in recorded if row["urn"].endswith("SecurityGroup::prod-web-sg")]
    assert group[REPLACE]["description"] == "ALB: ports 80, 443 from allowed CIDRs only"
    assert replaced(recorded, baselined_run("prod")) == []
