"""The Application Load Balancer's own rules for listener rules and target groups.

A listener evaluates its rules lowest priority number first and the first match wins; the default
action runs only when no rule matches. A catch-all pattern such as ``/*`` therefore hides every rule
with a higher number, so a service that catches everything takes the last priority, and services of
other stacks on the same listener take lower numbers (``docs/reuse.md``).

Limits (ELB API ``PathPatternConditionConfig``, "Quotas for your Application Load Balancers"): a
path-pattern condition takes at most 3 values (a rule at most 5 condition values in all; the services
here use one condition); each pattern
is at most 128 characters of ``A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?``; a rule holds at most 5
wildcards (``*`` and ``?``) in all ("Condition wildcards per rule", not adjustable; the Japanese edition
of the quotas page prints 6, the lower is taken; the test rule's header values take none:
``deployment_strategy.parse_test_header``); priorities run 1-50000.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import ConfigError

MIN_PRIORITY = 1
LAST_PRIORITY = 50000
MAX_PATH_VALUES = 3
MAX_PATTERN_LENGTH = 128
MAX_RULE_WILDCARDS = 5
#: A listener rule's input path of the target groups a shifting deployment's production rule forwards to,
#: whose weights ECS moves: the program ignores each element (``service_route``), and the plan knows them by it.
ECS_WEIGHTS = "actions[0].forward.targetGroups"
_PATTERN_CHARS = re.compile(r"""[A-Za-z0-9_\-.$/~"'@:+&*?]+""")
_CATCH_ALL = re.compile(r"/?\*+")
#: Load balancer and target group names: at most 32 characters (ELB API). Pulumi's auto-name appends
#: "-" and 7 random characters and refuses a name that would not fit ("plus 7 random chars is longer
#: than maximum length 32"), so the resource name itself may have at most 24.
MAX_ELB_NAME = 32
AUTONAME_SUFFIX = 8
_ELB_NAME = re.compile(r"[A-Za-z0-9-]+")
#: Health-check path: at most 1024 characters (ELB ``HealthCheckPath``), and an RFC 3986 path.
MAX_HEALTH_CHECK_PATH = 1024
_URL_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*")


def is_catch_all(pattern: str) -> bool:
    """True for a pattern that matches every request path (``/*``, ``*``, ``/**``)."""
    return bool(_CATCH_ALL.fullmatch(pattern))


def path_patterns(key: str, patterns: Sequence[str], priority_key: str, priority: int) -> tuple[str, ...]:
    """Path patterns and the rule's priority, as the ALB accepts them and so that no rule hides another."""
    values = tuple(patterns)
    if not 1 <= len(values) <= MAX_PATH_VALUES:
        raise ConfigError(key, list(values), f"1 to {MAX_PATH_VALUES} path patterns (the ALB's limit per condition)")
    for value in values:
        if not value.startswith("/") and value != "*":
            raise ConfigError(key, value, "a path pattern starting with /")
        if len(value) > MAX_PATTERN_LENGTH or not _PATTERN_CHARS.fullmatch(value):
            raise ConfigError(
                key, value, f"at most {MAX_PATTERN_LENGTH} characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
            )
    if len(set(values)) != len(values):
        raise ConfigError(key, list(values), "each pattern once")
    if sum(value.count("*") + value.count("?") for value in values) > MAX_RULE_WILDCARDS:
        raise ConfigError(
            key, list(values), f"at most {MAX_RULE_WILDCARDS} wildcards (* and ?) in all: the ALB's limit per rule"
        )
    if not MIN_PRIORITY <= priority <= LAST_PRIORITY:
        raise ConfigError(priority_key, priority, f"an integer from {MIN_PRIORITY} to {LAST_PRIORITY}")
    catch_all = [value for value in values if is_catch_all(value)]
    if catch_all and priority != LAST_PRIORITY:
        raise ConfigError(
            priority_key,
            priority,
            f"{LAST_PRIORITY} (the last): {catch_all[0]!r} matches every path, so at any other priority it "
            "hides every rule after it",
        )
    return values


