"""AWS's input rules as data: botocore's API shapes, and cited rows for what the shapes leave in prose.

A rule answers ``problems(value)`` with what AWS would refuse (empty when the value passes) and says
where it comes from (``source``):

- ``Api``: the shape of one member of an API call's input in botocore's service model
  (``botocore/data/<service>/<date>/service-2.json``): type, ``min``/``max`` (length for strings and
  lists, value for numbers), ``enum``, ``pattern`` (Java regex syntax, matched whole), and for
  structures, lists and maps every member recursively. An unknown member is refused: the APIs refuse
  it, and where the provider would drop it silently (JSON it decodes, such as container definitions)
  it is a mistake all the same.
- ``Text``: a character set and length that AWS states only in prose; ``Quote`` points at the sentence
  in botocore's documentation string that states it, and a test checks that the sentence is there, so
  the row is read from AWS's data, not remembered. ``Url`` cites a user guide that botocore lacks.
- ``Check``: any other documented rule (document limits, naming rules with several clauses).
- ``Sent``: how the provider turns a Pulumi input into the API's value (e.g. a map of dimensions into
  the API's list of name/value pairs), then the rule.
- ``Unsent``: an input that never reaches an AWS API (a provider-side switch), with the reason.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Any, Protocol

import regex  # Java's \p{L}-style classes, which botocore's patterns use and `re` lacks
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.waiter import WaiterModel


class Rule(Protocol):
    @property
    def source(self) -> str: ...

    def problems(self, value: Any) -> list[str]: ...


@functools.cache
def service(name: str) -> ServiceModel:
    """botocore's model of one AWS API (the newest version it ships). Read by a loader, not a session: a session
    reads the caller's AWS profile first, and fails when ``AWS_PROFILE`` names one this machine lacks."""
    return ServiceModel(Loader().load_service_model(name, "service-2"), name)


@functools.cache
def waiters(name: str) -> WaiterModel:
    """botocore's waiters of one AWS API (what ``aws SERVICE wait`` runs)."""
    return WaiterModel(Loader().load_service_model(name, "waiters-2"))


#: A botocore shape. botocore ships no type information (its members are ``CachedProperty``s to pyright).
Shape = Any


def shape_at(service_name: str, where: str) -> Shape:
    """The shape at ``Operation:Member.Member[]...`` (an operation's input) or ``Shape.Member...``."""
    model = service(service_name)
    shape: Shape
    if ":" in where:
        operation, path = where.split(":", 1)
        shape = model.operation_model(operation).input_shape
    else:
        first, _, path = where.partition(".")
        shape = model.shape_for(first)
    for part in filter(None, re.split(r"\.|(?=\[\])", path)):
        if part == "[]":
            assert shape.type_name == "list", f"{service_name} {where}: {shape.name} is not a list"
            shape = shape.member
        else:
            assert shape.type_name == "structure", f"{service_name} {where}: {shape.name} has no members"
            assert part in shape.members, f"{service_name} {where}: no member {part} in {sorted(shape.members)}"
            shape = shape.members[part]
    return shape


def documentation(service_name: str, where: str) -> str:
    """The documentation botocore carries for a shape or member, as plain text."""
    text = shape_at(service_name, where).documentation or ""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


#: Java regex spellings botocore uses that Python's ``regex`` spells otherwise: a range written as UTF-16
#: surrogate pairs (the code points above U+FFFF), and POSIX-style ASCII classes.
_JAVA_SPELLINGS = {
    r"\uD800\uDC00-\uDBFF\uDFFF": r"\U00010000-\U0010FFFF",
    r"\p{Print}": r"[\x20-\x7E]",
}


#: Java's ``\w``, ``\d`` and ``\s`` are ASCII-only (java.util.regex.Pattern without UNICODE_CHARACTER_CLASS),
#: while its ``\p{L}``-style classes span Unicode. The regex module's ASCII flag would narrow both (under it
#: ``\p{L}`` takes no ``é``), so the ASCII classes are spelled out instead.
_JAVA_ASCII = {"w": "A-Za-z0-9_", "d": "0-9", "s": " \\t\\n\\x0B\\f\\r"}


