"""Listener-rule validation agrees with the ALB: what it accepts the ALB creates and can reach."""

import json
import random
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.edge.alb_rules import LAST_PRIORITY, autonamed_elb_names, health_check_path, is_catch_all, path_patterns
from components.errors import ConfigError
from tests.models.alb import Listener, Rule, elb_refuses_name, pattern_matches


def test_three_path_values_are_accepted_and_four_are_refused_like_the_alb() -> None:
    assert path_patterns("pathPatterns", ["/a", "/b", "/c"], "listenerRulePriority", 10) == ("/a", "/b", "/c")
    with pytest.raises(ConfigError) as error:
        path_patterns("pathPatterns", ["/a", "/b", "/c", "/d"], "listenerRulePriority", 10)
    assert error.value.key == "pathPatterns" and "1 to 3" in error.value.allowed


@pytest.mark.parametrize(
    ("patterns", "key"),
    [
        ([], "pathPatterns"),
        (["api"], "pathPatterns"),
        (["/a b"], "pathPatterns"),
        (["/ünïcode"], "pathPatterns"),
        (["/" + "a" * 128], "pathPatterns"),
        (["/a", "/a"], "pathPatterns"),
        (["/a*b*c*/*", "/d*e*f*", "/g*h*i*"], "pathPatterns"),
        (["/a?b?c", "/*/*/*/*"], "pathPatterns"),
    ],
)
def test_patterns_the_alb_would_refuse_are_refused_naming_the_key(patterns: list[str], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        path_patterns("pathPatterns", patterns, "listenerRulePriority", 10)
    assert error.value.key == key


def test_five_wildcards_in_all_are_accepted_as_the_alb_takes_them() -> None:
    assert path_patterns("pathPatterns", ["/a/*", "/b?/*", "/c*/*"], "listenerRulePriority", 10)


@pytest.mark.parametrize("priority", [0, 50001])
def test_priorities_outside_the_albs_range_are_refused(priority: int) -> None:
    with pytest.raises(ConfigError) as error:
        path_patterns("pathPatterns", ["/a"], "listenerRulePriority", priority)
    assert error.value.key == "listenerRulePriority"


@pytest.mark.parametrize("pattern", ["/*", "*", "/**"])
def test_a_catch_all_is_only_accepted_as_the_last_rule(pattern: str) -> None:
    assert path_patterns("pathPatterns", [pattern], "listenerRulePriority", LAST_PRIORITY) == (pattern,)
    with pytest.raises(ConfigError) as error:
        path_patterns("pathPatterns", ["/api", pattern], "listenerRulePriority", 100)
    assert (error.value.key, error.value.value) == ("listenerRulePriority", 100)


_PATH_CHARS = st.sampled_from("abcXYZ019_-.$~@:+&/")
_PATTERN = st.text(st.sampled_from("abc/*?-"), min_size=0, max_size=12).map(lambda s: "/" + s)


@given(pattern=_PATTERN, path=st.text(_PATH_CHARS, max_size=20).map(lambda s: "/" + s))
def test_a_pattern_called_catch_all_matches_every_path_the_alb_would_send(pattern: str, path: str) -> None:
    if is_catch_all(pattern):
        assert pattern_matches(pattern, path)


@given(patterns=st.lists(_PATTERN, min_size=1, max_size=3, unique=True), priority=st.integers(1, LAST_PRIORITY - 1))
def test_any_accepted_rule_below_the_last_is_created_and_leaves_the_platform_reachable(
    patterns: list[str], priority: int
) -> None:
    """What validation lets through, the ALB accepts, and the platform's catch-all still gets a path."""
    try:
        accepted = path_patterns("pathPatterns", patterns, "listenerRulePriority", priority)
    except ConfigError:
        return
    listener = Listener(default="404")
    listener.add(Rule(LAST_PRIORITY, ("/*",), "platform"))
    listener.add(Rule(priority, accepted, "service"))
    unmatched = [p for p in ("/", "/zz-platform-only", "/a/zz") if not any(pattern_matches(x, p) for x in accepted)]
    assert all(listener.route(p) == "platform" for p in unmatched)


@pytest.mark.parametrize("path", ["/health", "/ready?full=1", "/it's", "/a/b-c_d.e~f"])
def test_health_check_paths_a_url_carries_are_accepted(path: str) -> None:
    assert health_check_path("healthCheckPath", path) == path


REWRITTEN = ["//", "//health", "/a/../health", "/./health", "/%2e/health", "/health/.", "/health/%2E%2e", "/health?",
             "/health?'"]  # fmt: skip


def node_parses(paths: list[str]) -> list[str | None]:
    """Each path as docker/app/server.js sees it: Node's WHATWG ``new URL(path, base)``, pathname and search
    (None where it throws)."""
    script = (
        "const paths = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(paths.map((p) => { try { const u = new URL(p, 'http://localhost');"
        " return u.pathname + u.search; } catch { return null; } })));"
    )
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run([node, "-e", script], input=json.dumps(paths), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("path", REWRITTEN)
def test_a_health_check_path_the_app_s_url_parser_rewrites_is_refused(path: str) -> None:
    with pytest.raises(ConfigError) as error:
        health_check_path("healthCheckPath", path)
    assert (error.value.key, error.value.value) == ("healthCheckPath", path) and "WHATWG" in error.value.allowed


@pytest.mark.skipif(shutil.which("node") is None, reason="Node's URL parser is the rule")
def test_a_health_check_path_is_accepted_exactly_when_node_s_url_parser_leaves_it_as_it_is() -> None:
    pieces = ["/", "/", "//", ".", "..", "%2e", "%2E", "?", "'", "a", "h", "%41", ";", "=", "~", "-", "@"]
    draw = random.Random(20261130)
    paths = [*REWRITTEN, "/health", "/.hidden", "/..x", "/a//b", "/health?a?b", "/it's"] + [
        "/" + "".join(draw.choices(pieces, k=draw.randint(0, 8))) for _ in range(3000)
    ]
    for path, parsed in zip(paths, node_parses(paths), strict=True):
        try:
            accepted = health_check_path("healthCheckPath", path) == path
        except ConfigError:
            accepted = False
        assert accepted == (parsed == path), (path, parsed)


def pulumi_autoname(name: str) -> str:
    """Pulumi's auto-name for an ELB resource: NewUniqueHex(name + "-", 7, maxlen=32), which refuses
    a prefix that cannot fit rather than truncating it."""
    prefix = name + "-"
    if len(prefix) + 7 > 32:
        raise ValueError(f"name '{prefix}' plus 7 random chars is longer than maximum length 32")
    return prefix + "abcdef0"


@given(stack=st.text(st.sampled_from("abc-1_.I"), min_size=1, max_size=40) | st.just("internal-tools"))
def test_a_stack_name_is_accepted_exactly_when_elb_accepts_the_names_pulumi_makes_from_it(stack: str) -> None:
    """Pulumi's auto-name must exist and ELB must take it: length, characters, ``internal-``."""
    load_balancer, target_group = f"{stack}-web-alb", f"{stack}-app-tg"
    try:
        refusals = [elb_refuses_name(pulumi_autoname(load_balancer), load_balancer=True),
                    elb_refuses_name(pulumi_autoname(target_group), load_balancer=False)]  # fmt: skip
        accepted = refusals == [None, None]
    except ValueError:
        accepted = False
    if accepted:
        autonamed_elb_names("stack", stack, [target_group], load_balancers=[load_balancer])
    else:
        with pytest.raises(ConfigError) as error:
            autonamed_elb_names("stack", stack, [target_group], load_balancers=[load_balancer])
        assert (error.value.key, error.value.value) == ("stack", stack)


def test_a_target_group_may_start_with_internal_but_a_load_balancer_may_not() -> None:
    autonamed_elb_names("name", "internal-api", ["internal-api-tg"])
    with pytest.raises(ConfigError, match="internal-"):
        autonamed_elb_names("name", "internal-api", load_balancers=["internal-api-alb"])
