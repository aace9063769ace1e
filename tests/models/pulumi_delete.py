"""What ``pulumi up`` does with the resources a program no longer registers, and ``pulumi destroy`` with
every resource of the state; and what AWS refuses to delete.

The engine (pulumi/pulumi ``pkg/resource/deploy``): ``step_generator.go`` ``ScheduleDeletes`` splits the
condemned resources into waves: the first (before it reverses the list) those that depend on no other
condemned resource, the next those that depend only on the first, and so on; the deletes run a wave at a
time, the last-built wave first, so what depends on a resource is deleted before it, and a resource
unrelated to a failing one may wait for a later wave. "Depends on" is ``graph/dependency_graph.go``
``DependenciesOf``: the provider, the parent, the dependencies and, for a dependency that is a component,
each of its children (any depth) that stands before the resource in the state: the load balancer, which
takes the awsx VPC's subnets, depends on the whole VPC. ``deployment_executor.go`` launches a wave's deletes
together (``ExecuteParallel``), and ``step_executor.go`` ``cancelDueToError`` cancels the run at a failed one
(without ``--continue-on-error``): the rest of its wave was already under way, no later wave starts. A
delete of a resource whose state has ``retainOnDelete`` drops it from the state and calls no provider
(``step.go``, ``DeleteStep.Apply``). The next run tries again what the state still holds.

What AWS refuses, as the provider calls it (terraform-provider-aws): ``s3/bucket.go`` ``resourceBucketDelete``,
``DeleteBucket``, which S3 refuses with ``BucketNotEmpty`` while the bucket holds objects (S3 API reference,
DeleteBucket) unless ``force_destroy`` in the state has the provider empty it first; ``ecr/repository.go``,
``DeleteRepository`` with ``force`` from ``force_delete``, which ECR refuses with
``RepositoryNotEmptyException`` while the repository holds images (ECR API reference, DeleteRepository);
``elbv2/load_balancer.go``, ``DeleteLoadBalancer``, which ELB refuses with ``OperationNotPermitted`` while the
load balancer's deletion protection is on (ELB API reference, DeleteLoadBalancer). A bucket's configurations
(lifecycle, policy, encryption...) are deleted whatever it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from components.mock_records import Registered
from components.naming import PROJECT

BUCKET = "aws:s3/bucket:Bucket"
REPOSITORY = "aws:ecr/repository:Repository"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
STACK = "pulumi:pulumi:Stack"
#: Components a provider constructs (their children are in the state; ``tests/models/awsx_vpc.py``).
REMOTE_COMPONENTS = frozenset({"awsx:ec2:Vpc"})


class DeleteRefusedError(Exception):
    """AWS refused this delete: the run fails at it."""


@dataclass
class Deletion:
    """The end of one run: what AWS still holds of the condemned resources, and the error it failed with."""

    in_aws: set[str] = field(default_factory=set)
    """Names of the condemned resources AWS still holds."""
    in_state: set[str] = field(default_factory=set)
    """Names of the condemned resources the state still holds: the next run deletes them again."""
    error: str = ""
    attempted: set[str] = field(default_factory=set)
    """Names of those the engine deleted or tried to: the others' waves never started."""
    kept: list[Registered] = field(default_factory=list)
    """The condemned resources AWS still holds (names repeat across types: an awsx VPC's subnet, route table
    and route share one)."""
    state: list[Registered] = field(default_factory=list)
    """The condemned resources the state still holds, in its order."""


def is_component(resource: Registered, project: str) -> bool:
    """A component (``project``'s own, or one a provider constructs): deleting one calls no provider."""
    return resource.type.startswith(f"{project}:") or resource.type in REMOTE_COMPONENTS


def _is_custom(resource: Registered, project: str) -> bool:
    """Served by a provider: neither a component (but a remote one, which its provider constructs), nor the
    stack or a provider."""
    if resource.type == STACK or resource.type.startswith("pulumi:providers:"):
        return False
    return resource.type in REMOTE_COMPONENTS or not is_component(resource, project)


def _provider_urn(resource: Registered) -> str:
    """The default provider of the resource's package (the program sets no explicit provider)."""
    return f"provider:{resource.type.split(':')[0]}"


