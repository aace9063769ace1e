"""The plan of a stack deployed before 0.5.0, whose load balancer's rules were named by their place in
``allowedCidrs``: an upgrade with the list unchanged only renames them, one that reorders or shortens it is
flagged as EC2 refuses it, with the way out (``tools/ingress_rules.py``; the rule itself is held to the EC2
and engine models in ``tests/unit/test_ingress_rules.py``)."""

import json
from pathlib import Path

import pytest

from tools.ingress_rules import INGRESS_RULE
from tools.plan import main

A, B = "203.0.113.0/24", "198.51.100.0/24"


def place_named(document: dict) -> dict:
    """``document`` as 0.4.0 saved it: each rule under the name its alias keeps (its place in the list)."""
    for resource in document["resources"]:
        if resource["type"] == INGRESS_RULE and resource["aliases"]:
            (resource["urn"],), resource["aliases"] = resource["aliases"], []
            resource["name"] = resource["urn"].rpartition("::")[2]
    return document


def diff(capsys: pytest.CaptureFixture[str], tmp_path: Path, before: list[str], after: list[str]) -> list[str]:
    saved = tmp_path / "before.json"
    assert main(["--json", "--set", f"allowedCidrs={json.dumps(before)}"]) == 0
    saved.write_text(json.dumps(place_named(json.loads(capsys.readouterr().out))))
    assert main(["--set", f"allowedCidrs={json.dumps(after)}", "--diff", str(saved)]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if "web-ingress" in line]


def test_an_upgrade_with_the_list_unchanged_shows_each_rule_renamed_and_nothing_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert diff(capsys, tmp_path, [A, B], [A, B]) == [
        f"~ {INGRESS_RULE}  dev-web-ingress-80-198-51-100-0-24  (renamed from dev-web-ingress-1)",
        f"~ {INGRESS_RULE}  dev-web-ingress-80-203-0-113-0-24  (renamed from dev-web-ingress-0)",
    ]


def test_an_upgrade_that_drops_the_first_cidr_is_flagged_with_the_rule_that_holds_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = diff(capsys, tmp_path, [A, B], [B])
    (line,) = [line for line in lines if line.startswith("!! ")]
    assert f"::dev-web-ingress-80-198-51-100-0-24  (tcp 80 from {A} -> tcp 80 from {B}): EC2 refuses" in line
    assert "dev-web-ingress-1 holds it until it is deleted" in line and "allowedCidrs unchanged first" in line
    assert f"~ {INGRESS_RULE}  dev-web-ingress-80-198-51-100-0-24  (renamed from dev-web-ingress-0)" in lines
    assert f"- {INGRESS_RULE}  dev-web-ingress-1" in lines
    assert not [line for line in lines if line.startswith(("-/+", "+"))]
