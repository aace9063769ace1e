"""The one error type for bad configuration: it names the key, the bad value and what is allowed.

``collect`` runs several checks and reports every mistake at once (``CombinedConfigError``), so a user
fixes a stack file in one pass instead of one run per key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

#: A 32-bit signed integer's range: every integer the program sends AWS lands in one. botocore's
#: ``integer`` shapes (ecs ``BoxedInteger``, ``Integer``) are 32-bit, and the Terraform provider casts
#: each with ``int32(...)`` (internal/service/ecs/service.go: ``aws.Int32(int32(d.Get(
#: "deployment_maximum_percent").(int)))``), so 2147483648 would wrap to a negative number unseen.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT32_SAYS = "a 32-bit integer, as AWS's integer parameters are"
#: ASCII digits, the only digits the program reads: ``\d`` and ``isdigit()`` take Arabic-Indic and
#: full-width digits (which ``int()`` reads as numbers) and "²" (which it refuses); an Arabic-Indic zero is a
#: name to Docker, not uid 0.
DIGITS = re.compile(r"[0-9]+")
#: An integer as a stack file writes it: an optional minus and ASCII digits.
_INTEGER = re.compile(r"-?[0-9]+")

#: What an error shows in place of a secret.
HIDDEN = "(hidden)"
#: Keys (and the fields they set) whose values are secret however they were set: an error about one never
#: shows its value. A secret value's name is one of them: a name that does not parse may be a value typed
#: without one.
SECRET_KEYS = frozenset(
    {
        "secretValues",
        "FargateServiceArgs.secret_values",
        "FargateTaskArgs.secret_values",
        "ServiceAccess.secret_value_names",
        "RouteSpec.test_header",
    }
)
#: The fields whose values the components send to AWS only inside a secret ``Output``, wherever they go, so
#: that the state holds them encrypted and previews hide them: the stored secret values (``FargateTask``'s
#: parameters), the test header (``ServiceRoute``'s test rule condition, ``SmokeTest``'s environment) and the
#: alarm addresses (``AlarmTopic``'s subscriptions). A program keeps a key set with ``--secret`` secret only
#: when the key sets one of these; any other value it reads reaches the state in plain text.
KEPT_SECRET = frozenset({"FargateServiceArgs.secret_values", "RouteSpec.test_header", "Alarms.emails"})


def shown(value: Any) -> str:
    """A value as the user typed it in YAML or ``pulumi config set``: ``false``, ``["a"]``, ``'text'``."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, tuple, dict)):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


class ConfigError(ValueError):
    """A configuration value that breaks an AWS rule or a rule of this program.

    Raised before any resource is registered, so a bad value never leaves a stack half-created. The value
    of a ``SECRET_KEYS`` key is never kept: it shows as ``HIDDEN``.
    """

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = HIDDEN if key in SECRET_KEYS else value
        self.allowed = allowed
        super().__init__(f"config '{key}': got {shown(self.value)}; allowed: {allowed}")

    @property
    def errors(self) -> list[ConfigError]:
        """Every mistake this error stands for: itself."""
        return [self]


class CombinedConfigError(ConfigError):
    """Several mistakes at once, one line each; ``key``, ``value`` and ``allowed`` are the first one's."""

    def __init__(self, errors: Iterable[ConfigError]) -> None:
        unique: dict[tuple[str, str, str], ConfigError] = {}
        for error in errors:
            for one in error.errors:
                # Hidden values all look alike: what is allowed tells those mistakes apart.
                unique.setdefault((one.key, shown(one.value), one.allowed if one.value == HIDDEN else ""), one)
        self._errors = list(unique.values())
        first = self._errors[0]
        ValueError.__init__(self, "\n".join(str(error) for error in self._errors))
        self.key, self.value, self.allowed = first.key, first.value, first.allowed

    @property
    def errors(self) -> list[ConfigError]:
        return list(self._errors)


def collect(*checks: Callable[[], object], keys: Mapping[str, str] | None = None) -> None:
    """Run every check; raise the one ``ConfigError`` there was, or ``CombinedConfigError`` for several, each
    in a program's words when ``keys`` maps the fields it names to config keys (``renamed``)."""
    found: list[ConfigError] = []
    for check in checks:
        try:
            check()
        except ConfigError as error:
            found.extend(error.errors)
    raise_any([renamed(one, keys) for one in found] if keys else found)


def in_words(text: str, keys: Mapping[str, str]) -> str:
    """``text`` (a warning, say) with each field ``keys`` maps (``{"NetworkSpec.vpc_cidr": "vpcCidr"}``) named by
    its key: the package's messages name its fields, a program's users know its keys."""
    if not keys:
        return text
    fields = re.compile(
        "|".join(re.escape(field) for field in sorted(keys, key=len, reverse=True)) + r"(?![A-Za-z0-9_])"
    )
    return fields.sub(lambda m: keys[m[0]], text)


def renamed(error: ConfigError, keys: Mapping[str, str]) -> ConfigError:
    """``error`` in a program's words: each mistake about a field ``keys`` maps (``{"ServiceSpec.cpu": "cpu"}``)
    names that key, as its key and wherever its text names the field (``in_words``); several mistakes stay
    together."""

    def one(mistake: ConfigError) -> ConfigError:
        return ConfigError(keys.get(mistake.key, mistake.key), mistake.value, in_words(mistake.allowed, keys))

    mapped = [one(mistake) for mistake in error.errors]
    return mapped[0] if len(mapped) == 1 else CombinedConfigError(mapped)


