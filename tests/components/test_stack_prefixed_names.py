"""A component named without its stack is warned about, naming what breaks: the deployer documents scope
every resource by the stack's name prefix, and a service's KMS alias (a name AWS keeps unique per account and
region) would be the same in every stack that names it alike (its task family and dashboard carry the stack's
hash: ``naming.account_unique``). Warned, not refused: a
stack already deployed under such a name keeps it, as a new name would replace its resources."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.naming import unprefixed
from tests.components.builders import PUBLIC_COMPONENTS
from tools.offline import run_mocked


@pytest.mark.parametrize("component", sorted(PUBLIC_COMPONENTS))
def test_a_component_named_without_the_stack_is_warned_once_naming_the_prefix_the_deployer_documents_want(
    component: str,
) -> None:
    warnings = run_mocked(lambda: PUBLIC_COMPONENTS[component]("orders"), stack="dev").mocks.warnings
    assert len(warnings) == 1, warnings  # once: the package's own children take their names from it
    assert warnings[0].startswith(f"{component} 'orders' in stack 'dev': a name not starting with 'dev-'")


@pytest.mark.parametrize("component", sorted(PUBLIC_COMPONENTS))
def test_a_component_named_after_its_stack_is_not_warned(component: str) -> None:
    assert run_mocked(lambda: PUBLIC_COMPONENTS[component]("dev-orders"), stack="Dev").mocks.warnings == []


def test_a_service_named_without_the_stack_is_told_which_account_wide_names_another_stack_would_share() -> None:
    (warning,) = run_mocked(
        lambda: PUBLIC_COMPONENTS["FargateService"]("orders"), stack="dev", project="shop"
    ).mocks.warnings
    assert warning.endswith(
        "; and another stack's FargateService 'orders' takes the same KMS alias 'alias/shop/orders/secrets' "
        "(CreateAlias: AlreadyExistsException)"
    )


@given(stack=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True), rest=st.text(max_size=20))
def test_any_name_that_starts_with_the_stack_and_a_hyphen_keeps_the_convention(stack: str, rest: str) -> None:
    assert unprefixed("Cluster", f"{stack}-{rest}", stack.upper(), None) == ""
    assert unprefixed("Cluster", f"{stack}{rest}", stack, None) != "" or rest.startswith("-")
