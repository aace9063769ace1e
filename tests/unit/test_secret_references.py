"""A Secrets Manager reference the config accepts is one the task can read at start: the secret
Secrets Manager finds for it is one the execution role's policy allows, as IAM matches ARNs
(``tests/models/secrets_manager.py``, ``tests/models/iam.py``)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import ConfigError
from components.iam_policies import execution_policy
from components.service.secrets import check_reference, parse_references, resource_arn
from tests.models import iam
from tests.models.secrets_manager import Secret, find

LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:svc-logs"
#: CreateSecret's name characters (botocore ``secretsmanager`` model, ``NameType``).
NAMES = st.text(string.ascii_letters + string.digits + "/_+=.@-", min_size=1, max_size=40)
#: The six random letters or digits Secrets Manager appends.
SUFFIXES = st.text(string.ascii_letters + string.digits, min_size=6, max_size=6)
JSON_KEYS = st.sampled_from(["", ":password::", "::AWSPREVIOUS:", ":username:AWSCURRENT:"])


def role_may_read(value_from: str, secret: Secret) -> bool:
    """Whether the execution role built for ``value_from`` may read ``secret``."""
    arn = resource_arn(value_from)
    assert arn is not None
    policy = execution_policy(repository_arn=None, log_group_arn=LOG_GROUP, secret_arns=(arn,))
    return iam.allows(policy, "secretsmanager:GetSecretValue", secret.arn)


@given(name=NAMES, suffix=SUFFIXES, json_key=JSON_KEYS, partial=st.booleans())
def test_every_accepted_reference_that_finds_a_secret_lets_the_role_read_it(
    name: str, suffix: str, json_key: str, partial: bool
) -> None:
    secret = Secret(name, suffix)
    named = secret.partial_arn if partial else secret.arn
    try:
        check_reference("DB", f"{named}{json_key}")
    except ConfigError:
        return
    found = find(named, [secret])
    if found is not None:
        assert role_may_read(named + json_key, found)


@given(name=NAMES, suffix=SUFFIXES, json_key=JSON_KEYS)
def test_a_full_arn_is_always_accepted_and_readable(name: str, suffix: str, json_key: str) -> None:
    secret = Secret(name, suffix)
    check_reference("DB", f"{secret.arn}{json_key}")
    assert parse_references([f"DB={secret.arn}{json_key}"]) == {"DB": secret.arn + json_key}
    assert role_may_read(secret.arn + json_key, secret)


@pytest.mark.parametrize("json_key", ["", ":password::"])
def test_a_partial_arn_is_refused_naming_secrets_the_value_and_the_full_form(json_key: str) -> None:
    secret = Secret("prod/db", "AbCdEf")
    with pytest.raises(ConfigError) as error:
        check_reference("DB", f"{secret.partial_arn}{json_key}")
    assert (error.value.key, error.value.value) == ("ServiceAccess.secrets", f"DB={secret.partial_arn}{json_key}")
    assert error.value.allowed.startswith("a full ARN with the 6-character suffix, as the console shows it")


def test_the_role_of_a_partial_arn_would_be_denied_its_secret() -> None:
    """Why partial ARNs are refused: the policy the program wrote for them named the partial ARN."""
    secret = Secret("prod/db", "AbCdEf")
    policy = execution_policy(repository_arn=None, log_group_arn=LOG_GROUP, secret_arns=(secret.partial_arn,))
    assert find(secret.partial_arn, [secret]) == secret
    assert not iam.allows(policy, "secretsmanager:GetSecretValue", secret.arn)


SM = "arn:aws:secretsmanager"


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        (f"{SM}:*:1:secret:db-??????", f"{SM}:eu-west-1:1:secret:db-AbCdEf", True),
        (f"{SM}:*:1:secret:db-??????", f"{SM}:eu-west-1:1:secret:db-x-AbCdEf", False),
        (f"{SM}:us-east-1:1:secret:db", f"{SM}:us-east-1:1:secret:db-AbCdEf", False),
        (f"{SM}:us-east-1:1:secret:DB-*", f"{SM}:us-east-1:1:secret:db-AbCdEf", False),
        ("arn:aws:s*:us-east-1:1:secret:db-AbCdEf", f"{SM}:us-east-1:1:secret:db-AbCdEf", True),
        (f"{SM}:*", f"{SM}:us-east-1:1:secret:db-AbCdEf", True),
        (f"{SM}:us*1:secret:db-AbCdEf", f"{SM}:us-east-1:1:secret:db-AbCdEf", False),
    ],
)
def test_the_iam_model_matches_resources_as_iam_does(pattern: str, arn: str, matches: bool) -> None:
    """``?`` is one character, matching is case-sensitive, and only a ``*`` that ends a segment runs on
    past a colon."""
    assert iam.resource_matches(pattern, arn) is matches
