from typing import Any

import pytest

from components.errors import ConfigError
from components.mock_records import Registered
from components.network.network import Network, NetworkSpec
from components.network.network_spec import NAT_STRATEGIES
from tests.models.aws_api import Quote
from tests.models.aws_contract import ECS_SUBNETS
from tests.models.awsx_subnets import LOAD_BALANCER_SUBNET_PREFIXES, SUBNET_PREFIXES, default_subnets
from tests.models.awsx_vpc import EIP, VPC_COMPONENT, children
from tests.program.network_requests import CREATED_BY


def network_outputs(mocked, args: NetworkSpec) -> tuple[Any, dict[str, Any]]:
    seen: dict[str, Any] = {}

    def build() -> None:
        net = Network("net", args)
        seen["public_ip"] = net.assign_public_ip
        net.vpc_id.apply(lambda v: seen.__setitem__("NetworkSpec.mode", v))
        net.public_subnet_ids.apply(lambda v: seen.__setitem__("public", list(v)))
        net.task_subnet_ids.apply(lambda v: seen.__setitem__("tasks", list(v)))

    return mocked(build), seen


def test_the_default_vpc_puts_tasks_in_its_default_subnets_with_a_public_ip(mocked) -> None:
    mocks, seen = network_outputs(mocked, NetworkSpec())
    assert seen == {
        "NetworkSpec.mode": "vpc-0default",
        "public": ["subnet-0def1", "subnet-0def2", "subnet-0def3"],
        "tasks": ["subnet-0def1", "subnet-0def2", "subnet-0def3"],
        "public_ip": True,
    }
    subnet_calls = [args for token, args in mocks.calls if token == "aws:ec2/getSubnets:getSubnets"]
    assert subnet_calls[0]["filters"] == [
        {"name": "vpc-id", "values": ["vpc-0default"]},
        {"name": "default-for-az", "values": ["true"]},
    ]
    assert [r.type for r in mocks.resources] == ["graviton-node:network:Network"]


@pytest.mark.parametrize(
    ("nat", "strategy", "tasks", "public_ip"),
    [
        ("Single", "Single", ["subnet-0prv1", "subnet-0prv2", "subnet-0prv3"], False),
        ("OnePerAz", "OnePerAz", ["subnet-0prv1", "subnet-0prv2", "subnet-0prv3"], False),
        ("None", "None", ["subnet-0pub1", "subnet-0pub2", "subnet-0pub3"], True),
    ],
)
def test_a_new_vpc_follows_the_nat_strategy(mocked, nat: str, strategy: str, tasks: list[str], public_ip: bool) -> None:
    mocks, seen = network_outputs(
        mocked, NetworkSpec(mode="new", nat_strategy=nat, vpc_cidr="10.8.0.0/16", availability_zones=3)
    )
    vpc = mocks.one("awsx:ec2:Vpc").inputs
    assert vpc["natGateways"] == {"strategy": strategy}
    assert (vpc["cidrBlock"], vpc["numberOfAvailabilityZones"]) == ("10.8.0.0/16", 3)
    assert (seen["tasks"], seen["public_ip"]) == (tasks, public_ip)


def test_a_new_vpc_and_every_child_awsx_tags_carry_the_stacks_tag_which_the_deployer_scopes_by(mocked) -> None:
    """docs/iam-deployer-network.json reaches only resources tagged with the stack (docs/iam.md, "The
    network"); awsx hands the VPC's ``tags`` to each child that takes tags (``tests/models/awsx_vpc.py``)."""
    mocks, _ = network_outputs(mocked, NetworkSpec(mode="new", nat_strategy="OnePerAz", availability_zones=2))
    vpc = mocks.one(VPC_COMPONENT)
    assert vpc.inputs["tags"] == {"graviton-node:stack": "graviton-node/dev"}
    made = children(vpc)
    taggable = [c for c in made if c.type in CREATED_BY]
    assert len(taggable) == 2 + 2 * 2 * 2 + 2 * 2  # VPC, gateway; per AZ 2 subnets, 2 tables; 2 EIPs, 2 NATs
    assert all(c.inputs["tags"]["graviton-node:stack"] == "graviton-node/dev" for c in taggable)


