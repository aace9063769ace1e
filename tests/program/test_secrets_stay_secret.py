"""What a stack keeps secret stays secret wherever the program sends it.

Pulumi encrypts a value in the state and hides it in previews and diffs only while its ``Output`` is marked
secret; a key read with ``Config.get`` is a plain string, whatever ``pulumi config set --secret`` did to the
stack file (pulumi/pulumi#3075: "the plaintext value ... is stored in the state file"). So each input that
carries one of these values must reach the engine marked secret, and no name, URN or stack output may show
it: the secret values, the test header's value (the new revision's only gate when the listener is open to
everyone), and the alarm addresses (personal data). Any other key set with ``--secret`` is refused, as the
program would send it in plain text (``environment`` pointing at ``secretValues``: the container environment is
plain in AWS whatever the state holds), and so is a test header set without it.
"""

import json
from typing import Any

import pulumi.runtime.mocks
import pytest
from google.protobuf import json_format
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from components.errors import HIDDEN, ConfigError
from settings import CONFIG_KEYS, ENVIRONMENT_IS_PLAIN, KEPT_SECRET_KEYS, TEST_HEADER_IS_PLAIN
from tests.program.stacks import MAXIMAL
from tests.program.test_every_key_matters import ADMITS, CHANGES
from tools.offline import Run, run_program

HEADER_VALUE = "Hdr5ecret0123456789abcdef5ecret42"
ADDRESS = "hidden-oncall@corp-mail.example"
STORED = "V4lueS3cret"
#: Each key, set with --secret, and its value.
SECRET_CONFIG = {
    "deploymentTestHeader": f"x-deploy-test={HEADER_VALUE}",
    "alarmEmails": json.dumps([ADDRESS]),
    "secretValues": json.dumps([f"SESSION_KEY={STORED}"]),
}
SECRETS = (HEADER_VALUE, ADDRESS, STORED)


def wholly_secret(value: Any) -> bool:
    """Whether a property as the SDK sends it to the engine is a secret as a whole. The engine marks an output
    secret only where its whole input was (pulumi/pulumi ``step_executor.go``: ``in.IsSecret()``), and the bridged
    provider echoes these inputs back as outputs: a secret nested inside leaves the output in plain text. (The
    mocks' own records cannot tell: the SDK's deserializer moves a nested secret up to its property.)"""
    return isinstance(value, dict) and value.get(_special_sig_key) == _special_secret_sig


Sent = dict[tuple[str, str], set[str]]


def spied(stack: str, config: dict[str, str], secret_keys: list[str]) -> tuple[Run, Sent]:
    """The program's run, and the properties each registration sent the engine wholly secret."""
    sent: Sent = {}
    register = pulumi.runtime.mocks.MockMonitor.RegisterResource

    def spy(monitor: Any, request: Any) -> Any:
        wire = json_format.MessageToDict(request.object)
        sent[(request.type, request.name)] = {key for key, value in wire.items() if wholly_secret(value)}
        return register(monitor, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pulumi.runtime.mocks.MockMonitor, "RegisterResource", spy)
        run = run_program(stack, config, secret_keys=secret_keys)
    return run, sent


@pytest.fixture(scope="module")
def run() -> tuple[Run, Sent]:
    """The maximal stack with the secret keys."""
    return spied("prod", {**MAXIMAL, **SECRET_CONFIG}, list(SECRET_CONFIG))


def holds_a_secret(value: object, secrets: tuple[str, ...] = SECRETS) -> bool:
    text = json.dumps(value, default=repr)
    return any(secret in text for secret in secrets)


def carriers(recorded: Run, secrets: tuple[str, ...] = SECRETS) -> list[tuple[str, str, str]]:
    """Each registration's input that holds one of ``secrets``, as (type, name, property)."""
    return [
        (r.type, r.name, key)
        for r in recorded.mocks.resources
        for key, value in r.inputs.items()
        if holds_a_secret(value, secrets)
    ]


def test_every_input_that_carries_a_secret_reaches_the_engine_secret_as_a_whole(run) -> None:
    recorded, sent = run
    carriers_ = carriers(recorded)
    assert {carrier[0] for carrier in carriers_} >= {
        "aws:lb/listenerRule:ListenerRule",
        "aws:lambda/function:Function",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:ssm/parameter:Parameter",
    }
    assert [c for c in carriers_ if c[2] not in sent[c[:2]]] == []


def test_no_name_urn_or_stack_output_shows_a_secret(run) -> None:
    recorded, _ = run
    assert [r.urn for r in recorded.mocks.resources if holds_a_secret(r.urn)] == []
    assert [key for key, value in recorded.outputs.items() if holds_a_secret(value)] == []


def test_an_environment_set_with_secret_is_refused_pointing_at_secret_values_and_never_shown() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"environment": json.dumps([f"TOKEN={STORED}"])}, secret_keys=["environment"])
    (refused,) = [e for e in error.value.errors if e.allowed == ENVIRONMENT_IS_PLAIN]
    assert refused.key == "environment" and "secretValues" in refused.allowed
    assert STORED not in str(error.value)


def test_a_test_header_set_without_secret_is_refused_saying_how_to_set_it_and_never_shown() -> None:
    header = f"x-deploy-test={HEADER_VALUE}"
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"deploymentStrategy": "canary", "alarms": "true", "deploymentTestHeader": header})
    (refused,) = error.value.errors
    assert (refused.key, refused.value, refused.allowed) == ("deploymentTestHeader", HIDDEN, TEST_HEADER_IS_PLAIN)
    assert "pulumi config set --secret deploymentTestHeader" in refused.allowed
    assert HEADER_VALUE not in str(error.value)


def valid(key: str) -> dict[str, str]:
    """A config in which ``key`` has a value of its own that the program takes (``test_every_key_matters``)."""
    if key in ADMITS:
        config, raised = ADMITS[key]
        return {**config, key: raised}
    return CHANGES[key][1]


def parts(raw: str) -> tuple[str, ...]:
    """What of a raw value is secret: each item of a list, and of a ``NAME=value`` item its value (the name is
    public: the plan lists secret values by name)."""
    try:
        items = json.loads(raw)
    except json.JSONDecodeError:
        items = raw
    return tuple(str(item).partition("=")[2] or str(item) for item in (items if isinstance(items, list) else [raw]))


@pytest.mark.parametrize("key", [key.name for key in CONFIG_KEYS])
def test_a_key_set_with_secret_is_refused_or_reaches_the_engine_wholly_secret(key: str) -> None:
    """One rule over every key: what the program would send in plain text it does not take as a secret."""
    config = valid(key)
    # The other keys a config needs stay as a stack sets them: a test header is secret there too.
    secret_keys = sorted({key, "secretValues", "deploymentTestHeader"} & ({key} | config.keys()))
    try:
        recorded, sent = spied("dev", config, secret_keys)
    except ConfigError as error:
        (refused,) = [one for one in error.errors if one.key == key]
        assert refused.value == HIDDEN and key not in KEPT_SECRET_KEYS
        return
    assert key in KEPT_SECRET_KEYS
    found = carriers(recorded, parts(config[key]))
    assert found and [c for c in found if c[2] not in sent[c[:2]]] == []
