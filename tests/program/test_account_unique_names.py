"""Two projects copied from this one, deployed to the same account and region with the same stack
name, set no name that AWS keeps unique per account (or globally); nor does this project deployed with
the same stack name to two regions of one account, for the names AWS keeps unique per account.

Most names are left to Pulumi, which adds a random suffix. Where the program sets one itself, AWS
either refuses the second project (log groups, SSM parameters: "already exists") or, worse, lets it
silently take over the first one's (``PutDashboard`` replaces a dashboard of the same name; a task
definition family collects both projects' revisions).
"""

import functools
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from components.naming import account_unique
from components.observability.dashboard import dashboard_name
from tests.components.builders import DEPLOYER_ROLE
from tests.models import iam
from tools.deployer_policy import document, fill
from tools.offline import ACCOUNT, REGION, ROOT, Registered, Run, run_program

#: Types whose name is unique per account and region, and the input that sets it; ``PER_ACCOUNT`` and
#: ``GLOBAL`` say which are unique more widely.
UNIQUE_NAME = {
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyName",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarmName",
    "aws:ssm/parameter:Parameter": "name",
    "aws:iam/role:Role": "name",
    # "The alias name must be unique in the AWS account and Region" (AWS KMS API Reference, CreateAlias).
    "aws:kms/alias:Alias": "name",
    "aws:lambda/function:Function": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:ecs/taskDefinition:TaskDefinition": "family",
    "aws:ecr/repository:Repository": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:sns/topic:Topic": "name",
    "aws:s3/bucket:Bucket": "bucket",
}
#: Dashboards (CloudWatch API reference, PutDashboard: "All dashboards in your account are global, not
#: region-specific") and IAM roles are unique per account.
PER_ACCOUNT = {"aws:cloudwatch/dashboard:Dashboard", "aws:iam/role:Role"}
#: S3 bucket names are unique across every account.
GLOBAL = {"aws:s3/bucket:Bucket"}
SECRETS = {"secretValues": '["API_TOKEN=x"]', "deployerRoleArn": DEPLOYER_ROLE}


