"""Print a document of docs/ci-roles/ filled in: a CI role's trust or permission policy, or a state key's
policy (docs/ci.md, "Setting up a new repository").

    .venv/bin/python tools/ci_roles.py --owner octo-org --repo graviton --account 123456789012 \
        --bucket my-pulumi-state --region us-east-1 --stack dev --key-id "$DEV_KEY_ID" \
        docs/ci-roles/dev-preview.trust.json

The documents hold placeholders in angle brackets: ``<OWNER>``, ``<REPO>``, ``<ACCOUNT>``,
``<SANDBOX_ACCOUNT>``, ``<STATE_BUCKET>``, ``<REGION>``, ``<STACK>`` (as the state's paths spell it),
``<STACK_KEY_ID>``, one that ``--stack`` decides: ``<STACK_IN_NAMES>``, the stack in lower case as resource
names take it (IAM matches a resource ARN case-sensitively, so ``repository/Prod-*`` never reaches
``prod-app-repo-…``), and two that ``--region`` decides: ``<PARTITION>`` (``aws``, ``aws-cn``,
``aws-us-gov``…, ``partition_of`` as ``tools/deployer_policy.py`` finds it: IAM refuses an ARN of another
partition) and ``<AUDIENCE>``, the ``aud`` the workflows ask GitHub for there (``AUDIENCES``). A placeholder
left without a value is refused, never printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.resource_arns import KMS_KEY_ID
from components.validation import partition_of

#: The token audience for GitHub's OIDC provider per partition: ``sts.amazonaws.com``, the default of
#: aws-actions/configure-aws-credentials, but in China ``sts.amazonaws.com.cn`` (its README.md, Audience:
#: "Changing the default audience may be necessary when using non-default AWS partitions", with China's
#: value; issue aws-actions/configure-aws-credentials#457, "Incorrect token audience with AWS China
#: region"). The provider's client ID, the trust's ``:aud`` and the workflow's ``audience`` must agree.
DEFAULT_AUDIENCE = "sts.amazonaws.com"
AUDIENCES = {"aws-cn": "sts.amazonaws.com.cn"}
#: The option that gives each placeholder, for the error naming one left without a value.
OPTIONS = {
    "OWNER": "--owner",
    "REPO": "--repo",
    "ACCOUNT": "--account",
    "SANDBOX_ACCOUNT": "--sandbox-account",
    "STATE_BUCKET": "--bucket",
    "REGION": "--region",
    "PARTITION": "--region",
    "AUDIENCE": "--region",
    "STACK": "--stack",
    "STACK_KEY_ID": "--key-id",
}
#: What each value may be, so that a typo cannot widen a statement (a stray ``*``) or break its JSON.
_VALUES = {
    # GitHub owner and repository names: letters, digits, -, _ and . (a repository's).
    "OWNER": re.compile(r"[A-Za-z0-9-]{1,39}"),
    "REPO": re.compile(r"[A-Za-z0-9_.-]{1,100}"),
    "ACCOUNT": re.compile(r"\d{12}"),
    "SANDBOX_ACCOUNT": re.compile(r"\d{12}"),
    # S3 general purpose bucket names (S3 User Guide, "Bucket naming rules").
    "STATE_BUCKET": re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
    "REGION": re.compile(r"[a-z]+(-[a-z]+)+-\d+"),
    "PARTITION": re.compile(r"aws(-[a-z]+)*"),
    "AUDIENCE": re.compile(r"[a-z0-9.]+"),
    # A Pulumi stack name, or the acceptance run's pattern acc-*.
    "STACK": re.compile(r"[A-Za-z0-9_.*-]+"),
    # A KMS key ID as the config's key ARNs take it: it lands unconditioned in a Resource.
    "STACK_KEY_ID": re.compile(KMS_KEY_ID),
}
#: What each value may be, in words, for the error naming its option (the sources are ``_VALUES``').
ALLOWED = {
    "OWNER": "a GitHub user or organization name: 1-39 letters, digits and -",
    "REPO": "a GitHub repository name without its owner: 1-100 letters, digits, _, . and -",
    "ACCOUNT": "an AWS account ID: 12 digits",
    "SANDBOX_ACCOUNT": "an AWS account ID: 12 digits",
    "STATE_BUCKET": "an S3 bucket name, not an s3:// URL: 3-63 lower-case letters, digits, . and -, a letter or "
    "digit first and last",
    "REGION": "a region name such as us-east-1: lower-case words joined by -, a number last",
    "PARTITION": "a partition name: aws, or aws and lower-case words joined by - (aws-cn, aws-us-gov)",
    "AUDIENCE": "an audience such as sts.amazonaws.com: lower-case letters, digits and .",
    "STACK": "a Pulumi stack name (letters, digits, _, . and -), or a pattern such as acc-*",
    "STACK_KEY_ID": "a KMS key ID (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-1234abcd12ab34cd56ef1234567890ab, "
    "lower case), not an alias or ARN: aws kms describe-key --key-id alias/graviton-node-dev "
    "--query KeyMetadata.KeyId --output text",
}
_PLACEHOLDER = re.compile(r"<([A-Z_]+)>")
#: Placeholders filled from another's value, never given: the one they come from, and how.
DERIVED = {"STACK_IN_NAMES": ("STACK", str.lower)}


def audience(partition: str) -> str:
    """The ``aud`` GitHub's token carries for a role in ``partition``."""
    return AUDIENCES.get(partition, DEFAULT_AUDIENCE)


def region_values(region: str) -> dict[str, str]:
    """``REGION`` and what it decides: ``PARTITION`` and ``AUDIENCE``."""
    partition = partition_of(region)
    if partition is None:
        raise ValueError(f"--region: {region!r} is no region of an AWS partition (botocore endpoints.json)")
    return {"REGION": region, "PARTITION": partition, "AUDIENCE": audience(partition)}


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``<NAME>`` replaced by ``values[NAME]`` (``STACK_IN_NAMES`` by ``STACK`` in lower
    case); a value of the wrong form, or a placeholder without one, is an error."""
    for name, value in values.items():
        if not _VALUES[name].fullmatch(value):
            raise ValueError(f"{OPTIONS[name]}: {value!r} is not {ALLOWED[name]}")
    held = {DERIVED[name][0] if name in DERIVED else name for name in _PLACEHOLDER.findall(text)}
    if missing := sorted(held - values.keys()):
        raise ValueError("no value for " + ", ".join(f"{name} ({OPTIONS.get(name, 'none')})" for name in missing))
    values = {**{name: how(values[source]) for name, (source, how) in DERIVED.items() if source in values}, **values}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a document of docs/ci-roles/ filled in.")
    parser.add_argument("document", type=Path)
    for option in ("--owner", "--repo", "--account", "--sandbox-account", "--bucket", "--stack", "--key-id"):
        parser.add_argument(option, default="")
    parser.add_argument("--region", required=True, help="the stacks' region: it decides PARTITION and AUDIENCE")
    args = parser.parse_args(argv)
    given = {"OWNER": args.owner, "REPO": args.repo, "ACCOUNT": args.account, "SANDBOX_ACCOUNT": args.sandbox_account,
             "STATE_BUCKET": args.bucket, "STACK": args.stack, "STACK_KEY_ID": args.key_id}  # fmt: skip
    try:
        values = {name: value for name, value in given.items() if value} | region_values(args.region)
        print(fill(args.document.read_text(), values), end="")
    except ValueError as error:
        parser.error(str(error))
    except OSError as error:
        parser.error(f"document: cannot read {str(args.document)!r} ({error.strerror}): give a file of docs/ci-roles/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
