"""The key policy of a service's SecureString parameters, and the deploying role it names.

Of the project's roles only the execution role may decrypt with the key, and only through SSM. The role
that deploys the stack is named in it too: KMS creates a key with a policy only if that policy "must allow
the calling principal to make a subsequent PutKeyPolicy request on the KMS key" (botocore kms
``CreateKey:Policy``, the policy lockout safety check, which ``NoOtherKeysOrKeyPolicyLockout`` keeps the
deployer from bypassing). The account statement leaves that to the deployer's IAM policy, whose
``StackKeys`` allow holds only on a key tagged with the stack (``aws:ResourceTag``), and a key being
created has no tags yet to authorize by (AWS KMS Developer Guide, "Use tags to control access to KMS
keys"; "it might take up to five minutes for tag ... changes to affect KMS key authorization"). So
without its own statement the deployer's first ``CreateKey`` is refused ("The new key policy will not
allow you to update the key policy in the future"), as AWS's own solutions found for a deploying role
with scoped KMS rights (aws-solutions/innovation-sandbox-on-aws#31, #117: name that role in the key
policy). The role, not a session: a key policy naming ``assumed-role/<role>/<session>`` would change
with every run.
"""

from __future__ import annotations

import json
import re

from .errors import ConfigError
from .iam_policies import is_role_path, via_ssm
from .validation import PARTITION_REGIONS

#: What the provider asks of the new key before its tag counts (kms/key.go ``resourceKeyCreate``:
#: ``updateKeyRotationEnabled`` EnableKeyRotation and GetKeyRotationStatus, ``waitKeyPolicyPropagated``
#: GetKeyPolicy, ``waitTagsPropagated`` ListResourceTags, then ``resourceKeyRead`` DescribeKey and the
#: same reads), the alias made next (kms/alias.go: CreateAlias is authorized on the key too), and
#: PutKeyPolicy, which the lockout check asks for and every later policy change needs.
DEPLOYER_KEY_ACTIONS = (
    "kms:CreateAlias", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:ListResourceTags", "kms:PutKeyPolicy",
)  # fmt: skip
#: The parameters' writes and the provider's read-back with decryption, made just after the key
#: (ssm/parameter.go; AWS Systems Manager User Guide, "How AWS Systems Manager Parameter Store uses AWS
#: KMS": standard parameters), through SSM only as the deployer's ``StackKeysThroughSsm``.
DEPLOYER_SSM_ACTIONS = ("kms:Decrypt", "kms:Encrypt")
_PARTITION = "|".join(re.escape(partition) for partition, _ in PARTITION_REGIONS)
#: botocore iam ``roleNameType``: word characters and ``+=,.@-``, 1-64 (ASCII: IAM's names are); the path
#: as ``CreateRole:Path`` (``is_role_path``).
_ROLE_ARN = re.compile(rf"arn:(?:{_PARTITION}):iam::[0-9]{{12}}:role(/.*/|/)([A-Za-z0-9_+=,.@-]{{1,64}})")
#: A path may hold ``*`` and ``?`` (``CreateRole:Path`` takes ``\u0021-\u007E``), but a key policy's
#: ``Principal`` takes no wildcard (IAM Access Analyzer policy checks, "Unsupported wildcard in principal"):
#: such a role could never be named, and the key never created.
_WILDCARDS = frozenset("*?")


def check_deployer_role_arn(key: str, value: str, role_path: str = "") -> None:
    """Raise ``ConfigError`` naming ``key`` unless ``value`` is an IAM role's ARN, path included: KMS
    takes a key policy only when its principals exist (botocore kms ``CreateKey:Policy``), and a session's
    ``arn:aws:sts::...:assumed-role/...`` ARN names one run, not the role. Not under the project's path
    of ``role_path`` (when given), where the key's ``NoOtherRoleOfTheProject`` denies it the read-back."""
    match = _ROLE_ARN.fullmatch(value)
    if not (match and is_role_path(match.group(1)) and not _WILDCARDS & set(value)):
        raise ConfigError(
            key,
            value,
            "the ARN of the IAM role that deploys the stack, path included (arn:PARTITION:iam::ACCOUNT:role/NAME, "
            "as aws iam get-role --query Role.Arn prints it; not a session's arn:...:sts::...:assumed-role/...; "
            "no * or ?, which a key policy's Principal does not take)",
        )
    project_path = _project_path(role_path)
    if project_path != "/" and match.group(1).startswith(project_path):
        raise ConfigError(
            key,
            value,
            f"a role outside {project_path}, the path of the project's own roles (README, AWS permissions), "
            "which the secrets key denies decryption",
        )


