"""Config keys and the spec fields they set: one table (``CONFIG_KEYS``' ``fields``), one source of defaults,
and each plain field of a service (its ``ServiceAccess``, its ``ExistingCluster``) checked in one place only."""

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from components.errors import ConfigError
from components.service.capacity_strategy import build_strategy
from components.service.service_spec import ServiceSpec
from settings import CONFIG_KEYS, FIELD_KEYS, KEYS_BY_NAME, SPECS, config_value, load_settings, spec_default
from tests.source import parse

ROOT = Path(__file__).resolve().parents[2]
#: Keys whose field the program's own specs do not import (the image's loads the cloud SDKs) or that
#: several keys build together (the strategy).
STRATEGY_KEYS = {"fargateBase": "fargate_base", "fargateWeight": "fargate_weight", "spotBase": "spot_base",
                 "spotWeight": "spot_weight", "useSpot": "use_spot"}  # fmt: skip


def _has_default(path: str) -> bool:
    spec, name = path.split(".")
    found = next(f for f in dataclasses.fields(SPECS[spec]) if f.name == name)
    return found.default is not dataclasses.MISSING or found.default_factory is not dataclasses.MISSING


SPEC_FIELDS = sorted({field for field in FIELD_KEYS if field.split(".")[0] in SPECS and "[" not in field})


@pytest.mark.parametrize("field", SPEC_FIELDS)
def test_every_field_the_table_names_is_a_field_of_its_spec(field: str) -> None:
    spec, name = field.split(".")
    assert name in {f.name for f in dataclasses.fields(SPECS[spec])}


@pytest.mark.parametrize("key", [key for key in CONFIG_KEYS if key.fields and key.fields[0] in SPEC_FIELDS])
def test_a_keys_default_is_its_spec_fields_default(key) -> None:
    field = key.fields[0]
    if not _has_default(field):
        pytest.skip(f"{field} is required: the key's empty default means unset")
    default = spec_default(field)
    # A string key left empty means the field's None (unset), as an integer key's 0 means a policy off and
    # a boolean key's false an optional part left out (``FargateServiceArgs.autoscaling`` None).
    unset = {"string": "", "boolean": False}.get(key.type) if default is None else None
    assert key.default == (unset if unset is not None else config_value(default))


def test_the_strategy_keys_defaults_build_the_service_specs_default_strategy() -> None:
    defaults = {name: KEYS_BY_NAME[key].default for key, name in STRATEGY_KEYS.items()}
    assert build_strategy(**defaults) == ServiceSpec().strategy  # type: ignore[arg-type]


def test_the_package_names_a_field_and_the_program_names_the_key_that_sets_it() -> None:
    with pytest.raises(ConfigError) as package:
        ServiceSpec(min_healthy_percent=100, max_percent=100)
    assert package.value.key == "ServiceSpec.max_percent"
    assert "ServiceSpec.min_healthy_percent (100)" in package.value.allowed
    with pytest.raises(ConfigError) as program:
        load_settings({"maxPercent": "100"})
    assert (program.value.key, program.value.value) == ("maxPercent", 100)
    assert program.value.allowed == (
        "at least 100, above minHealthyPercent (100), and at most 2147483647 (a 32-bit integer, as AWS's integer "
        "parameters are)"
    )


@pytest.mark.parametrize("key", [key.name for key in CONFIG_KEYS if key.type == "integer"])
@pytest.mark.parametrize("value", ["2147483648", "-2147483649"])
def test_no_integer_key_takes_a_value_past_32_bits_which_the_provider_would_wrap(key: str, value: str) -> None:
    """Every AWS integer the keys reach is 32 bits (botocore ``integer`` shapes; the provider's ``int32()``)."""
    with pytest.raises(ConfigError) as error:
        load_settings({key: value})
    assert key in {one.key for one in error.value.errors}


#: What the service's specs check of their plain fields, and ImageSpec of its own, by validator.
PLAIN_FIELD_CHECKS = {"ports", "policy_arn", "check_reference", "check_names", "kms_key_arn", "cluster_arn",
                      "int_in_range", "platforms", "_platforms"}  # fmt: skip
ACCESS_FIELDS = (
    "ServiceAccess.egress_ports",
    "ServiceAccess.permissions_boundary_arn",
    "ServiceAccess.secret_kms_key_arns",
)
#: Where each validator of a service's plain fields is called: the one spec that holds them (and the args of a
#: component built alone that take such a value as a field of their own: ``TaskCounterArgs.cluster_arn``).
VALIDATOR_HOMES = {"check_reference": ["service_access.py"], "check_names": ["service_spec_rules.py"],
                   "cluster_arn": ["cluster_spec.py", "task_counter.py"]}  # fmt: skip