def _ascii_classes(pattern: str) -> str:
    r"""``pattern`` with Java's ASCII ``\w \d \s`` (and ``\W \D \S`` outside a set) spelled out."""
    out: list[str] = []
    in_set, index = False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            body = _JAVA_ASCII.get(escaped.lower())
            if body is None:
                out.append(pattern[index : index + 2])
            elif escaped.islower():
                out.append(body if in_set else f"[{body}]")
            else:
                assert not in_set, f"{pattern}: a negated class inside a set"
                out.append(f"[^{body}]")
            index += 2
            continue
        in_set = (in_set or char == "[") and not (in_set and char == "]")
        out.append(char)
        index += 1
    return "".join(out)


@functools.cache
def _java_pattern(pattern: str) -> regex.Pattern[str]:
    for java, python in _JAVA_SPELLINGS.items():
        pattern = pattern.replace(java, python)
    return regex.compile(_ascii_classes(pattern))


#: The size of botocore's whole-number types, whatever the shape's own min and max: Smithy's ``integer`` is a
#: 32-bit signed integer and ``long`` a 64-bit one (smithy.io 2.0 spec, "Simple types"); the Terraform
#: provider casts to them (internal/service/ecs/service.go: ``aws.Int32(int32(d.Get(
#: "deployment_maximum_percent").(int)))``), so a larger value wraps instead of being refused.
WHOLE_BITS = {"integer": 32, "long": 64}


def shape_problems(shape: Shape, value: Any, where: str) -> list[str]:
    """What AWS's request validation refuses in ``value`` for ``shape`` (a JSON-like value)."""
    meta = shape.metadata
    kind = shape.type_name
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: {value!r} is not a string"]
        problems = []
        if shape.enum and value not in shape.enum:
            problems.append(f"{where}: {value!r} is not one of {shape.enum}")
        if len(value) < meta.get("min", 0) or len(value) > meta.get("max", len(value)):
            problems.append(f"{where}: length {len(value)} outside {meta.get('min', 0)}-{meta.get('max', '')}")
        if "pattern" in meta and not _java_pattern(meta["pattern"]).fullmatch(value):
            problems.append(f"{where}: {value!r} does not match {meta['pattern']}")
        return problems
    if kind in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{where}: {value!r} is not a number"]
        if kind in ("integer", "long") and not float(value).is_integer():
            return [f"{where}: {value!r} is not a whole number"]
        if kind in WHOLE_BITS and not -(2 ** (WHOLE_BITS[kind] - 1)) <= value < 2 ** (WHOLE_BITS[kind] - 1):
            return [f"{where}: {value!r} does not fit a {WHOLE_BITS[kind]}-bit {shape.name} ({kind})"]
        low, high = meta.get("min"), meta.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return [f"{where}: {value!r} outside {low}-{high}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: {value!r} is not a boolean"]
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        problems = []
        if len(value) < meta.get("min", 0) or len(value) > meta.get("max", len(value)):
            problems.append(f"{where}: {len(value)} items, outside {meta.get('min', 0)}-{meta.get('max', '')}")
        for index, item in enumerate(value):
            problems += shape_problems(shape.member, item, f"{where}[{index}]")
        return problems
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not a map"]
        problems = []
        if len(value) > meta.get("max", len(value)):
            problems.append(f"{where}: {len(value)} entries, more than {meta['max']}")
        for key, item in value.items():
            problems += shape_problems(shape.key, key, f"{where} key")
            problems += shape_problems(shape.value, item, f"{where}[{key}]")
        return problems
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        problems = [f"{where}: no member {key!r} in {shape.name}" for key in value if key not in shape.members]
        problems += [f"{where}: {name} is required" for name in shape.required_members if name not in value]
        for key, item in value.items():
            if key in shape.members:
                problems += shape_problems(shape.members[key], item, f"{where}.{key}")
        return problems
    raise AssertionError(f"{where}: no check for botocore type {kind}")


