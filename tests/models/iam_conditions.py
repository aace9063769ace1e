"""Whether a statement's ``Condition`` block holds for a request, as IAM decides it (IAM User Guide).

``Condition`` ("IAM JSON policy elements: Condition operators", "Creating a condition with multiple
keys or values", "...: Condition operators" for ``...IfExists`` and ``Null``): every operator of a
block and every key of an operator must hold; several values of one key are alternatives. A key
missing from the request fails every operator except the negated ones (``StringNotEquals``,
``StringNotLike``, ``ArnNotEquals``, ``ArnNotLike``), ``...IfExists`` and ``ForAllValues:``; under
``ForAnyValue:`` it fails them all ("Single-valued vs. multivalued context keys": for "no matching
context key or a null dataset, the condition returns false"). Names
of keys are case-insensitive, their values case-sensitive (but for ``...IgnoreCase`` and ``Bool``).
``ArnEquals`` and ``ArnLike`` compare the six colon-separated parts of an ARN one by one, each with
``*`` and ``?``. ``ForAnyValue:`` holds when some value of a multivalued key matches, ``ForAllValues:``
when every value does. A key whose values are an empty set (``[]``, ``""``) is null: ``Null`` calls it
absent, and every other operator treats it as a missing key ("Creating a condition that tests multiple
key values": "If the key values in the request resolve to an empty data set (for example, an empty
string), a condition operator modified by ``ForAllValues`` returns true, and a condition operator
modified by ``ForAnyValue`` returns false"; "Multivalued context key examples": a ``Null`` ``false``
check keeps "context keys with empty values" from holding).

A policy variable in a condition value is the request's value, as in ``Resource`` ("IAM policy
elements: Variables and tags"); one the request lacks "might cause the entire statement to be
invalid", which this model does not guess at: it raises.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

ContextValue = str | bool | Sequence[str]


def string_like(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's ``StringLike``: ``*`` any run of characters (``:`` and ``/`` included), ``?`` one."""
    return _like(pattern, ignore_case).fullmatch(value) is not None


@functools.cache
def _like(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # "\0*" is a filled-in ${*}: the literal character (see _substituted)
    tokens = re.findall(r"\0.|.", pattern, re.S)
    regex = "".join(".*" if t == "*" else "." if t == "?" else re.escape(t[-1]) for t in tokens)
    return re.compile(regex, re.S | (re.I if ignore_case else 0))


def _arn_like(pattern: str, value: str) -> bool:
    want, got = pattern.split(":", 5), value.split(":", 5)
    return len(want) == len(got) == 6 and all(string_like(w, g) for w, g in zip(want, got, strict=True))


_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda want, got: want == got,
    "StringEqualsIgnoreCase": lambda want, got: want.lower() == got.lower(),
    "StringLike": string_like,
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
    "Bool": lambda want, got: want.lower() == got.lower(),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, (str, bool)) else list(value or [])


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _values(key: str, context: Mapping[str, ContextValue]) -> list[str]:
    """The request's values of ``key``: none when it is missing or an empty set (module docstring)."""
    values = [_text(v) for v in _listed(context.get(key))]
    return [] if values == [""] else values


def _holds(operator: str, key: str, wanted: list[str], context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, op = operator.rpartition(":")
    if_exists = op.endswith("IfExists")
    op = op.removesuffix("IfExists")
    values = _values(key, context)
    if op == "Null":
        return (not values) == (_text(wanted[0]).lower() == "true")
    negated = op in _NEGATED
    matcher = _MATCHERS.get(_NEGATED.get(op, op))
    if matcher is None or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise ValueError(f"this model does not evaluate the condition operator {operator}")
    if not values:
        return qualifier == "ForAllValues" or (qualifier == "" and (if_exists or negated))
    wildcards = op.endswith("Like") or op.startswith("Arn")
    filled = [_condition_value(_text(w), context, wildcards=wildcards) for w in wanted]

    def one(value: str) -> bool:
        hit = any(matcher(w, value) for w in filled)
        return not hit if negated else hit

    if qualifier == "ForAnyValue":
        return any(map(one, values))
    if qualifier == "ForAllValues":
        return all(map(one, values))
    if len(values) != 1:
        raise ValueError(f"{key} has several values: a condition on it needs ForAnyValue or ForAllValues")
    return one(values[0])


def condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, ContextValue]) -> bool:
    """Whether a statement's ``Condition`` block holds for a request with ``context``."""
    lowered = {key.lower(): value for key, value in context.items()}
    return all(
        _holds(operator, key.lower(), _listed(wanted), lowered)
        for operator, block in condition.items()
        for key, wanted in block.items()
    )


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _substituted(pattern: str, context: Mapping[str, ContextValue]) -> str | None:
    """``pattern`` with its policy variables filled from ``context``; None when one is missing."""
    lowered = {key.lower(): value for key, value in context.items()}
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name in ("*", "?", "$"):  # the escapes ${*}, ${?}, ${$} stand for the literal character
            return "\0" + name
        if name.lower() not in lowered:
            missing = True
            return ""
        return _text(lowered[name.lower()])

    filled = _VARIABLE.sub(value, pattern)
    return None if missing else filled


def _condition_value(wanted: str, context: Mapping[str, ContextValue], *, wildcards: bool) -> str:
    """A condition value with its policy variables filled in; an escape stays marked only where ``*`` and
    ``?`` are wildcards."""
    filled = _substituted(wanted, context)
    if filled is None:
        raise NotImplementedError(f"{wanted}: IAM does not say how a condition with a missing variable evaluates")
    return filled if wildcards else filled.replace("\0", "")
