"""Names: the component type tokens (``<project>:<module>:<Class>``), and names AWS keeps unique per
account (and region) where the program must set them itself."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    import pulumi

PROJECT = "graviton-node"
#: S3's reserved bucket-name prefixes (S3 User Guide, "General purpose bucket naming rules").
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")


def type_token(module: str, cls: str) -> str:
    """``graviton-node:<module>:<Class>``."""
    return f"{PROJECT}:{module}:{cls}"


def name_form(project: str) -> str:
    """``project`` in the characters every name it starts takes (letters, digits, ``-``, ``_``): the task
    family's and dashboard's (botocore ``ecs`` ``RegisterTaskDefinition:family``, ``cloudwatch``
    ``PutDashboard:DashboardName``), the KMS alias's (``CreateAlias:AliasName``, which takes ``/`` too).
    Pulumi project names also take ``.`` (pulumi/pulumi sdk/go/common/workspace/project.go)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", project)


#: Hex digits of ``stack_hash``: 32 bits, so two stacks of one account share a family or dashboard by chance
#: with odds of 1 in 4 billion per pair.
STACK_HASH_DIGITS = 8


def stack_hash(project: str, stack: str) -> str:
    """A short hash of the stack's project (as Pulumi spells it) and name (in lower case, as every resource
    name takes it), which ``account_unique`` names carry and ``tools/deployer_policy.py`` fills in as
    ``STACK_HASH``: ``-`` joins project and stack in a name, and both may contain it."""
    return hashlib.sha256(f"{project}/{stack.lower()}".encode()).hexdigest()[:STACK_HASH_DIGITS]


def account_unique(project: str, stack: str, name: str) -> str:
    """``<project>-<stack_hash>-<name>`` in the characters every such name allows (``name_form``).

    Task definition families are unique per account and region, dashboards per account, and a name
    taken from the stack and component alone (``prod-app``) is the same in every project copied from
    this one: a second project's dashboard would silently replace the first's (``dashboard_name`` adds
    the region too). The project alone does not tell them apart either: ``shop`` and ``api-dev`` join as
    ``shop-api`` and ``dev`` do, and ``acme.web`` takes the form of ``acme-web``; the hash of both does.
    """
    return f"{name_form(project)}-{stack_hash(project, stack)}-{name_form(name)}"


def secrets_alias(project: str, name: str) -> str:
    """The KMS alias of the key a task called ``name`` stores its secret values with, in the characters alias
    names take: letters, digits, ``/``, ``_``, ``-`` (botocore ``kms`` ``CreateAlias:AliasName``)."""
    return re.sub(r"[^a-zA-Z0-9/_-]", "-", f"alias/{name_form(project)}/{name}/secrets")


def unprefixed(
    component: str, name: str, stack: str, opts: pulumi.ResourceOptions | None, taken: Sequence[str] = ()
) -> str:
    """Why a ``component`` called ``name`` should start with the stack's name and ``-`` ("" when it does, or
    when its parent is one of the package's components, which derived the name from its own, judged there).

    The deployer documents scope every resource by that prefix (``repository/STACK-*``,
    ``log-group:STACK-*``, ``alias/PROJECT/STACK-*``: docs/iam.md), and ``taken``, the names AWS keeps unique
    per account (and region) that the component sets from ``name`` alone, are the same in every stack of
    the project that names it so. A warning, not an error: a stack deployed under such a name keeps it
    (a new name is a new resource), and one stack per account with its own deployer policy works.
    """
    stack = stack.lower()
    parent = opts.parent if opts is not None else None
    if name.startswith(f"{stack}-") or (parent is not None and parent.pulumi_resource_type.startswith(f"{PROJECT}:")):
        return ""
    reason = (
        f"{component} {name!r} in stack {stack!r}: a name not starting with {stack + '-'!r} is refused by the "
        "deployer documents, which allow a stack only names with that prefix"
    )
    if taken:
        reason += f"; and another stack's {component} {name!r} takes the same {', '.join(taken)}"
    return reason


def task_names(project: str, name: str, *, secrets: bool) -> tuple[str, ...]:
    """The names AWS keeps unique per account (and region) that a ``FargateService`` (or ``FargateTask``) called
    ``name`` sets from it alone, each with what a second stack's of the same name does to it: its family and
    dashboard carry the stack (``account_unique``), its secrets key's alias does not."""
    return (f"KMS alias {secrets_alias(project, name)!r} (CreateAlias: AlreadyExistsException)",) if secrets else ()


def security_group_names(key: str, value: str, names: Sequence[str]) -> None:
    """Raise when a security group named after ``value`` would be refused: Pulumi's auto-name starts with
    the resource's name, and botocore ``ec2`` ``CreateSecurityGroup:GroupName`` says "Can't start with sg-"."""
    if any(name.lower().startswith("sg-") for name in names):
        raise ConfigError(key, value, "a name not starting with 'sg-' (EC2 refuses it for a security group)")


def bucket_names(key: str, value: str, names: Sequence[str]) -> None:
    """Raise when an S3 bucket named after ``value`` would start with a prefix S3 reserves: also for a stack
    without the bucket yet, as a stack is not renamed and turning access logs on later would fail. In lower
    case: pulumi-aws lower-cases a bucket's auto-name (provider/resources.go, ``AutoNameTransform("bucket",
    63, strings.ToLower)``), so ``XN--web`` becomes ``xn--web-…``."""
    if reserved := [p for p in BUCKET_RESERVED_PREFIXES for name in names if name.lower().startswith(p)]:
        raise ConfigError(key, value, f"a name not starting with {reserved[0]!r} (S3 reserves it for bucket names)")


def names_apart(stack: str, platform_stack: str, project: str, platform_project: str) -> str:
    """Why the stack ``project``/``stack`` should not join the platform stack ``platform_project``/
    ``platform_stack`` ("" when it may).

    The deployer documents scope a stack's resources by name prefix (``STACK-*``: docs/iam.md, "What is not
    scoped"), so a joining stack whose name is the platform's, or starts with it and ``-``, or the reverse,
    or a pattern, would give each stack's deployer the other's load balancer, cluster or services. Task
    definitions and dashboards (``PROJECT_NAME-STACK_HASH-STACK-*``) carry the hash of project and stack,
    which tells them apart however the names join.
    """
    shorter, longer = sorted((stack, platform_stack), key=len)
    if "*" in stack or shorter == longer or longer.startswith(shorter + "-"):
        return (
            f"stack {project}/{stack} and platform stack {platform_project}/{platform_stack}: a stack joining "
            f"another's platform needs a name, not a pattern, that neither is nor starts with the other's and "
            f"'-' ({stack!r}, {platform_stack!r}; e.g. api-dev into dev): the deployer documents scope by name "
            "prefix, and each stack's would reach the other's resources"
        )
    return ""


def stack_reference_names(reference: str, project: str) -> tuple[str, str]:
    """The project and stack a Pulumi stack reference names (``<org>/<project>/<stack>``, or a stack of
    ``project``'s by its name alone), in lower case as the resource names take the stack."""
    *_, referenced_project, stack = [project, *reference.lower().split("/")]
    return referenced_project, stack
