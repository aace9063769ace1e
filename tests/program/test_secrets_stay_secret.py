"""What a stack keeps secret stays secret wherever the program sends it.

Pulumi encrypts a value in the state and hides it in previews and diffs only while its ``Output`` is marked
secret; a key read with ``Config.get`` is a plain string, whatever ``pulumi config set --secret`` did to the
stack file (pulumi/pulumi#3075: "the plaintext value ... is stored in the state file"). So each input that
carries one of these values must reach the engine marked secret, and no name, URN or stack output may show
it: the secret values, the test header's value (the new revision's only gate when the listener is open to
everyone), and the alarm addresses (personal data). The container environment is plain in AWS whatever the
state holds, so ``environment`` set with ``--secret`` is refused, pointing at ``secretValues``.
"""

import json
from typing import Any

import pulumi.runtime.mocks
import pytest
from google.protobuf import json_format
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from components.errors import ConfigError
from settings import ENVIRONMENT_IS_PLAIN
from tests.program.stacks import MAXIMAL
from tools.offline import Run, run_program

HEADER_VALUE = "Hdr5ecret0123456789abcdef"
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


@pytest.fixture(scope="module")
def run() -> tuple[Run, dict[tuple[str, str], set[str]]]:
    """The maximal stack with the secret keys, and the properties each registration sent wholly secret."""
    sent: dict[tuple[str, str], set[str]] = {}
    register = pulumi.runtime.mocks.MockMonitor.RegisterResource

    def spy(monitor: Any, request: Any) -> Any:
        wire = json_format.MessageToDict(request.object)
        sent[(request.type, request.name)] = {key for key, value in wire.items() if wholly_secret(value)}
        return register(monitor, request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pulumi.runtime.mocks.MockMonitor, "RegisterResource", spy)
        run = run_program("prod", {**MAXIMAL, **SECRET_CONFIG}, secret_keys=list(SECRET_CONFIG))
    return run, sent


def holds_a_secret(value: object) -> bool:
    text = json.dumps(value, default=repr)
    return any(secret in text for secret in SECRETS)


def test_every_input_that_carries_a_secret_reaches_the_engine_secret_as_a_whole(run) -> None:
    recorded, sent = run
    carriers = [
        (r.type, r.name, key) for r in recorded.mocks.resources for key, v in r.inputs.items() if holds_a_secret(v)
    ]
    assert {carrier[0] for carrier in carriers} >= {
        "aws:lb/listenerRule:ListenerRule",
        "aws:lambda/function:Function",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:ssm/parameter:Parameter",
    }
    assert [c for c in carriers if c[2] not in sent[c[:2]]] == []


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
