"""Each example refuses a ``pulumi:autonaming`` other than Pulumi's default, as this project does, before
anything is registered: the package's name checks and the deployer documents' ``<stack>-*`` prefixes hold for
``<name>-<7 random characters>`` only (``components/autonames.py``)."""

import json

import pytest
from graviton_node_components import ConfigError
from graviton_node_components.testing import RecordingMocks, run_program

from tests.program.stacks import EXAMPLES, PLATFORM, STACKS, recorded_run
from tests.program.test_autonaming_config import DEFAULTS, REFUSED


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize(("naming", "why"), REFUSED)
def test_an_example_refuses_any_other_naming_in_pulumis_key_with_nothing_registered(
    example: str, naming: dict, why: str
) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: recorded_run("dev").outputs})
    with pytest.raises(ConfigError) as error:
        run_program(EXAMPLES[example], STACKS[example], {"pulumi:autonaming": json.dumps(naming)}, mocks=mocks)
    (refused,) = error.value.errors
    assert (refused.key, refused.value) == ("pulumi:autonaming", json.dumps(naming))
    assert refused.allowed.startswith('unset, or {"mode": "default"}') and why in refused.allowed
    assert mocks.resources == []


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("naming", DEFAULTS)
def test_an_example_deploys_with_pulumis_default_naming_spelled_out(example: str, naming: dict) -> None:
    mocks = RecordingMocks(stack_outputs={PLATFORM: recorded_run("dev").outputs})
    run_program(EXAMPLES[example], STACKS[example], {"pulumi:autonaming": json.dumps(naming)}, mocks=mocks)
    assert mocks.inputs_of("aws:ecs/service:Service")
