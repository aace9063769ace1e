"""The offline plan: a stable, sorted tree of what the program registers, a diff, and clean errors."""

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

import tools.plan
import tools.run_local
from tests.program.stacks import recorded_run
from tests.program.test_urns_unchanged import RENAMED_IN_0_5, named_as_in_0_5
from tools.offline import ROOT, Run
from tools.plan import main

#: The plan's own program run, for the tests that compare two of them.
RUN_PROGRAM = tools.plan.run_program


def shared_run(stack: str, overrides: Mapping[str, str], root: Path, secret_keys: list[str]) -> Run:
    """``tools.plan``'s run of this project's own stack files, shared read-only with every test of the process
    that runs the same stack and config (``stacks.recorded_run``): most plans here are of dev or prod as
    shipped. A project of a test's own (``with_stack_file``) is run afresh."""
    if root != ROOT:
        return RUN_PROGRAM(stack, overrides, root=root, secret_keys=secret_keys)
    return recorded_run(stack, overrides, secret_keys)


@pytest.fixture(autouse=True)
def shared_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tools.plan, "run_program", shared_run)


@pytest.fixture
def fresh_runs(shared_runs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each plan runs the program anew: for a test that two runs give the same plan."""
    monkeypatch.setattr(tools.plan, "run_program", RUN_PROGRAM)


def plan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_plan_is_a_tree_of_components_and_their_children_with_key_inputs_and_the_cost(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = plan(capsys, "--stack", "dev")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "stack dev: 31 resources"
    top = [line.split()[0] for line in lines if line.startswith("  graviton-node:")]
    assert top == sorted(top) and "graviton-node:fargate_service:FargateService" in top
    service = next(i for i, line in enumerate(lines) if line.startswith("  graviton-node:fargate_service"))
    assert lines[service + 1].startswith("    aws:")  # its children follow, one level in
    assert '"runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"}' in out
    strategy = '[{"capacityProvider":"FARGATE","weight":0},{"capacityProvider":"FARGATE_SPOT","weight":1}]'
    assert f'"capacityProviderStrategies":{strategy}' in out
    assert "env PORT=3000" in out and "env DRAIN_DELAY_MS=45000" in out
    assert "  Graviton compute: 1 task (0 on FARGATE, 1 on FARGATE_SPOT)  $9.18" in lines
    assert "  total  $57.00" in lines
    assert "  the same stack with x86 on-demand compute  $83.86" in lines


def test_the_plan_shows_gravitons_saving_and_spots_apart_each_against_the_step_before(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = plan(capsys, "--stack", "dev")[1].splitlines()
    assert (
        "  compute: x86 on-demand $36.04 -> Graviton on-demand $28.84 (20.0% less) -> Graviton as placed, with Spot "
        "$9.18 (68.2% less again)"
    ) in lines
    assert not any("cheaper on Graviton" in line for line in lines)


def test_the_plan_says_beside_the_figure_which_load_balancer_addresses_are_assumed_and_how_to_set_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = plan(capsys, "--stack", "dev")[1].splitlines()
    assert "  public IPv4 addresses: 7 addresses (6 load balancer AZs, assumed; 1 task)  $25.55" in lines
    (assumed,) = [line for line in lines if line.startswith("  assumed: ")]
    assert "--region us-east-1" in assumed and "set costDefaultVpcAzs" in assumed
    counted = plan(capsys, "--stack", "dev", "--set", "costDefaultVpcAzs=6")[1].splitlines()
    assert "  public IPv4 addresses: 7 addresses (6 load balancer AZs; 1 task)  $25.55" in counted
    assert (
        "  public IPv4 addresses: 6 addresses (3 load balancer AZs; 3 NAT gateways)  $21.90"
        in plan(capsys, "--stack", "prod")[1].splitlines()
    )  # its own VPC: the load balancer's subnets are the VPC's, one per AZ


def test_a_stack_in_a_region_without_a_rate_table_is_warned_that_the_figures_are_us_east_1s(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = plan(capsys, "--set", "aws:region=eu-west-1")[1].splitlines()
    warnings = [line for line in lines if line.startswith("  warning: ")]
    assert warnings == [
        "  warning: the stack deploys to eu-west-1, but 19 of the 19 rates are us-east-1's (the only table here): "
        "set costRateOverrides to its own, e.g. x86OnDemandVcpuHour=USD"
    ]
    assert not any(line.startswith("  warning: ") for line in plan(capsys)[1].splitlines())


def test_container_insights_is_priced_by_its_metrics_and_what_aws_leaves_open_is_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    prod = plan(capsys, "--stack", "prod")[1].splitlines()
    (line,) = [line for line in prod if line.startswith("  Container Insights metrics: ")]
    assert line.startswith("  Container Insights metrics: 367 metrics (enhanced: 6 tasks of 1 container")
    assert line.endswith("$25.69")
    assert any(line.startswith("  warning: Container Insights with enhanced observability is priced") for line in prod)
    # An existing cluster's setting is its owner's: no line, and a warning that says so.
    shared = plan(capsys, "--stack", "prod", "--set", "clusterArn=arn:aws:ecs:us-east-1:123456789012:cluster/shared")
    assert not any(line.startswith("  Container Insights") for line in shared[1].splitlines())
    assert any("joins an existing cluster" in line for line in shared[1].splitlines())
    dev = plan(capsys, "--stack", "dev")[1].splitlines()
    assert not any(line.startswith(("  warning: ", "  Container Insights")) for line in dev)


@pytest.mark.usefixtures("fresh_runs")
def test_two_plans_of_the_same_config_are_identical_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert plan(capsys, "--stack", "prod") == plan(capsys, "--stack", "prod")
    assert plan(capsys, "--json") == plan(capsys, "--json")


def test_the_json_plan_has_all_inputs_parents_and_the_outputs_in_tree_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = plan(capsys, "--json", "--set", "desiredCount=3")
    document = json.loads(out)
    assert code == 0 and len(document["resources"]) == 31
    (service,) = [r for r in document["resources"] if r["type"] == "aws:ecs/service:Service"]
    assert service["inputs"]["desiredCount"] == 3 and service["parent"] == "dev-app"
    assert document["outputs"]["cost_estimate"]["tasks_spot"] == 3


def test_a_diff_shows_only_what_a_config_change_does(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--json")[1])
    code, out, _ = plan(capsys, "--set", "desiredCount=3", "--diff", str(saved))
    assert code == 0
    assert out.splitlines()[:2] == ["~ aws:ecs/service:Service  dev-app-svc", "    desiredCount: 1 -> 3"]
    assert not any(line.startswith(("+", "-")) for line in out.splitlines())
    assert "~ output cost_estimate.monthly_usd: 9.18 -> 27.54" in out
    assert plan(capsys, "--diff", str(saved))[1] == "no changes\n"


def test_a_diff_names_an_environment_change_by_variable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--json")[1])
    out = plan(capsys, "--set", "deregistrationDelaySeconds=60", "--diff", str(saved))[1]
    assert '    containerDefinitions[0].environment.DRAIN_DELAY_MS: "45000" -> "60000"' in out


def test_raising_the_idle_timeout_changes_the_load_balancer_and_rolls_no_task(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The app's keep-alive outlasts any idle timeout the ALB allows (app_contract): the old tasks, which keep
    running while the attribute changes in place, already outlast the new one, and no new revision is needed."""
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--json")[1])
    out = plan(capsys, "--set", "idleTimeoutSeconds=4000", "--diff", str(saved))[1]
    assert "    idleTimeout: 60 -> 4000" in out
    assert "containerDefinitions" not in out and "TaskDefinition" not in out


def test_a_diff_says_which_changes_the_engine_ignores_and_replaces_no_target_group_for_a_new_container_port(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--json")[1])
    lines = plan(capsys, "--set", "containerPort=8080", "--diff", str(saved))[1].splitlines()
    group = lines.index("~ aws:lb/targetGroup:TargetGroup  dev-app-tg")
    assert lines[group + 1] == "    port: 3000 -> 8080  (ignored: the stack keeps its value)"
    assert not any(line.startswith("-/+") for line in lines)
    assert "    fromPort: 3000 -> 8080" in lines


#: What every routed 0.4.0 stack's task definition changes on upgrade: the app's keep-alive outlasts any idle
#: timeout the ALB allows, and its headers timeout is Node's (components/service/app_contract.py). One new
#: revision, one rolling deploy.
KEEP_ALIVE_CHANGE = (
    'containerDefinitions[0].environment.HEADERS_TIMEOUT_MS: "66000" -> "60000", '
    'containerDefinitions[0].environment.KEEP_ALIVE_TIMEOUT_MS: "65000" -> "4005000"'
)


def past_0_4_0(out: str) -> list[str]:
    """A diff against a 0.4.0 baseline, less the new task revision the keep-alive alone makes and the task
    family and dashboard 0.5.0 renames (``test_urns_unchanged.RENAMED_IN_0_5``)."""
    renamed = tuple(f"${token}::" for token in RENAMED_IN_0_5)
    return [line for line in out.splitlines()
            if not (line.startswith("new revision ") and line.endswith(f"-app-task  ({KEEP_ALIVE_CHANGE})"))
            and not (line.startswith("-/+ ") and any(token in line.split("  ")[0] for token in renamed))]  # fmt: skip


def test_a_diff_against_the_urns_says_an_az_count_that_resizes_the_subnets_cannot_be_applied(
    capsys: pytest.CaptureFixture[str],
) -> None:
    baseline = str(ROOT / "tests" / "program" / "fixtures" / "urns" / "prod.json")
    lines = past_0_4_0(plan(capsys, "--stack", "prod", "--set", "availabilityZones=2", "--diff", baseline)[1])
    (line,) = lines
    assert line.startswith(
        "!! urn:pulumi:prod::graviton-node::graviton-node:network:Network$awsx:ec2:Vpc::prod-net-vpc"
    )
    assert "(numberOfAvailabilityZones: 3 -> 2): its subnets are laid out anew" in line


def test_a_diff_against_the_urns_says_a_vpc_change_cannot_be_applied_and_to_destroy_the_stack_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    baseline = str(ROOT / "tests" / "program" / "fixtures" / "urns" / "dev.json")
    lines = plan(capsys, "--set", "vpc=new", "--diff", baseline)[1].splitlines()
    (group,) = [line for line in lines if line.startswith("!! ") and "SecurityGroup::dev-web-sg" in line]
    assert group.endswith("destroy the stack and deploy it again")


def test_a_diff_says_which_replacement_deletes_the_old_resource_before_creating_the_new_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pulumi-aws replaces an ECR lifecycle policy delete-first: for a while the repository has none."""
    baseline = str(ROOT / "tests" / "program" / "fixtures" / "urns" / "dev.json")
    (line,) = past_0_4_0(plan(capsys, "--set", "keepBuilds=7", "--diff", baseline)[1])
    assert line.startswith("-/+ ") and "LifecyclePolicy::dev-app-lifecycle" in line
    assert line.endswith("  [deleted before its replacement is created]")


def test_the_mermaid_graph_links_each_component_to_its_children(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan(capsys, "--mermaid")
    assert code == 0 and out.startswith("graph LR\n")
    assert "graviton_node_fargate_service_FargateService_dev_app --> aws_ecs_service_Service_dev_app_svc" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stack", "staging"], "error: no stack 'staging': Pulumi.staging.yaml not found (stacks: dev, prod)"),
        (["--set", "cpu"], "error: --set takes KEY=VALUE (e.g. --set cpu=2048), got 'cpu'"),
        (["--set", "memory=3000"], "error: config 'memory': got 3000; allowed: for cpu 1024:"),
        (["--diff", "/nonexistent.json"], "error: --diff needs a plan saved with --json: /nonexistent.json"),
    ],
)
def test_a_mistake_is_one_clean_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = plan(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message) and "Traceback" not in err


@pytest.mark.parametrize("kind", ["canary", "linear", "blueGreen"])
def test_a_shifting_strategy_without_alarms_is_refused_naming_the_strategy(
    capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """The review's reproduction: the dev stack (alarms off) with a shifting strategy planned a service with
    neither a circuit breaker nor deployment alarms, so nothing would roll a bad revision back."""
    code, out, err = plan(capsys, "--set", f"deploymentStrategy={kind}", "--json")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: config 'deploymentStrategy': got '{kind}'; allowed: rolling, or {kind} with "
                          "alarms: true (")  # fmt: skip


def test_every_config_mistake_is_reported_at_once_one_line_per_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = plan(
        capsys, "--set", "useSpot=false", "--set", "cpu=abc", "--set", "allowedCidrs=10.0.0.1/24",
        "--set", "desiredcount=2",
    )  # fmt: skip
    keys = [line.split("'")[1] for line in err.splitlines()]
    assert code == 2 and sorted(keys) == ["allowedCidrs", "cpu", "desiredcount", "useSpot"]


def test_set_takes_the_region_too_and_what_must_live_there_is_checked_against_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    code, _, err = plan(
        capsys, "--set", "aws:region=eu-west-1", "--set", "enableExecuteCommand=true", "--set", f"execKmsKeyArn={key}",
    )  # fmt: skip
    assert code == 2 and err.startswith(f"error: config 'execKmsKeyArn': got '{key}'")
    assert "the stack's region eu-west-1" in err


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_diff_against_the_0_4_0_urns_replaces_only_the_renamed_family_and_dashboard(
    capsys: pytest.CaptureFixture[str], stack: str
) -> None:
    baseline = Path(__file__).parent / "fixtures" / "urns" / f"{stack}.json"
    service = f"urn:pulumi:{stack}::graviton-node::graviton-node:fargate_service:FargateService$"
    renamed = [f"-/+ {service}aws:ecs/taskDefinition:TaskDefinition::{stack}-app-task"]
    if stack == "prod":  # with alarms
        monitoring = "graviton-node:service_monitoring:ServiceMonitoring$"
        renamed.append(f"-/+ {service}{monitoring}aws:cloudwatch/dashboard:Dashboard::prod-app-monitoring-dashboard")
    out = plan(capsys, "--stack", stack, "--diff", str(baseline))[1]
    assert [line.split("  ")[0] for line in out.splitlines()] == renamed


def test_a_new_capacity_provider_strategy_against_the_0_4_0_urns_updates_the_service_in_place(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The service sets force_new_deployment, which is all the provider asks of a strategy change."""
    baseline = Path(__file__).parent / "fixtures" / "urns" / "dev.json"
    assert past_0_4_0(plan(capsys, "--set", "fargateBase=1", "--diff", str(baseline))[1]) == []


def _baseline_with(stack: str, type_token: str, path: str, value: object) -> dict[str, object]:
    """The 0.4.0 baseline of ``stack`` as if its first ``type_token`` had set ``path`` to ``value`` (and had
    named its family and dashboard as 0.5.0 does, so that only ``path`` tells them apart)."""
    document = json.loads((Path(__file__).parent / "fixtures" / "urns" / f"{stack}.json").read_text())
    named_as_in_0_5(document["resources"])
    row = next(row for row in document["resources"] if row["type"] == type_token)
    row["replace_inputs"][path] = value
    return document


@pytest.mark.parametrize(
    ("type_token", "path", "was", "shown"),
    [
        ("aws:ec2/securityGroup:SecurityGroup", "description", "Managed by Pulumi", '"Managed by Pulumi" -> "'),
        ("aws:lb/targetGroup:TargetGroup", "protocol", "HTTPS", '"HTTPS" -> "HTTP"'),
    ],
)
def test_a_diff_against_the_urns_shows_a_kept_resource_whose_replace_on_change_input_changed_as_replaced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, type_token: str, path: str, was: object, shown: str
) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(_baseline_with("dev", type_token, path, was)))
    replaced = past_0_4_0(plan(capsys, "--diff", str(saved))[1])[0]
    assert replaced.startswith("-/+ urn:pulumi:dev::") and f"{type_token}::" in replaced
    assert f"  ({path}: {shown}" in replaced


