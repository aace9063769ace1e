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

from tests.components.builders import DEPLOYER_ROLE
from tools.offline import ROOT, Registered, Run, run_program

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
