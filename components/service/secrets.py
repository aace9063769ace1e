"""Secrets for the container: references to SSM parameters or Secrets Manager secrets, never plain env.

ECS resolves each ``secrets`` entry at task start with the execution role, so the role may read
exactly those parameters and secrets (and decrypt with exactly the given KMS keys). A Secrets Manager
reference may select a JSON key: ``<secret ARN>:<json-key>:<version-stage>:<version-id>``, the last
three parts optional; the role's permission is on the secret ARN itself.

A Secrets Manager ARN must be the full one, with the hyphen and six characters Secrets Manager adds to
the name: IAM matches the role's policy against the secret's full ARN, so a policy naming a partial
ARN (``...:secret:db``) denies the task its secret at start. ECS documents only the full ARN for a
Secrets Manager ``valueFrom`` (API reference, ``Secret``). Granting ``<partial>-??????`` instead would
guess: ``...:secret:db-config`` may be the full ARN of ``db`` or a partial one of ``db-config``, and
Secrets Manager reads it as the full one itself (Secrets Manager User Guide, "Troubleshooting": "An AWS
CLI or AWS SDK operation can't find my secret from a partial ARN").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..edge.alb_rules import AUTONAME_SUFFIX
from ..errors import HIDDEN, ConfigError
from ..iam_policies import execution_policy
from ..iam_quotas import counted_size

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A value config stores as an SSM parameter: the program sets no tier, so it lands in the default standard
#: tier, whose values are at most 4 KB ("Standard tier parameters support a maximum parameter value of 4096
#: characters", PutParameter's ValidationException; botocore ssm PutParameterRequest.Value: "Standard
#: parameters have a value limit of 4 KB"); counted in UTF-8 bytes, the stricter reading.
PARAMETER_VALUE_MAX_BYTES = 4096
#: botocore ssm PutParameterRequest.Value: "You can't include values wrapped in double brackets {{}} or
#: {{ssm:parameter-name}} in a parameter value."
_DOUBLE_BRACKETS = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_SSM = re.compile(r"arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9_./-]+")
#: The hyphen and six random letters or digits that end a secret's full ARN (Secrets Manager User Guide,
#: "Permissions reference": "a dash and six random alphanumeric characters").
_SUFFIX = re.compile(r".*-[A-Za-z0-9]{6}")
_SECRET = re.compile(
    r"(?P<secret>arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+)"
    r"(?::(?P<key>[^:]*)(?::(?P<stage>[^:]*)(?::(?P<version>[^:]*))?)?)?"
)
ALLOWED = (
    "NAME=ARN with an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or a Secrets Manager "
    "ARN, optionally with a JSON key (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf:json-key::)"
)
PARTIAL = (
    "a full ARN with the 6-character suffix, as the console shows it "
    "(arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf, then :json-key:: if any): the execution "
    "role's permission is matched against the full ARN"
)


def secret_name(key: str, name: str) -> str:
    """An environment-variable-shaped name."""
    if not _NAME.fullmatch(name):
        raise ConfigError(key, name, "a name of letters, digits and _ (not starting with a digit)")
    return name


def parameter_role(name: str) -> str:
    """The role part of the Pulumi name of the SSM parameter holding the secret value ``name``
    (``<service>-secret-db-key`` for ``DB_KEY``): Pulumi names are lower case with hyphens here, so names
    that differ only in case share it (``names_apart``)."""
    return f"secret-{name.lower().replace('_', '-')}"


def names_apart(key: str, names: Iterable[str]) -> None:
    """Raise when two secret value names make one parameter name (``parameter_role``): Pulumi refuses a
    second resource of the same type and name (duplicate URN), after the image is pushed."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(parameter_role(name), name)
        if other != name:
            raise ConfigError(
                key,
                [other, name],
                f"names apart in lower case: {other} and {name} would both be stored as the parameter resource "
                f"<service>-{parameter_role(name)} (names are case-sensitive in the container, not in Pulumi's "
                "resource names here)",
            )