def deployer_account(value: str) -> str | None:
    """The account of a deploying role ``value`` (a role ARN, as ``check_deployer_role_arn`` takes), else None."""
    return value.split(":")[4] if _ROLE_ARN.fullmatch(value) else None


def check_deployer_account(key: str, value: str, account_id: str) -> None:
    """Raise ``ConfigError`` naming ``key`` when the deploying role ``value`` (a role ARN, as
    ``check_deployer_role_arn`` takes) lies in another account than the stack's ``account_id``: the key
    policy grants it ``kms:PutKeyPolicy``, and a key policy naming another account's principal gives that
    account the key (AWS KMS Developer Guide, "Allowing users in other accounts to use a KMS key"), here
    with the right to rewrite its policy. The stack's deployer runs in the stack's account."""
    role_account = deployer_account(value)
    if role_account is not None and role_account != account_id:
        raise ConfigError(
            key,
            value,
            f"a role of the stack's account {account_id}, not of {role_account}: the secrets key lets the role "
            "change its key policy, and a key policy naming another account's role gives that account the key",
        )


def _project_path(role_path: str) -> str:
    """``/<project>/`` of a role path ``/<project>/<stack>/`` (``/`` for ``/``)."""
    return "/".join(role_path.split("/")[:2]) + "/"


def secrets_key_policy(
    *, partition: str, account_id: str, region: str, execution_role_arn: str, role_path: str, deployer_role_arn: str
) -> str:
    """The key policy of a service's SecureString key.

    - The account administers the key through IAM (``kms:*`` for the account root): without it no one
      could change or delete the key (AWS KMS Developer Guide, "Default key policy": a key with no such
      statement becomes unmanageable). The deployer uses it through its IAM policy, scoped to its own
      stack's keys.
    - The deploying role itself may do what creating the key and its alias asks before the key's tag
      counts, PutKeyPolicy among it (module docstring), and write and read the parameters through SSM.
    - The execution role may decrypt, and only through SSM in the stack's region: ECS asks SSM for the
      parameters at task start.
    - No other role under the project's path (``/<project>/``: the roles of this and every other stack
      of the project) may decrypt, whatever its own policy says: an explicit Deny in the key policy,
      which no IAM policy overrides. So another stack's deployer cannot read these through a role it
      makes.
    - No one decrypts with it except through SSM in the stack's region: an account identity whose IAM
      policy allows ``kms:Decrypt`` on ``*`` would otherwise use the key directly (the account
      statement delegates to IAM). ``StringNotEquals`` is true where ``kms:ViaService`` is missing, as in
      a direct call (IAM User Guide, "Condition operators"). ``kms:ReEncryptFrom`` too: a parameter's
      ciphertext (``GetParameter`` without decryption) re-encrypted under a key of one's own is read
      without ``kms:Decrypt`` on this one; SSM never re-encrypts.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    statements: list[dict[str, object]] = [
        {"Sid": "AccountAdministersTheKey", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "DeployerCreatesTheKey", "Effect": "Allow", "Principal": {"AWS": deployer_role_arn},
         "Action": list(DEPLOYER_KEY_ACTIONS), "Resource": "*"},
        {"Sid": "DeployerWritesTheParametersThroughSsm", "Effect": "Allow", "Principal": {"AWS": deployer_role_arn},
         "Action": list(DEPLOYER_SSM_ACTIONS), "Resource": "*", "Condition": via_ssm(region)},
        {"Sid": "ExecutionRoleDecryptsThroughSsm", "Effect": "Allow", "Principal": {"AWS": execution_role_arn},
         "Action": "kms:Decrypt", "Resource": "*", "Condition": via_ssm(region)},
        {"Sid": "DecryptOnlyThroughSsm", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
         "Resource": "*", "Condition": {"StringNotEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}}},
    ]  # fmt: skip
    project_path = _project_path(role_path)
    if project_path != "/":
        statements.append(
            {"Sid": "NoOtherRoleOfTheProject", "Effect": "Deny", "Principal": {"AWS": "*"},
             "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
             "Resource": "*", "Condition": {
                 "ArnLike": {"aws:PrincipalArn": f"arn:{partition}:iam::{account_id}:role{project_path}*"},
                 "ArnNotEquals": {"aws:PrincipalArn": execution_role_arn}}}
        )  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
