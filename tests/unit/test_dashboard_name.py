"""The dashboard's name is one PutDashboard accepts, in every region, for every project and stack name
this program runs with, and names each (project, stack, region) apart: dashboards are global per
account, so the region must be in it."""

import functools
import re
import string

import pytest
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from components.naming import stack_hash
from components.observability.dashboard import CONSOLE_HOSTS, DASHBOARD_NAME_MAX, dashboard_name, dashboard_url
from components.validation import partition_of

#: Pulumi project names: 1-100 letters, digits, "-", "_" and "." (pulumi/pulumi,
#: sdk/go/common/workspace/project.go, ValidateProjectName).
PROJECTS = st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=100)
#: Stack names the program accepts (lower-cased, at most 16 letters, digits and hyphens: the ELB rule
#: in components/edge/alb_rules.py).
STACKS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)


@functools.cache
def regions() -> list[str]:
    return sorted(
        {region for partition in Loader().load_data("endpoints")["partitions"] for region in partition["regions"]}
    )


def test_the_length_is_the_one_put_dashboard_documents() -> None:
    model = Loader().load_service_model("cloudwatch", "service-2")
    documentation = model["shapes"]["PutDashboardInput"]["members"]["DashboardName"]["documentation"]
    assert f"The maximum length is {DASHBOARD_NAME_MAX}" in documentation
    assert 'valid characters are A-Z, a-z, 0-9, "-", and "_"' in documentation


def monitoring(stack: str) -> str:
    """The name the program gives its service's monitoring component."""
    return f"{stack}-app-monitoring"


@given(project=PROJECTS, stack=STACKS, region=st.sampled_from(regions()))
def test_every_name_is_one_put_dashboard_accepts(project: str, stack: str, region: str) -> None:
    name = dashboard_name(project, stack, monitoring(stack), region)
    assert re.fullmatch(rf"[A-Za-z0-9_-]{{1,{DASHBOARD_NAME_MAX}}}", name)


@given(stack=STACKS, regions=st.lists(st.sampled_from(regions()), min_size=2, max_size=2, unique=True))
def test_the_same_stack_in_two_regions_gets_two_dashboards(stack: str, regions: list[str]) -> None:
    first, second = (dashboard_name("graviton-node", stack, monitoring(stack), region) for region in regions)
    assert first != second


def test_the_name_holds_project_the_hash_of_project_and_stack_component_and_region() -> None:
    assert dashboard_name("graviton-node", "prod", "prod-app-monitoring", "eu-west-1") == (
        f"graviton-node-{stack_hash('graviton-node', 'prod')}-prod-app-monitoring-eu-west-1"
    )


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("eu-west-1", "eu-west-1.console.aws.amazon.com"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("cn-north-1", "console.amazonaws.cn"),
    ],
)
def test_the_dashboard_url_is_on_the_console_of_the_regions_partition(region: str, host: str) -> None:
    assert dashboard_url(region, "d") == f"https://{host}/cloudwatch/home?region={region}#dashboards:name=d"


@pytest.mark.parametrize("region", ["us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
                                    "eusc-de-east-1"])  # fmt: skip
def test_a_partition_with_no_published_console_has_no_dashboard_url(region: str) -> None:
    assert partition_of(region) not in CONSOLE_HOSTS
    assert dashboard_url(region, "d") == ""
