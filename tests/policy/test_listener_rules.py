"""ELB.1 over what an HTTP listener answers, its rules included: the load balancer's routing (the first
matching rule by priority, else the default action: ``tests/models/alb.py``) decides which action answers
a plain-HTTP request; whenever one that is not a redirect to HTTPS does, the pack reports the listener or
the rule. The rule check joins each rule's ``listenerArn`` to its listener's ``arn`` across the stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.models import alb
from tests.policy.engine import stack_violations, violations

POLICY = Path(__file__).resolve().parents[2] / "policy"
LISTENER_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/80"
ACTIONS: dict[str, list[dict[str, Any]]] = {
    "redirect": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}],
    "forward": [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1"}],
    "fixed-response": [{"type": "fixed-response", "fixedResponse": {"statusCode": "404", "contentType": "text/plain"}}],
}
PATTERNS = ["/*", "/api/*", "/health"]
PATHS = ["/", "/api/x", "/health"]
RULES = ("elb-https-only", "elb-https-only-listener-rules")


def _listener(default: str, protocol: str | None = "HTTP", **extra: Any) -> tuple[str, dict[str, Any]]:
    props = {"arn": LISTENER_ARN, "port": 80, "defaultActions": ACTIONS[default], **extra}
    return ("aws:lb/listener:Listener", props | ({"protocol": protocol} if protocol else {}))


def _rule(priority: int, pattern: str, action: str, kind: str = "lb") -> tuple[str, dict[str, Any]]:
    return (f"aws:{kind}/listenerRule:ListenerRule", {
        "listenerArn": LISTENER_ARN, "priority": priority, "actions": ACTIONS[action],
        "conditions": [{"pathPattern": {"values": [pattern]}}],
    })  # fmt: skip


def _reported(resources: list[tuple[str, dict[str, Any]]]) -> list[str]:
    found = [m for t, props in resources for m in violations(t, props)] + stack_violations(resources)
    return [m for m in found if m.split(":", 1)[0] in RULES]


@examples(max_examples=200, deadline=None)
@given(
    default=st.sampled_from(sorted(ACTIONS)),
    rules=st.lists(st.tuples(st.sampled_from(PATTERNS), st.sampled_from(sorted(ACTIONS))), max_size=3),
)
def test_whenever_a_plain_http_request_is_answered_by_anything_but_a_redirect_the_pack_reports_it(
    default: str, rules: list[tuple[str, str]]
) -> None:
    listener = alb.Listener(default=default)
    for priority, (pattern, action) in enumerate(rules, start=1):
        listener.add(alb.Rule(priority, (pattern,), action))
    serves = any(listener.route(path) != "redirect" for path in PATHS)
    resources = [_listener(default), *(_rule(p, pattern, a) for p, (pattern, a) in enumerate(rules, start=1))]
    reported = _reported(resources)
    assert bool(reported) >= serves, (resources, reported)
    patterns = [pattern for pattern, _ in rules]
    if "/*" not in patterns and len(set(patterns)) == len(patterns):
        # Every rule, and the default, answers some path: reported exactly when something is served. (A
        # rule behind an earlier one of the same or a wider pattern answers nothing, and the pack still
        # reports it: dead config.)
        assert bool(reported) == serves


@pytest.mark.parametrize("kind", ["lb", "alb"])
@pytest.mark.parametrize("protocol", ["HTTP", "http", None])
def test_a_forwarding_rule_on_an_http_listener_that_redirects_is_reported(kind: str, protocol: str | None) -> None:
    assert _reported([_listener("redirect", protocol), _rule(1, "/*", "forward", kind)]) == [
        f"elb-https-only-listener-rules: Listener rule (new) on the HTTP listener {LISTENER_ARN} serves plain HTTP; "
        "put it on the HTTPS listener, or make it redirect to HTTPS."
    ]


def test_a_rule_on_an_https_listener_or_one_that_redirects_is_not_reported() -> None:
    https = _listener("forward", "HTTPS", sslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06")
    assert _reported([https, _rule(1, "/*", "forward")]) == []
    assert _reported([_listener("redirect"), _rule(1, "/*", "redirect")]) == []


def test_the_rules_are_advisory_or_mandatory_together_in_every_stack() -> None:
    for path in POLICY.glob("config.*.json"):
        config = json.loads(path.read_text())
        levels = {(config.get(rule) or {}).get("enforcementLevel", "mandatory") for rule in RULES}
        assert len(levels) == 1, path.name
