"""Every cost figure the README and docs quote is the plan's, for the config they name, beside the same
words for what it includes and leaves out; and the load balancer's addresses are its subnets'."""

import re
from pathlib import Path
from typing import Any

import pytest

from components.cost import INCLUDED, NOT_INCLUDED
from components.network.region_zones import REGION_AZS
from tests.program.stacks import recorded_run, run_config
from tools.offline import ROOT, Run, run_program

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: A month's figure: "$46.05 a month", "**$46.05 a month**".
MONTHLY = re.compile(r"\$(\d[\d,]*(?:\.\d+)?)\**\s+a month")
#: Where a paragraph quoting a figure points to the wording instead of repeating it.
POINTER = "includes and leaves out: *Costs*"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
EXISTING = {"vpc": "existing", "vpcId": "vpc-1", "publicSubnetIds": '["subnet-1", "subnet-2", "subnet-3"]'}


def paragraphs(path: Path) -> list[str]:
    """Each paragraph and each list item of a page, its lines joined by single spaces."""
    blocks = re.split(r"\n\s*\n|\n(?=- )", path.read_text())
    return [" ".join(block.split()) for block in blocks if block.strip()]


def cost(stack: str = "dev", **overrides: str) -> dict[str, Any]:
    return recorded_run(stack, overrides).outputs["cost_estimate"]


def lines_of(estimate: dict[str, Any]) -> dict[str, float]:
    return {line["item"]: line["monthly_usd"] for line in estimate["lines"]}


def quoted() -> list[str]:
    """What the README says the plan prints, each figure taken from the plan."""
    dev, run = cost(), cost(desiredCount="2")
    dev_lines = lines_of(dev)
    deployment = recorded_run("prod").outputs["deployment"]
    prod = cost("prod")
    (insights,) = [line for line in prod["lines"] if line["item"] == "Container Insights metrics"]
    (per_task,) = [m[1] for w in prod["warnings"] if (m := re.search(r"each task started .* adds (\d+) metrics", w))]
    return [
        f"The dev stack comes to **${dev['total_monthly_usd']:.2f} a month**",
        f"${dev['monthly_usd']:.2f} of Spot compute, ${dev_lines['load balancer']:.2f} for the load balancer and "
        f"${dev_lines['load balancer capacity units']:.2f} for one LCU (assumed), "
        f"${dev_lines['public IPv4 addresses']:.2f} for seven public IPv4 addresses",
        f"x86 on-demand ${dev['x86_on_demand_monthly_usd']:.2f}, Graviton on-demand "
        f"${dev['arm_on_demand_monthly_usd']:.2f} ({dev['graviton_saving_percent']:.1f} % less), Graviton on Spot "
        f"${dev['monthly_usd']:.2f} ({dev['spot_saving_percent']:.1f} % less again)",
        f"prices the run's stack at ${run['total_monthly_usd']:.2f} a month",
        f"${run['total_monthly_usd'] / run['hours_per_month']:.3f} an hour",
        f"for {deployment['overlap_minutes']} minutes, ${deployment['extra_usd_per_deployment']:.2f} a deployment",
        f"{insights['quantity']:g} metrics for prod's 6 tasks of one container, "
        f"${insights['monthly_usd']:.2f} in its plan",
        f"adds its own {per_task} metrics for prod, and a deployment starts all "
        f"{prod['tasks_on_demand'] + prod['tasks_spot']:g}",
    ]


def test_every_figure_the_readme_quotes_is_the_plans() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert [quote for quote in quoted() if quote not in readme] == []


def test_every_monthly_figure_in_the_readme_and_docs_is_one_the_plan_prints_for_a_config_named_there() -> None:
    found = [(path.name, match) for path in DOCS for match in MONTHLY.findall(path.read_text())]
    dev, run = cost()["total_monthly_usd"], cost(desiredCount="2")["total_monthly_usd"]
    assert found == [("README.md", f"{figure:.2f}") for figure in (dev, dev, run)]


def test_every_paragraph_quoting_a_months_figure_says_what_it_includes_and_leaves_out_in_the_same_words() -> None:
    wording = f"Included: {INCLUDED}. Not included: {NOT_INCLUDED}."
    quoting = [text for path in DOCS for text in paragraphs(path) if MONTHLY.search(text)]
    assert len(quoting) == 3
    assert [text for text in quoting if wording not in text and POINTER not in text] == []
    assert sum(wording in text for text in quoting) == 2  # the first deploy's and *Costs*


@pytest.mark.parametrize(
    "phrase", [r"\ball[ -]in\b", r"\bon top\b", r"about \$[\d.,]+\**\s+a month", r"cheaper on Graviton", r"≈ \$"]
)
def test_no_figure_is_softened_or_credits_graviton_with_spots_discount(phrase: str) -> None:
    assert [path.name for path in DOCS if re.search(phrase, " ".join(path.read_text().split()))] == []


def addresses(run: Run) -> tuple[int, str]:
    (line,) = [line for line in run.outputs["cost_estimate"]["lines"] if line["item"] == "public IPv4 addresses"]
    return line["quantity"], line["note"]


@pytest.mark.parametrize("name", ["prod", "maximal", "existing"])
def test_the_load_balancers_addresses_are_as_many_as_the_subnets_it_is_given(name: str) -> None:
    run = recorded_run("dev", EXISTING) if name == "existing" else run_config(name)
    subnets = len(run.mocks.one(LOAD_BALANCER).inputs["subnets"])
    _, note = addresses(run)
    assert note.split("; ")[0] == f"{subnets} load balancer AZs"  # counted, not assumed


def test_the_default_vpcs_load_balancer_is_assumed_in_every_az_of_the_stacks_region() -> None:
    """The mock account's default VPC has three default subnets; the estimate cannot see an account's
    before a deploy, so it takes us-east-1's AZs (``region_zones``), and says so."""
    _, note = addresses(run_config("dev"))
    assert note.split("; ")[0] == f"{REGION_AZS['us-east-1']} load balancer AZs, assumed"


def test_the_default_vpcs_count_once_given_replaces_the_assumption() -> None:
    run = run_program("dev", {"costDefaultVpcAzs": "6"})
    assert addresses(run) == (7, "6 load balancer AZs; 1 task")
    assert not any("default VPC" in assumption for assumption in run.outputs["cost_estimate"]["assumptions"])