@dataclass(frozen=True)
class Api:
    """The value must satisfy the botocore shape at ``where`` (``Operation:Member.Member``)."""

    service: str
    where: str

    @property
    def source(self) -> str:
        return f"botocore {self.service} {self.where}"

    def problems(self, value: Any) -> list[str]:
        return shape_problems(shape_at(self.service, self.where), value, self.where)


@dataclass(frozen=True)
class Quote:
    """A sentence in botocore's documentation of a shape or member: the rule's source, checked by a test."""

    service: str
    where: str
    says: str

    def __str__(self) -> str:
        return f'botocore {self.service} {self.where}: "{self.says}"'


@dataclass(frozen=True)
class Url:
    """A page of AWS documentation that states a rule botocore does not carry."""

    url: str
    says: str

    def __str__(self) -> str:
        return f'{self.url}: "{self.says}"'


@dataclass(frozen=True)
class Text:
    """A string of ``chars`` (a regex character class body), ``low``-``high`` long, and any ``extra``
    clauses (each a predicate and what it forbids)."""

    chars: str
    high: int
    cited: Quote | Url
    low: int = 1
    extra: tuple[tuple[Callable[[str], bool], str], ...] = ()

    @property
    def source(self) -> str:
        return str(self.cited)

    def problems(self, value: Any) -> list[str]:
        if not isinstance(value, str):
            return [f"{value!r} is not a string"]
        problems = []
        if not self.low <= len(value) <= self.high:
            problems.append(f"{value!r}: length {len(value)} outside {self.low}-{self.high}")
        bad = sorted({c for c in value if not regex.fullmatch(f"[{self.chars}]", c)})
        if bad:
            problems.append(f"{value!r}: characters {''.join(bad)!r} outside [{self.chars}]")
        problems += [f"{value!r}: {forbids}" for allowed, forbids in self.extra if not allowed(value)]
        return problems


@dataclass(frozen=True)
class Check:
    """A documented rule with several clauses: ``test(value)`` answers its problems."""

    test: Callable[[Any], list[str]]
    cited: Quote | Url

    @property
    def source(self) -> str:
        return str(self.cited)

    def problems(self, value: Any) -> list[str]:
        return self.test(value)


@dataclass(frozen=True)
class Sent:
    """``convert`` is what the provider makes of the input for the API; then each rule applies."""

    convert: Callable[[Any], Any]
    how: str
    """Where the conversion is written down (the provider's source)."""
    rules: tuple[Rule, ...]

    @property
    def source(self) -> str:
        return f"{self.how}; " + "; ".join(rule.source for rule in self.rules)

    def problems(self, value: Any) -> list[str]:
        sent = self.convert(value)
        return [problem for rule in self.rules for problem in rule.problems(sent)]


@dataclass(frozen=True)
class Unsent:
    """An input the provider keeps to itself: it never reaches an AWS API."""

    reason: str
    kind: type | tuple[type, ...] = (bool, int, float, str)

    @property
    def source(self) -> str:
        return self.reason

    def problems(self, value: Any) -> list[str]:
        return [] if isinstance(value, self.kind) else [f"{value!r} is not a {self.kind}"]


@dataclass(frozen=True)
class Issued:
    """An ID, name or ARN AWS issued for another resource, passed back unchanged: AWS made it in its own
    form, so no format is checked here; the contract test checks it is one the provider handed out."""

    @property
    def source(self) -> str:
        return "issued by AWS for another resource"

    def problems(self, value: Any) -> list[str]:
        ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        return [] if ok else [f"{value!r} is not an ID or a list of IDs"]


