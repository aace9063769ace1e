"""A 0.4.0 stack's first ``pulumi up`` of this version, as CHANGELOG's "Upgrading a deployed stack" orders it,
against IAM as it decides (``tests/models/iam.py``).

0.4.0's IAM side is ``tests/fixtures/iam-0.4.0.json``, read from the release commit (``git show
1e9a338:docs/iam-boundary.json``; ``git ls-tree 1e9a338 docs/``; 1e9a338's README "2. AWS permissions":
``create-policy`` for the boundary and ``deployer-ecs``, ``put-role-policy`` for ``deployer``): CI's clone
need not hold that history."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from components.mock_records import Registered
from tests.models import iam
from tests.models.iam import Request
from tests.program.deploy_requests import Program
from tests.program.provider_calls import READ_AND_DELETE, RESOURCES
from tests.program.stacks import run_config
from tests.program.test_deployer_policy import DEPLOYER_ROLE, POLICY
from tests.program.test_urns_unchanged import RENAMED_IN_0_5
from tools.deployer_policy import DEPLOYER, DOCUMENTS, document, fill
from tools.offline import ACCOUNT, REGION

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ROOT / "tests" / "program" / "fixtures" / "urns"
URNS = sorted(BASELINES.glob("*.json"))
RELEASED = json.loads((ROOT / "tests" / "fixtures" / "iam-0.4.0.json").read_text())


def upgrade_list() -> str:
    """The 0.5.0 section's "Upgrading a deployed stack" list, up to the migration notes."""
    unreleased = (ROOT / "CHANGELOG.md").read_text().split("\n## ")[1]
    return unreleased.split("Upgrading a deployed stack:\n")[1].split("\nMigration (")[0]


def steps() -> list[str]:
    """The numbered steps of "Before the first `up` of this version", each on one line."""
    block = upgrade_list().split("Before the first `up` of this version")[1].split("\nWhat the first `up` does")[0]
    return [" ".join(step.split()) for step in re.split(r"\n(?=\d+\. )", block.strip())[1:]]


def steps_before_the_first_up() -> list[str]:
    """``steps`` but the last, which follows the up."""
    return steps()[:-1]


def documents_named(text: str) -> set[str]:
    return {name for name in re.findall(r"`([a-z-]+)`", text) if name in DOCUMENTS}


def old_resource(row: dict[str, Any]) -> Registered:
    """The resource a 0.4.0 stack holds under its old AWS name (the baseline's family or dashboard)."""
    key = RENAMED_IN_0_5[row["type"]]
    return Registered(type=row["type"], name=row["urn"].rsplit("::", 1)[1], inputs={key: row["physical"][key]})