def pattern_matches(pattern: str, path: str) -> bool:
    """Whether a path-pattern condition value matches a request's path, as the ALB matches it: the whole
    path, query string left out, case-sensitive, ``*`` for 0 or more characters and ``?`` for exactly one
    (ELB guide, "Path conditions")."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path.split("?", 1)[0], flags=re.DOTALL) is not None


#: A dot-segment as the WHATWG URL Standard reads one ("single-dot URL path segment": ``.`` or ``%2e``,
#: "double-dot URL path segment": ``..``, ``.%2e``, ``%2e.``, ``%2e%2e``, ASCII case-insensitive).
_DOT_SEGMENT = re.compile(r"(?:\.|%2e){1,2}", re.IGNORECASE)
#: What a path the app compares must not hold: Node's ``new URL(req.url, base)`` (the WHATWG URL parser,
#: which docker/app/server.js uses) would rewrite it, so the configured path never equals the parsed one.
WHATWG_FORM = (
    "no leading // (read as a host: the app sees /), no . or .. segment, also written %2e (removed), no "
    "trailing ? (an empty query is dropped) and no ' in the query (encoded as %27): the app compares the path "
    "as Node's URL parser leaves it (WHATWG URL Standard, path and query state)"
)


def _rewritten(path: str) -> bool:
    """Whether the WHATWG URL parser would not hand ``path`` (an ``_URL_PATH``) back as it is."""
    before, sep, query = path.partition("?")
    dots = any(_DOT_SEGMENT.fullmatch(segment) for segment in before.split("/")[1:])
    # The special-query percent-encode set adds ' to the query's; the path's own set holds no other character
    # _URL_PATH lets through.
    return path.startswith("//") or dots or (sep and not query) or "'" in query


def health_check_path(key: str, path: str) -> str:
    """A URL path the ALB and the container health check can both request, and that the app, which parses
    it with Node's URL (``WHATWG_FORM``), sees as configured: else it never matches and the check never passes,
    or (``//health`` is ``/``) passes on another route that never answers 503 while draining."""
    if len(path) > MAX_HEALTH_CHECK_PATH or not _URL_PATH.fullmatch(path):
        raise ConfigError(
            key,
            path,
            f"a URL path starting with / of at most {MAX_HEALTH_CHECK_PATH} characters, "
            "without spaces, quotes, backslashes or other characters a URL must escape",
        )
    if _rewritten(path):
        raise ConfigError(key, path, f"a URL path the app sees as written: {WHATWG_FORM}")
    return path


def autonamed_elb_names(key: str, value: str, names: Sequence[str] = (), *, load_balancers: Sequence[str] = ()) -> None:
    """Raise when a target group (``names``) or load balancer (``load_balancers``) named after ``value``
    would be refused: with Pulumi's suffix it must fit ELB's 32 characters, hold only letters, digits
    and hyphens and not begin with a hyphen; a load balancer's must not begin with ``internal-``."""
    every = [*names, *load_balancers]
    longest = max(every, key=len)
    if len(longest) + AUTONAME_SUFFIX > MAX_ELB_NAME:
        room = MAX_ELB_NAME - AUTONAME_SUFFIX - (len(longest) - len(value))
        raise ConfigError(
            key,
            value,
            f"at most {room} characters: '{longest}' plus Pulumi's {AUTONAME_SUFFIX}-character suffix must fit the "
            f"{MAX_ELB_NAME} characters AWS allows a load balancer or target group name",
        )
    if any(not _ELB_NAME.fullmatch(name) or name.startswith("-") for name in every):
        raise ConfigError(key, value, "letters, digits and hyphens, not starting with a hyphen (the only characters "
                          "AWS allows in a load balancer or target group name)")  # fmt: skip
    if any(name.lower().startswith("internal-") for name in load_balancers):
        raise ConfigError(key, value, "a name not starting with 'internal-' (AWS refuses it for a load balancer)")
