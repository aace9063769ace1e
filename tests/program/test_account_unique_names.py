"""Two projects copied from this one, deployed to the same account and region with the same stack
name, set no name that AWS keeps unique per account (or globally).

Most names are left to Pulumi, which adds a random suffix. Where the program sets one itself, AWS
either refuses the second project (log groups, SSM parameters: "already exists") or, worse, lets it
silently take over the first one's (``PutDashboard`` replaces a dashboard of the same name; a task
definition family collects both projects' revisions).
"""

import shutil
from pathlib import Path

import pytest
import yaml

from tools.offline import ROOT, Registered, run_program

#: Types whose name is unique per account and region (S3 buckets: globally; IAM roles: per account), and
#: the input that sets it.
UNIQUE_NAME = {
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyName",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarmName",
    "aws:ssm/parameter:Parameter": "name",
    "aws:iam/role:Role": "name",
    "aws:lambda/function:Function": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:ecs/taskDefinition:TaskDefinition": "family",
    "aws:ecr/repository:Repository": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:sns/topic:Topic": "name",
    "aws:s3/bucket:Bucket": "bucket",
}
SECRETS = {"secretValues": '["API_TOKEN=x"]'}


def copy_of_this_project(tmp: Path, name: str) -> Path:
    """The project under another name, its stack files' keys renamed with it (as `pulumi new` would)."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    (tmp / "Pulumi.yaml").write_text(yaml.safe_dump({**project, "name": name}))
    for stack_file in ROOT.glob("Pulumi.*.yaml"):
        stack = yaml.safe_load(stack_file.read_text())
        stack["config"] = {key.replace(f"{project['name']}:", f"{name}:", 1): v for key, v in stack["config"].items()}
        (tmp / stack_file.name).write_text(yaml.safe_dump(stack))
    shutil.copy(ROOT / "__main__.py", tmp)
    (tmp / "docker").symlink_to(ROOT / "docker")
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
