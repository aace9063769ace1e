"""The deploy workflow fails unless ECS runs the revision the stack records, as ``tools/deploy.sh`` does, and a
manual run may refresh first to deploy again (README, "A deploy failed or was rolled back";
tests/program/test_rollout_check.py runs the check itself)."""

from tests.ci.test_workflows import load, steps_using


def test_the_deploy_workflow_checks_the_rollout_of_the_stack_it_updated_and_a_mismatch_fails_the_job() -> None:
    (up,) = load("pulumi-up.yml")["jobs"].values()
    (pulumi,) = steps_using(up, "pulumi/actions")
    after = up["steps"][up["steps"].index(pulumi) + 1 :]
    (check,) = [step for step in after if "tools/rollout_check.sh" in step.get("run", "")]
    assert check["run"].strip() == 'tools/rollout_check.sh "$STACK"'
    assert check["env"]["STACK"] == pulumi["with"]["stack-name"] == "${{ inputs.stack }}"
    assert check["env"]["PULUMI_ACCESS_TOKEN"] == pulumi["env"]["PULUMI_ACCESS_TOKEN"]
    assert "continue-on-error" not in check and "if" not in check


def test_a_manual_deploy_may_refresh_first_and_a_push_never_does() -> None:
    (up,) = load("pulumi-up.yml")["jobs"].values()
    (pulumi,) = steps_using(up, "pulumi/actions")
    assert pulumi["with"]["refresh"] == "${{ inputs.refresh }}"
    deploy = load("deploy.yml")
    refresh = deploy["on"]["workflow_dispatch"]["inputs"]["refresh"]
    assert (refresh["type"], refresh["default"]) == ("boolean", False)
    assert {job["with"]["refresh"] for job in deploy["jobs"].values()} == {"${{ inputs.refresh || false }}"}
