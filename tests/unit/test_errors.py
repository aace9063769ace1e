"""Config errors read as the user wrote the value, and several come back together."""

import pytest

from components.errors import CombinedConfigError, ConfigError, collect, shown


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