def _dependencies(state: Sequence[Registered], project: str) -> dict[str, set[str]]:
    """``DependenciesOf`` for each resource of ``state`` (in state order): provider, parent, dependencies,
    and each earlier child of a component it depends on."""
    children: dict[str, list[str]] = {}
    for r in state:
        ancestor = r.parent
        while ancestor:
            children.setdefault(ancestor, []).append(r.urn)
            ancestor = next((p.parent for p in state if p.urn == ancestor), "")
    by_urn = {r.urn: r for r in state}
    found = {}
    for index, r in enumerate(state):
        earlier = {s.urn for s in state[:index]}
        deps = {r.parent, *r.dependencies} - {""}
        if _is_custom(r, project):
            deps.add(_provider_urn(r))
        for dep in list(deps):
            if dep in by_urn and is_component(by_urn[dep], project):
                deps |= set(children.get(dep, ())) & earlier
        found[r.urn] = deps
    return found


def waves(condemned: Sequence[Registered], state: Sequence[Registered], project: str) -> list[list[Registered]]:
    """``ScheduleDeletes``: the deletes of ``condemned``, in the waves they run in."""
    dependencies = _dependencies(state, project)
    left, built = list(condemned), []
    while left:
        urns = {r.urn for r in left}
        wave = [r for r in left if not dependencies.get(r.urn, set()) & urns]
        left = [r for r in left if r not in wave]
        built.append(wave)
    return built[::-1]


def with_stack_and_providers(resources: Sequence[Registered]) -> list[Registered]:
    """A whole state: ``resources`` after the stack resource and the default providers they use."""
    (stack,) = {r.parent for r in resources} - {r.urn for r in resources} - {""}
    packages = sorted({_provider_urn(r) for r in resources if _is_custom(r, PROJECT)})
    providers = [Registered(f"pulumi:providers:{urn.split(':')[1]}", urn, {}, urn=urn) for urn in packages]
    return [Registered(STACK, stack, {}, urn=stack), *providers, *resources]


def delete(
    removed: Sequence[Registered],
    holding_objects: Collection[str] = (),
    state: Sequence[Registered] | None = None,
    project: str = PROJECT,
) -> Deletion:
    """Delete ``removed`` (as the old ``state`` recorded them: inputs and ``retain_on_delete``) wave by wave,
    stopping after the wave of the first refused delete; ``holding_objects`` names the buckets with objects
    (an access-log bucket once the ALB has written) and the repositories with images."""
    result = Deletion(in_aws={r.name for r in removed}, in_state={r.name for r in removed})
    deleted, dropped = set(), set()
    for wave in waves(removed, removed if state is None else state, project):
        for resource in wave:
            result.attempted.add(resource.name)
            if not resource.retain_on_delete:
                try:
                    _provider_delete(resource, holding_objects)
                except DeleteRefusedError as error:
                    result.error = result.error or str(error)
                    continue
                result.in_aws.discard(resource.name)
                deleted.add(resource.urn)
            result.in_state.discard(resource.name)
            dropped.add(resource.urn)
        if result.error:
            break
    in_aws = (r for r in removed if _is_custom(r, project) and r.type not in REMOTE_COMPONENTS)
    result.kept = [r for r in in_aws if r.urn not in deleted]
    result.state = [r for r in removed if r.urn not in dropped]
    return result


def destroy(state: Sequence[Registered], holding_objects: Collection[str] = (), project: str = PROJECT) -> Deletion:
    """``pulumi destroy`` of a stack whose state holds ``state`` (``with_stack_and_providers``)."""
    return delete(state, holding_objects, state, project)


def _provider_delete(resource: Registered, holding_objects: Collection[str]) -> None:
    held = resource.name in holding_objects
    if resource.type == BUCKET and held and not resource.inputs.get("forceDestroy"):
        raise DeleteRefusedError(f"deleting S3 Bucket ({resource.name}): BucketNotEmpty")
    if resource.type == REPOSITORY and held and not resource.inputs.get("forceDelete"):
        raise DeleteRefusedError(f"deleting ECR Repository ({resource.name}): RepositoryNotEmptyException")
    if resource.type == LOAD_BALANCER and resource.inputs.get("enableDeletionProtection"):
        raise DeleteRefusedError(f"deleting ELBv2 Load Balancer ({resource.name}): OperationNotPermitted")
