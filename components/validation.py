"""Small validators shared by the specs: each raises ``ConfigError`` naming the field (or key) it is given."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .errors import ConfigError, raise_any
from .image.dockerfile import PLATFORMS_LABEL, declared_platforms
from .image.ecr_lifecycle import MAX_KEEP_BUILDS

#: CloudWatch Logs PutRetentionPolicy values (0, "never expire", is left out on purpose).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
)  # fmt: skip
#: The retention of every log group this package creates unless told otherwise: a month.
DEFAULT_LOG_RETENTION_DAYS = 30
T = TypeVar("T")


def largest_fitting(high: int, fits: Callable[[int], bool]) -> int | None:
    """The largest of 0..``high`` that ``fits``, which holds up to some value and not beyond (a bound that
    grows with it); None if not even 0 does. A bisection: ``high`` may be any 32-bit integer."""
    if not fits(0):
        return None
    low = 0
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def int_in_range(key: str, value: int, low: int, high: int) -> int:
    """``value`` if ``low <= value <= high``."""
    if not low <= value <= high:
        raise ConfigError(key, value, f"an integer from {low} to {high}")
    return value


#: The highest percent an alarm threshold or a target-tracking target takes. Each is compared strictly above
#: (an alarm's GreaterThanThreshold, botocore cloudwatch ComparisonOperator beside GreaterThanOrEqualToThreshold;
#: target tracking "scales out" "when the metric is above the target value", Application Auto Scaling User
#: Guide, "How target tracking scaling works"), and what each watches reads at most 100: a target group's 5xx
#: are among the requests it counts (ELB guide, "CloudWatch metrics for your Application Load Balancer"), and a
#: Fargate task's CPU and memory utilization "will not go above the defined task-level limit", memory "can't
#: exceed 100%" (ECS guide, "Amazon ECS service utilization metrics"). At 100 it could never act.
MAX_PASSABLE_PERCENT = 99


def passable_percent(key: str, value: int | None, acts: str, never: str) -> None:
    """``value`` from 1 to ``MAX_PASSABLE_PERCENT``, or None for none: ``acts`` says what happens above it,
    ``never`` what could not happen at 100."""
    if value is not None and not 1 <= value <= MAX_PASSABLE_PERCENT:
        raise ConfigError(key, value, f"an integer from 1 to {MAX_PASSABLE_PERCENT}: {acts} only above it, and what "
                          f"it watches is never above 100 %, so at 100 it could never {never}")  # fmt: skip


def one_of(key: str, value: str, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``."""
    options = tuple(allowed)
    if value not in options:
        raise ConfigError(key, value, "one of " + ", ".join(options))
    return value


#: The first port a process that is not root may bind: Linux's ``net.ipv4.ip_unprivileged_port_start``
#: default (Documentation/networking/ip-sysctl.rst); below it, binding needs CAP_NET_BIND_SERVICE, which a
#: non-root process does not hold and Fargate cannot grant (botocore ecs ``KernelCapabilities.add``: "Tasks
#: launched on Fargate only support adding the SYS_PTRACE kernel capability"; aws/containers-roadmap#1721,
#: open: "The ECS container runtime does not allow a process running as a non-root user to bind to
#: privileged ports (<1024)").
UNPRIVILEGED_PORT_START = 1024
UNPRIVILEGED = (
    f"a port from {UNPRIVILEGED_PORT_START} to 65535: the container runs as a user other than root, which on "
    f"Fargate cannot bind a port below {UNPRIVILEGED_PORT_START} (e.g. 3000 or 8080; the load balancer still "
    "listens on 80 and 443)"
)


def port(key: str, value: int, *, unprivileged: bool = False) -> int:
    """A TCP port, 1-65535; one a non-root process listens on (``unprivileged``), 1024-65535."""
    if unprivileged and 1 <= value < UNPRIVILEGED_PORT_START:
        raise ConfigError(key, value, UNPRIVILEGED)
    return int_in_range(key, value, 1, 65535)


def ports(key: str, values: Iterable[int], *, unprivileged: bool = False) -> tuple[int, ...]:
    """TCP ports, each once; ports a non-root process listens on (``unprivileged``), 1024-65535 each."""
    result = tuple(values)
    for value in result:
        port(key, value, unprivileged=unprivileged)
    if len(set(result)) != len(result):
        raise ConfigError(key, list(result), "each port once")
    return result


def log_retention(key: str, value: int) -> int:
    """A CloudWatch Logs retention in days."""
    if value not in LOG_RETENTION_DAYS:
        raise ConfigError(key, value, "one of " + ", ".join(map(str, LOG_RETENTION_DAYS)))
    return value


