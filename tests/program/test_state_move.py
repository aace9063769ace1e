"""The README's "Moving the state from the local backend to S3 and KMS", walked command by command: each
command's AWS calls are made by the identity the README has in force there (its ``AWS_PROFILE``: the
deployer's profile from "3. Where Pulumi keeps the state" on, an administrator's after ``unset
AWS_PROFILE``), and IAM (``tests/models/iam.py``) allows each against the documents the README's own
commands filled in and attached, the state key's policy included.

Which calls a ``pulumi`` command makes: the DIY backend's objects as ``tests/models/pulumi_diy.py`` has
them, the first login to an empty bucket writing ``.pulumi/meta.yaml`` (pulumi/pulumi
``pkg/backend/diy/meta.go``, ``ensurePulumiMeta``); the KMS secrets manager encrypts a new stack's data
key with the key and decrypts it to open the stack (``pkg/secrets/cloud/manager.go``)."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore import xform_name

from tests.models import aws_api, iam, pulumi_diy
from tests.models.iam import Request
from tools import ci_roles
from tools.deployer_policy import DEPLOYER, document, fill
from tools.offline import ACCOUNT, PROJECT, REGION

ROOT = Path(__file__).resolve().parents[2]
BUCKET, KEY_ID = "graviton-state", "1234abcd-12ab-34cd-56ef-1234567890ab"
PLACEHOLDERS = {"<ACCOUNT>": ACCOUNT, "<region>": REGION, "<state-bucket>": BUCKET, "$PWD": "/home/me/graviton-node"}
PROFILE, DEPLOYING_ROLE = "graviton-node-dev", "graviton-node-deploy-dev"
DEPLOYER_ARN = f"arn:aws:iam::{ACCOUNT}:role/{DEPLOYING_ROLE}"
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:role/Admin"
ADMIN = [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
#: The deployer's documents' placeholders, as the README fills them for dev.
VALUES = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": PROJECT, "STACK": "dev"}
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
#: The CLI's name of a service botocore knows by another: ``aws s3api`` is S3's API.
CLI_SERVICES = {"s3api": "s3"}
#: The AWS CLI's own options, which no operation's input shape holds.
GLOBAL_OPTIONS = {"--region", "--query", "--output"}
#: Commands that touch no AWS API: the shell's, git's, and a login to the local backend.
LOCAL = {"cp", "mv", "rm", "git"}


@dataclass
class Walk:
    """What the commands so far have made: the identity in force, the files written, the documents
    attached to the deploying role, the backend logged in to, and whether the bucket has its layout file."""

    admin: bool = False
    files: dict[str, str] = field(default_factory=dict)
    attached: list[dict[str, Any]] = field(default_factory=list)
    created: dict[str, dict[str, Any]] = field(default_factory=dict)
    on_s3: bool = False
    meta_written: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[bool, str, list[Request], list[dict[str, Any]]]] = field(default_factory=list)
    """(run as an administrator, the command, its requests, what the deploying role held when it ran)"""


def section_commands() -> list[str]:
    """The section's bash commands in order, continuations joined and ``&&`` lists split."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n### Moving the state from the local backend to S3 and KMS\n", 1)[1].split("\n### ")[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]
    return [part.strip() for line in lines for part in line.split(" && ") if part.strip()]


def substituted(command: str, walk: Walk) -> str:
    for name, value in (PLACEHOLDERS | {f'"${k}"': v for k, v in walk.variables.items()}).items():
        command = command.replace(name, value)
    return command


