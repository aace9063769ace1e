"""Bounds AWS states only in prose, read from the sentence in botocore's documentation that states them.

A shape's ``min``/``max`` are data (``aws_api.shape_at``); many members carry their bounds only in a
sentence ("You may specify between 5 and 300 seconds."). These read the numbers out of that sentence, so
a test's expected edge comes from AWS's text, not from a copy of it or from the program's own constant.
Each reader asserts its sentence is there: when botocore rewords it, the test says so instead of passing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tests.models.aws_api import documentation

_NUMBER = r"(\d+(?:\.\d+)?)"


def stated(service: str, where: str, sentence: str) -> tuple[str, ...]:
    """The groups of the one match of ``sentence`` (a regex) in the documentation of ``where``."""
    text = documentation(service, where)
    found = re.findall(sentence, text)
    assert len(found) == 1, f"botocore {service} {where}: {sentence!r} found {len(found)} times in {text!r}"
    return found[0] if isinstance(found[0], tuple) else (found[0],)


def stated_range(service: str, where: str) -> tuple[Decimal, Decimal]:
    """The bounds of "... between LOW and HIGH ..." or "... from LOW to HIGH ..." in ``where``'s documentation."""
    low, high = stated(service, where, rf"(?:between|from) {_NUMBER} (?:and|to) {_NUMBER}\b")
    return Decimal(low), Decimal(high)


def stated_values(service: str, where: str) -> tuple[int, ...]:
    """The whole numbers of "Possible values are: A, B, ... and Z." in ``where``'s documentation."""
    (listed,) = stated(service, where, r"Possible values are: ([\d, and]+)\.")
    return tuple(int(value) for value in re.findall(r"\d+", listed))


def stated_most(service: str, where: str, sentence: str) -> int:
    """The one number of ``sentence`` (a regex with one ``{n}`` where the number stands): a stated maximum."""
    (most,) = stated(service, where, sentence.format(n=r"(\d+)"))
    return int(most)