def resource_arn(value_from: str) -> str | None:
    """The ARN the execution role needs for a ``valueFrom``: the parameter, or the secret's full ARN
    without its JSON key, stage and version; None when it is neither (a partial secret ARN included)."""
    if _SSM.fullmatch(value_from):
        return value_from
    match = _SECRET.fullmatch(value_from)
    return match["secret"] if match and _SUFFIX.fullmatch(match["secret"]) else None


def check_reference(name: str, value_from: str) -> None:
    """A ``secrets`` entry ECS can resolve and the execution role may read; the error shows ``NAME=ARN``."""
    secret_name("ServiceAccess.secrets", name)
    if resource_arn(value_from) is None:
        partial = _SECRET.fullmatch(value_from) is not None
        raise ConfigError("ServiceAccess.secrets", f"{name}={value_from}", PARTIAL if partial else ALLOWED)


def parse_references(entries: Iterable[str]) -> dict[str, str]:
    """``secrets`` config (``NAME=ARN`` strings) as name -> valueFrom; each reference is checked where it
    is used (``ServiceAccess``)."""
    references: dict[str, str] = {}
    for entry in entries:
        name, sep, arn = entry.partition("=")
        if not sep:
            raise ConfigError("ServiceAccess.secrets", entry, ALLOWED)
        if name in references:
            raise ConfigError("ServiceAccess.secrets", entry, f"each name once ({name} is set twice)")
        references[name] = arn
    return references


def parse_values(entries: Iterable[str]) -> dict[str, str]:
    """``secretValues`` config (``NAME=value`` strings) as name -> value. An error never shows a value, nor
    a name that does not parse (it may be a value typed without one): it says which entry is wrong."""
    values: dict[str, str] = {}
    for position, entry in enumerate(entries, 1):
        name, sep, value = entry.partition("=")
        if not sep or not value or not _NAME.fullmatch(name):
            raise ConfigError(
                "ServiceAccess.secret_value_names",
                HIDDEN,
                f"NAME=value entries, NAME of letters, digits and _ (not starting with a digit), set with pulumi "
                f"config set --secret; entry {position} is not",
            )
        if name in values:
            raise ConfigError("ServiceAccess.secret_value_names", HIDDEN, f"each name once ({name} is set twice)")
        check_parameter_value(name, value)
        values[name] = value
    return values


def check_parameter_value(name: str, value: str) -> None:
    """A value SSM's PutParameter stores (see ``PARAMETER_VALUE_MAX_BYTES`` and ``_DOUBLE_BRACKETS``); the
    error names the entry, never the value."""
    size = len(value.encode())
    if size > PARAMETER_VALUE_MAX_BYTES:
        raise ConfigError(
            "ServiceAccess.secret_value_names",
            HIDDEN,
            f"values of at most {PARAMETER_VALUE_MAX_BYTES} bytes, a standard-tier SSM parameter's limit "
            f"({name} is {size:,}); keep a larger one in Secrets Manager and reference it in secrets",
        )
    if _DOUBLE_BRACKETS.search(value):
        raise ConfigError(
            "ServiceAccess.secret_value_names",
            HIDDEN,
            f"values without text wrapped in double braces {{{{...}}}}, which SSM refuses in a parameter value "
            f"({name} has some); reference an existing parameter in secrets instead",
        )


def check_names(environment: Mapping[str, str], secrets: Iterable[str]) -> None:
    """A name is either plain environment or a secret, never both."""
    for name in secrets:
        if name in environment:
            raise ConfigError(
                "ServiceAccess.secrets", name, f"a name not also in ServiceSpec.environment ({name} is in both)"
            )


def stack_prefixes(project: str, stack: str) -> tuple[str, str]:
    """Where a stack's referenced secrets live: SSM parameters under ``/<project>/<stack>/``, Secrets
    Manager secrets named ``<project>/<stack>/...``. The stack's permissions boundary
    (``docs/iam-boundary.json``, ``ReadStackSecrets``) lets its roles read there and nowhere else."""
    return f"/{project}/{stack}/", f"{project}/{stack}/"


