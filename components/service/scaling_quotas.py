"""Application Auto Scaling's quotas on one scalable target, checked before anything exists."""

from __future__ import annotations

from ..errors import ConfigError

#: Each schedule is one scheduled action on the service's scalable target: "Scheduled actions per scalable
#: target: 200", not adjustable (Application Auto Scaling User Guide, "Quotas for Application Auto Scaling").
MAX_SCHEDULES = 200


def check_schedule_count(key: str, count: int) -> None:
    """No more schedules than one scalable target takes scheduled actions."""
    if count > MAX_SCHEDULES:
        raise ConfigError(
            key,
            f"{count} schedules",
            f"at most {MAX_SCHEDULES}: Application Auto Scaling's scheduled actions per scalable target, "
            "a quota it does not raise",
        )
