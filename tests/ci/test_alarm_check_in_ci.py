"""The deploy workflow checks the alarm addresses after its ``pulumi up``, as ``tools/deploy.sh`` does
(README, "Alarm e-mails stop"; tests/program/test_alarm_check.py runs the check itself)."""

from tests.ci.test_workflows import load, steps_using


def test_the_deploy_workflow_runs_the_alarm_check_on_the_stack_it_updated_right_after_the_update() -> None:
    (up,) = load("pulumi-up.yml")["jobs"].values()
    (pulumi,) = steps_using(up, "pulumi/actions")
    after = up["steps"][up["steps"].index(pulumi) + 1 :]
    (check,) = [step for step in after if "tools/alarm_check.sh" in step.get("run", "")]
    assert check["run"].strip() == 'tools/alarm_check.sh "$STACK"'
    assert check["env"]["STACK"] == pulumi["with"]["stack-name"] == "${{ inputs.stack }}"
    # The same backend login as the update's, for a Pulumi Cloud backend too.
    assert check["env"]["PULUMI_ACCESS_TOKEN"] == pulumi["env"]["PULUMI_ACCESS_TOKEN"]
    # A warning does not fail a deploy that is done; the check itself exits 0 whatever it finds.
    assert "continue-on-error" not in check and "if" not in check
    # GitHub sets GITHUB_ACTIONS to true in every step (GitHub Docs, "Variables reference", Default environment
    # variables), which masks the addresses (tests/program/test_alarm_check.py): nothing here may unset it.
    assert "GITHUB_ACTIONS" not in {**up.get("env", {}), **check["env"]}