#: What a project's name may not start with (in any case) when it stores secret values: its parameters are
#: named ``/<project>/...`` and SSM refuses a name "prefixed with "aws" or "ssm" (case-insensitive)" (botocore
#: ssm PutParameter:Name), and its key's alias ``alias/<project>/...``, where the provider refuses one beginning
#: ``alias/aws`` (terraform-provider-aws internal/service/kms/validate.go validName) and KMS ``alias/aws/``
#: (botocore kms CreateAlias:AliasName).
RESERVED_PROJECT_PREFIXES = ("aws", "ssm")


def check_project_stores(project: str, key: str, secret_value_names: Iterable[str]) -> None:
    """Raise ``ConfigError`` (as ``key``) when the secret values of a project named ``project`` would be
    stored under a name SSM or KMS reserves."""
    names = sorted(secret_value_names)
    reserved = next((p for p in RESERVED_PROJECT_PREFIXES if project.lower().startswith(p)), None)
    if names and reserved:
        raise ConfigError(
            key,
            names,
            f"no secret values in the Pulumi project {project!r} (Pulumi.yaml name): they would be stored as "
            f"/{project}/... with the key alias alias/{project}/..., and SSM refuses a parameter name starting "
            f"with {reserved} in any case (KMS, an alias starting alias/aws): rename the project",
        )


def check_within_stack(references: Mapping[str, str], project: str, stack: str) -> None:
    """Every reference under the stack's prefixes: ECS reads them with the execution role at task start,
    where the boundary would deny one outside them (the tasks would never start)."""
    parameter, secret = stack_prefixes(project, stack)
    for name, value_from in references.items():
        arn = resource_arn(value_from)
        if arn is None:
            continue  # not a reference at all: check_reference says so
        resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
        if not (resource.startswith(f"parameter{parameter}") or resource.startswith(f"secret:{secret}")):
            raise ConfigError(
                "ServiceAccess.secrets",
                f"{name}={value_from}",
                f"an SSM parameter under {parameter} or a Secrets Manager secret named {secret}...: the stack's "
                "permissions boundary (the default ServiceAccess.permissions_boundary_arn) lets its roles read "
                "only those",
            )


#: As long as what AWS and Pulumi put there, for sizing what names them before they exist: Pulumi's default
#: auto-name suffix (a hyphen and 7 hex characters), an account, a KMS key ID.
AUTONAMED_STAND_IN, ACCOUNT_STAND_IN, _ANY_KEY_ID = "-" + "0" * (AUTONAME_SUFFIX - 1), "0" * 12, "0" * 36


def stored_parameter_arn(*, partition: str, region: str, parameter_path: str, name: str) -> str:
    """The ARN of the parameter ``FargateTask`` stores the secret value ``name`` in, under ``parameter_path``,
    its account a stand-in as long as one."""
    return f"arn:{partition}:ssm:{region}:{ACCOUNT_STAND_IN}:parameter{parameter_path}/{name}"


def execution_policy_size(
    *,
    name: str,
    parameter_path: str,
    partition: str,
    region: str,
    secret_arns: tuple[str, ...],
    secret_value_names: tuple[str, ...],
    kms_key_arns: tuple[str, ...],
) -> int:
    """The size IAM counts of the execution policy a task ``name`` gets (``execution_policy``), its ARNs
    as long as AWS makes them: the image in ``<name>-repo``, the log group ``<name>-logs`` (each auto-named),
    these secrets, and a parameter under ``parameter_path`` for each of ``secret_value_names``."""
    arn = f"arn:{partition}:{{}}:{region}:{ACCOUNT_STAND_IN}:{{}}".format
    parameters = {
        stored_parameter_arn(partition=partition, region=region, parameter_path=parameter_path, name=value)
        for value in secret_value_names
    }
    document = execution_policy(
        repository_arn=arn("ecr", f"repository/{name}-repo{AUTONAMED_STAND_IN}"),
        log_group_arn=arn("logs", f"log-group:{name}-logs{AUTONAMED_STAND_IN}"),
        secret_arns=tuple(sorted({*secret_arns, *parameters})),
        kms_key_arns=kms_key_arns,
        parameter_key_arn=arn("kms", f"key/{_ANY_KEY_ID}") if secret_value_names else "",
        region=region,
    )
    return counted_size(document)