PLATFORMS = ("linux/arm64", "linux/amd64")


def build_context(key: str, context: Path) -> Path:
    """An existing directory: docker-build hands it to BuildKit as the build context."""
    if not context.is_dir():
        raise ConfigError(key, str(context), "an existing directory (the build context)")
    return context


def dockerfile_in(key: str, context: Path | None, dockerfile: str) -> Path | None:
    """The file ``dockerfile`` names, relative to ``context`` and inside it; None when the context is
    unknown (``None``: already refused), and only the form of ``dockerfile`` can be checked.

    Inside, because the content-derived tag hashes the context (``build_tag``): a Dockerfile outside it
    could change while the tag stays the same."""
    relative = PurePosixPath(dockerfile)
    allowed = "a Dockerfile's path relative to the build context, inside it (no '..'), e.g. Dockerfile"
    if not dockerfile or relative.is_absolute() or ".." in relative.parts:
        raise ConfigError(key, dockerfile, allowed)
    if context is None:
        return None
    path = context / relative
    if not path.is_file():
        raise ConfigError(key, dockerfile, f"{allowed}; there is no such file in ImageSpec.context {context}")
    if not (resolved := path.resolve()).is_relative_to(context.resolve()):
        raise ConfigError(key, dockerfile, f"{allowed}; it links to {resolved}, outside {context}")
    return path


