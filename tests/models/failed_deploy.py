"""A failed ECS deploy through the provider, the bridge and the engine, and the ``pulumi up`` after it.

- terraform-provider-aws ``internal/service/ecs/service.go``, ``resourceServiceUpdate``: UpdateService sends the
  task definition only when it changed; a wait that ends in ROLLBACK_SUCCESSFUL, STOPPED or ROLLBACK_FAILED
  (``findDeploymentStatus``), or times out, returns its error without ``resourceServiceRead``.
- terraform-plugin-sdk ``helper/schema/resource.go``, ``Apply``: the planned state comes back with the error;
  pulumi-terraform-bridge ``pkg/tfbridge/provider.go``, ``Update``: a state with an error is a partial failure
  (``initializationError``), and a nil diff returns the olds with no API call.
- pulumi ``pkg/resource/deploy/step.go``, ``UpdateStep.Apply``: a partial failure saves the new state with
  init errors; ``step_generator.go``: a resource with init errors gets an update step even with no diff, which
  clears them. A refresh (``pulumi up --refresh``) first stores what the provider reads back.
- ECS (Developer Guide, "How the Amazon ECS deployment circuit breaker detects failures"): a rolled-back service
  returns to the last completed deployment's task definition, as one PRIMARY COMPLETED deployment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ecs:
    """The service as ECS holds it: its task definition and deployments, and the UpdateService calls made."""

    task_definition: str
    deployments: list[dict[str, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._settle(self.task_definition)

    def _settle(self, revision: str) -> None:
        self.task_definition = revision
        self.deployments = [{"status": "PRIMARY", "rolloutState": "COMPLETED", "taskDefinition": revision}]

    def update_service(self, revision: str, *, healthy: bool) -> bool:
        """Deploy ``revision``: it stays if its tasks are healthy, else ECS rolls back to the one before."""
        self.calls.append(revision)
        if healthy:
            self._settle(revision)
        return healthy

    def describe_services(self) -> dict[str, Any]:
        """DescribeServices' answer (botocore ecs ``DescribeServicesResponse``)."""
        return {"services": [{"taskDefinition": self.task_definition, "deployments": self.deployments}],
                "failures": []}  # fmt: skip


@dataclass
class Stack:
    """The service's state as Pulumi saves it: its recorded task definition and init errors."""

    task_definition: str
    init_errors: list[str] = field(default_factory=list)


def up(stack: Stack, ecs: Ecs, program: str, *, healthy: bool = True, refresh: bool = False) -> str:
    """One ``pulumi up`` of a program whose service runs ``program``: its outcome."""
    if refresh:
        stack.task_definition, stack.init_errors = ecs.task_definition, []
    if stack.task_definition == program and not stack.init_errors:
        return "unchanged"
    if stack.task_definition == program:
        # An update step with no diff: the bridge returns the olds, no call, and the errors are cleared.
        stack.init_errors = []
        return "updated"
    if ecs.update_service(program, healthy=healthy):
        stack.task_definition, stack.init_errors = program, []
        return "updated"
    # The planned state, saved with the wait's error.
    stack.task_definition, stack.init_errors = program, ["waiting for ECS Service: ROLLBACK_SUCCESSFUL"]
    return "failed"
