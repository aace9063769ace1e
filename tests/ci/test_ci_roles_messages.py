"""A value of the wrong form for a placeholder of tools/ci_roles.py is refused naming the option that gives it
and what it may be, and a document it cannot read is named, never a traceback."""

from __future__ import annotations

import re

import pytest

from tests.ci.test_identities import ROLES
from tools.ci_roles import _PLACEHOLDER, ALLOWED, DERIVED, OPTIONS, fill, main

#: A value each option refuses: one that would widen a statement, or the form a user may take for it.
REFUSED = {
    "OWNER": "octo_org",
    "REPO": "octo-org/graviton",
    "ACCOUNT": "1111*",
    "SANDBOX_ACCOUNT": "arn:aws:iam::111122223333:root",
    "STATE_BUCKET": "s3://my-pulumi-state",
    "REGION": "US-EAST-1",
    "PARTITION": "arn:aws",
    "AUDIENCE": "sts.amazonaws.com/*",
    "STACK": "octo-org/dev",
    "STACK_KEY_ID": "alias/graviton-node-dev",
}
DOCUMENT = str(ROLES / "preview.policy.json")
BASE = ["--account", "111122223333", "--region", "us-east-1", "--bucket", "my-pulumi-state", "--stack", "dev"]


def test_every_placeholder_the_documents_hold_has_an_option_and_an_allowed_form() -> None:
    held = {name for path in ROLES.glob("*.json") for name in _PLACEHOLDER.findall(path.read_text())}
    assert held - DERIVED.keys() <= OPTIONS.keys() == ALLOWED.keys() == REFUSED.keys()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_value_is_refused_naming_its_option_and_what_it_may_be(name: str) -> None:
    with pytest.raises(ValueError) as refused:
        fill("", {name: REFUSED[name]})
    assert str(refused.value) == f"{OPTIONS[name]}: {REFUSED[name]!r} is not {ALLOWED[name]}"


@pytest.mark.parametrize(
    "key_id",
    ["alias/graviton-node-dev", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "1234ABCD-12AB-34CD-56EF-1234567890AB"],
)  # fmt: skip
def test_a_key_alias_arn_or_upper_case_id_is_told_how_to_read_the_keys_id(
    key_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*BASE, "--key-id", key_id, DOCUMENT])
    err = capsys.readouterr().err
    assert f"--key-id: {key_id!r} is not a KMS key ID" in err and "not an alias or ARN" in err
    assert "aws kms describe-key --key-id alias/graviton-node-dev --query KeyMetadata.KeyId --output text" in err


def test_a_document_it_cannot_read_is_named_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*BASE, "docs/ci-roles/no-such.policy.json"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert re.search(r"document: cannot read 'docs/ci-roles/no-such.policy.json' \(.+\)", err)
    assert "Traceback" not in err
