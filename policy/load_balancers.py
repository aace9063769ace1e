"""Load balancers and their listeners: hardened, logged, protected from deletion, HTTPS only with TLS
1.2 and later, HTTP listeners and their rules only redirecting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# The engine runs the pack with policy/ on the path (``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from .rule_types import Config, Props, Rule, StackRule
    from .unknowns import Index, StackResource, Unknown, decided, guarded, known, references, shown, shown_all
else:
    from rule_types import Config, Props, Rule, StackRule
    from unknowns import Index, StackResource, Unknown, decided, guarded, known, references, shown, shown_all


#: Each load-balancer resource under both of the SDK's names: ``aws.alb`` registers its own type tokens
#: (pulumi_aws ``alb/load_balancer.py``, ``alb/listener.py``), not the ``aws.lb`` ones.
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")


def _load_balancer_hardened(_: str, props: Props, __: Config) -> list[str]:
    """ELB.4 (drop invalid headers) and ELB.12 (desync mitigation)."""
    found: list[str] = []
    if not props.get("dropInvalidHeaderFields"):
        found.append("Invalid header fields are passed on; set drop_invalid_header_fields=True.")
    if props.get("desyncMitigationMode", "defensive") not in ("defensive", "strictest"):
        found.append(f"desyncMitigationMode is {props['desyncMitigationMode']!r}; set defensive or strictest.")
    return found


def _access_logs(_: str, props: Props, __: Config) -> list[str]:
    """ELB.5 and AwsSolutions-ELB2."""
    if not (props.get("accessLogs") or {}).get("enabled"):
        return ["The load balancer writes no access logs; set accessLogs to true."]
    return []


def _deletion_protection(_: str, props: Props, __: Config) -> list[str]:
    """ELB.6."""
    if not props.get("enableDeletionProtection"):
        return ["The load balancer can be deleted by any update; set deletionProtection to true."]
    return []


#: ELB security policies by the oldest TLS version they accept, as their names say: ``TLS13-1-<n>``,
#: ``FS-1-<n>`` and ``TLS-1-<n>`` accept TLS 1.<n> and later; the others (``2016-08``, the default when
#: none is given, ``2015-05``, ``FS-2018-06``) accept TLS 1.0 (ALB and NLB guides, "Security policies").
_TLS_FLOOR = re.compile(r"ELBSecurityPolicy-(?:TLS13|FS|TLS)-1-(?P<minor>[0-9])-.+")


def accepts_only_tls12_or_later(policy: str) -> bool:
    """Whether an ELB security policy refuses TLS 1.0 and 1.1 (Security Hub ELB.17's recommended ones do)."""
    match = _TLS_FLOOR.fullmatch(policy)
    return match is not None and int(match["minor"]) >= 2


def _https_only(_: str, props: Props, __: Config) -> list[str]:
    """ELB.1: an HTTP listener only redirects to HTTPS; ELB.17: HTTPS and TLS listeners allow TLS 1.2 and
    later only. The provider takes ``protocol`` in any case and, when it is left out on an Application Load
    Balancer, creates an HTTP listener (terraform-provider-aws ``internal/service/elbv2/listener.go``:
    ``enum.ValidateIgnoreCase``, "Keep previous default of HTTP for Application Load Balancers")."""
    protocol = listener_protocol(props)
    if protocol in ("HTTPS", "TLS"):
        policy = str(props.get("sslPolicy") or "")
        if not accepts_only_tls12_or_later(policy):
            return [f"sslPolicy {policy or 'unset'!r} allows TLS before 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06."]
        return []
    if protocol != "HTTP" or redirects_to_https(props.get("defaultActions")):
        return []
    return ["The HTTP listener serves traffic; redirect it to HTTPS (a domain and certificate)."]


def listener_protocol(props: Props) -> str:
    """A listener's protocol as the provider takes it: in any case, HTTP when left out (``_https_only``)."""
    return str(props.get("protocol") or "HTTP").upper()


def redirects_to_https(actions: Any) -> bool:
    """Whether a listener's (or a listener rule's) actions only redirect to HTTPS: none serves content."""
    redirects = [
        str(action.get("type", "")).lower() == "redirect" and (action.get("redirect") or {}).get("protocol") == "HTTPS"
        for action in actions or []
    ]
    return bool(redirects) and all(redirects)


def _listener_rules_https_only(resources: Sequence[StackResource], _: Config) -> list[str]:
    """ELB.1 for what a listener's rules serve: a rule answers the requests it matches on its listener's
    port and protocol, before the default action (ELB User Guide for ALBs, "Listener rules"), so a
    forwarding rule on an HTTP listener that redirects by default still serves plain HTTP. Joined by the
    rule's ``listenerArn`` to the listener's ``arn``, or in a preview, where a new listener's ARN is
    unknown, by the URN of the listener it came from: a rule on a listener of another stack is not seen."""
    listeners = Index.of(resources, LISTENERS, lambda props: known(props, "arn"))
    http: set[str] = set()
    undecided: list[Unknown] = []
    for resource in (r for r in resources if r.type in LISTENERS):
        protocols, unknown = guarded(lambda r=resource: [listener_protocol(r.props)])
        undecided += unknown
        if protocols == ["HTTP"] and (name := resource.urn or known(resource.props, "arn")):
            http.add(listeners.identity(name))
    found: list[str] = []
    for resource in (r for r in resources if r.type in LISTENER_RULES):
        on, unknown = references(listeners, resource, "listenerArn")
        serves, waiting = guarded(lambda r=resource: [not redirects_to_https(r.props.get("actions"))])
        if on & http:
            undecided += waiting
        undecided += unknown
        if on & http and serves == [True]:
            listener = known(resource.props, "listenerArn") or shown_all(on & http)
            found.append(
                f"Listener rule {known(resource.props, 'arn') or shown(resource.urn) or '(new)'} on the HTTP listener "
                f"{listener} serves plain HTTP; put it on the HTTPS listener, or make it redirect to HTTPS."
            )
    return decided(found, undecided)


HARDENED = Rule(
    "elb-hardened",
    "Load balancers drop invalid header fields and mitigate HTTP desync.",
    LOAD_BALANCERS,
    _load_balancer_hardened,
    anchors=("ELB.4", "ELB.12"),
)

ACCESS_LOGS = Rule(
    "elb-access-logs",
    "Load balancers write access logs.",
    LOAD_BALANCERS,
    _access_logs,
    anchors=("ELB.5", "AwsSolutions-ELB2"),
)

DELETION_PROTECTION = Rule(
    "elb-deletion-protection",
    "Load balancers have deletion protection.",
    LOAD_BALANCERS,
    _deletion_protection,
    anchors=("ELB.6",),
)

HTTPS_ONLY = Rule(
    "elb-https-only",
    "HTTP listeners (also those with no protocol) only redirect to HTTPS; HTTPS and TLS listeners use a "
    "policy of TLS 1.2 and later.",
    LISTENERS,
    _https_only,
    anchors=("ELB.1", "ELB.17"),
)

LISTENER_RULES_HTTPS_ONLY = StackRule(
    "elb-https-only-listener-rules",
    "Rules on an HTTP listener only redirect to HTTPS, as its default action must (elb-https-only).",
    _listener_rules_https_only,
    anchors=("ELB.1",),
)
