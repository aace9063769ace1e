"""Print an IAM policy document of docs/ filled in for one stack: the deployer's (inline, its resources'
and ECS's, and for a stack with a hosted zone its DNS), the roles' boundary or the operator's, and the
deployer's platform document for a stack joining another's platform (docs/iam.md says which identity
gets which). A filled document over IAM's limit for how it is attached is refused, never printed.

    .venv/bin/python tools/deployer_policy.py --account 123456789012 --region us-east-1 dev
    .venv/bin/python tools/deployer_policy.py --document deployer-ecs --account 123456789012 --region us-east-1 dev
    .venv/bin/python tools/deployer_policy.py --document boundary --account 123456789012 --region us-east-1 dev
    .venv/bin/python tools/deployer_policy.py --document deployer-dns --hosted-zone Z0123456789ABC \
        --domain app.example.com ... prod
    .venv/bin/python tools/deployer_policy.py --document deployer-platform --platform-project graviton-node \
        --platform-stack dev ... staging

The documents hold placeholders in capitals: ``ACCOUNT``, ``REGION``, ``PARTITION`` (the partition of ``--region``:
``aws``, ``aws-cn``, ``aws-us-gov``, …, as botocore's endpoints.json gives them; every document has it, IAM refusing
an ARN of another partition), ``PROJECT`` (the Pulumi project, ``graviton-node``), ``PROJECT_NAME`` and
``STACK_HASH`` (filled from ``--project`` and the stack: the project as names take it,
``components.naming.name_form``, and ``components.naming.stack_hash``, which the task families and dashboards carry
after it; ``*`` for a pattern of stacks), ``STACK`` (the stack name in lower case, as every resource name starts
with it; a pattern such as ``acc-*`` covers the acceptance run's stacks), ``HOSTED_ZONE`` and ``DOMAIN`` (the
``hostedZoneId`` and ``domainName`` of a stack with a domain: ``deployer-dns``), ``PLATFORM_STACK``
(``--platform-stack``: the stack whose cluster and load balancer the stack's services join, its ``platformStack``'s
last part, which ``--platform-project`` needs; the stack itself when not given; a joining stack's name must be apart
from it, ``components.naming.names_apart``) and ``PLATFORM`` (``--platform-project``: that stack's project, whose
load balancer's security group a joining service adds an egress rule to; only ``deployer-platform`` needs it).
Without ``--hosted-zone`` there is no ``deployer-dns``: such a stack changes no DNS record; without a platform stack
of another name the statements for tasks in its cluster, which only the stack's tag can tell apart. ``CLUSTER``
(``--cluster-name``: the name of the existing cluster a stack's ``clusterArn`` names, exactly; without it
``PLATFORM_STACK-*``, the clusters the stack or its platform stack creates, which Pulumi names ``<stack>-…``) is the
cluster part of the ECS service, deployment and task ARNs (Service Authorization Reference, Amazon ECS:
``service/${ClusterName}/${ServiceName}``, ``task/${ClusterName}/${TaskId}``); in a cluster not of the stack's own
name, the stack's tasks are told apart by its tag, as in a platform's.
``--boundary-arn`` replaces the default boundary, as the stack's ``permissionsBoundaryArn`` does.
``--from-0.4`` adds, until a ``pulumi up`` has renamed a 0.4 stack's dashboard, the read and deletion of its
old one (``PROJECT_NAME-STACK-*``, a name another project's 0.4 dashboard may share; a refresh reads it while
the state holds it, pending delete after a failed up too): print the documents without it once an up has
succeeded and the state no longer holds it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.errors import ConfigError
from components.iam_quotas import INLINE_ROLE_POLICIES, MANAGED_POLICY, counted_size
from components.naming import STACK_HASH_DIGITS, name_form, names_apart, stack_hash
from components.validation import partition_of, policy_arn

DOCS = Path(__file__).resolve().parent.parent / "docs"
#: The deployer's policy is several documents: ``deployer`` attached inline, ``deployer-resources`` and
#: ``deployer-ecs`` as managed policies, ``deployer-network`` too for a stack with a new VPC (``vpc: new``: the
#: VPC's resources carry the stack's tag), ``deployer-dns`` for a stack with a hosted zone, and for a stack
#: joining another's platform ``deployer-platform`` (its listener rule and the egress rule on the platform's
#: load balancer's security group). Each must fit IAM's limit at the longest value of every placeholder
#: (tests/program/test_deployer_policy.py), and ``main`` measures the one it prints.
DOCUMENTS = {
    "deployer": "iam-deployer.json",
    "deployer-resources": "iam-deployer-resources.json",
    "deployer-ecs": "iam-deployer-ecs.json",
    "deployer-network": "iam-deployer-network.json",
    "deployer-dns": "iam-deployer-dns.json",
    "deployer-platform": "iam-deployer-platform.json",
    "boundary": "iam-boundary.json",
    "operator": "iam-operator.json",
}
#: The deployer's documents, which IAM evaluates together; ``deployer-platform`` joins them for a stack
#: joining another's platform.
DEPLOYER = ("deployer", "deployer-resources", "deployer-ecs", "deployer-network", "deployer-dns")
#: Only ``deployer`` is inline; the deploying identity is a role (the README: a user's inline policies take
#: 2,048).
LIMITS = {name: INLINE_ROLE_POLICIES if name == "deployer" else MANAGED_POLICY for name in DOCUMENTS}
#: The longest project name the tool fills in: the programs bound a project's name only by what AWS's
#: names take (a task definition family, 255), so this bound is the tool's own, chosen so that at it, with
#: every other placeholder at its longest, each document keeps room under its limit.
MAX_PROJECT = 32
#: The stack's boundary, ``<project>-boundary-<stack>`` (``components.iam_policies.default_boundary_arn``).
DEFAULT_BOUNDARY = "arn:PARTITION:iam::ACCOUNT:policy/PROJECT-boundary-STACK"
PLACEHOLDERS = (
    "ACCOUNT", "REGION", "PARTITION", "PROJECT", "PLATFORM_STACK", "PLATFORM", "STACK", "HOSTED_ZONE", "DOMAIN",
    "CLUSTER", "PROJECT_NAME", "STACK_HASH",
)  # fmt: skip
#: Statements that only a stack with a domain needs.
DNS_STATEMENTS = ("DomainAliasRecord", "DomainValidationRecord", "DomainZone", "DomainCertificate")
#: Statements only a stack whose services run in a cluster not named as its own needs (another stack's, or
#: one ``clusterArn`` names): its tasks there are told
#: apart from the platform's by the stack's tag alone (a task's ARN names its cluster, not its service).
JOINING_STATEMENTS = ("CountStackTasksInThePlatformsCluster", "ExecInThePlatformsCluster",
                      "DescribeTasksInThePlatformsCluster", "StackTasksInThePlatformsCluster")  # fmt: skip
#: Statements only the first ``pulumi up`` of a stack deployed by 0.4 needs (``--from-0.4``): its dashboard's
#: name then had no ``STACK_HASH``, and a pattern that reaches it reaches another project's of that form too.
UPGRADE_STATEMENTS = ("DeleteTheStacksDashboardOfBefore050",)
#: The option that gives each placeholder its value, for the error naming one left without.
OPTIONS = {
    "ACCOUNT": "--account",
    "REGION": "--region",
    "PARTITION": "--region",
    "PROJECT": "--project",
    "PLATFORM": "--platform-project",
    "PLATFORM_STACK": "--platform-stack",
    "STACK": "the stack argument",
    "HOSTED_ZONE": "--hosted-zone",
    "DOMAIN": "--domain",
    "CLUSTER": "--cluster-name",
    "PROJECT_NAME": "--project",
    "STACK_HASH": "--project and the stack argument",
}
#: The placeholders filled from others (``derived``), never given: no form of their own to check.
DERIVED = frozenset({"PROJECT_NAME", "STACK_HASH"})
_PLACEHOLDER = re.compile(r"\b(" + "|".join(PLACEHOLDERS) + r")\b")
#: What each value may be, so that a typo cannot widen a statement (a stray ``*``) or break its JSON.
_VALUES = {
    "ACCOUNT": re.compile(r"\d{12}"),
    # botocore endpoints.json region names: letters between hyphens, a number last (eusc-de-east-1).
    "REGION": re.compile(r"[a-z]+(-[a-z]+)+-\d+"),
    # botocore endpoints.json partition names: aws, or aws and hyphenated lower-case words.
    "PARTITION": re.compile(r"aws(-[a-z]+)*"),
    # Pulumi project and stack names: letters, digits, -, _ and . (the stack may be a * pattern).
    "PROJECT": re.compile(rf"[A-Za-z0-9_.-]{{1,{MAX_PROJECT}}}"),
    "PLATFORM": re.compile(rf"[A-Za-z0-9_.-]{{1,{MAX_PROJECT}}}"),
    "STACK": re.compile(r"[a-z0-9_.*-]+"),
    "PLATFORM_STACK": re.compile(r"[a-z0-9_.-]+"),
    # Route 53 hosted zone IDs and domain names.
    "HOSTED_ZONE": re.compile(r"[A-Z0-9]{1,32}"),
    "DOMAIN": re.compile(r"[a-z0-9.-]+"),
    # An ECS cluster's name, "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
    # hyphens" (botocore ecs CreateClusterRequest.clusterName, as components.resource_arns reads it).
    "CLUSTER": re.compile(r"[A-Za-z0-9_-]{1,255}"),
}
#: What each value may be, in words, for the error naming its option (the sources are ``_VALUES``').
ALLOWED = {
    "ACCOUNT": "an AWS account ID: 12 digits",
    "REGION": "a region name such as us-east-1: lower-case words joined by -, a number last",
    "PARTITION": "a partition name: aws, or aws and lower-case words joined by - (aws-cn, aws-us-gov)",
    "PROJECT": f"a Pulumi project name: 1-{MAX_PROJECT} letters, digits, _, . and -",
    "PLATFORM": f"the platform stack's Pulumi project name: 1-{MAX_PROJECT} letters, digits, _, . and -",
    "STACK": "a stack name in lower case (letters, digits, _, . and -), or a pattern such as acc-*",
    "PLATFORM_STACK": "the platform stack's name in lower case: letters, digits, _, . and -",
    "HOSTED_ZONE": "a Route 53 hosted zone ID such as Z0123456789ABC: 1-32 capitals and digits, no /hostedzone/",
    "DOMAIN": "a domain name in lower case such as app.example.com: letters, digits, . and -",
    "CLUSTER": "the cluster's name, the part after cluster/ in clusterArn (shared): 1-255 letters, digits, _ and -",
}


def derived(values: Mapping[str, str]) -> dict[str, str]:
    """``PROJECT_NAME`` and ``STACK_HASH`` from ``PROJECT`` and ``STACK``, as the program makes its names
    (``components.naming``): the documents scope exactly the names the program gives."""
    found = {"PROJECT_NAME": name_form(values["PROJECT"])} if "PROJECT" in values else {}
    if "PROJECT" in values and "STACK" in values:
        # A pattern of stacks gets one "?" a digit: "*" would let the project's next part match any run of
        # characters, `-` included (graviton-node-*-acc-* reaches eu-acc-2 and project graviton-node-api).
        pattern = "?" * STACK_HASH_DIGITS
        found["STACK_HASH"] = pattern if "*" in values["STACK"] else stack_hash(values["PROJECT"], values["STACK"])
    return found


def fill(
    document: Mapping[str, Any], values: Mapping[str, str], *, boundary_arn: str = "", upgrading: bool = False
) -> dict[str, Any]:
    """``document`` with every placeholder replaced by ``values`` (the boundary by ``boundary_arn`` when
    given; ``PLATFORM_STACK`` by the stack and ``CLUSTER`` by ``PLATFORM_STACK-*`` when not given;
    ``derived``'s from theirs); without a hosted zone, without the Route 53 statements; in a cluster of its
    own stack's name, without the joining ones; unless ``upgrading`` (``--from-0.4``), without
    ``UPGRADE_STATEMENTS``. A placeholder left without a value is an error, never a silent wildcard."""
    for name, value in values.items():
        if not _VALUES[name].fullmatch(value):
            raise ValueError(f"{OPTIONS[name]}: {value!r} is not {ALLOWED[name]}")
    values = {**values, **derived(values)}
    if "STACK" in values:
        values = {"PLATFORM_STACK": values["STACK"], **values}
    if "PLATFORM_STACK" in values:
        values = {"CLUSTER": f"{values['PLATFORM_STACK']}-*", **values}
    left_out = [*(() if "HOSTED_ZONE" in values else DNS_STATEMENTS)]
    left_out += () if values.get("CLUSTER") != f"{values.get('STACK')}-*" else JOINING_STATEMENTS
    left_out += () if upgrading else UPGRADE_STATEMENTS
    statements = [s for s in document["Statement"] if s.get("Sid") not in left_out]
    text = json.dumps({**document, "Statement": statements})
    if boundary_arn:
        text = text.replace(DEFAULT_BOUNDARY, boundary_arn)
    missing = sorted(set(_PLACEHOLDER.findall(text)) - values.keys())
    if missing:
        raise ValueError("no value for " + ", ".join(f"{name} ({OPTIONS[name]})" for name in missing))
    return json.loads(_PLACEHOLDER.sub(lambda m: values[m.group(1)], text))


def size(policy: Mapping[str, Any]) -> int:
    """The characters IAM counts in ``policy`` (``counted_size``)."""
    return counted_size(json.dumps(policy))


def over_limit(name: str, policy: Mapping[str, Any]) -> str:
    """Why IAM would refuse ``policy``, the document ``name`` filled in, attached as README step 2 says
    ("" when it fits)."""
    limit = LIMITS[name]
    if (found := size(policy)) <= limit:
        return ""
    attached = "a role's inline policies together" if limit == INLINE_ROLE_POLICIES else "a managed policy"
    return (f"--document {name}: {found:,} characters filled in (white space not counted), over the {limit:,} IAM "
            f'allows {attached} ("IAM and AWS STS quotas"): shorten the names')  # fmt: skip


def document(name: str) -> dict[str, Any]:
    """The document ``name`` (a key of ``DOCUMENTS``) as docs/ holds it."""
    return json.loads((DOCS / DOCUMENTS[name]).read_text())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print an IAM policy document of docs/ filled in for one stack.")
    parser.add_argument("stack", nargs="?", help="stack name (lower case), or a pattern such as acc-*")
    parser.add_argument("--document", choices=sorted(DOCUMENTS), default="deployer")
    parser.add_argument("--account", required=True)
    parser.add_argument("--region", help="the stack's region; its partition fills PARTITION in every document")
    parser.add_argument("--project", default="graviton-node")
    parser.add_argument("--platform-project", dest="platform_project")
    parser.add_argument("--platform-stack", dest="platform_stack")
    parser.add_argument("--hosted-zone", dest="hosted_zone")
    parser.add_argument("--domain")
    parser.add_argument("--cluster-name", dest="cluster_name", help="the name of the cluster clusterArn names")
    parser.add_argument("--boundary-arn", dest="boundary_arn", default="")
    parser.add_argument(
        "--from-0.4",
        dest="upgrading",
        action="store_true",
        help="until an up of a stack deployed by 0.4 succeeds: may read and delete its dashboard of 0.4's name",
    )
    args = parser.parse_args(argv)
    values = {"ACCOUNT": args.account, "PROJECT": args.project}
    for name, value in (("REGION", args.region), ("STACK", args.stack), ("HOSTED_ZONE", args.hosted_zone),
                        ("DOMAIN", args.domain), ("PLATFORM", args.platform_project),
                        ("PLATFORM_STACK", args.platform_stack), ("CLUSTER", args.cluster_name)):  # fmt: skip
        if value:
            values[name] = value
    if ("HOSTED_ZONE" in values) != ("DOMAIN" in values):
        parser.error("--hosted-zone and --domain go together")
    if args.document == "deployer-dns" and "HOSTED_ZONE" not in values:
        parser.error(
            "--document deployer-dns is for a stack with a domain in a hosted zone: give --hosted-zone and --domain"
        )
    if bool(args.platform_project) != bool(args.platform_stack):
        parser.error("--platform-project and --platform-stack go together: the project and stack this one joins")
    joins = args.platform_stack and args.stack
    if joins and (overlap := names_apart(args.stack, args.platform_stack, args.project, args.platform_project)):
        parser.error(overlap)
    if args.region:
        partition = partition_of(args.region)
        if partition is None:
            parser.error(f"--region: {args.region!r} is no region of an AWS partition (botocore endpoints.json)")
        values["PARTITION"] = partition
    try:
        policy_arn("--boundary-arn", args.boundary_arn)
        filled = fill(document(args.document), values, boundary_arn=args.boundary_arn, upgrading=args.upgrading)
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    if refused := over_limit(args.document, filled):
        parser.error(refused)
    print(json.dumps(filled, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