def _calls(path: Path) -> list[tuple[str, str | None]]:
    """(validator, its first argument when a string literal) of every call in ``path``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            found.append((name, literal))
    return found


def test_settings_checks_none_of_the_service_s_nor_the_image_s_plain_fields_itself() -> None:
    calls = _calls(ROOT / "settings.py")
    assert [call for call in calls if call[0] in PLAIN_FIELD_CHECKS | {"image_args"}] == []


def test_each_plain_field_of_a_service_is_checked_in_exactly_one_place() -> None:
    calls = {path: _calls(path) for path in (ROOT / "components").rglob("*.py")}
    for field in ACCESS_FIELDS:
        # One module, which may check a field more than once (egress_ports: its form, and its rules' quota).
        places = {path.name for path, found in calls.items() for call in found if call[1] == field}
        assert places == {"service_access.py"}, field
    for validator, home in VALIDATOR_HOMES.items():
        places = sorted(path.name for path, found in calls.items() for call in found if call[0] == validator)
        assert places == home, validator


def test_the_image_s_plain_fields_are_checked_in_one_function_which_its_spec_runs() -> None:
    calls = {path: _calls(path) for path in (ROOT / "components").rglob("*.py")}
    places = [path.name for path, found in calls.items() for call in found if call[1] == "ImageSpec.keep_builds"]
    assert places == ["validation.py"]
    callers = [path.name for path, found in calls.items() for call in found if call[0] == "image_args"]
    assert callers == ["image_spec.py"]


def _raised() -> list[tuple[str, str, list[str]]]:
    """Each ``ConfigError(...)`` of the package: where, its literal key, and the literal pieces of its text."""
    found: list[tuple[str, str, list[str]]] = []
    for path in sorted((ROOT / "components").rglob("*.py")):
        for node in ast.walk(parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ConfigError" and node.args:
                key = node.args[0].value if isinstance(node.args[0], ast.Constant) else ""
                texts = [piece.value for arg in node.args[2:3] for piece in ast.walk(arg)
                         if isinstance(piece, ast.Constant) and isinstance(piece.value, str)]  # fmt: skip
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", str(key), texts))
    return found


def test_the_package_s_errors_name_fields_never_this_program_s_config_keys() -> None:
    """``settings.config_error`` maps fields to keys (``FIELD_KEYS``): the package speaks of its own fields."""
    keys = re.compile(r"(?<![\w.])(" + "|".join(sorted(KEYS_BY_NAME, key=len, reverse=True)) + r")(?![\w.])")
    # Keys that are also plain words in a sentence (ECS's own cpu and memory among them).
    words = {"secrets", "environment", "platforms", "alarms", "autoscaling", "vpc", "dockerfile", "cpu", "memory"}
    raised = _raised()
    assert [(where, key) for where, key, _ in raised if key in KEYS_BY_NAME] == []
    spoken = [(where, m) for where, _, texts in raised for text in texts for m in keys.findall(text) if m not in words]
    assert spoken == []


#: This program's keys that are also AWS's own input names or plain words, which the package speaks of as such.
AWS_NAMES = {"vpcId", "publicSubnetIds", "domainName", "clusterArn", "desiredCount", "containerInsights",
             "containerPort", "minHealthyPercent", "maxPercent", "secretValues", "secrets", "environment",
             "platforms", "alarms", "autoscaling", "vpc", "dockerfile", "cpu", "memory"}  # fmt: skip


def _messages() -> list[tuple[str, str]]:
    """Every string of the package that is not a docstring: where, and the text."""
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / "components").rglob("*.py")):
        tree = parse(path.read_text())
        # A string standing alone is a docstring (of a module, class, function or attribute), not a message.
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        found += [
            (f"{path.relative_to(ROOT)}:{node.lineno}", node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        ]
    return found


def test_no_package_message_names_this_programs_config_keys_or_a_file_the_wheel_does_not_ship() -> None:
    """The wheel holds ``components/`` alone, and its users have keys of their own: a warning names the field
    or argument (``NetworkSpec.vpc_cidr``, ``estimate.rates``), which ``in_words`` maps to a program's key."""
    keys = re.compile(r"(?<![\w.])(" + "|".join(sorted(KEYS_BY_NAME, key=len, reverse=True)) + r")(?![\w.])")
    named = [(where, m) for where, text in _messages() for m in keys.findall(text) if m not in AWS_NAMES]
    files = [(where, text) for where, text in _messages() if re.search(r"\b(docs|tools)/", text)]
    assert (named, files) == ([], [])
