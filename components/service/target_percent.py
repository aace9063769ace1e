"""A target-tracking policy's utilization target: a percent the ECS metric it tracks can pass.

Application Auto Scaling scales out only above the target: "When the metric is above the target value,
Application Auto Scaling scales out by adding capacity" (Application Auto Scaling User Guide, "How target
tracking scaling works"); "scale out (increase capacity) when CPU exceeds 50 percent" ("Target tracking
scaling policies"); "a target tracking scaling policy assumes that it should perform scale out when the
specified metric is above the target value" (the same guide's considerations, awsdocs
application-auto-scaling-user-guide ``application-auto-scaling-target-tracking.md``). It adds capacity
"proportional to the metric value", so at the target it adds none. ECS's ``CPUUtilization`` and
``MemoryUtilization`` of a Fargate service never exceed 100 % (ECS guide, "Amazon ECS service utilization
metrics": CPU "will not go above the defined task-level limit", memory "can't exceed 100%"): at a target of
100 the service could never scale out on that metric."""

from __future__ import annotations

from ..errors import ConfigError

MAX_TARGET_PERCENT = 99


def check_target_percent(key: str, value: int | None) -> None:
    """A utilization target from 1 to ``MAX_TARGET_PERCENT``; None is no policy."""
    if value is not None and not 1 <= value <= MAX_TARGET_PERCENT:
        raise ConfigError(key, value, f"an integer from 1 to {MAX_TARGET_PERCENT}: target tracking scales out only "
                          "above the target, and ECS utilization is never above 100 %, so at 100 it could never "
                          "scale out")  # fmt: skip
