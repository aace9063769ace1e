"""A 0.4.0 stack's first ``pulumi up`` of this version, as CHANGELOG's "Upgrading a deployed stack" orders it,
against IAM as it decides (``tests/models/iam.py``).

0.4.0's IAM side is ``tests/fixtures/iam-0.4.0.json``, read from the release commit (``git show
1e9a338:docs/iam-boundary.json``; ``git ls-tree 1e9a338 docs/``; 1e9a338's README "2. AWS permissions":
``create-policy`` for the boundary and ``deployer-ecs``, ``put-role-policy`` for ``deployer``): CI's clone
need not hold that history."""

import json
from pathlib import Path
from typing import Any

import pytest

from components.mock_records import Registered
from tests.models import iam
from tests.models.iam import Request
from tests.program.deploy_requests import Program
from tests.program.provider_calls import READ_AND_DELETE, RESOURCES
from tests.program.test_deployer_policy import DEPLOYER_ROLE, POLICY
from tests.program.test_urns_unchanged import RENAMED_IN_0_5
from tools.deployer_policy import fill
from tools.offline import ACCOUNT, REGION

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ROOT / "tests" / "program" / "fixtures" / "urns"
URNS = sorted(BASELINES.glob("*.json"))


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


def test_without_from_0_4_the_old_dashboard_is_neither_read_nor_deleted() -> None:
    """prod's 0.4 dashboard after a failed first up: the documents printed again without ``--from-0.4``
    refuse its read: a refresh while the state holds it needs the ``--from-0.4`` documents."""
    (row,) = [r for r in renamed_rows(BASELINES / "prod.json") if "dashboardName" in r["physical"]]
    upgraded = fill(POLICY, stack_and_project(row["urn"]))
    old = Program(()).arn(old_resource(row))
    assert [iam.verdict([upgraded], Request(a, old)) for a in READ_AND_DELETE[row["type"]]] == ["ImplicitDeny"] * 2
