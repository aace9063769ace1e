"""No error about a secret key shows its value: not in the error's text, str or repr, not in a
component's Args error, not in what ``tools/plan.py`` prints. ``secretValues`` is secret however it was
set; any other key is when set with ``pulumi config set --secret``."""

import json
import string
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.errors import HIDDEN, ConfigError, shown
from components.service.cluster_spec import ExistingCluster
from components.service.fargate_service import FargateServiceArgs
from components.service.service_access import ServiceAccess
from components.service.service_spec import ServiceSpec
from settings import load_settings
from tests.components.builders import DEPLOYER_ROLE, IMAGE
from tools.plan import main as plan

PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db-url"
#: Secret values: marked so that no fixed text of a message holds one by chance, with the characters
#: JSON escapes (a list is shown as JSON), and no ``=`` (each case below places its own).
SECRETS = st.text(string.ascii_letters + string.digits + '!@#$%&*()-_+/.,:;~ "\\é', min_size=4, max_size=24).map(
    lambda text: "sEcReT" + text
)
Case = Callable[[str], tuple[dict[str, str], frozenset[str]]]
SECRET_VALUES = frozenset({"secretValues"})
#: Config mistakes that quote (or used to quote) a secret, as config and the keys set with ``--secret``.
CASES: dict[str, Case] = {
    "not a list (the issue's --set)": lambda s: ({"secretValues": f"DB_PASSWORD={s}"}, SECRET_VALUES),
    "a value with no name": lambda s: ({"secretValues": json.dumps([s])}, SECRET_VALUES),
    "a value with an = in it and no name": lambda s: ({"secretValues": json.dumps([f"p@{s}=x{s}"])}, SECRET_VALUES),
    "a bad name": lambda s: ({"secretValues": json.dumps([f"1BAD={s}"])}, SECRET_VALUES),
    "an empty name": lambda s: ({"secretValues": json.dumps([f"={s}"])}, SECRET_VALUES),
    "a name twice": lambda s: ({"secretValues": json.dumps([f"A={s}", f"A=x{s}"])}, SECRET_VALUES),
    "items that are not strings": lambda s: ({"secretValues": json.dumps([{"A": s}])}, SECRET_VALUES),
    "not set with --secret": lambda s: ({"secretValues": json.dumps([f"API_TOKEN={s}"])}, frozenset()),
    "a name also in secrets": lambda s: (
        {"secretValues": json.dumps([f"DB_URL={s}"]), "secrets": json.dumps([f"DB_URL={PARAMETER}"])},
        SECRET_VALUES,
    ),
    "a name also in environment": lambda s: (
        {"secretValues": json.dumps([f"LOG_LEVEL={s}"]), "environment": '["LOG_LEVEL=debug"]'},
        SECRET_VALUES,
    ),
    "a misspelt key set with --secret": lambda s: ({"secretValue": json.dumps([f"A={s}"])}, frozenset({"secretValue"})),
    "environment set with --secret, a name twice": lambda s: (
        {"environment": json.dumps([f"TOKEN={s}", f"TOKEN=x{s}"])},
        frozenset({"environment"}),
    ),
    "environment set with --secret, not a list": lambda s: ({"environment": f"TOKEN={s}"}, frozenset({"environment"})),
    "secrets set with --secret, not an ARN": lambda s: ({"secrets": json.dumps([f"DB={s}"])}, frozenset({"secrets"})),
    "an integer set with --secret": lambda s: ({"cpu": s}, frozenset({"cpu"})),
}


def texts(error: ConfigError) -> list[str]:
    """Everything an error can show: its text, its repr, and each mistake's value and what is allowed."""
    return [str(error), repr(error), *(t for one in error.errors for t in (str(one), repr(one), shown(one.value),
                                                                           one.allowed))]  # fmt: skip


def shows(secret: str, text: str) -> bool:
    return secret in text or json.dumps(secret)[1:-1] in text