def aws_requests(argv: list[str], walk: Walk) -> list[Request]:
    """The requests ``aws SERVICE OPERATION`` makes, its options held to the operation's input shape."""
    service, operation = argv[1], argv[2]
    # botocore is untyped, and its cached properties confuse the type checker.
    model: Any = aws_api.service(CLI_SERVICES.get(service, service))
    (name,) = [n for n in model.operation_names if xform_name(n, "-") == operation]
    members = {f"--{xform_name(m, '-')}" for m in model.operation_model(name).input_shape.members}
    options = {a for a in argv[3:] if a.startswith("--")}
    assert options <= members | GLOBAL_OPTIONS, f"aws {service} {operation}: no such option {options - members}"
    value = dict(itertools.pairwise(argv[3:]))  # an option's value follows it
    action = f"{model.signing_name}:{name}"
    if service == "s3api":
        return [Request(action, f"arn:aws:s3:::{value['--bucket']}")]
    if operation == "create-key":
        walk.files["key policy"] = walk.files[value["--policy"].removeprefix("file://")]
        return [Request(action, "*")]
    if operation == "create-alias":  # on the alias and on its key (AWS KMS Developer Guide, "CreateAlias")
        alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:{value['--alias-name']}"
        return [
            Request(action, alias),
            Request(action, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{value['--target-key-id']}"),
        ]
    if operation == "create-policy":
        walk.created[value["--policy-name"]] = json.loads(
            walk.files[value["--policy-document"].removeprefix("file://")]
        )
        return [Request(action, f"arn:aws:iam::{ACCOUNT}:policy/{value['--policy-name']}")]
    if operation == "attach-role-policy":
        assert value["--role-name"] == DEPLOYING_ROLE, "the profile's role is the one that needs the state"
        walk.attached.append(walk.created[value["--policy-arn"].rsplit("/", 1)[1]])
        return [Request(action, f"arn:aws:iam::{ACCOUNT}:role/{value['--role-name']}")]
    raise AssertionError(f"no model of aws {service} {operation}")


def objects(action: str, keys: list[str]) -> list[Request]:
    return [Request(action, f"arn:aws:s3:::{BUCKET}/{key}") for key in keys]


def pulumi_requests(argv: list[str], walk: Walk) -> list[Request]:
    """The requests a ``pulumi`` command makes: to S3 once logged in to the bucket, to KMS where the
    stack's secrets manager is the key."""
    reads = [Request("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"), *objects("s3:GetObject", [".pulumi/meta.yaml"])]
    if argv[1] == "login":
        walk.on_s3 = argv[2].startswith(f"s3://{BUCKET}?")
        first, walk.meta_written = walk.on_s3 and not walk.meta_written, walk.meta_written or walk.on_s3
        return [*reads, *objects("s3:PutObject", [".pulumi/meta.yaml"])] if first else reads if walk.on_s3 else []
    state = pulumi_diy.preview_reads(PROJECT, "dev")
    s3 = [*reads, *objects("s3:GetObject", state)] if walk.on_s3 else []
    writes = objects("s3:PutObject", pulumi_diy.update_writes(PROJECT, "dev")) if walk.on_s3 else []
    verb = argv[1] if argv[1] != "stack" else argv[2]
    encrypt, decrypt = Request("kms:Encrypt", KEY_ARN), Request("kms:Decrypt", KEY_ARN)
    made = {"select": [], "change-secrets-provider": [encrypt, decrypt], "export": [decrypt],
            "init": [*s3, *writes, encrypt], "import": [*s3, *writes, encrypt, decrypt],
            "preview": [*s3, decrypt]}  # fmt: skip
    assert verb in made, f"no model of {' '.join(argv[:3])}"
    return made[verb]


def run_ci_roles(argv: list[str], walk: Walk) -> list[Request]:
    """``tools/ci_roles.py`` as the README runs it, its output kept as the file it redirects to."""
    (target,) = [argv[i + 1] for i, a in enumerate(argv) if a == ">"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert ci_roles.main(argv[2 : argv.index(">")]) == 0
    walk.files[target] = out.getvalue()
    return []


def step(command: str, walk: Walk) -> None:
    """Apply one command to ``walk``: its requests, or the identity it puts in force."""
    if command in ("unset AWS_PROFILE", f"export AWS_PROFILE={PROFILE}"):
        walk.admin = command.startswith("unset")
        return
    assert "AWS_PROFILE" not in command, f"no model of {command}"
    assigned = re.fullmatch(r"(\w+)=\$\((.*)\)", command)
    argv = shlex.split(substituted(assigned.group(2) if assigned else command, walk), comments=True)
    if not argv:
        return
    if assigned:  # what the command prints: the new key's ID, the new policy's ARN
        walk.variables[assigned.group(1)] = (
            KEY_ID if argv[:3] == ["aws", "kms", "create-key"]
            else f"arn:aws:iam::{ACCOUNT}:policy/{argv[argv.index('--policy-name') + 1]}"
        )  # fmt: skip
    if argv[0] == "python3" and argv[1] == "tools/ci_roles.py":
        requests = run_ci_roles(argv, walk)
    elif argv[0] == "aws":
        requests = aws_requests(argv, walk)
    elif argv[0] == "pulumi":
        requests = pulumi_requests(argv, walk)
    else:
        assert argv[0] in LOCAL, f"no model of {command}"
        requests = []
    walk.calls.append((walk.admin, command, requests, list(walk.attached)))


def walked() -> Walk:
    walk = Walk()
    for command in section_commands():
        step(command, walk)
    return walk


def allowed(walk: Walk, admin: bool, request: Request, attached: list[dict[str, Any]]) -> bool:
    """IAM's verdict for the identity: an administrator, or the deploying role with the deployer's
    documents for dev and what the walk attached; on the state key, the key's policy decides first."""
    identity: list[Any] = ADMIN if admin else [fill(document(n), VALUES) for n in DEPLOYER] + attached
    if request.resource == KEY_ARN:
        policy = walk.files["key policy"]
        return iam.key_allows(policy, request, principal_arn=ADMIN_ARN if admin else DEPLOYER_ARN, identity=identity)
    return iam.role_allows(identity, request)


def test_every_command_of_the_state_move_is_allowed_to_the_identity_the_readme_has_in_force() -> None:
    walk = walked()
    assert {admin for admin, *_ in walk.calls} == {True, False}, "the section runs as the deployer and an administrator"
    for admin, command, requests, held in walk.calls:
        for request in requests:
            assert allowed(walk, admin, request, held), f"{command}: {request.action} on {request.resource}"


def test_each_command_run_as_an_administrator_makes_a_call_the_deployer_is_refused() -> None:
    """The README asks for an administrator only where it must: the bucket, key, alias, the first login's
    layout file and the policy the deploying role cannot give itself."""
    walk = walked()
    needing = [(command, requests) for admin, command, requests, _ in walk.calls if admin and requests]
    assert len(needing) >= 6
    for command, requests in needing:
        assert not all(allowed(walk, False, r, walk.attached) for r in requests), command


def test_the_deployer_alone_could_not_write_the_layout_file_of_an_empty_bucket() -> None:
    walk = walked()
    put_meta = Request("s3:PutObject", f"arn:aws:s3:::{BUCKET}/.pulumi/meta.yaml")
    assert not allowed(walk, False, put_meta, walk.attached)