@dataclass(frozen=True)
class Both:
    """Every one of ``rules`` applies (an API shape and a prose rule on the same member)."""

    rules: tuple[Rule, ...]

    @property
    def source(self) -> str:
        return "; ".join(rule.source for rule in self.rules)

    def problems(self, value: Any) -> list[str]:
        return [problem for rule in self.rules for problem in rule.problems(value)]


@dataclass(frozen=True)
class Each:
    """``rule`` for every item of a list."""

    rule: Rule

    @property
    def source(self) -> str:
        return self.rule.source

    def problems(self, value: Any) -> list[str]:
        if not isinstance(value, list):
            return [f"{value!r} is not a list"]
        return [problem for item in value for problem in self.rule.problems(item)]


@dataclass(frozen=True)
class Json:
    """A JSON string that parses, at most ``limit`` characters long (as ``cited``), whose parsed value
    passes ``rule``."""

    rule: Rule
    limit: int | None = None
    cited: Quote | Url | None = None

    @property
    def source(self) -> str:
        return "; ".join(filter(None, [str(self.cited or ""), self.rule.source]))

    def problems(self, value: Any) -> list[str]:
        if not isinstance(value, str):
            return [f"{value!r} is not a JSON string"]
        try:
            parsed = json.loads(value)
        except ValueError as error:
            return [f"not JSON: {error}"]
        too_long = self.limit is not None and len(value) > self.limit
        return ([f"{len(value)} characters, more than {self.limit}"] if too_long else []) + self.rule.problems(parsed)


@dataclass(frozen=True)
class Whole:
    """A rule on a list or map as a whole (a limit over all its items; at path ``""``, a rule across a
    resource's inputs), after which each item is still held to its own rules."""

    rule: Rule

    @property
    def source(self) -> str:
        return self.rule.source

    def problems(self, value: Any) -> list[str]:
        return self.rule.problems(value)


@dataclass
class Contract:
    """Rules per resource type and input path (``a.b`` for members, ``a[]`` for list items), and the
    inputs a provider fills in itself from the resource's name when the program leaves them out."""

    rules: Mapping[str, Mapping[str, Rule]]
    autonamed: Mapping[str, Callable[[str], Mapping[str, Any]]] = field(default_factory=dict)

    def problems(self, typ: str, name: str, inputs: Mapping[str, Any]) -> tuple[list[str], set[str]]:
        """What AWS would refuse in one resource's inputs, and the rule paths used. An input with no
        rule is a problem too, so nothing set can go unchecked."""
        if typ not in self.rules:
            return [f"{typ}: no rules for this resource type"], set()
        rules = self.rules[typ]
        implicit = self.autonamed.get(typ, lambda _: {})(name)
        # A name the program chose, or the prefix it gave the provider, leaves nothing to auto-name.
        chosen = {k: v for k, v in implicit.items() if k not in inputs and f"{k}Prefix" not in inputs}
        values = {**chosen, **inputs}
        used: set[str] = set()
        problems = _walk(rules, "", values, used)
        return [f"{typ} {name}: {problem}" for problem in problems], used


def _walk(rules: Mapping[str, Rule], path: str, value: Any, used: set[str]) -> list[str]:
    if path in rules:
        used.add(path)
        found = [f"{path}: {problem}" if path else problem for problem in rules[path].problems(value)]
        if not isinstance(rules[path], Whole):
            return found
        return found + _walk({k: v for k, v in rules.items() if k != path}, path, value, used)
    if isinstance(value, dict) and (value or not path):
        return [p for key, item in value.items() for p in _walk(rules, f"{path}.{key}" if path else key, item, used)]
    if isinstance(value, list) and value:
        return [p for item in value for p in _walk(rules, f"{path}[]", item, used)]
    return [f"{path}: no rule for this input (value {value!r})"]


def pairs(names: Sequence[str]) -> Callable[[Any], Any]:
    """A map as the API's list of ``{names[0]: key, names[1]: value}``."""
    return lambda mapping: [{names[0]: k, names[1]: v} for k, v in dict(mapping).items()]