def built(build: Callable[[], T], keys: Mapping[str, str]) -> T:
    """``build()`` (a spec, say), every mistake it raises in a program's words (``renamed``)."""
    try:
        return build()
    except ConfigError as error:
        raise renamed(error, keys) from None


class Mistakes:
    """Every mistake of a program's config at once, nested specs included. Python builds an inner spec
    before the outer one, so ``built(lambda: ServiceSpec(route=RouteSpec(...)), keys)`` stops at the inner
    spec's mistake; build each part here instead, inner first::

        mistakes = Mistakes(keys)
        route = mistakes.part(lambda: RouteSpec(...), lambda: RouteSpec(listener_rule_priority=50_000))
        spec = mistakes.part(lambda: ServiceSpec(desired_count=..., route=route), ServiceSpec)
        mistakes.raise_any()  # before the first resource

    A part in error is recorded and replaced by its ``stand_in()``, so the parts built from it are still
    judged; pick a stand-in the outer rules accept (a default), or its consequences are reported too."""

    def __init__(self, keys: Mapping[str, str] | None = None) -> None:
        self._keys, self._found = dict(keys or {}), list[ConfigError]()

    def part(self, build: Callable[[], T], stand_in: Callable[[], T]) -> T:
        """``build()``, or, keeping its mistakes, ``stand_in()``."""
        try:
            return build()
        except ConfigError as error:
            self._found.extend(error.errors)
            return stand_in()

    def raise_any(self) -> None:
        """Raise every mistake recorded, in the program's words (``renamed``); nothing if none."""
        raise_any([renamed(one, self._keys) for one in self._found] if self._keys else self._found)


def integer(key: str, raw: str | None, default: int | None = None) -> int:
    """A config key's raw text as an integer (``default`` when unset), else a ``ConfigError`` naming ``key``:
    read with ``pulumi.Config().get``, a mistake joins the others, where ``get_int`` raises its own error."""
    if raw is None and default is not None:
        return default
    # ASCII digits only: int() also reads Arabic-Indic and full-width digits (and "1_0", " 1"), which no
    # stack file means.
    if raw is None or not _INTEGER.fullmatch(raw):
        raise ConfigError(key, raw, "an integer" if raw is not None else "an integer (required: no default)")
    value = int(raw)
    if not INT32_MIN <= value <= INT32_MAX:
        raise ConfigError(key, value, f"an integer from {INT32_MIN} to {INT32_MAX} ({INT32_SAYS})")
    return value


def boolean(key: str, raw: str | None, default: bool) -> bool:
    """A config key's raw text as a boolean (``default`` when unset), else a ``ConfigError`` naming ``key``.
    The CLI hands a YAML boolean to the program as ``true`` or ``false`` (Pulumi's ``config.Value`` turns
    True and TRUE into them); YAML 1.1's yes, no, on and off are strings to its YAML 1.2 parser."""
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise ConfigError(key, raw, "true or false")
    return raw == "true"


def raise_any(found: list[ConfigError]) -> None:
    """Raise the one error found as itself, several as a ``CombinedConfigError``; nothing if none."""
    if len(found) == 1:
        raise found[0]
    if found:
        raise CombinedConfigError(found)


#: A variable name: the name of a ``NAME=value`` item, public (the plan lists secrets by name).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Parts of a secret shorter than this are not looked for in other text: no secret is that short, and
#: hiding each ``c`` would garble every message. A secret key's own value is hidden whatever its length.
MIN_QUOTED = 4


def _fragments(raw: str) -> set[str]:
    """The raw value of a secret key and every part a check may quote: each item of a JSON list, and the
    value of each ``NAME=value`` item."""
    parts = {raw}
    try:
        items = json.loads(raw)
    except json.JSONDecodeError:
        items = None
    for item in items if isinstance(items, list) else [raw]:
        if isinstance(item, str):
            name, sep, value = item.partition("=")
            parts |= {item, value} if sep and _NAME.fullmatch(name) else {item}
    # A list value is shown as JSON, with quotes and backslashes escaped.
    parts |= {json.dumps(part)[1:-1] for part in parts}
    return {part for part in parts if len(part) >= MIN_QUOTED}


def redact(errors: Iterable[ConfigError], secrets: Mapping[str, str]) -> list[ConfigError]:
    """``errors`` with nothing of ``secrets`` (key -> raw value, the keys set with ``--secret``) left in
    them: an error about a secret key shows ``HIDDEN`` for its value, and wherever a part of a secret value
    is quoted (in what is allowed, or in another key's error) ``HIDDEN`` stands in its place."""
    fragments = sorted({part for raw in secrets.values() for part in _fragments(raw)}, key=len, reverse=True)
    # One pass, longest part first: a part is never found inside an earlier replacement.
    pattern = re.compile("|".join(re.escape(part) for part in fragments)) if fragments else None
    redacted: list[ConfigError] = []
    for one in (single for error in errors for single in error.errors):
        quoted = pattern is not None and pattern.search(shown(one.value)) is not None
        allowed = pattern.sub(HIDDEN, one.allowed) if pattern is not None else one.allowed
        redacted.append(ConfigError(one.key, HIDDEN if one.key in secrets or quoted else one.value, allowed))
    return redacted
