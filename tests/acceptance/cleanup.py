"""What an acceptance run leaves and finds left: the sweep of earlier runs' stacks before a run deploys,
and the check after its destroy that nothing tagged by any run remains.

A run that GitHub cancels or times out gets SIGINT, SIGTERM 7.5 s later and is killed 2.5 s after
that (GitHub Docs, "Workflow cancellation reference"): its ``finally`` has no time to destroy, and its
stack, still locked, stays deployed. The next run finds it by its name (``acc-*``) in the backend and
destroys it before creating its own.

Killed inside a create (most likely the ECS service's, which waits for a steady state), the stack also
holds a pending CREATE for a resource AWS has: ``pulumi destroy`` keeps such operations for a person to
resolve (pulumi/pulumi pkg/backend/snapshot.go), and the service it does not know of blocks the
cluster's deletion (botocore ecs DeleteCluster: ClusterContainsServicesException). The sweep deletes
that service by the run's tag and drops the pending creates first; any other pending kind it names.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pulumi import automation as auto

RUN_TAG = "GravitonNodeAcceptanceRun"
"""Tag key the provider's ``aws:defaultTags`` puts on every resource of a run; its value is the stack name."""
STACK_PREFIX = "acc-"


class AcceptanceError(AssertionError):
    """What the run found wrong, in words a person can act on."""


# --- Earlier runs' stacks ----------------------------------------------------------------------------


class BackendApi(Protocol):
    """The backend's stacks of this project, as far as the sweep uses them."""

    def stack_names(self) -> list[str]: ...

    def cancel(self, name: str) -> None: ...

    def destroy(self, name: str, on_output: Callable[[str], object]) -> None: ...

    def remove(self, name: str) -> None: ...

    def pending_creates(self, name: str) -> dict[str, str]: ...

    def clear_pending_creates(self, name: str, on_output: Callable[[str], object]) -> None: ...


class ServicesApi(Protocol):
    """The AWS calls of the sweep (``AwsApi``'s, ``aws_cli.py``)."""

    def tagged_resources(self, key: str) -> dict[str, str]: ...

    def resource_exists(self, arn: str) -> bool: ...

    def delete_service(self, arn: str) -> None: ...


class PulumiBackend:
    """``BackendApi`` through the Automation API, in ``root`` (the project's stacks only)."""

    def __init__(self, options: auto.LocalWorkspaceOptions, root: Path) -> None:
        self._options, self._root = options, str(root)
        self._workspace = auto.LocalWorkspace(
            work_dir=self._root, secrets_provider=options.secrets_provider, env_vars=options.env_vars
        )

    def stack_names(self) -> list[str]:
        # The project's stacks only; a DIY backend spells another project's `organization/<project>/<name>`.
        return [summary.name.rsplit("/", 1)[-1] for summary in self._workspace.list_stacks()]

    def _select(self, name: str) -> auto.Stack:
        return auto.select_stack(name, work_dir=self._root, opts=self._options)

    def cancel(self, name: str) -> None:
        # `pulumi cancel` removes a DIY backend's locks (pulumi/pulumi#9100); it fails when none is held.
        with contextlib.suppress(auto.CommandError):
            self._select(name).cancel()

    def destroy(self, name: str, on_output: Callable[[str], object]) -> None:
        # No Pulumi.<stack>.yaml here: destroy takes the secrets manager from the stack's state
        # (pulumi/pulumi pkg/cmd/pulumi/operations/destroy.go).
        self._select(name).destroy(on_output=on_output)

    def remove(self, name: str) -> None:
        self._workspace.remove_stack(name)

    def pending_creates(self, name: str) -> dict[str, str]:
        return pending_creates(self._select(name).export_stack().deployment or {})

    def clear_pending_creates(self, name: str, on_output: Callable[[str], object]) -> None:
        self._select(name).refresh(clear_pending_creates=True, on_output=on_output)


def pending_creates(deployment: Mapping[str, Any]) -> dict[str, str]:
    """URN -> type of each pending ``creating`` operation of an exported state (pulumi/pulumi
    sdk/go/common/apitype/core.go: DeploymentV3.PendingOperations, OperationV2 {resource, type})."""
    operations = deployment.get("pending_operations") or []
    return {op["resource"]["urn"]: op["resource"]["type"] for op in operations if op.get("type") == "creating"}


ECS_SERVICE = "aws:ecs/service:Service"
"""The one kind whose pending create the sweep resolves: its create waits minutes for a steady state
(so a kill most likely lands there), and, untracked, it blocks the destroy of its cluster."""


