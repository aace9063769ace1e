"""A ``secretValues`` entry the config accepts is one SSM's PutParameter stores: the value rule of the
AWS input contract (``tests/models/aws_contract.py``, standard-tier size and no ``{{...}}``) is the
model, and no refusal shows the value."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.errors import HIDDEN, ConfigError
from components.service.secrets import check_project_stores, parse_values
from components.service.service_access import ServiceAccess
from settings import load_settings
from tests.components.builders import DEPLOYER_ROLE
from tests.models.aws_api import documentation
from tests.models.aws_contract import RULES

SSM_VALUE = RULES["aws:ssm/parameter:Parameter"]["value"]
#: Short and long values, with and without braces and multi-byte characters, around the 4 KB bound.
VALUES = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(st.sampled_from("a{}é€"), min_size=1, max_size=12),
    st.builds(lambda n, tail: "x" * n + tail, st.integers(4000, 4100), st.sampled_from(["", "é", "€"])),
)


def accepted(value: str) -> bool:
    try:
        parse_values([f"TOKEN={value}"])
    except ConfigError:
        return False
    return True


@given(VALUES)
def test_a_secret_value_is_accepted_exactly_when_ssm_would_store_it(value: str) -> None:
    assert accepted(value) == (SSM_VALUE.problems(value) == [])


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("x" * 4097, "4096 bytes"),
        ("€" * 1366, "4096 bytes"),  # 4,098 bytes in 1,366 characters
        ("{{ssm:/other/param}}", "double braces"),
        ("prefix {{ anything }} suffix", "double braces"),
    ],
    ids=["over-4-KB", "over-4-KB-in-UTF-8", "parameter-reference", "wrapped-text"],
)
def test_a_value_ssm_refuses_is_refused_naming_its_entry_but_never_showing_it(value: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_values(["OTHER=fine", f"TOKEN={value}"])
    assert error.value.value == HIDDEN and says in error.value.allowed and "TOKEN" in error.value.allowed
    assert value not in str(error.value)


def test_a_value_of_exactly_4_kb_and_lone_braces_are_accepted() -> None:
    assert parse_values(["A=" + "x" * 4096, "B={a}", "C={{", "D=}}{{"]) == {
        "A": "x" * 4096,
        "B": "{a}",
        "C": "{{",
        "D": "}}{{",
    }


def pulumi_name(service: str, name: str) -> str:
    """The Pulumi name a service gives the parameter of the secret value ``name``, as every release has
    (``FargateTask``): two resources of one type may not share it (the engine's duplicate URN error)."""
    return f"{service}-secret-{name.lower().replace('_', '-')}"


@given(st.lists(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,3}", fullmatch=True), min_size=1, max_size=4, unique=True))
def test_secret_value_names_are_accepted_exactly_when_their_parameters_get_distinct_pulumi_names(
    names: list[str],
) -> None:
    try:
        ServiceAccess(secret_value_names=tuple(names), deployer_role_arn=DEPLOYER_ROLE)
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == (len({pulumi_name("svc", name) for name in names}) == len(names))


def test_names_differing_only_in_case_are_refused_naming_both_and_the_parameter() -> None:
    with pytest.raises(ConfigError) as error:
        ServiceAccess(secret_value_names=("DB_KEY", "db_key"), deployer_role_arn=DEPLOYER_ROLE)
    assert error.value.key == "ServiceAccess.secret_value_names" and error.value.value == HIDDEN
    assert "DB_KEY and db_key" in error.value.allowed and "secret-db-key" in error.value.allowed


def ssm_refuses(name: str) -> bool:
    """botocore ssm PutParameter:Name: "A parameter name can't be prefixed with "aws" or "ssm"
    (case-insensitive)", read as holding for a path's first level too, the stricter reading."""
    return name.lstrip("/").lower().startswith(("aws", "ssm"))


def provider_refuses_alias(alias: str) -> bool:
    """terraform-provider-aws internal/service/kms/validate.go validName: ``^(alias\\/aws)``; KMS reserves
    ``alias/aws/`` (botocore kms CreateAlias:AliasName), in any case read as the stricter reading."""
    return alias.lower().startswith("alias/aws")


@given(st.text(st.sampled_from("aAwWsSmM-_."), min_size=1, max_size=6), st.booleans())
def test_a_project_may_store_secret_values_exactly_when_ssm_and_kms_take_their_names(
    project: str, with_values: bool
) -> None:
    names = ["TOKEN"] if with_values else []
    try:
        check_project_stores(project, "secretValues", names)
        accepted = True
    except ConfigError:
        accepted = False
    refused = ssm_refuses(f"/{project}/dev/dev-app/TOKEN") or provider_refuses_alias(f"alias/{project}/dev-app/secrets")
    assert accepted == (not with_values or not refused)


def test_the_ssm_and_kms_rules_are_those_aws_documents() -> None:
    assert 'can\'t be prefixed with " aws " or " ssm " (case-insensitive)' in documentation("ssm", "PutParameter:Name")
    assert "cannot begin with alias/aws/" in documentation("kms", "CreateAlias:AliasName")


@pytest.mark.parametrize("project", ["aws", "AWS", "Ssm-tools"])
def test_secret_values_in_a_project_named_for_aws_or_ssm_are_refused_naming_the_project(project: str) -> None:
    values = json.dumps(["TOKEN=abcdef"])
    with pytest.raises(ConfigError) as error:
        config = {"secretValues": values, "deployerRoleArn": DEPLOYER_ROLE}
        load_settings(config, frozenset({"secretValues"}), stack=(project, "dev"))
    assert error.value.key == "secretValues" and f"Pulumi project {project!r}" in error.value.allowed
