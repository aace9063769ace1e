"""A Pulumi stack reference names a project and a stack: ``<org>/<project>/<stack>``, or a stack of the
program's own project by its name alone (Pulumi docs, "Stack references")."""

import pytest

from components.naming import stack_reference_names


@pytest.mark.parametrize(
    ("reference", "names"),
    [
        ("acme/graviton-node/dev", ("graviton-node", "dev")),
        ("acme/graviton-node/Prod-EU", ("graviton-node", "prod-eu")),
        ("dev", ("graviton-node-api", "dev")),
    ],
)
def test_a_stack_reference_names_its_project_and_its_stack_in_lower_case(
    reference: str, names: tuple[str, str]
) -> None:
    assert stack_reference_names(reference, "graviton-node-api") == names