def sweep(backend: BackendApi, aws: ServicesApi, *, keep: str, log: Callable[[str], object]) -> list[str]:
    """Unlock, destroy and remove every ``acc-*`` stack but ``keep``; returns their names. A stack
    that will not destroy stops the run before it deploys anything of its own."""
    swept = [name for name in backend.stack_names() if name.startswith(STACK_PREFIX) and name != keep]
    for name in swept:
        log(f"== an earlier run left stack {name}: unlock, destroy, remove")
        backend.cancel(name)
        pending = backend.pending_creates(name)
        _refuse_unresolvable(pending, name)
        try:
            if pending:
                _delete_untracked_services(aws, name, log)
                backend.clear_pending_creates(name, log)
            backend.destroy(name, log)
        except Exception as error:
            raise AcceptanceError(
                f"stack {name}, left by an earlier run, did not destroy: finish it with "
                f"`pulumi cancel --yes --stack {name}` and `pulumi destroy --stack {name}`: {error}"
            ) from error
        backend.remove(name)
    return swept


def _refuse_unresolvable(pending: Mapping[str, str], name: str) -> None:
    others = sorted(urn for urn, kind in pending.items() if kind != ECS_SERVICE)
    if others:
        raise AcceptanceError(
            f"stack {name}, left by an earlier run, holds pending creates the sweep cannot resolve: "
            f"{', '.join(others)}. Delete what carries tag {RUN_TAG}={name} of those kinds, then "
            f"`pulumi refresh --clear-pending-creates --stack {name}` and `pulumi destroy --stack {name}`"
        )


def _delete_untracked_services(aws: ServicesApi, name: str, log: Callable[[str], object]) -> None:
    """The ECS services of the run's tag: the one a create left untracked among them. The destroy
    would delete the tracked ones anyway. The tagging API also lists services long deleted, which
    DeleteService would refuse: only one ECS still describes as not INACTIVE is deleted."""
    for arn, run in aws.tagged_resources(RUN_TAG).items():
        if run == name and _is_ecs_service(arn) and aws.resource_exists(arn):
            log(f"== a pending create of an ECS service: deleting {arn}")
            aws.delete_service(arn)


def _is_ecs_service(arn: str) -> bool:
    # arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service> (ECS ARN formats docs).
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[2] == "ecs" and parts[5].startswith("service/")


# --- What remains after the destroy ----------------------------------------------------------------


class TaggedApi(Protocol):
    """The AWS calls of the leftover check (``AwsApi``'s, ``aws_cli.py``)."""

    def tagged_resources(self, key: str) -> dict[str, str]: ...

    def resource_exists(self, arn: str) -> bool: ...

    def task_definition_status(self, arn: str) -> str | None: ...

    def delete_task_definitions(self, arns: Sequence[str]) -> Mapping[str, str]: ...

    def roles_named(self, prefix: str) -> list[str]: ...


def leftovers(aws: TaggedApi) -> dict[str, str]:
    """ARN (with a note) -> the run that left it: whatever carries ``RUN_TAG`` (any run's value) and
    its own service still describes, and IAM roles named ``acc-*``.

    A destroyed task definition is only deregistered (INACTIVE, as the provider deletes it): it is
    deleted here, and counts until ECS is deleting it (DELETE_IN_PROGRESS) or no longer knows it.
    """
    left: dict[str, str] = {}
    inactive: dict[str, str] = {}
    for arn, run in aws.tagged_resources(RUN_TAG).items():
        if ":task-definition/" in arn:
            status = aws.task_definition_status(arn)
            if status == "INACTIVE":
                inactive[arn] = run
            elif status not in (None, "DELETE_IN_PROGRESS"):
                left[arn] = run
        elif aws.resource_exists(arn):
            left[arn] = run
    refused = aws.delete_task_definitions(list(inactive)) if inactive else {}
    for arn, run in inactive.items():
        if arn in refused:
            left[f"{arn} (DeleteTaskDefinitions refused: {refused[arn]})"] = run
        elif aws.task_definition_status(arn) == "INACTIVE":
            left[arn] = run
    # IAM is global: the regional tagging API is not where a leftover role would show.
    for role in aws.roles_named(STACK_PREFIX):
        # A run's role is named after its stack: acc-<hex>-...
        left[role] = re.sub(rf"^({STACK_PREFIX}[^-]*)-.*", r"\1", role.rsplit("/", 1)[-1])
    return left


def describe(left: Mapping[str, str], stack: str) -> str:
    own = sorted(arn for arn, run in left.items() if run == stack)
    earlier = sorted(f"{arn} ({RUN_TAG}={run})" for arn, run in left.items() if run != stack)
    parts = [f"of stack {stack}: {', '.join(own)}"] if own else []
    parts += [f"left by an earlier run: {', '.join(earlier)}"] if earlier else []
    return "; ".join(parts)


def require_nothing_left(aws: TaggedApi, *, stack: str, timeout: float, interval: float) -> None:
    """Poll until nothing is left or ``timeout`` passes: a resource may take a while to go after its
    destroy (a deregistered task definition, an ENI)."""
    deadline = time.monotonic() + timeout
    while True:
        left = leftovers(aws)
        if not left:
            return
        wait = deadline - time.monotonic()
        if wait <= 0:
            raise AcceptanceError(
                f"{len(left)} resource(s) remain {timeout:g} s after destroy (tag {RUN_TAG}, or a role "
                f"named {STACK_PREFIX}*) {describe(left, stack)}"
            )
        time.sleep(min(interval, wait))
