"""Config errors read as the user wrote the value, and several come back together; a secret's value
never shows."""

import json
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import (
    HIDDEN,
    SECRET_KEYS,
    CombinedConfigError,
    ConfigError,
    Mistakes,
    boolean,
    built,
    collect,
    in_words,
    integer,
    redact,
    renamed,
    shown,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(False, "false"), (True, "true"), (["a", "b"], '["a", "b"]'), (("x",), '["x"]'), ("abc", "'abc'"), (3, "3")],
)
def test_values_are_shown_as_yaml_and_pulumi_config_spell_them(value: object, text: str) -> None:
    assert shown(value) == text
    assert f"got {text};" in str(ConfigError("k", value, "something"))


def test_collect_runs_every_check_and_raises_them_together_without_duplicates() -> None:
    def fail(key: str) -> None:
        raise ConfigError(key, 1, "2")

    with pytest.raises(CombinedConfigError) as error:
        collect(lambda: fail("a"), lambda: None, lambda: fail("b"), lambda: fail("a"))
    assert [e.key for e in error.value.errors] == ["a", "b"]
    assert (error.value.key, str(error.value).count("\n")) == ("a", 1)


def test_collect_raises_a_single_mistake_as_itself_and_nothing_when_all_pass() -> None:
    with pytest.raises(ConfigError) as error:
        collect(lambda: None, lambda: (_ for _ in ()).throw(ConfigError("only", 0, "1")))
    assert type(error.value) is ConfigError and error.value.key == "only"
    collect(lambda: None)


#: Secret values: marked so that no fixed text of a message holds one by chance, with the characters
#: JSON escapes (a list value is shown as JSON).
SECRETS = st.text(string.ascii_letters + string.digits + '!@#$%&*()-_+/.,:;~ "\\é', min_size=4, max_size=24).map(
    lambda text: "sEcReT" + text
)


def texts(error: ConfigError) -> list[str]:
    """Everything an error can show: its text, its repr, and each mistake's value and what is allowed."""
    return [str(error), repr(error), *(t for one in error.errors for t in (str(one), repr(one), shown(one.value),
                                                                           one.allowed))]  # fmt: skip


def shows(secret: str, error: ConfigError) -> bool:
    return any(form in text for text in texts(error) for form in (secret, json.dumps(secret)[1:-1]))


@given(secret=SECRETS, key=st.sampled_from(sorted(SECRET_KEYS)))
def test_an_error_about_a_key_that_is_always_secret_never_keeps_its_value(secret: str, key: str) -> None:
    error = ConfigError(key, secret, "something")
    assert error.value == HIDDEN and not shows(secret, error)
    assert f"got '{HIDDEN}'" in str(error)


@given(secret=SECRETS, name=st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True))
def test_redacting_hides_a_secret_keys_value_and_every_quoted_part_of_it_in_any_error(secret: str, name: str) -> None:
    raw = json.dumps([f"{name}={secret}"])
    errors = [
        ConfigError("token", raw, f"a list; set one with: pulumi config set --path 'token[0]' {name}={secret}"),
        ConfigError("token", [f"{name}={secret}"], "each name once"),
        ConfigError("memory", 3000, f"for token {secret}: 4096 MiB"),
        ConfigError("environment", [f"X={secret}"], "no X"),
    ]
    redacted = redact(errors, {"token": raw})
    assert not any(shows(secret, one) for one in redacted)
    assert [(one.key, one.value) for one in redacted] == [
        ("token", HIDDEN), ("token", HIDDEN), ("memory", 3000), ("environment", HIDDEN)
    ]  # fmt: skip
    assert redacted[0].allowed == f"a list; set one with: pulumi config set --path 'token[0]' {HIDDEN}"


def test_a_secret_keys_value_is_hidden_however_short_and_the_rest_of_the_message_kept() -> None:
    (one,) = redact([ConfigError("pin", "7", "an integer from 1000 to 9999")], {"pin": "7"})
    assert str(one) == f"config 'pin': got '{HIDDEN}'; allowed: an integer from 1000 to 9999"


def test_hidden_mistakes_of_one_key_are_told_apart_by_what_is_allowed() -> None:
    with pytest.raises(CombinedConfigError) as error:
        collect(*(lambda allowed=allowed: (_ for _ in ()).throw(ConfigError("secretValues", "x", allowed))
                  for allowed in ("entry 1 is not", "each name once", "entry 1 is not")))  # fmt: skip
    assert [one.allowed for one in error.value.errors] == ["entry 1 is not", "each name once"]


KEYS = {"ServiceSpec.min_healthy_percent": "minHealthy", "ServiceSpec.max_percent": "maxPercent"}


def test_a_program_reads_the_package_s_error_in_its_own_keys_in_the_key_and_the_text() -> None:
    error = renamed(ConfigError("ServiceSpec.max_percent", 100, "above ServiceSpec.min_healthy_percent (100)"), KEYS)
    assert (error.key, error.value, error.allowed) == ("maxPercent", 100, "above minHealthy (100)")
    assert renamed(ConfigError("ServiceSpec.cpu", 3, "x"), KEYS).key == "ServiceSpec.cpu"


