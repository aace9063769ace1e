"""The offline plan command prints what the program would register, and its cost."""

import json

import pytest

from tools.plan import main


def test_the_plan_lists_every_resource_with_key_inputs_and_the_cost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "stack dev: 28 resources"
    assert '"runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"}' in out
    strategy = '[{"capacityProvider":"FARGATE","weight":0},{"capacityProvider":"FARGATE_SPOT","weight":1}]'
    assert f'"capacityProviderStrategies":{strategy}' in out
    assert out.splitlines()[-1].startswith("cost: $9.18/month on Graviton (0 on-demand + 1 Spot tasks) vs $36.04")


def test_the_json_plan_has_all_inputs_and_the_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--set", "desiredCount=3"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert len(plan["resources"]) == 28
    (service,) = [r for r in plan["resources"] if r["type"] == "aws:ecs/service:Service"]
    assert service["inputs"]["desiredCount"] == 3
    assert plan["outputs"]["cost_estimate"]["tasks_spot"] == 3


def test_a_bad_value_exits_2_naming_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "memory=3000"]) == 2
    assert "config 'memory': got 3000" in capsys.readouterr().err