def settings_error(config: dict[str, str], secret_keys: frozenset[str]) -> ConfigError:
    with pytest.raises(ConfigError) as error:
        load_settings(config, secret_keys, region="us-east-1")
    return error.value


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(secret=SECRETS)
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_a_config_error_never_shows_a_secret_keys_value(case: Case, secret: str) -> None:
    config, secret_keys = case(secret)
    error = settings_error(config, secret_keys)
    assert not any(shows(secret, text) for text in texts(error))
    assert all(one.value == HIDDEN for one in error.errors if one.key in secret_keys | SECRET_VALUES)


@settings(max_examples=25)
@given(secret=SECRETS)
def test_every_mistake_at_once_still_shows_no_secret_and_tells_the_mistakes_apart(secret: str) -> None:
    config: dict[str, str] = {}
    secret_keys: set[str] = set()
    for case in (
        CASES["a name twice"],
        CASES["environment set with --secret, not a list"],
        CASES["an integer set with --secret"],
    ):
        more, keys = case(secret)
        config |= more
        secret_keys |= keys
    error = settings_error(config, frozenset(secret_keys))
    assert not any(shows(secret, text) for text in texts(error))
    assert sorted(one.key for one in error.errors) == ["cpu", "environment", "secretValues"]


def test_another_keys_error_does_not_quote_a_value_set_with_secret() -> None:
    """The memory error would name the CPU it is checked against; a CPU set with ``--secret`` is refused (the
    program would show it in plain text), so that check waits for it and nothing quotes it."""
    error = settings_error({"cpu": "8192", "memory": "17408"}, frozenset({"cpu"}))
    assert "8192" not in str(error)
    assert [(one.key, one.value) for one in error.errors] == [("cpu", HIDDEN)]


def test_a_name_that_parses_still_says_which_is_wrong() -> None:
    """Names of secret values are public (the plan lists them): a mistake about one names it."""
    error = settings_error({"secretValues": '["API_TOKEN=a1b2c3d4", "API_TOKEN=e5f6g7h8"]'}, SECRET_VALUES)
    assert str(error) == f"config 'secretValues': got '{HIDDEN}'; allowed: each name once (API_TOKEN is set twice)"


@given(secret=SECRETS)
def test_a_component_args_error_about_secret_values_never_shows_them(secret: str) -> None:
    name = f"1{secret}"
    cases = (
        (ServiceAccess(), {name: secret}, "FargateServiceArgs.secret_values"),  # a value the spec does not name
        (None, {name: secret}, "ServiceAccess.secret_value_names"),  # named by the spec, a name that cannot be
    )
    for access, values, key in cases:
        with pytest.raises(ConfigError) as error:
            spec = ServiceSpec(
                access=access or ServiceAccess(secret_value_names=tuple(values), deployer_role_arn=DEPLOYER_ROLE)
            )
            FargateServiceArgs(spec=spec, image_ref=IMAGE, vpc_id="v", subnet_ids=["s"], assign_public_ip=False,
                               cluster=ExistingCluster(arn="arn:aws:ecs:us-east-1:123456789012:cluster/c"),
                               secret_values=values)  # fmt: skip
        assert error.value.errors[0].key == key
        assert not any(shows(secret, text) for text in texts(error.value))


@pytest.mark.parametrize(
    "setting",
    [
        "secretValues=DB_PASSWORD=hunter2",  # the command
        'secretValues=["hunter2"]',
        'secretValues=["DB_PASSWORD=hunter2", "DB_PASSWORD=hunter2"]',
        'secretValues=["1X=hunter2"]',
    ],
)
def test_the_plan_never_prints_a_secret_value_in_its_errors(setting: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert plan(["--set", setting]) == 2
    printed = capsys.readouterr()
    assert "hunter2" not in printed.out + printed.err
    assert f"got '{HIDDEN}'" in printed.err