def test_a_diff_against_the_urns_lists_what_a_replacement_replaces_in_turn_as_knock_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(_baseline_with("dev", "aws:iam/role:Role", "path", "/")))
    lines = plan(capsys, "--diff", str(saved))[1].splitlines()
    service = "urn:pulumi:dev::graviton-node::graviton-node:fargate_service:FargateService$"
    role = f"{service}aws:iam/role:Role::dev-app-exec-role"
    # The task definition is a new revision of its own against 0.4.0 (KEEP_ALIVE_CHANGE), listed first too.
    assert lines[0] == (f"new revision {service}aws:ecs/taskDefinition:TaskDefinition::dev-app-task  "
                        f"({KEEP_ALIVE_CHANGE})")  # fmt: skip
    assert lines[1].startswith(f"-/+ {role}  (path: ")
    assert lines[2:] == [
        f"new revision {service}aws:ecs/taskDefinition:TaskDefinition::dev-app-task  "
        f"(knock-on: executionRoleArn takes an output of {role})",
        f"-/+ {service}aws:iam/rolePolicy:RolePolicy::dev-app-exec-policy  (knock-on: role takes an output of {role})",
    ]


def test_a_diff_against_the_urns_lists_a_changed_task_definition_as_a_new_revision(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(_baseline_with("dev", "aws:ecs/taskDefinition:TaskDefinition", "cpu", "512")))
    (revision, verdict) = plan(capsys, "--diff", str(saved))[1].splitlines()
    assert (
        revision.startswith("new revision urn:pulumi:dev::")
        and f'({KEEP_ALIVE_CHANGE}, cpu: "512" -> "1024")' in revision
    )
    assert verdict == "no replacements"


