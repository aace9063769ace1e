"""How Go's ``encoding/json`` fills a struct from a JSON object (``src/encoding/json/decode.go``, ``object``;
``fold.go``), which is how the AWS provider reads ``containerDefinitions`` into the SDK for Go's
``types.ContainerDefinition`` (terraform-provider-aws ``internal/service/ecs/container_definitions.go``,
``expandContainerDefinitions`` -> ``internal/json/decode.go``).

The rules: the keys are taken in the order written. Each goes to the field whose name it equals exactly,
else to the field whose name it equals under ``bytes.EqualFold`` (rune by rune, two runes equal when one
is in the other's Unicode simple case-folding orbit); a key that matches no field is skipped. A field set
twice keeps the last value (golang/go#43664). The SDK's structs carry no ``json`` tags, so the names
are the Go field names (PascalCase).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: The simple case-folding orbits (Unicode CaseFolding.txt, statuses C and S) that hold an ASCII letter:
#: each letter with its other case, plus U+017F LATIN SMALL LETTER LONG S with s and U+212A KELVIN SIGN
#: with k. (U+0131 DOTLESS I and U+0130 fold to i only under the Turkic T status, which Go does not use.)
_ORBITS: list[frozenset[str]] = [
    frozenset({upper, upper.lower(), *({"s": ["\u017f"], "k": ["\u212a"]}.get(upper.lower(), []))})
    for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
]


def _same_rune(a: str, b: str) -> bool:
    return a == b or any(a in orbit and b in orbit for orbit in _ORBITS)


def equal_fold(a: str, b: str) -> bool:
    """Go's ``bytes.EqualFold`` for a key against an ASCII field name."""
    return len(a) == len(b) and all(_same_rune(x, y) for x, y in zip(a, b, strict=True))


def fill(pairs: Sequence[tuple[str, Any]], fields: Sequence[str]) -> dict[str, Any]:
    """The fields a JSON object's ``pairs`` set, by Go field name: exact match first, then folded; last wins."""
    filled: dict[str, Any] = {}
    for key, value in pairs:
        field = key if key in fields else next((f for f in fields if equal_fold(key, f)), None)
        if field is not None:
            filled[field] = value
    return filled


#: The SDK's fields the pack reads, by struct (aws-sdk-go-v2 ``service/ecs/types``).
CONTAINER_DEFINITION = ("Name", "User", "Privileged", "ReadonlyRootFilesystem", "StopTimeout", "Environment",
                        "LogConfiguration", "Image", "Essential")  # fmt: skip
KEY_VALUE_PAIR = ("Name", "Value")
LOG_CONFIGURATION = ("LogDriver", "Options")
NESTED: Mapping[str, tuple[tuple[str, ...], bool]] = {
    "Environment": (KEY_VALUE_PAIR, True),
    "LogConfiguration": (LOG_CONFIGURATION, False),
}
