"""A model of how long ``pulumi up`` waits for an ECS rolling deployment: ECS's status of the deployment
second by second, and the provider's reading of it.

The provider (terraform-provider-aws ``internal/service/ecs/service.go``, ``statusServiceWaitForStable`` and
``findDeploymentStatus``) polls DescribeServiceDeployments for a new deployment of the ECS controller:
``SUCCESSFUL`` ends the wait, ``STOPPED``, ``ROLLBACK_FAILED`` and ``ROLLBACK_SUCCESSFUL`` fail it, and any
other status keeps it waiting (``PROVIDER_READS``).

ECS keeps a rolling deployment ``IN_PROGRESS`` while it replaces the tasks batch by batch (``ecs_rolling``'s
waves), each batch waiting for its new targets to turn healthy (``target_health``), and, with deployment
alarms, for a bake after that: "The bake time is a period of time after a new service version has scaled
out and the old service version has scaled in, during which Amazon ECS continues to monitor the alarm
associated with the deployment. Amazon ECS computes this time period based on the alarm configuration
associated with the deployment." (ECS guide, "How CloudWatch alarms detect Amazon ECS deployment
failures"). The computation is not documented; the model takes the longest alarm's evaluation window as
CloudWatch receives it, Period x EvaluationPeriods (a metric-math alarm's period is its metrics'), as
ECS's team described it ("based on the evaluation time of the alarm(s). (With multiple different times,
the longest is used.)", aws/copilot-cli#4294). Not modelled: a failed deployment and its rollback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tests.models.ecs_rolling import rolling_deploy
from tests.models.target_health import target_states

PROVIDER_READS = {
    "SUCCESSFUL": "stable",
    "STOPPED": "failed",
    "ROLLBACK_FAILED": "failed",
    "ROLLBACK_SUCCESSFUL": "failed",
}


def provider_wait(statuses: Sequence[str]) -> tuple[str, int]:
    """What the provider makes of a deployment's status at each poll, and at which poll it stops
    (``waiting`` at the last one if it never does)."""
    for poll, status in enumerate(statuses):
        if (read := PROVIDER_READS.get(status, "waiting")) != "waiting":
            return read, poll
    return "waiting", len(statuses) - 1


def evaluation_window_seconds(alarm: dict[str, Any]) -> int:
    """Period x EvaluationPeriods of an alarm as CloudWatch receives it (camelCase inputs)."""
    periods = [q["metric"]["period"] for q in alarm.get("metricQueries") or () if "metric" in q]
    return max(periods or [alarm["period"]]) * int(alarm["evaluationPeriods"])


def healthy_after_seconds(*, start: int, grace: int, interval: int, healthy: int, unhealthy: int) -> int:
    """Seconds from a task's placement until its target is healthy: registered once started (``start``), its
    app answering at the end of the grace period, the latest the grace period allows."""
    until = start + grace + (healthy + 1) * interval
    states = target_states(registered_at=start, ready_at=start + grace, interval=interval,
                           healthy_threshold=healthy, unhealthy_threshold=unhealthy, until=until)  # fmt: skip
    return states.index("healthy") + 1


def rolling_statuses(
    desired_count: int, *, min_healthy_percent: int, max_percent: int, batch_seconds: int,
    deployment_alarms: Sequence[dict[str, Any]],
) -> list[str]:  # fmt: skip
    """ECS's status of a good rolling deployment each second: ``IN_PROGRESS`` through its batches of
    ``batch_seconds`` each and the alarm bake, then ``SUCCESSFUL``."""
    waves = rolling_deploy(desired_count, min_healthy_percent=min_healthy_percent, max_percent=max_percent).waves
    bake = max((evaluation_window_seconds(alarm) for alarm in deployment_alarms), default=0)
    return ["IN_PROGRESS"] * (waves * batch_seconds + bake) + ["SUCCESSFUL"]
