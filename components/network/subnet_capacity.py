"""Whether a new VPC's task subnets hold a deployment's peak: each Fargate task takes one private address.

ECS guide, "Amazon ECS task networking options for Fargate": "every Amazon ECS task on Fargate is provided
an elastic network interface (ENI) with a primary private IP address" (one ENI a task; a task's sidecars
share it). EC2 ``CreateSubnet`` (botocore ec2): "Amazon Web Services reserves both the first four and the
last IPv4 address in each subnet's CIDR block". Where tasks share the public subnets with the load balancer
(no NAT), the ELB guide, "Subnets for your load balancer", wants "at least 8 free IP addresses" in each.

The assumption: the peak must fit in the task subnets' total. ECS spreads a service's tasks over its
subnets' AZs, but not evenly when an AZ is impaired or short of addresses, so no per-subnet share is
relied on; one subnet filling first only moves tasks to the others. An AZ outage that leaves the peak
more than the other subnets hold is not refused. Only a new VPC is judged: the program knows nothing
of an existing VPC's subnets (nor the default VPC's) until a deploy (README, the ``vpc`` key).
"""

from __future__ import annotations

from ..errors import ConfigError
from ..service.deployment_strategy import DeploymentStrategy
from ..service.service_spec import ServiceSpec
from .network_spec import LARGEST_VPC, NetworkSpec, public_subnet_prefix

#: Addresses EC2 keeps of every subnet: the first four and the last (botocore ec2 ``CreateSubnet``).
RESERVED_PER_SUBNET = 5
#: Free addresses the load balancer needs in each of its subnets to scale (ELB guide, quoted above).
LOAD_BALANCER_FREE = 8


def private_subnet_prefix(vpc_prefix: int, azs: int) -> int:
    """The prefix length of each private subnet awsx makes of a VPC given no subnet specs (its ``Legacy``
    layout, as ``public_subnet_prefix``): the first half of each AZ's block."""
    return public_subnet_prefix(vpc_prefix, azs) - 1


def _task_subnets(vpc_prefix: int, azs: int, nat_strategy: str) -> tuple[int, int]:
    """The prefix length of each task subnet of a new VPC, and the addresses kept from tasks in each: the
    private subnets, or without NAT the public ones, where the load balancer keeps its free addresses."""
    if nat_strategy == "None":
        return public_subnet_prefix(vpc_prefix, azs), RESERVED_PER_SUBNET + LOAD_BALANCER_FREE
    return private_subnet_prefix(vpc_prefix, azs), RESERVED_PER_SUBNET


def task_addresses(vpc_prefix: int, azs: int, *, nat_strategy: str) -> int:
    """The addresses tasks may take in a new /``vpc_prefix`` VPC of ``azs`` AZs, all task subnets together."""
    size, kept = _task_subnets(vpc_prefix, azs, nat_strategy)
    return azs * max(0, 2 ** (32 - size) - kept)


def peak_tasks(service: ServiceSpec) -> tuple[int, str]:
    """The most tasks a deployment of ``service`` runs at once (``DeploymentStrategy.peak_tasks``, at the
    autoscaler's most when it scales), and how that count is reached, naming the fields it reads."""
    deployment = service.route.deployment if service.route is not None else DeploymentStrategy()
    scaling = service.autoscaling
    count = max(service.desired_count, scaling.max_count if scaling else 0)
    counted = "max(ServiceSpec.desired_count, Autoscaling.max_count)" if scaling else "ServiceSpec.desired_count"
    rolling = f"ServiceSpec.max_percent {service.max_percent} % of that"
    how = "twice that, both revisions at once" if deployment.shifts_traffic else rolling
    return deployment.peak_tasks(count, service.max_percent), f"{counted} {count}, {how}"


def check_task_addresses(network: NetworkSpec, service: ServiceSpec) -> None:
    """A new VPC whose task subnets hold the deployment's peak (see the module's assumption); nothing is
    judged of a default or existing VPC."""
    if network.mode != "new":
        return
    vpc_prefix, azs = network.vpc_prefix, network.availability_zones
    held = task_addresses(vpc_prefix, azs, nat_strategy=network.nat_strategy)
    peak, how = peak_tasks(service)
    if peak <= held:
        return
    fitting = [p for p in range(vpc_prefix - 1, LARGEST_VPC - 1, -1)
               if task_addresses(p, azs, nat_strategy=network.nat_strategy) >= peak]  # fmt: skip
    larger = f"a NetworkSpec.vpc_cidr of /{fitting[0]} or larger, or fewer tasks" if fitting else "fewer tasks"
    prefix = _task_subnets(vpc_prefix, azs, network.nat_strategy)[0]
    subnets = (f"{azs} /{prefix} public subnets, where the load balancer keeps {LOAD_BALANCER_FREE} free in each"
               if network.nat_strategy == "None" else f"{azs} /{prefix} private subnets")  # fmt: skip
    raise ConfigError(
        "NetworkSpec.vpc_cidr",
        network.vpc_cidr,
        f"task subnets that hold a deployment's peak of {peak} tasks ({how}), one private address each: with "
        f"NetworkSpec.availability_zones {azs} and NetworkSpec.nat_strategy {network.nat_strategy} the tasks "
        f"get {subnets}, {held} addresses in all (EC2 reserves {RESERVED_PER_SUBNET} of each subnet); {larger}. "
        "Judged over all the subnets together: ECS may place unevenly, so no AZ's share is counted on",
    )
