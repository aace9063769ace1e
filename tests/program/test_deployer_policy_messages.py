"""A value of the wrong form for a placeholder of tools/deployer_policy.py is refused naming the option that
gives it and what it may be, never only the placeholder."""

import pytest

from tools.deployer_policy import ALLOWED, DERIVED, OPTIONS, PLACEHOLDERS, document, fill
from tools.deployer_policy import main as deployer_policy_main

#: A value each option refuses: one that would widen a statement, or the form a user may take for it.
REFUSED = {
    "ACCOUNT": "1111*",
    "REGION": "US-EAST-1",
    "PARTITION": "arn:aws",
    "PROJECT": "graviton node",
    "PLATFORM": "*",
    "STACK": "Dev",
    "PLATFORM_STACK": "shared-*",
    "HOSTED_ZONE": "/hostedzone/Z0123456789ABC",
    "DOMAIN": "App.example.com",
    "CLUSTER": "arn:aws:ecs:us-east-1:111122223333:cluster/shared",
}


def test_every_placeholder_has_an_option_and_an_allowed_form() -> None:
    assert OPTIONS.keys() - DERIVED == ALLOWED.keys() == REFUSED.keys() == set(PLACEHOLDERS) - DERIVED
    assert OPTIONS.keys() >= DERIVED


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_value_is_refused_naming_its_option_and_what_it_may_be(name: str) -> None:
    with pytest.raises(ValueError) as refused:
        fill(document("deployer"), {name: REFUSED[name]})
    assert str(refused.value) == f"{OPTIONS[name]}: {REFUSED[name]!r} is not {ALLOWED[name]}"


@pytest.mark.parametrize("cluster", ["arn:aws:ecs:us-east-1:111122223333:cluster/shared", "shared.cluster", "*"])
def test_a_bad_cluster_name_says_the_option_and_that_it_is_the_part_after_cluster(
    cluster: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--account", "111122223333", "--region", "us-east-1", "--cluster-name", cluster, "dev"]
    with pytest.raises(SystemExit):
        deployer_policy_main(argv)
    assert f"--cluster-name: {cluster!r} is not the cluster's name, the part after cluster/" in capsys.readouterr().err
