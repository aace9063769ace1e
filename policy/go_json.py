"""Container definitions read as the AWS provider reads them, not as Python's ``json`` does.

The provider decodes ``containerDefinitions`` into the AWS SDK for Go's ``[]types.ContainerDefinition``
(terraform-provider-aws ``internal/service/ecs/container_definitions.go``, ``expandContainerDefinitions``
-> ``internal/json/decode.go``, ``json.NewDecoder``). Go's ``encoding/json`` fills a struct field from a
key that equals its name exactly or, failing that, under Unicode simple case folding (``bytes.EqualFold``:
``src/encoding/json/fold.go``), and a later key for the same field overwrites an earlier one
(golang/go#43664). So ``"Privileged": true``, ``"PRIVILEGED": true`` and ``"privileged": true`` all set
the same field, and in ``{"user": "1000", "User": "0"}`` the task runs as ``0``. The SDK's structs have
no JSON tags, so every field the rules read (``name``, ``user``, ``privileged``,
``readonlyRootFilesystem``, ``stopTimeout``, ``environment[].name``, ``logConfiguration.logDriver``) is
matched that way, at every level.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

#: The two non-ASCII runes whose simple case folding reaches an ASCII letter (Unicode CaseFolding.txt:
#: U+017F LATIN SMALL LETTER LONG S -> s, U+212A KELVIN SIGN -> k). Field names are ASCII, so no other
#: non-ASCII rune can make a key match one.
_TO_ASCII = {"\u017f": "s", "\u212a": "k"}


def go_fold(key: str) -> str:
    """A key folded so that two keys fold alike exactly when Go matches them to the same ASCII field name."""
    return "".join(_TO_ASCII.get(c, c.lower() if c.isascii() else c) for c in key)


class GoStruct(Mapping[str, Any]):
    """A JSON object as Go fills a struct from it: a field is looked up by its name in any case (as
    folded by ``go_fold``), and the last key that matches it wins."""

    def __init__(self, pairs: Sequence[tuple[str, Any]]) -> None:
        self._fields: dict[str, Any] = {}
        for key, value in pairs:
            self._fields[go_fold(key)] = value  # a later key for the same field overwrites

    def __getitem__(self, key: str) -> Any:
        return self._fields[go_fold(key)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return repr(self._fields)


def go_containers(text: Any) -> list[Mapping[str, Any]] | None:
    """The container definitions as the provider reads them; None while unknown (a preview) or not JSON."""
    try:
        decoded = json.loads(text or "[]", object_pairs_hook=GoStruct)
    except (TypeError, json.JSONDecodeError):
        return None
    if not isinstance(decoded, list):
        return None
    return [container for container in decoded if isinstance(container, Mapping)]