def test_a_diff_shows_a_resource_whose_urn_moved_without_an_alias_as_replaced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = json.loads(plan(capsys, "--json")[1])
    (service,) = [r for r in document["resources"] if r["type"] == "aws:ecs/service:Service"]
    moved = service["urn"].replace("::dev-app-svc", "::dev-app-service")
    service["urn"] = moved
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(document))
    assert f"-/+ {moved}  (answered by 0: )" in plan(capsys, "--diff", str(saved))[1].splitlines()


def test_a_diff_shows_both_recorded_resources_one_new_resource_answers_as_replaced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The engine keeps one of them and deletes the other: one new resource takes over one old one."""
    document = json.loads((Path(__file__).parent / "fixtures" / "urns" / "dev.json").read_text())
    after = json.loads(plan(capsys, "--json")[1])
    # A resource that answers its 0.4.0 URN through an alias, and no other references.
    moved, old = next(
        (r, row)
        for r in after["resources"]
        if r["aliases"] and r["urn"] not in json.dumps(document)
        for row in document["resources"]
        if row["urn"] in r["aliases"] and f"ref:{row['urn']}#" not in json.dumps(document)
    )
    document["resources"].append({**old, "urn": moved["urn"]})
    saved = tmp_path / "before.json"
    saved.write_text(json.dumps(document))
    assert past_0_4_0(plan(capsys, "--diff", str(saved))[1]) == [
        f"-/+ {old['urn']}  ({moved['urn']} answers 2 recorded URNs)",
        f"-/+ {moved['urn']}  ({moved['urn']} answers 2 recorded URNs)",
    ]


def test_the_json_plan_of_a_program_reading_another_stack_lists_the_reference_once() -> None:
    """The second-service example reads the platform through a StackReference, which has no URN."""
    from tests.program.stacks import STACKS, run_config

    resources = tools.plan.document(run_config("second-service"), STACKS["second-service"])["resources"]
    assert [r["type"] for r in resources].count("pulumi:pulumi:StackReference") == 1


def test_a_stack_in_another_region_and_account_is_planned_with_them_in_every_arn_and_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    account = '--set=aws:allowedAccountIds=["210987654321"]'
    code, out, _ = plan(capsys, "--json", "--set", "aws:region=eu-west-1", account)
    document = json.loads(out)
    outputs = {key: value for key, value in document["outputs"].items() if key != "cost_estimate"}
    planned = json.dumps([document["resources"], outputs])
    assert code == 0 and "us-east-1" not in planned and "123456789012" not in planned
    assert outputs["url"] == "http://dev-web-alb-1234567890.eu-west-1.elb.amazonaws.com"
    assert outputs["repository_url"] == "210987654321.dkr.ecr.eu-west-1.amazonaws.com/dev-app-repo"
    assert outputs["cluster_arn"] == "arn:aws:ecs:eu-west-1:210987654321:cluster/dev-app-cluster"


def test_the_plan_shows_arns_as_aws_forms_them_in_the_stacks_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan(capsys, "--json", "--stack", "prod", "--set", "aws:region=eu-west-1")
    outputs = json.loads(out)["outputs"]
    # listener/app/${LoadBalancerName}/${LoadBalancerId}/${ListenerId} (Service Authorization Reference)
    balancer = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/prod-web-alb/50dc6c495c0c9188/"
    assert code == 0 and re.fullmatch(re.escape(balancer) + "[0-9a-f]{16}", outputs["listener_arn"])
    assert outputs["load_balancer_arn_suffix"] == "app/prod-web-alb/50dc6c495c0c9188"
    assert outputs["cluster_arn"] == "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-app-cluster"


def with_stack_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    """The commands see this project with one more stack, ``broken``, whose file is ``text``."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    # The program and its sample app (a folder of the project), run for the config's own mistakes.
    (tmp_path / "__main__.py").symlink_to(ROOT / "__main__.py")
    shutil.copytree(ROOT / "docker", tmp_path / "docker", ignore=shutil.ignore_patterns("node_modules"))
    (tmp_path / "Pulumi.broken.yaml").write_text(text)
    monkeypatch.setattr(tools.plan, "ROOT", tmp_path)