def copy_of_this_project(tmp: Path, name: str) -> Path:
    """The project under another name, its stack files' keys renamed with it (as `pulumi new` would)."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    (tmp / "Pulumi.yaml").write_text(yaml.safe_dump({**project, "name": name}))
    for stack_file in ROOT.glob("Pulumi.*.yaml"):
        stack = yaml.safe_load(stack_file.read_text())
        stack["config"] = {key.replace(f"{project['name']}:", f"{name}:", 1): v for key, v in stack["config"].items()}
        # Its secrets live under its own project's prefix, as its stacks' boundaries require.
        if f"{name}:secrets" in stack["config"]:
            stack["config"][f"{name}:secrets"] = [
                ref.replace(f"/{project['name']}/", f"/{name}/") for ref in stack["config"][f"{name}:secrets"]
            ]
        (tmp / stack_file.name).write_text(yaml.safe_dump(stack))
    shutil.copy(ROOT / "__main__.py", tmp)
    # A copy, not a link: the program builds only a context that lies inside the project.
    shutil.copytree(ROOT / "docker", tmp / "docker", ignore=shutil.ignore_patterns("node_modules"))
    return tmp


def set_names(resources: list[Registered]) -> set[tuple[str, str]]:
    return {(r.type, r.inputs[UNIQUE_NAME[r.type]]) for r in resources
            if r.type in UNIQUE_NAME and UNIQUE_NAME[r.type] in r.inputs}  # fmt: skip


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_copy_of_the_project_in_the_same_account_takes_none_of_this_ones_names(stack: str, tmp_path: Path) -> None:
    ours = run_program(stack, {**SECRETS, "alarms": "true"}, secret_keys=["secretValues"])
    theirs = run_program(stack, {**SECRETS, "alarms": "true"}, secret_keys=["secretValues"],
                         root=copy_of_this_project(tmp_path, "orders-service"))  # fmt: skip
    assert len(theirs.mocks.resources) == len(ours.mocks.resources)
    ours_named = set_names(ours.mocks.resources)
    assert {t for t, _ in ours_named} >= {"aws:cloudwatch/dashboard:Dashboard", "aws:ssm/parameter:Parameter"}
    assert ours_named & set_names(theirs.mocks.resources) == set()


@functools.cache
def in_region(stack: str, region: str) -> Run:
    """The stack, with alarms (and so a dashboard), deployed to ``region`` (one run each: read only); the
    mocks answer in the stack's region."""
    return run_program(stack, {**SECRETS, "alarms": "true", "aws:region": region}, secret_keys=["secretValues"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_same_stack_in_two_regions_of_one_account_takes_none_of_the_others_account_wide_names(stack: str) -> None:
    east, west = in_region(stack, "us-east-1"), in_region(stack, "eu-west-1")
    account_wide = [{(t, n) for t, n in set_names(run.mocks.resources) if t in PER_ACCOUNT | GLOBAL}
                    for run in (east, west)]  # fmt: skip
    assert {t for t, _ in account_wide[0]} >= {"aws:cloudwatch/dashboard:Dashboard"}
    assert account_wide[0] & account_wide[1] == set()


def test_each_regions_stack_exports_the_url_of_its_own_dashboard() -> None:
    east, west = in_region("dev", "us-east-1"), in_region("dev", "eu-west-1")
    for run, region in ((east, "us-east-1"), (west, "eu-west-1")):
        (name,) = [
            r.inputs["dashboardName"] for r in run.mocks.resources if r.type == "aws:cloudwatch/dashboard:Dashboard"
        ]
        assert run.outputs["dashboard_url"] == (
            f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards:name={name}"
        )


#: Name parts Pulumi allows: project names are 1-100 letters, digits, ``_``, ``.`` and ``-`` (pulumi/pulumi
#: sdk/go/common/workspace/project.go, ValidateProjectName); stacks as the program takes them, in lower case
#: letters, digits and ``-`` (the load balancer's name: components/edge/alb_rules.py).
PROJECT_PART = st.from_regex(r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,12}", fullmatch=True)
STACK_PART = st.from_regex(r"[a-z0-9][a-z0-9-]{0,6}", fullmatch=True)


def deployer_of(project: str, stack: str) -> dict:
    """The deployer's documents that scope task definitions and dashboards, filled in for the stack."""
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": project, "STACK": stack}
    statements = [s for name in ("deployer-ecs", "deployer-resources") for s in document(name)["Statement"]]
    return fill({"Version": "2012-10-17", "Statement": statements}, values)


def family_and_dashboard(project: str, stack: str) -> dict[str, str]:
    """What a deploy of the stack's service (which the program names ``<stack>-app``) does to its task family
    and dashboard, by the ARN each is done on."""
    family = account_unique(project, stack, f"{stack}-app")
    dashboard = dashboard_name(project, stack, f"{stack}-app-monitoring", REGION)
    return {
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:1": "ecs:RegisterTaskDefinition",
        f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{dashboard}": "cloudwatch:PutDashboard",
    }


@given(x=PROJECT_PART, y=STACK_PART, z=STACK_PART)
def test_two_stacks_whose_project_and_stack_join_alike_share_no_family_or_dashboard_nor_each_others_deployer(
    x: str, y: str, z: str
) -> None:
    """``shop`` + ``api-dev`` and ``shop-api`` + ``dev``: ``-`` joins project and stack, and both may contain it."""
    ours, theirs = (x, f"{y}-{z}"), (f"{x}-{y}", z)
    assert "-".join(ours) == "-".join(theirs)
    assert family_and_dashboard(*ours).keys().isdisjoint(family_and_dashboard(*theirs))
    for (project, stack), other in ((ours, theirs), (theirs, ours)):
        policy = deployer_of(project, stack)
        assert all(iam.allows(policy, action, arn) for arn, action in family_and_dashboard(project, stack).items())
        assert not any(iam.allows(policy, action, arn) for arn, action in family_and_dashboard(*other).items())


@st.composite
def dotted_project(draw: st.DrawFn) -> str:
    """Any ``PROJECT_PART`` with a dot in it, the dot anywhere: drawn so, not filtered from ``PROJECT_PART``,
    where too few draws hold one (hypothesis's filter health check failed about one seed in four)."""
    rest = draw(st.from_regex(r"[A-Za-z0-9_.-]{0,12}", fullmatch=True))
    at = 0 if rest.startswith("-") else draw(st.integers(0, len(rest)))
    return f"{rest[:at]}.{rest[at:]}"


@given(project=dotted_project(), stack=STACK_PART)
def test_a_project_spelled_with_a_dot_and_its_hyphened_twin_share_no_family_or_dashboard(
    project: str, stack: str
) -> None:
    """Names take ``-`` for ``.`` (``naming.name_form``): ``acme.web`` and ``acme-web`` would write alike."""
    twin = project.replace(".", "-")
    assert family_and_dashboard(project, stack).keys().isdisjoint(family_and_dashboard(twin, stack))


def test_shop_as_api_dev_and_shop_api_as_dev_set_no_name_of_the_others(tmp_path: Path) -> None:
    """The reviewer's pair, run whole: every name either program sets itself is its own."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop-api").mkdir()
    shop = copy_of_this_project(tmp_path / "shop", "shop")
    shutil.copy(shop / "Pulumi.dev.yaml", shop / "Pulumi.api-dev.yaml")
    config = {**SECRETS, "alarms": "true"}
    ours = run_program("api-dev", config, secret_keys=["secretValues"], root=shop)
    theirs = run_program(
        "dev", config, secret_keys=["secretValues"], root=copy_of_this_project(tmp_path / "shop-api", "shop-api")
    )
    named = set_names(ours.mocks.resources)
    assert {t for t, _ in named} >= {"aws:cloudwatch/dashboard:Dashboard", "aws:ecs/taskDefinition:TaskDefinition"}
    assert named & set_names(theirs.mocks.resources) == set()
