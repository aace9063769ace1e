"""Whether ECS finished deploying what the stack records, judged for ``tools/rollout_watch.py`` after ``pulumi up``.

A failed deploy (the circuit breaker's or an alarm's rollback, or the provider's wait timing out) leaves the
stack recording what it asked for while ECS runs the service revision before it: the provider returns the
wait's error without reading the service back (terraform-provider-aws ``ecs/service.go``,
``resourceServiceUpdate``), so the bridge saves the planned state with init errors, and the next ``pulumi up``
of the same commit finds no diff, makes no call and succeeds (``tests/models/failed_deploy.py`` plays it).
That holds for any input a deployment carries, not only the task definition: a capacity-provider strategy,
platform version, subnets or security groups rolled back leave the same task definition running.

So this judges what the provider's wait judges (``statusServiceWaitForStable``): ECS's service deployments
(``findPrimaryDeploymentARN`` lists them, ``findDeploymentStatus`` reads SUCCESSFUL as done, STOPPED,
ROLLBACK_SUCCESSFUL and ROLLBACK_FAILED as failed, anything else as not yet), and for a service with none, its
``DescribeServices`` deployments counted (one when steady). Not ``rolloutState``: botocore ecs ``Deployment``
says it "is only returned for services that use the rolling update (ECS) deployment type", which a canary,
linear or blue/green service is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: What to do, said with every failed deploy: a plain re-run keeps the stale state (README, Troubleshooting).
RETRY = (
    "the stack's state is stale: run `tools/deploy.sh {stack} --refresh` (pulumi up --refresh reads the service "
    "back and deploys the recorded revision again), or in CI run the deploy workflow with refresh; a plain "
    "re-run changes nothing (README, Troubleshooting, 'A deploy failed or was rolled back')"
)
#: The same for a stack of another project (an example's, ``--cwd``): tools/deploy.sh deploys this one only.
RETRY_IN = (
    "the stack's state is stale: run `pulumi up --refresh --stack {stack}` in {project} (it reads the service back "
    "and deploys the recorded revision again); a plain re-run changes nothing (docs/reuse.md, 'A deploy failed "
    "or was rolled back')"
)
#: botocore ecs ``ServiceDeploymentStatus`` values that end, or are ending, other than SUCCESSFUL: a stop or a
#: rollback once requested is the outcome (the provider's ``waitForDeploymentTerminalStatus`` waits them out).
STOPPING = frozenset({"STOP_REQUESTED", "STOPPED"})
ENDED_BADLY = STOPPING | {"ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"}
DONE, WAIT, FAILED = "done", "wait", "failed"


def retry(stack: str, project: str | None = None) -> str:
    """What to do after a failed deploy of ``stack``, of this repository's project or of ``project``'s."""
    return RETRY_IN.format(stack=stack, project=project) if project else RETRY.format(stack=stack)


@dataclass(frozen=True)
class Verdict:
    """``DONE``; ``WAIT`` while ECS may still be settling, saying on what; or ``FAILED``, saying why."""

    state: str
    problem: str | None = None


def created(brief: Mapping[str, Any]) -> datetime:
    """When a ``ServiceDeploymentBrief`` was created (``startedAt`` if not said): the AWS CLI v2 prints
    timestamps as ISO 8601, v1 as the wire's epoch seconds."""
    value = brief.get("createdAt", brief.get("startedAt"))
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.min.replace(tzinfo=UTC)


def newest(briefs: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The latest service deployment: ``ListServiceDeployments`` documents no order (botocore ecs), so by time."""
    return max(briefs, key=created, default=None)


def judge(
    stack: str,
    recorded: str,
    described: Mapping[str, Any],
    briefs: Sequence[Mapping[str, Any]],
    project: str | None = None,
) -> Verdict:
    """ECS's ``DescribeServices`` answer and the service's ``ServiceDeploymentBrief`` list, against ``recorded``;
    ``project`` is the directory of the stack's project when it is not this repository's (its advice then)."""
    services = described.get("services") or []
    if not services:
        reasons = ", ".join(f.get("reason", "?") for f in described.get("failures") or []) or "no service"
        return Verdict(FAILED, f"stack {stack}: ECS does not describe the service ({reasons}); it records {recorded}")
    advice = retry(stack, project)
    running = services[0].get("taskDefinition", "")
    if running != recorded:
        return Verdict(FAILED, f"stack {stack} records task definition {recorded} but ECS runs {running}: {advice}")
    latest = newest(briefs)
    status = latest.get("status", "?") if latest else None
    if latest and status in ENDED_BADLY:
        why = latest.get("statusReason") or "no reason given"
        return Verdict(FAILED, f"stack {stack}: ECS's newest deployment of the service is {status} ({why}), not "
                               f"SUCCESSFUL: {advice}")  # fmt: skip
    if latest and status != "SUCCESSFUL":
        return Verdict(WAIT, f"its newest deployment is {status}")
    count = len(services[0].get("deployments") or [])
    if count != 1:
        return Verdict(WAIT, f"it lists {count} deployments, not one")
    return Verdict(DONE)
