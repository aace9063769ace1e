"""Run parliament (Duo Labs' IAM policy linter, with its community auditors) on every IAM policy the
project ships or registers; exit 1 on any finding that ``tools/parliament.yaml`` does not suppress.

Shipped: ``docs/iam-*.json``, each filled in by ``tools/deployer_policy.py`` for an example stack with a
domain (parliament checks ARNs against the Service Authorization Reference, and a placeholder is no
ARN). Registered: every policy document the programs of ``tests/program/stacks.py`` register (role
trust and permission policies, key, bucket, topic and log resource policies), built by
``components/iam_policies.py`` and ``components/secrets_key.py``.

    .venv/bin/python tools/iam_lint.py

parliament 1.6.4 still imports ``pkg_resources`` for the paths of its data files, which setuptools no
longer ships: a stand-in answering ``resource_filename`` from ``importlib.resources`` is installed
first. Its type check raises on the condition-key type ``ArrayOfARN`` its own action table uses
(``events:TargetArn``): that type is read as ``Arn``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import types
from collections import Counter
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CONFIG = ROOT / "tools" / "parliament.yaml"
#: Inputs that hold a policy document, by resource type, and whether it is a resource policy.
POLICY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:iam/role:Role": ("assumeRolePolicy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:kms/key:Key": ("policy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument",),
}
#: Every statement in: a stack with a domain, joining another stack's platform.
EXAMPLE = {"ACCOUNT": "123456789012", "REGION": "us-east-1", "PARTITION": "aws", "PROJECT": "graviton-node",
           "STACK": "prod", "HOSTED_ZONE": "Z0123456789EXAMPLE", "DOMAIN": "app.example.com",
           "PLATFORM": "graviton-node", "PLATFORM_STACK": "dev"}  # fmt: skip


@functools.cache
def _parliament() -> types.ModuleType:
    """parliament, patched and configured once per process (each configuration parses its YAML file)."""
    if "pkg_resources" not in sys.modules:
        try:
            import pkg_resources  # noqa: F401  # pyright: ignore[reportMissingImports]
        except ModuleNotFoundError:
            shim = types.ModuleType("pkg_resources")
            shim.resource_filename = lambda package, name: str(files(package).joinpath(name))  # type: ignore[attr-defined]
            sys.modules["pkg_resources"] = shim
    import parliament
    import parliament.policy
    import parliament.statement

    # Its own iam_definition.json types events:TargetArn "ArrayOfARN", which its type check does not know
    # and raises on: such a key holds ARNs, as "Arn" does (its "ArrayOfString" is taken as "String").
    translate = parliament.statement.translate_documentation_types

    def translate_arrays_of_arns(name: str) -> str:
        return translate("Arn" if name == "ArrayOfARN" else name)

    parliament.statement.translate_documentation_types = translate_arrays_of_arns
    # Its action lookup walks the whole IAM definition on every call: about 80,000 calls for this project's
    # policies, most of the lint's time. The answer for a service and an action is always the same entry.
    parliament.statement.get_privilege_info = functools.cache(parliament.statement.get_privilege_info)
    # Four of its community auditors each ask a policy for its allowed actions, which walks every statement for
    # every action the policy names: the same answer four times. Each asks once now; each gets its own copy.
    allowed = parliament.policy.Policy.get_allowed_actions

    def allowed_once(policy: Any, raise_exceptions: bool = True) -> list[str]:
        answers = policy.__dict__.setdefault("allowed_actions_once", {})
        if raise_exceptions not in answers:
            answers[raise_exceptions] = allowed(policy, raise_exceptions)
        return list(answers[raise_exceptions])

    parliament.policy.Policy.get_allowed_actions = allowed_once  # type: ignore[method-assign]
    parliament.override_config(str(files("parliament").joinpath("community_auditors", "config_override.yaml")))
    parliament.override_config(str(CONFIG))
    return parliament


def shipped() -> Iterator[tuple[str, str]]:
    """``(where, document)`` for each document in docs/, filled in for the example stack."""
    from tools.deployer_policy import DOCUMENTS, document, fill

    for name, filename in sorted(DOCUMENTS.items()):
        yield f"docs/{filename}", json.dumps(fill(document(name), EXAMPLE))


def registered() -> Iterator[tuple[str, str]]:
    """``(where, document)`` for each policy the programs register (``<program> <type> <name>``)."""
    from tests.program.stacks import PROGRAMS, run_config

    seen: set[str] = set()
    for program in PROGRAMS:
        for r in run_config(program).mocks.resources:
            for key in POLICY_INPUTS.get(r.type, ()):
                if isinstance(r.inputs.get(key), str) and r.inputs[key] not in seen:
                    seen.add(r.inputs[key])
                    yield f"{program} {r.type.rsplit(':', 1)[1]} {r.name} {key}", r.inputs[key]


def suppressed(finding: Any) -> bool:
    """Whether an ``ignore_locations`` entry of the finding's type matches it: each key of the entry a
    regular expression matching (whole, case-insensitively) that key of the finding's location, as
    parliament's README describes. parliament 1.6.4's own filter (``cli.is_finding_filtered``) never
    matches a value read from YAML: ``misc.make_list`` answers ``[]`` for anything but its JSON parser's
    nodes. So the entries are applied here."""
    return any(
        all(
            any(re.fullmatch(str(p).lower(), str(finding.location.get(key, "")).lower()) for p in _listed(patterns))
            for key, patterns in entry.items()
        )
        for entry in finding.ignore_locations or []
    )


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def analyzed(policies: Iterator[tuple[str, str]]) -> Iterator[tuple[str, Any]]:
    """``(where, finding)`` for each finding parliament reports on ``policies``, suppressed or not."""
    for where, text in policies:
        for finding in _analysis(where, text):
            yield where, finding


@functools.cache
def _analysis(where: str, text: str) -> tuple[Any, ...]:
    """parliament's findings on one policy, analysed once per process: ``findings`` and ``suppressed_counts``
    read the same documents, and the analysis is nearly all of their time. The findings are only read."""
    parliament = _parliament()
    policy: Any = parliament.analyze_policy_string(
        text, filepath=where, include_community_auditors=True, config=parliament.config
    )
    return tuple(map(parliament.enhance_finding, policy.findings))


def findings(policies: Iterator[tuple[str, str]]) -> list[str]:
    """Each finding parliament reports on ``policies`` and ``tools/parliament.yaml`` does not suppress."""
    return [
        f"{where}: {finding.severity} {finding.issue} {finding.detail} {finding.location}"
        for where, finding in analyzed(policies)
        if not suppressed(finding)
    ]


def suppressed_counts(policies: Iterator[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """How many findings of each type ``tools/parliament.yaml`` suppresses in each policy: pinned by a test,
    so that a new finding where a whole file's findings of a type are suppressed cannot pass unseen."""
    return Counter((where, finding.issue) for where, finding in analyzed(policies) if suppressed(finding))


def main() -> int:
    shown = findings(iter([*shipped(), *registered()]))
    print("\n".join(shown) or "parliament: no findings")
    return 1 if shown else 0


if __name__ == "__main__":
    sys.exit(main())
