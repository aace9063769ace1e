"""What an account holds once for every project (GitHub's OIDC provider, ECR's registry scanning
configuration) the docs read before they write: a second create fails and a put replaces every team's
setting. Each command's options are members of its operation's input in botocore, as the AWS CLI names
them."""

import shlex
from pathlib import Path

from botocore import xform_name
from botocore.loaders import Loader

from tests.unit.test_readme_commands import cli_commands

ROOT = Path(__file__).resolve().parents[2]
#: The CLI's own options, which no operation's input holds (AWS CLI User Guide, "Command line options").
CLI_OPTIONS = {"region", "output", "query"}


def commands(doc: str) -> list[list[str]]:
    return [shlex.split(command) for command in cli_commands((ROOT / "docs" / doc).read_text())]


def operations(doc: str) -> list[str]:
    return [f"{words[1]} {words[2]}" for words in commands(doc)]


def unknown_options(words: list[str]) -> list[str]:
    model = Loader().load_service_model(words[1], "service-2")
    (operation,) = (o for name, o in model["operations"].items() if xform_name(name, "-") == words[2])
    members = {xform_name(m, "-") for m in model["shapes"][operation["input"]["shape"]]["members"]}
    options = {w[2:] for w in words[3:] if w.startswith("--")}
    return sorted(options - members - CLI_OPTIONS)


def test_ci_md_looks_for_githubs_provider_before_creating_it_and_otherwise_adds_the_audience() -> None:
    ops = operations("ci.md")
    assert ops.index("iam list-open-id-connect-providers") < ops.index("iam create-open-id-connect-provider")
    assert "iam add-client-id-to-open-id-connect-provider" in ops
    assert "iam delete-open-id-connect-provider" not in ops


def test_images_md_reads_the_registrys_scanning_configuration_before_replacing_it() -> None:
    ops = operations("images.md")
    assert ops.index("ecr get-registry-scanning-configuration") < ops.index("ecr put-registry-scanning-configuration")


def test_every_option_of_those_commands_is_one_the_operation_takes() -> None:
    shared = [w for doc in ("ci.md", "images.md") for w in commands(doc) if w[1] in ("iam", "ecr")]
    assert len(shared) >= 5
    assert {" ".join(w[1:3]): unknown_options(w) for w in shared if unknown_options(w)} == {}


def test_an_option_the_operation_does_not_take_is_caught() -> None:
    assert unknown_options(["aws", "iam", "add-client-id-to-open-id-connect-provider", "--client-id-list", "x"]) == [
        "client-id-list"
    ]