@pytest.mark.parametrize("command", [main, tools.run_local.main], ids=["plan", "run_local"])
def test_a_stack_files_secret_values_in_plain_text_are_refused_as_preview_and_up_refuse_them(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: Callable[[list[str]], int],
) -> None:
    """Only ``pulumi config set --secret`` (``secure:`` in the file) or ``--set`` makes them secret."""
    plain = "config:\n  aws:region: us-east-1\n  graviton-node:secretValues:\n    - API_KEY=abc\n"
    with_stack_file(monkeypatch, tmp_path, plain)
    assert command(["--stack", "broken"]) == 2
    out, err = capsys.readouterr()
    assert "secretValues" in out + err and "--secret" in out + err
    assert "abc" not in out + err


@pytest.mark.parametrize("command", [main, tools.run_local.main], ids=["plan", "run_local"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("config:\n  aws:region: us-east-1\n   graviton-node:cpu: [1\n",
         "error: Pulumi.broken.yaml line 3: mapping values are not allowed"),
        ("config:\n  graviton-node:cpu: 256\n  aws:region: us-east-1\n  graviton-node:cpu: 512\n",
         "error: Pulumi.broken.yaml line 4: 'graviton-node:cpu' is set twice (first on line 2)"),
        ("- graviton-node:cpu: 256\n", "error: Pulumi.broken.yaml: not a mapping with a config: mapping"),
    ],
    ids=["malformed", "duplicate", "not-a-mapping"],
)  # fmt: skip
def test_a_stack_file_the_cli_would_refuse_is_named_with_its_line_and_no_traceback(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: Callable[[list[str]], int],
    text: str,
    message: str,
) -> None:
    with_stack_file(monkeypatch, tmp_path, text)
    code = command(["--stack", "broken"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err.startswith(message) and "Traceback" not in captured.err


def test_every_key_set_twice_is_named_and_so_are_the_configs_other_mistakes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = "config:\n  graviton-node:cpu: 256\n  graviton-node:cpu: 512\n  graviton-node:memory: 3\n"
    text += "  graviton-node:memory: 5\n  aws:region: us-east-1\n"
    with_stack_file(monkeypatch, tmp_path, text)
    assert main(["--stack", "broken"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: Pulumi.broken.yaml line 3: 'graviton-node:cpu' is set twice (first on line 2)",
        "error: Pulumi.broken.yaml line 5: 'graviton-node:memory' is set twice (first on line 4)",
        "error: config 'memory': got 5; allowed: for cpu 512: 1024-4096 in steps of 1024 MiB",
    ]


@pytest.mark.parametrize("command", [main, tools.run_local.main], ids=["plan", "run_local"])
def test_help_shows_how_set_takes_an_array_a_boolean_and_another_namespace(
    capsys: pytest.CaptureFixture[str], command: Callable[[list[str]], int]
) -> None:
    with pytest.raises(SystemExit):
        command(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert """--set 'alarmEmails=["a@example.com","b@example.com"]'""" in shown
    assert "a boolean is true or false" in shown and "--set aws:region=eu-west-1" in shown


def test_a_list_that_is_not_json_is_called_so_not_wrapped_as_one_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = plan(capsys, "--set", "platforms=[linux/arm64]")
    assert code == 2
    assert err.rstrip().endswith('a list of strings in JSON, e.g. ["a", "b"]: this is not valid JSON')


def test_a_list_mistake_in_the_stack_file_is_fixed_in_the_file_not_with_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with_stack_file(monkeypatch, tmp_path, "config:\n  aws:region: us-east-1\n  graviton-node:alarmEmails: a@x.io\n")
    assert main(["--stack", "broken"]) == 2
    err = capsys.readouterr().err
    fix = 'write it in Pulumi.broken.yaml as a YAML list: graviton-node:alarmEmails: ["a@x.io"]'
    assert err.rstrip().endswith(fix)
    assert "--set" not in err


def test_a_hint_speaks_set_to_a_plan_user(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = plan(capsys, "--set", "allowedCidrs=203.0.113.0/24")
    assert code == 2
    assert err.rstrip().endswith("""set it with: --set 'allowedCidrs=["203.0.113.0/24"]'""")
    assert "pulumi config" not in err


def test_the_plan_outside_the_venv_says_the_command_that_runs_it() -> None:
    """``python -S`` leaves site-packages out, as a system Python without the project's packages would."""
    result = subprocess.run([sys.executable, "-S", "tools/plan.py", "--stack", "prod"], cwd=ROOT,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.rstrip().endswith("  .venv/bin/python tools/plan.py --stack prod")


def test_a_typo_in_another_namespace_is_an_error_of_the_plan_naming_the_nearest_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = plan(capsys, "--set", "aws:regoin=eu-west-1", "--set", "graviton-nod:desiredCount=3")
    assert code == 2 and sorted(err.splitlines()) == [
        "error: config 'aws:regoin': got 'eu-west-1'; allowed: did you mean 'aws:region'? a key of the aws "
        "provider's config (pulumi_aws/config/vars.py)",
        "error: config 'graviton-nod:desiredCount': got '3'; allowed: did you mean 'graviton-node:desiredCount'? "
        "a key in a namespace this program reads: graviton-node, pulumi, aws, awsx, docker-build",
    ]


def test_the_plan_of_the_prod_stack_as_shipped_succeeds_warning_of_each_placeholder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = plan(capsys, "--stack", "prod")
    assert code == 0 and out.startswith("stack prod: ")
    assert [line.split("'")[1] for line in err.splitlines()] == ["alarmEmails", "domainName", "hostedZoneId", "secrets"]
    assert all(line.startswith("warning: config '") for line in err.splitlines())


@pytest.mark.parametrize("script", ["tools/plan.py", "tools/run_local.py", "tools/check_image.py"])
def test_outside_the_venv_each_command_says_how_to_create_it_and_run_in_it(script: str) -> None:
    # -S: no site-packages, as the system's python3 without the project's dependencies.
    ran = subprocess.run([sys.executable, "-S", script, "--stack", "dev"], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert '"$(python3 tools/uv_bootstrap.py)" sync --locked' in ran.stderr
    assert ran.stderr.rstrip().endswith(f".venv/bin/python {script} --stack dev")


@pytest.mark.parametrize(
    ("quantity", "unit", "shown"),
    [(1, "tasks", "1 task"), (2, "tasks", "2 tasks"), (1, "dashboards", "1 dashboard"),
     (1, "addresses", "1 address"), (1, "custom metrics", "1 custom metric"), (0.5, "tasks", "0.5 tasks"),
     (1, "LCU on average", "1 LCU on average")],
)  # fmt: skip
def test_the_bill_counts_one_of_a_thing_in_the_singular(quantity: float, unit: str, shown: str) -> None:
    assert tools.plan.counted(quantity, unit) == shown


def test_the_plan_bill_says_one_task_not_one_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan(capsys, "--set", "desiredCount=1", "--set", "alarms=true")
    assert code == 0 and ": 1 task (" in out and ": 1 dashboard " in out and " 1 tasks" not in out


@pytest.mark.usefixtures("fresh_runs")
def test_two_json_plans_of_the_same_code_are_the_same_text_and_a_diff_of_them_shows_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A Lambda function's code is an asset: written by its members' content, not the object's address."""
    first, second = (plan(capsys, "--stack", "prod", "--json")[1] for _ in range(2))
    assert first == second
    (code,) = [r["inputs"]["code"] for r in json.loads(first)["resources"] if r["name"].endswith("task-count-function")]
    (member,) = code["archive"].values()
    assert re.fullmatch(r"[0-9a-f]{64}", member["sha256"])
    (tmp_path / "before.json").write_text(first)
    _, diff, _ = plan(capsys, "--stack", "prod", "--diff", str(tmp_path / "before.json"))
    assert "code" not in diff


def test_a_rolling_deployments_overlap_is_said_to_be_unpriced_not_priced_at_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    dev = plan(capsys, "--stack", "dev")[1].splitlines()
    assert (
        "  peak 2 tasks (0 on FARGATE: 0 vCPU, 2 on FARGATE_SPOT: 2 vCPU) until the new tasks are healthy: not priced"
    ) in dev
    assert not any("for 0 min" in line for line in dev)
    prod = plan(capsys, "--stack", "prod")[1].splitlines()
    assert any(line.endswith("for 44 min: $0.45 a deployment") for line in prod)


def test_the_readmes_deployment_lines_are_the_ones_prods_plan_prints_with_each_providers_vcpu(
    capsys: pytest.CaptureFixture[str],
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    (quoted,) = re.findall(r"```text\n(deployment: .*?)```", readme, re.DOTALL)
    assert "4 on FARGATE: 8 vCPU, 36 on FARGATE_SPOT: 72 vCPU" in quoted
    assert quoted in plan(capsys, "--stack", "prod")[1]


def test_a_diff_says_turning_a_protected_stacks_access_logs_off_leaves_its_bucket_in_aws(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Prod's log bucket and its configurations are retained on delete (deletion protection): the up drops
    them from the state only, and someone deletes them by hand once the logs are no longer wanted."""
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--stack", "prod", "--json")[1])
    lines = plan(capsys, "--stack", "prod", "--set", "accessLogs=false", "--diff", str(saved))[1].splitlines()
    removed = [line for line in lines if line.startswith("- ")]
    assert "- aws:s3/bucket:Bucket  prod-web-logs  [stays in AWS: retained on delete]" in removed
    assert len(removed) == 6 and all(line.endswith("[stays in AWS: retained on delete]") for line in removed)


def test_a_diff_says_a_domain_change_on_a_shifting_stack_may_send_its_traffic_to_the_empty_target_group(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Prod (canary, HTTPS) without its domain: the production and test rules move to the HTTP listener, a
    replacement, and the new rules take the program's 100/0 weights, not the ones ECS left."""
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--stack", "prod", "--json")[1])
    change = ["--set", "domainName=", "--set", "hostedZoneId=", "--set", "certificateArn="]
    lines = plan(capsys, "--stack", "prod", *change, "--diff", str(saved))[1].splitlines()
    rules = [line for line in lines if "ListenerRule::" in line and line.startswith(("!!", "-/+"))]
    assert rules and all(line.startswith("!! ") and "run one more shifting deployment" in line for line in rules)
    assert any(line.startswith("- aws:lb/listener:Listener  prod-web-https") for line in lines)


def test_a_domain_change_on_a_rolling_stack_replaces_its_rule_and_breaks_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rolling rule forwards to -tg alone, where the tasks are: its replacement is only that."""
    saved = tmp_path / "before.json"
    saved.write_text(plan(capsys, "--json")[1])
    change = ["--set", "domainName=app.example.com", "--set", "hostedZoneId=Z0123456789EXAMPLE"]
    lines = plan(capsys, *change, "--diff", str(saved))[1].splitlines()
    (rule,) = [line for line in lines if "ListenerRule::" in line and line.startswith(("!!", "-/+"))]
    assert rule.startswith("-/+ ") and "dev-app-rule" in rule


def test_the_stacks_are_the_files_where_the_cli_reads_them_in_stack_config_dir_too(tmp_path: Path) -> None:
    """pulumi/pulumi sdk/go/common/workspace/paths.go, ProjectStackPath: with stackConfigDir the CLI reads a
    stack's file there, and a file beside Pulumi.yaml is no stack's."""
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.qa.yaml").write_text("config: {}\n")
    (tmp_path / "Pulumi.stray.yaml").write_text("config: {}\n")
    assert tools.plan.stacks(tmp_path) == ["qa"]
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert tools.plan.stacks(tmp_path) == ["stray"]