def stack_and_project(urn: str) -> dict[str, str]:
    stack, project = urn.removeprefix("urn:pulumi:").split("::")[:2]
    return {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": project, "STACK": stack}


def renamed_rows(path: Path) -> list[dict[str, Any]]:
    return [row for row in json.loads(path.read_text())["resources"] if row["type"] in RENAMED_IN_0_5]


def test_every_type_0_5_renames_has_its_read_and_delete_calls_among_its_providers_calls() -> None:
    assert set(READ_AND_DELETE) == set(RENAMED_IN_0_5)
    for token, operations in READ_AND_DELETE.items():
        assert set(operations) <= set(RESOURCES[token].operations)


@pytest.mark.parametrize("baseline", URNS, ids=lambda p: p.stem)
def test_the_from_0_4_documents_let_a_refresh_read_and_the_up_delete_every_resource_of_an_old_name(
    baseline: Path,
) -> None:
    """A refresh reads every resource of the state, one pending delete after a failed first up included, and
    the up that renames deletes the old one: each on the old name's ARN, as its deployer asks."""
    rows = renamed_rows(baseline)
    assert rows
    for row in rows:
        policy = fill(POLICY, stack_and_project(row["urn"]), upgrading=True)
        old = old_resource(row)
        asked = [r for action in READ_AND_DELETE[row["type"]] for r in Program(()).action_requests(old, action)]
        refused = [f"{r.action} on {r.resource}" for r in asked
                   if iam.verdict([policy], Request(r.action, r.resource, {"aws:PrincipalArn": DEPLOYER_ROLE}))
                   != "Allow"]  # fmt: skip
        assert refused == [], row["urn"]


def test_without_from_0_4_the_old_dashboard_is_not_read_so_the_list_keeps_them_until_the_state_drops_it() -> None:
    """prod's 0.4 dashboard after a failed first up: the documents printed again without ``--from-0.4``
    refuse its read, so the list re-applies them only once the state no longer holds it."""
    (row,) = [r for r in renamed_rows(BASELINES / "prod.json") if "dashboardName" in r["physical"]]
    upgraded = fill(POLICY, stack_and_project(row["urn"]))
    old = Program(()).arn(old_resource(row))
    assert [iam.verdict([upgraded], Request(a, old)) for a in READ_AND_DELETE[row["type"]]] == ["ImplicitDeny"] * 2
    last = steps()[-1]
    assert "succeeded" in last and "without `--from-0.4`" in last and "dashboardName" in last


def deploy_roles_requests() -> tuple[list[Request], dict[str, Any]]:
    """What prod's canary deployment role asks of ELB, on prod's own rule and target groups, and the role."""
    deploy = Program((run_config("prod"),))
    (role,) = [r for r in deploy.resources if r.type == "aws:iam/role:Role" and r.name.endswith("-deploy-role")]
    (rule,) = [r for r in deploy.resources if r.type == "aws:lb/listenerRule:ListenerRule"]
    groups = [deploy.arn(r) for r in deploy.resources if r.type == "aws:lb/targetGroup:TargetGroup"]
    tagged = {f"aws:ResourceTag/{k}": v for k, v in rule.inputs["tags"].items()}
    requests = [Request("elasticloadbalancing:ModifyRule", deploy.arn(rule), tagged)]
    requests += [
        Request(f"elasticloadbalancing:{a}", g) for a in ("RegisterTargets", "DeregisterTargets") for g in groups
    ]
    return requests, role.inputs


def test_the_new_deploy_role_carries_the_boundary_which_0_4_0_made_without_its_elb_actions() -> None:
    requests, role = deploy_roles_requests()
    assert role["permissionsBoundary"]
    values = {"ACCOUNT": ACCOUNT, "REGION": REGION, "PARTITION": "aws", "PROJECT": "graviton-node", "STACK": "prod"}
    released, current = fill(RELEASED["boundary"], values), fill(document("boundary"), values)
    assert [iam.verdict([released], r) for r in requests] == ["ImplicitDeny"] * len(requests)
    assert [iam.verdict([current], r) for r in requests] == ["Allow"] * len(requests)


def test_the_list_puts_the_boundary_on_as_a_new_version_first() -> None:
    first = steps_before_the_first_up()[0]
    assert "--document boundary" in first and "create-policy-version" in first


def test_every_document_the_list_puts_on_as_a_new_version_is_a_managed_policy_0_4_0_made() -> None:
    """IAM refuses ``create-policy-version`` on a policy that does not exist (NoSuchEntity)."""
    versioned = [documents_named(step) for step in steps_before_the_first_up() if "new policy version" in step
                 or "new version" in step]  # fmt: skip
    assert versioned and all(named and named <= set(RELEASED["managed"]) for named in versioned)


def test_every_deployer_document_0_4_0_lacked_is_created_and_attached_before_the_first_up() -> None:
    created = set().union(*(documents_named(s) for s in steps_before_the_first_up() if "create and attach" in s))
    new = {*DEPLOYER, "deployer-platform"} - set(RELEASED["documents"])
    assert new == {"deployer-resources", "deployer-network", "deployer-dns", "deployer-platform"}
    assert new <= created
