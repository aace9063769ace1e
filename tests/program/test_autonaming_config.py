"""``pulumi:autonaming`` other than Pulumi's default is refused before anything is registered: the name
checks (``components.autonames``, ``edge.alb_rules``) and the deployer documents' ``STACK-*`` prefixes hold
for the default ``<name>-<7 random characters>`` only. The shapes are pulumi/pulumi's
(pkg/cmd/pulumi/autonaming/config.go and json.go): a ``mode`` (``default``, ``verbatim``, ``disabled``) or a
``pattern`` with ``enforce``, at the root, per provider and per resource type."""

import json

import pytest

from components.errors import ConfigError
from tools.offline import RecordingMocks, main_program, run_mocked, run_program

DEFAULTS = [{"mode": "default"}, {}, {"providers": {"aws": {"mode": "default"}}},
            {"providers": {"aws": {"resources": {"aws:ecr/repository:Repository": {"mode": "default"}}}}}]  # fmt: skip
REFUSED = [
    ({"pattern": "${project}-${name}-${hex(4)}"}, "a pattern"),
    ({"pattern": "${name}", "enforce": True}, "a pattern"),
    ({"mode": "verbatim"}, "verbatim"),
    ({"mode": "disabled"}, "disabled"),
    ({"providers": {"aws": {"mode": "verbatim"}}}, "verbatim"),
    ({"providers": {"aws": {"resources": {"aws:lb/targetGroup:TargetGroup": {"pattern": "${name}"}}}}}, "a pattern"),
    ({"mode": "random"}, "any other mode"),
]


@pytest.mark.parametrize("naming", DEFAULTS)
def test_pulumis_default_naming_spelled_out_deploys(naming: dict) -> None:
    assert run_program("dev", {"pulumi:autonaming": json.dumps(naming)}).mocks.resources


@pytest.mark.parametrize(("naming", "why"), REFUSED)
def test_any_other_naming_is_refused_naming_the_key_and_why_before_anything_is_registered(
    naming: dict, why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``pulumi up`` passes it: an object's JSON in PULUMI_CONFIG."""
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"pulumi:autonaming": json.dumps(naming)}))
    mocks = RecordingMocks()
    with pytest.raises(ConfigError) as error:
        run_mocked(main_program(), config={}, mocks=mocks)
    (refused,) = [e for e in error.value.errors if e.key == "pulumi:autonaming"]
    assert refused.value == json.dumps(naming)
    assert refused.allowed.startswith('unset, or {"mode": "default"}') and why in refused.allowed
    assert mocks.resources == []
