"""A value two invokes answer (the region: getRegion's, and getAvailabilityZones' ID in the regions where a new
VPC looks its AZs up) keeps the name an older plan gave it: a diff shows no change where none is
(``tools/urns.References``)."""

from pathlib import Path

import pytest

from tools.plan import main

AZS = "call:aws:index/getAvailabilityZones:getAvailabilityZones#id"
REGION = "call:aws:index/getRegion:getRegion#id"
RESTRICTED = ["--set", "aws:region=ap-northeast-1", "--set", "availabilityZones=2"]


def test_a_new_invoke_answering_the_region_does_not_rename_it_in_a_diff(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--stack", "prod", "--json", *RESTRICTED]) == 0
    plan = capsys.readouterr().out
    assert AZS in plan, "the region's value is named by the first invoke in order of names"
    # A plan saved before the program looked the AZs up named the region by getRegion.
    older = tmp_path / "older.json"
    older.write_text(plan.replace(AZS, REGION))
    assert main(["--stack", "prod", *RESTRICTED, "--diff", str(older)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert not [line for line in lines if "new revision" in line or line.startswith(("~ ", "-/+ ", "!! "))]