def test_a_program_reads_the_package_s_warning_in_its_own_keys() -> None:
    """A warning is text, not an error: the same table maps the fields it names (not a longer name's part)."""
    warning = "ServiceSpec.max_percent above ServiceSpec.min_healthy_percent; ServiceSpec.max_percents stays"
    assert in_words(warning, KEYS) == "maxPercent above minHealthy; ServiceSpec.max_percents stays"
    assert in_words(warning, {}) == warning


def test_every_mistake_of_a_spec_is_renamed_and_they_stay_together() -> None:
    from components.service.service_spec import ServiceSpec

    with pytest.raises(CombinedConfigError) as error:
        built(lambda: ServiceSpec(min_healthy_percent=101, max_percent=50), KEYS)
    assert [e.key for e in error.value.errors] == ["minHealthy", "maxPercent"]
    assert built(lambda: ServiceSpec(), KEYS) == ServiceSpec()


def test_collect_renames_what_it_gathers_when_given_the_keys() -> None:
    def fail(key: str) -> None:
        raise ConfigError(key, 1, "2")

    with pytest.raises(CombinedConfigError) as error:
        collect(lambda: fail("ServiceSpec.max_percent"), lambda: fail("other"), keys=KEYS)
    assert [e.key for e in error.value.errors] == ["maxPercent", "other"]


def test_mistakes_names_every_mistake_of_nested_specs_at_once_where_one_build_stops_at_the_inner_one() -> None:
    """The review's reproduction: Python builds ``ServiceAccess`` and ``RouteSpec`` before ``ServiceSpec``."""
    from components.edge.route_spec import RouteSpec
    from components.service.service_access import ServiceAccess
    from components.service.service_spec import ServiceSpec

    with pytest.raises(ConfigError) as once:
        ServiceSpec(cpu=999, desired_count=-1, access=ServiceAccess(egress_ports=(0,)),
                    route=RouteSpec(listener_rule_priority=0))  # fmt: skip
    assert [one.key for one in once.value.errors] == ["ServiceAccess.egress_ports"]
    mistakes = Mistakes({"ServiceSpec.cpu": "cpu"})
    access = mistakes.part(lambda: ServiceAccess(egress_ports=(0,)), ServiceAccess)
    route = mistakes.part(lambda: RouteSpec(listener_rule_priority=0), lambda: RouteSpec(listener_rule_priority=50_000))
    mistakes.part(lambda: ServiceSpec(cpu=999, desired_count=-1, access=access, route=route), ServiceSpec)
    with pytest.raises(ConfigError) as error:
        mistakes.raise_any()
    keys = {one.key for one in error.value.errors}
    assert {
        "ServiceAccess.egress_ports",
        "RouteSpec.listener_rule_priority",
        "cpu",
        "ServiceSpec.desired_count",
    } <= keys


def test_mistakes_raises_nothing_when_every_part_builds() -> None:
    mistakes = Mistakes()
    assert mistakes.part(lambda: 1, lambda: 0) == 1
    mistakes.raise_any()


@pytest.mark.parametrize(("raw", "default", "expected"), [("3", None, 3), (None, 2, 2), ("0", 2, 0), ("-1", 2, -1)])
def test_an_integer_key_is_read_from_its_text_and_its_default_applies_only_when_unset(
    raw: str | None, default: int | None, expected: int
) -> None:
    assert integer("k", raw, default) == expected


@pytest.mark.parametrize("raw", ["2147483648", "-2147483649"])
def test_an_integer_key_past_32_bits_is_a_config_error_naming_the_key_and_the_range(raw: str) -> None:
    assert integer("k", "2147483647") == 2**31 - 1 and integer("k", "-2147483648") == -(2**31)
    with pytest.raises(ConfigError) as error:
        integer("maxPercent", raw, 200)
    assert (error.value.key, error.value.value) == ("maxPercent", int(raw))
    assert error.value.allowed.startswith("an integer from -2147483648 to 2147483647")


@pytest.mark.parametrize(("raw", "default"), [("x", 2), ("1.5", 2), ("", 2), (None, None)])
def test_an_integer_key_that_is_no_integer_is_a_config_error_naming_the_key(
    raw: str | None, default: int | None
) -> None:
    with pytest.raises(ConfigError) as error:
        integer("desiredCount", raw, default)
    assert (error.value.key, error.value.value) == ("desiredCount", raw)


@pytest.mark.parametrize(
    ("raw", "default", "expected"), [("true", False, True), ("false", True, False), (None, True, True)]
)
def test_a_boolean_key_is_read_from_the_clis_text_and_its_default_applies_only_when_unset(
    raw: str | None, default: bool, expected: bool
) -> None:
    assert boolean("k", raw, default) == expected


@pytest.mark.parametrize("raw", ["yes", "on", "1", "", "True"])
def test_a_boolean_key_that_the_cli_never_hands_over_is_a_config_error_naming_the_key(raw: str) -> None:
    with pytest.raises(ConfigError) as error:
        boolean("forceDelete", raw, False)
    assert (error.value.key, error.value.value, error.value.allowed) == ("forceDelete", raw, "true or false")
