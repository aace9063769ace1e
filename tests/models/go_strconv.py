"""Go's ``strconv.ParseBool`` (``src/strconv/atob.go``): "It accepts 1, t, T, TRUE, true, True, 0, f, F,
FALSE, false, False. Any other value returns an error." An exact match: no trimming, no other case.
Docker's awslogs driver reads its boolean options with it (moby ``daemon/logger/awslogs/cloudwatchlogs.go``,
``awslogs-create-group``)."""

from __future__ import annotations


class ParseBoolError(ValueError):
    """Go's ``strconv.ErrSyntax``: the value is no boolean."""


def parse_bool(text: str) -> bool:
    """The boolean ``text`` spells, as Go reads it; ``ParseBoolError`` where Go returns an error."""
    if text in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if text in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise ParseBoolError(f'strconv.ParseBool: parsing "{text}": invalid syntax')
