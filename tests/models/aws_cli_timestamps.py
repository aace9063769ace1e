"""How the AWS CLI prints a response's timestamps, which a ``--query`` then compares.

aws/aws-cli ``tests/functional/test_timeformat.py``: version 2 prints ISO 8601 by default
(``cli_timestamp_format = iso8601``), in the local time zone (``datetime.fromtimestamp(t).replace(tzinfo=
tzlocal())``, so ``TZ`` sets the offset); ``wire`` prints the value as the service sent it, which version
1 does by default ("Common parameter types in the AWS CLI", Timestamp: version 2 converts response
timestamps to ISO 8601). ECS's JSON protocol sends epoch seconds (botocore ``ecs`` service-2.json,
``Timestamp``; awsJson1_1 encodes timestamps as epoch seconds).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def printed(epoch_seconds: float, *, version: int, utc_offset_hours: float = 0) -> str | float:
    """``epoch_seconds`` as the CLI of ``version`` prints it, in a local zone ``utc_offset_hours`` from UTC."""
    if version == 1:
        return epoch_seconds
    zone = timezone(timedelta(hours=utc_offset_hours))
    return datetime.fromtimestamp(epoch_seconds, zone).isoformat()
