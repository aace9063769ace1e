"""A failed ECS deploy through the provider, the bridge and the engine, and the ``pulumi up`` after it.

- terraform-provider-aws ``internal/service/ecs/service.go``, ``resourceServiceUpdate``: UpdateService sends the
  inputs that changed (a task definition, a capacity-provider strategy with a forced new deployment); a wait
  that ends in ROLLBACK_SUCCESSFUL, STOPPED or ROLLBACK_FAILED (``findDeploymentStatus``), or times out,
  returns its error without ``resourceServiceRead``.
- terraform-plugin-sdk ``helper/schema/resource.go``, ``Apply``: the planned state comes back with the error;
  pulumi-terraform-bridge ``pkg/tfbridge/provider.go``, ``Update``: a state with an error is a partial failure
  (``initializationError``), and a nil diff returns the olds with no API call.
- pulumi ``pkg/resource/deploy/step.go``, ``UpdateStep.Apply``: a partial failure saves the new state with
  init errors; ``step_generator.go``: a resource with init errors gets an update step even with no diff, which
  clears them. A refresh (``pulumi up --refresh``) first stores what the provider reads back.
- ECS (Developer Guide, "How the Amazon ECS deployment circuit breaker detects failures"): a rolled-back service
  returns to the last completed deployment's revision, as one deployment. Each UpdateService that deploys is a
  service deployment (botocore ecs ``ServiceDeploymentBrief``: ``status`` SUCCESSFUL, or ROLLBACK_SUCCESSFUL
  for one rolled back; ``createdAt``); ``ListServiceDeployments`` documents no order, so this lists oldest
  first and pages by ``maxResults`` (1-100, 20 if unset) and ``nextToken``.
- botocore ecs ``Deployment.rolloutState``: "only returned for services that use the rolling update (ECS)
  deployment type", so ``DescribeServices`` omits it for any other ``deploymentConfiguration.strategy``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/dev-app-cluster/dev-app-svc"
#: When the first service deployment was created (epoch seconds, as the AWS CLI v1 prints timestamps).
EPOCH = 1_733_000_000


@dataclass
class Ecs:
    """The service as ECS holds it: what it runs, its deployments, and the UpdateService calls made."""

    task_definition: str
    capacity: str = "FARGATE"
    strategy: str = "ROLLING"
    deployments: list[dict[str, str]] = field(default_factory=list)
    service_deployments: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._settle(self.task_definition, self.capacity)

    def _settle(self, revision: str, capacity: str) -> None:
        self.task_definition, self.capacity = revision, capacity
        self.deployments = [{"status": "PRIMARY", "taskDefinition": revision}]

    def update_service(self, revision: str, capacity: str = "FARGATE", *, healthy: bool) -> bool:
        """Deploy ``revision`` on ``capacity``: it stays if its tasks are healthy, else ECS rolls back."""
        self.calls.append(revision)
        number = len(self.service_deployments)
        self.service_deployments.append({
            "serviceDeploymentArn": f"{SERVICE.replace(':service/', ':service-deployment/')}/{number}",
            "targetServiceRevisionArn": f"{SERVICE.replace(':service/', ':service-revision/')}/{number}",
            "status": "SUCCESSFUL" if healthy else "ROLLBACK_SUCCESSFUL",
            "statusReason": "" if healthy else "Service deployment rolled back because the circuit breaker triggered.",
            "createdAt": EPOCH + 60 * number,
        })  # fmt: skip
        if healthy:
            self._settle(revision, capacity)
        return healthy

    def describe_services(self) -> dict[str, Any]:
        """DescribeServices' answer (botocore ecs ``DescribeServicesResponse``)."""
        rolling = self.strategy == "ROLLING"
        deployments = [{**d, "rolloutState": "COMPLETED"} if rolling else d for d in self.deployments]
        service = {"taskDefinition": self.task_definition, "deployments": deployments,
                   "deploymentConfiguration": {"strategy": self.strategy}}  # fmt: skip
        return {"services": [service], "failures": []}

    def list_service_deployments(self, next_token: str | None = None, max_results: int = 20) -> dict[str, Any]:
        """One page of ListServiceDeployments' answer (botocore ecs ``ListServiceDeploymentsResponse``)."""
        start = int(next_token or 0)
        page: dict[str, Any] = {"serviceDeployments": self.service_deployments[start : start + max_results]}
        if start + max_results < len(self.service_deployments):
            page["nextToken"] = str(start + max_results)
        return page


@dataclass
class Stack:
    """The service's state as Pulumi saves it: its recorded task definition and capacity, and init errors."""

    task_definition: str
    capacity: str = "FARGATE"
    init_errors: list[str] = field(default_factory=list)


def up(stack: Stack, ecs: Ecs, program: str, capacity: str = "FARGATE", *, healthy: bool = True,
       refresh: bool = False) -> str:  # fmt: skip
    """One ``pulumi up`` of a program whose service runs ``program`` on ``capacity``: its outcome."""
    if refresh:
        stack.task_definition, stack.capacity, stack.init_errors = ecs.task_definition, ecs.capacity, []
    unchanged = (stack.task_definition, stack.capacity) == (program, capacity)
    if unchanged and not stack.init_errors:
        return "unchanged"
    if unchanged:
        # An update step with no diff: the bridge returns the olds, no call, and the errors are cleared.
        stack.init_errors = []
        return "updated"
    if ecs.update_service(program, capacity, healthy=healthy):
        stack.task_definition, stack.capacity, stack.init_errors = program, capacity, []
        return "updated"
    # The planned state, saved with the wait's error.
    stack.task_definition, stack.capacity = program, capacity
    stack.init_errors = ["waiting for ECS Service: ROLLBACK_SUCCESSFUL"]
    return "failed"