def _declared(key: str, dockerfile: str, path: Path) -> tuple[str, ...] | None:
    """The platforms the Dockerfile at ``path`` declares it builds (``PLATFORMS_LABEL``), None for any."""
    try:
        return declared_platforms(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(key, dockerfile, f"a Dockerfile this program can read ({error})") from None


def _platforms(values: tuple[str, ...], declared: tuple[str, ...] | None, dockerfile: str) -> tuple[str, ...]:
    """Known build platforms, each once, including linux/arm64 (the task runs ARM64), and only those the
    Dockerfile declares it builds."""
    for value in values:
        one_of("ImageSpec.platforms", value, PLATFORMS)
    if len(set(values)) != len(values):
        raise ConfigError("ImageSpec.platforms", list(values), "each platform once")
    if "linux/arm64" not in values:
        raise ConfigError("ImageSpec.platforms", list(values), "a list including linux/arm64 (the task runs ARM64)")
    if declared is not None and not set(values) <= set(declared):
        raise ConfigError(
            "ImageSpec.platforms",
            list(values),
            f"{json.dumps(list(declared))}, the platforms ImageSpec.dockerfile {dockerfile} declares it builds "
            f'(LABEL {PLATFORMS_LABEL}="{",".join(declared)}")',
        )
    return values


def image_args(*, context: Path | None, dockerfile: str, platforms: tuple[str, ...], keep_builds: int) -> None:
    """The one check of an ``ImageSpec``'s fields, every mistake at once, run when the spec is built.
    ``context`` None: the caller has refused the context already, and the Dockerfile is checked in form only."""
    found: list[ConfigError] = []

    def attempt(check: Callable[[], T]) -> T | None:
        try:
            return check()
        except ConfigError as error:
            found.extend(error.errors)
            return None

    usable = context if context is not None and attempt(lambda: build_context("ImageSpec.context", context)) else None
    path = attempt(lambda: dockerfile_in("ImageSpec.dockerfile", usable, dockerfile))
    declared = attempt(lambda: _declared("ImageSpec.dockerfile", dockerfile, path)) if path else None
    attempt(lambda: _platforms(platforms, declared, dockerfile))
    attempt(lambda: int_in_range("ImageSpec.keep_builds", keep_builds, 1, MAX_KEEP_BUILDS))
    raise_any(found)


#: A CloudWatch namespace: 1-255 characters, not starting with ":" (botocore ``cloudwatch`` ``Namespace``), "ASCII
#: characters ..., except for control characters" (``PutMetricDataInput.Namespace``).
_NAMESPACE = re.compile(r"[\x20-\x39\x3b-\x7e][\x20-\x7e]{0,254}")


def metric_namespace(key: str, value: str) -> str:
    """A CloudWatch metric namespace."""
    if not _NAMESPACE.fullmatch(value):
        raise ConfigError(key, value, "1-255 printable ASCII characters, the first not ':' (a CloudWatch namespace)")
    return value


#: Partitions by region name, as botocore's ``endpoints.json`` gives them (``regionRegex``), most specific
#: first: ``us-gov-west-1`` is GovCloud's, not the commercial partition's ``us-*``.
PARTITION_REGIONS: tuple[tuple[str, str], ...] = (
    ("aws-us-gov", r"^us\-gov\-\w+\-\d+$"),
    ("aws-iso", r"^us\-iso\-\w+\-\d+$"),
    ("aws-iso-b", r"^us\-isob\-\w+\-\d+$"),
    ("aws-iso-e", r"^eu\-isoe\-\w+\-\d+$"),
    ("aws-iso-f", r"^us\-isof\-\w+\-\d+$"),
    ("aws-eusc", r"^eusc\-(de)\-\w+\-\d+$"),
    ("aws-cn", r"^cn\-\w+\-\d+$"),
    ("aws", r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$"),
)


#: Each partition's DNS suffix, as botocore's ``endpoints.json`` gives it (``dnsSuffix``): an ECR registry
#: is ``<account>.dkr.ecr.<region>.<suffix>``.
PARTITION_DNS_SUFFIXES = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-eusc": "amazonaws.eu",
}


_POLICY_NAME = r"[A-Za-z0-9_+=,.@-]"
_PARTITION = "|".join(re.escape(partition) for partition, _ in PARTITION_REGIONS)
#: A managed policy's path and name: at most 512 and 128 characters (botocore iam ``policyPathType``,
#: ``policyNameType``).
MAX_POLICY_PATH, MAX_POLICY_NAME = 512, 128
_POLICY_ARN = re.compile(
    rf"arn:({_PARTITION}):iam::([0-9]{{12}}|aws):policy/({_POLICY_NAME}+/)*{_POLICY_NAME}{{1,{MAX_POLICY_NAME}}}"
)


def policy_arn(key: str, value: str) -> str:
    """Empty, or the ARN of a managed IAM policy (a customer-managed one of an account, or AWS's): IAM's
    policy names take letters, digits and ``+=,.@_-``, their paths ``/``-separated segments of the same
    (botocore iam ``CreatePolicy:PolicyName``, ``CreatePolicy:Path``)."""
    match = _POLICY_ARN.fullmatch(value)
    if value and not (match and len(policy_path(value)) <= MAX_POLICY_PATH):
        raise ConfigError(key, value, "an IAM policy ARN (arn:PARTITION:iam::ACCOUNT:policy/NAME, its path of at "
                          f"most {MAX_POLICY_PATH} characters), or empty")  # fmt: skip
    return value


def policy_path(arn: str) -> str:
    """The path of a managed policy's ARN: ``/`` and the segments between ``policy`` and its name."""
    segments = arn.split(":policy/", 1)[1].rpartition("/")[0]
    return f"/{segments}/" if segments else "/"


def arn_region(arn: str) -> str:
    """The region field of ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`` (empty when it has none)."""
    parts = arn.split(":", 5)
    return parts[3] if len(parts) == 6 else ""


def in_region(key: str, arn: str, region: str | None, allowed: str) -> str:
    """``arn`` if it is empty, lies in ``region``, or no region is known (``None``: the provider takes it
    from the AWS profile, which the program does not read). ``allowed`` says what would be, and why."""
    if arn and region and arn_region(arn) != region:
        raise ConfigError(key, arn, allowed)
    return arn


def arn_partition(arn: str) -> str:
    """The partition field of ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`` (empty when it is no ARN)."""
    parts = arn.split(":", 5)
    return parts[1] if len(parts) == 6 and parts[0] == "arn" else ""


def in_partition(key: str, value: str, arn: str, region: str | None) -> str:
    """``value`` if ``arn`` (the ARN it holds) is empty, of the partition of ``region``, or no partition is
    known. An account reaches only its own partition's resources: IAM refuses a policy that names another's
    (``MalformedPolicyDocument: Partition "aws" is not valid for resource "arn:aws:..."`` in aws-cn,
    hashicorp/terraform#5307), so the roles' policies would fail at deploy."""
    partition = partition_of(region) if region else None
    if arn and partition and arn_partition(arn) != partition:
        raise ConfigError(
            key,
            value,
            f"an ARN of the stack's partition {partition} (arn:{partition}:...), that of its region {region}: "
            "an account reaches no other partition's resources",
        )
    return value


def partition_of(region: str) -> str | None:
    """The AWS partition ``region`` belongs to, or None for a name no partition claims. The patterns' ``\\w``
    and ``\\d`` are ASCII, as in the Go regexp the provider and the AWS SDK for Go match them with."""
    return next(
        (partition for partition, pattern in PARTITION_REGIONS if re.fullmatch(pattern, region, re.ASCII)), None
    )