def test_existing_subnets_are_used_as_given(mocked) -> None:
    args = NetworkSpec(
        mode="existing", vpc_id="vpc-9", public_subnet_ids=("subnet-a", "subnet-b"), task_subnet_ids=("subnet-p",)
    )
    mocks, seen = network_outputs(mocked, args)
    assert seen == {
        "NetworkSpec.mode": "vpc-9",
        "public": ["subnet-a", "subnet-b"],
        "tasks": ["subnet-p"],
        "public_ip": False,
    }
    assert mocks.calls == []


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"mode": "shared"}, "NetworkSpec.mode"),
        ({"mode": "new", "vpc_cidr": "10.0.0.0/28"}, "NetworkSpec.vpc_cidr"),
        ({"mode": "new", "vpc_cidr": "2001:db8::/56"}, "NetworkSpec.vpc_cidr"),
        ({"mode": "new", "availability_zones": 1}, "NetworkSpec.availability_zones"),
        ({"mode": "new", "nat_strategy": "Gateway"}, "NetworkSpec.nat_strategy"),
        ({"mode": "existing"}, "NetworkSpec.vpc_id"),
        ({"mode": "existing", "vpc_id": "vpc-1", "public_subnet_ids": ("subnet-a",)}, "NetworkSpec.public_subnet_ids"),
        (
            {"mode": "existing", "vpc_id": "vpc-1", "public_subnet_ids": ("subnet-a", "sn-b")},
            "NetworkSpec.public_subnet_ids",
        ),
        (
            {
                "mode": "existing",
                "vpc_id": "vpc-1",
                "public_subnet_ids": ("subnet-a", "subnet-b"),
                "task_subnet_ids": ("x",),
            },
            "NetworkSpec.task_subnet_ids",
        ),
    ],
)
def test_bad_network_settings_are_rejected_naming_the_key(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        NetworkSpec(**kwargs)
    assert error.value.key == key


@pytest.mark.parametrize("azs", range(2, 7))
@pytest.mark.parametrize("prefix", range(16, 25))
def test_a_new_vpc_is_accepted_exactly_when_ec2_creates_every_subnet_awsx_lays_out(prefix: int, azs: int) -> None:
    """awsx's own default layout (tests/models/awsx_subnets.py, checked against awsx's test of 3 AZs)
    against EC2's subnet sizes: /24 with 5 or 6 AZs would give /29 public subnets. Public subnets below
    the /27 ELB recommends for the load balancer are accepted (a /28 deploys) and said."""
    cidr = f"10.0.0.0/{prefix}"
    layout = default_subnets(cidr, azs)
    creatable = all(subnet.prefixlen in SUBNET_PREFIXES for subnets in layout.values() for subnet in subnets)
    recommended = all(subnet.prefixlen in LOAD_BALANCER_SUBNET_PREFIXES for subnet in layout["public"])
    try:
        spec = NetworkSpec(mode="new", vpc_cidr=cidr, availability_zones=azs)
    except ConfigError as error:
        assert not creatable
        assert (error.key, error.value) == ("NetworkSpec.vpc_cidr", cidr)
        assert f"with {azs} AZs" in error.allowed
    else:
        assert creatable
        assert bool(spec.small_load_balancer_subnets) == (not recommended)


def test_the_layout_model_gives_awsx_s_own_subnets_for_three_azs() -> None:
    """pulumi-awsx awsx/ec2/subnetDistributorLegacy.test.ts, "should return the default subnets with no
    parameters and 3 AZs"."""
    layout = default_subnets("10.0.0.0/16", 3)
    assert [str(s) for s in layout["private"]] == ["10.0.0.0/19", "10.0.64.0/19", "10.0.128.0/19"]
    assert [str(s) for s in layout["public"]] == ["10.0.32.0/20", "10.0.96.0/20", "10.0.160.0/20"]


def _elastic_ips(azs: int, nat: str) -> int:
    """The Elastic IPs awsx allocates in a VPC of ``azs`` AZs (``tests/models/awsx_vpc.py``)."""
    inputs = {"numberOfAvailabilityZones": azs, "natGateways": {"strategy": nat}}
    component = Registered(VPC_COMPONENT, "vpc", inputs, urn=f"urn:pulumi:dev::p::{VPC_COMPONENT}::vpc")
    return sum(1 for r in children(component) if r.type == EIP)


@pytest.mark.parametrize("quota", [0, 1, 4, 5, 6])
@pytest.mark.parametrize("nat", NAT_STRATEGIES)
@pytest.mark.parametrize("azs", range(2, 7))
def test_a_new_vpc_is_refused_exactly_when_its_nat_gateways_take_more_elastic_ips_than_the_quota(
    azs: int, nat: str, quota: int
) -> None:
    taken = _elastic_ips(azs, nat)
    try:
        spec = NetworkSpec(mode="new", availability_zones=azs, nat_strategy=nat, elastic_ip_quota=quota)
    except ConfigError as error:
        assert taken > quota
        assert (error.key, error.value) == ("NetworkSpec.nat_strategy", nat)
        assert f"{taken} NAT gateways" in error.allowed and "NetworkSpec.elastic_ip_quota" in error.allowed
        assert "NetworkSpec.availability_zones" in error.allowed
    else:
        assert taken <= quota
        assert spec.nat_gateways == taken


def _existing(public: int | tuple[str, ...], tasks: int | tuple[str, ...] = ()) -> dict[str, Any]:
    """An existing VPC's keywords, with ``public`` and ``tasks`` subnets (counts of distinct IDs, or IDs)."""
    ids = {name: tuple(f"subnet-{name}{i}" for i in range(n)) if isinstance(n, int) else n
           for name, n in (("p", public), ("t", tasks))}  # fmt: skip
    return {"mode": "existing", "vpc_id": "vpc-1", "public_subnet_ids": ids["p"], "task_subnet_ids": ids["t"]}


@pytest.mark.parametrize(
    ("public", "tasks"),
    [
        (("subnet-a", "subnet-a"), ()),
        (("subnet-a", "subnet-b", "subnet-a"), ()),
        (("subnet-a", "subnet-b"), ("subnet-t", "subnet-t")),
        (tuple(f"subnet-{i}" for i in range(16)) * 2, ()),
        (("subnet-a", "subnet-b"), (*(f"subnet-{i}" for i in range(17)), "subnet-0")),
    ],
    ids=["one-public-subnet-twice", "a-public-subnet-repeated", "a-task-subnet-twice", "16-public-twice", "17-task"],
)
def test_repeated_subnet_ids_count_once_as_the_provider_sends_them(
    public: tuple[str, ...], tasks: tuple[str, ...]
) -> None:
    """aws_lb.subnets and the service's network_configuration.subnets are sets (terraform-provider-aws
    elbv2/load_balancer.go, ecs/service.go), so a repeat collapses: the spec is refused exactly when the
    collapsed sets break ELB's two subnets or ECS's 16 (a stack that repeats an ID deploys as it did)."""
    sent_to_elb, sent_to_ecs = set(public), set(tasks or public)
    refused = len(sent_to_elb) < 2 or bool(ECS_SUBNETS.problems(sorted(sent_to_ecs)))
    try:
        NetworkSpec(**_existing(public, tasks))
    except ConfigError:
        assert refused
    else:
        assert not refused


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        (_existing(2, 16), ""),
        (_existing(2, 17), "NetworkSpec.task_subnet_ids"),
        (_existing(16), ""),
        (_existing(17), "NetworkSpec.public_subnet_ids"),
        (_existing(17, 2), ""),
    ],
    ids=["16-task", "17-task", "16-public-for-tasks", "17-public-for-tasks", "17-public-2-task"],
)
def test_the_subnets_tasks_run_in_are_held_to_ecs_s_limit_of_16(kwargs: dict, key: str) -> None:
    tasks = kwargs["task_subnet_ids"] or kwargs["public_subnet_ids"]
    assert bool(ECS_SUBNETS.problems(list(tasks))) == bool(key)
    if not key:
        NetworkSpec(**kwargs)
        return
    with pytest.raises(ConfigError) as error:
        NetworkSpec(**kwargs)
    assert isinstance(ECS_SUBNETS.cited, Quote)
    assert error.value.key == key and ECS_SUBNETS.cited.says.rstrip(".") in error.value.allowed
