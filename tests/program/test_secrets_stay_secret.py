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

import pytest

from components.errors import ConfigError
from settings import ENVIRONMENT_IS_PLAIN
from tests.program.stacks import MAXIMAL, recorded_run
from tools.offline import run_program

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


@pytest.fixture(scope="module")
def run():
    return recorded_run("prod", {**MAXIMAL, **SECRET_CONFIG}, tuple(SECRET_CONFIG))


def holds_a_secret(value: object) -> bool:
    text = json.dumps(value, default=repr)
    return any(secret in text for secret in SECRETS)


def test_every_input_that_carries_a_secret_reaches_the_engine_marked_secret(run) -> None:
    carriers = [(r.type, r.name, key) for r in run.mocks.resources for key, v in r.inputs.items() if holds_a_secret(v)]
    assert {carrier[0] for carrier in carriers} >= {
        "aws:lb/listenerRule:ListenerRule",
        "aws:lambda/function:Function",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:ssm/parameter:Parameter",
    }
    by_name = {(r.type, r.name): r for r in run.mocks.resources}
    assert [c for c in carriers if c[2] not in by_name[c[:2]].secret_inputs] == []


def test_no_name_urn_or_stack_output_shows_a_secret(run) -> None:
    assert [r.urn for r in run.mocks.resources if holds_a_secret(r.urn)] == []
    assert [key for key, value in run.outputs.items() if holds_a_secret(value)] == []


def test_an_environment_set_with_secret_is_refused_pointing_at_secret_values_and_never_shown() -> None:
    with pytest.raises(ConfigError) as error:
        run_program("dev", {"environment": json.dumps([f"TOKEN={STORED}"])}, secret_keys=["environment"])
    (refused,) = [e for e in error.value.errors if e.allowed == ENVIRONMENT_IS_PLAIN]
    assert refused.key == "environment" and "secretValues" in refused.allowed
    assert STORED not in str(error.value)
