"""SQS's receive count and a message's visibility, as the worker example meets them.

A dead-letter queue takes a message once its receives pass ``maxReceiveCount`` (``RECEIVE_COUNT``): SQS
counts receives, whatever returned the message (its work failed and the app released it, a stop released
it, its visibility timeout passed). The app (``examples/worker/app/worker.js``) keeps a message in hand
hidden with a heartbeat: every half visibility timeout, ``ChangeMessageVisibility`` for another whole one,
within the 12 hours SQS allows from the receive (``MAX_VISIBILITY``); the model plays that schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.models.aws_api import Quote

RECEIVE_COUNT = Quote(
    "sqs",
    "SetQueueAttributes:Attributes",
    "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the message "
    "to the dead-letter-queue.",
)
MAX_VISIBILITY = Quote(
    "sqs", "ChangeMessageVisibility:VisibilityTimeout", "Values range: 0 to 43200 . Maximum: 12 hours."
)
MAX_VISIBILITY_SECONDS = 43_200


@dataclass
class Message:
    """One message of a queue with a redrive policy."""

    max_receive_count: int
    receives: int = 0
    dead_lettered: bool = False

    def receive(self) -> bool:
        """Whether a consumer gets it; once its receives would pass ``max_receive_count`` it goes aside."""
        if self.dead_lettered or self.receives >= self.max_receive_count:
            self.dead_lettered = True
            return False
        self.receives += 1
        return True


def extensions(visibility: int, work_seconds: float) -> list[tuple[float, float]]:
    """The app's heartbeat for work of ``work_seconds`` received at 0: ``(when, until)`` of each
    ``ChangeMessageVisibility``, every ``visibility / 2`` while the work runs, none past the 12 hours."""
    beats: list[tuple[float, float]] = []
    when = visibility / 2
    while when < work_seconds:
        seconds = min(visibility, math.floor(MAX_VISIBILITY_SECONDS - when))
        if seconds <= 0:
            break
        beats.append((when, when + seconds))
        when += visibility / 2
    return beats


def hidden_throughout(visibility: int, work_seconds: float) -> bool:
    """Whether the message stays hidden from its receive until its work ends: each extension comes while it
    is still hidden (SQS refuses one for a message not in flight), and the last outlasts the work."""
    hidden_until: float = visibility
    for when, until in extensions(visibility, work_seconds):
        if when >= hidden_until:
            return False
        hidden_until = until
    return hidden_until > work_seconds
