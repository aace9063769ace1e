"""The pack's registry: every rule, in the order the engine runs and reports them.

Each rule is a pure function of a resource's properties (engine names, camelCase) and config, kept in
the module of its area, that returns the violations it finds, every message saying how to fix it.
``policies.py`` wraps them as pulumi_policy policies; tests call them directly and through those wrappers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# The engine runs the pack with policy/ on the path (policies.py: ``from rules import``); the program's tests
# import the pack's modules as ``policy.<module>``. Its readers come the same way it did.
if __package__:
    from . import (
        containers,
        ecr,
        ecs_services,
        iam_policies,
        iam_users,
        load_balancers,
        logs_lambda,
        resource_policies,
        s3_tls,
        service_watch,
        trust,
        world_open,
    )
    from .rule_types import Config, Props, Rule, StackRule
    from .unknowns import StackResource
else:
    import containers
    import ecr
    import ecs_services
    import iam_policies
    import iam_users
    import load_balancers
    import logs_lambda
    import resource_policies
    import s3_tls
    import service_watch
    import trust
    import world_open
    from rule_types import Config, Props, Rule, StackRule
    from unknowns import StackResource

RULES: tuple[Rule, ...] = (
    ecs_services.TASK_ARM64_FARGATE,
    ecs_services.SPOT_STRATEGY,
    ecs_services.DEPLOYMENTS_ROLL_BACK,
    world_open.NO_WORLD_OPEN_INGRESS,
    logs_lambda.LOG_GROUP_RETENTION,
    ecr.IMMUTABLE_SCANNED,
    containers.GRACEFUL_NON_ROOT,
    containers.HARDENED,
    ecs_services.NOT_EXPOSED,
    ecs_services.CONTAINER_INSIGHTS,
    load_balancers.HARDENED,
    load_balancers.ACCESS_LOGS,
    load_balancers.DELETION_PROTECTION,
    load_balancers.HTTPS_ONLY,
    logs_lambda.LOG_POLICY_SCOPED,
    logs_lambda.LAMBDA_NOT_PUBLIC,
    iam_policies.LEAST_PRIVILEGE,
    trust.TRUST_SCOPED,
    resource_policies.NOT_PUBLIC,
    iam_users.NO_USERS,
)


def violations(resource_type: str, props: Props, config_by_rule: Mapping[str, Config] | None = None) -> list[str]:
    """Every violation of every rule for one resource, each prefixed by its rule's name."""
    found: list[str] = []
    for rule in RULES:
        if resource_type in rule.resource_types:
            config = rule.config((config_by_rule or {}).get(rule.name))
            found += [f"{rule.name}: {message}" for message in rule.check(resource_type, props, config)]
    return found


STACK_RULES: tuple[StackRule, ...] = (
    ecr.LIFECYCLE,
    service_watch.AUTOSCALE,
    service_watch.ALARMED,
    world_open.ONLY_ON_LOAD_BALANCERS,
    load_balancers.LISTENER_RULES_HTTPS_ONLY,
    s3_tls.TLS_ONLY,
)


def stack_violations(
    resources: Sequence[StackResource | tuple[str, Props]], config_by_rule: Mapping[str, Config] | None = None
) -> list[str]:
    """Every violation of every stack rule, each prefixed by its rule's name; ``resources`` as
    ``StackResource``s or ``(type, props)`` pairs (no URNs: joined by IDs and ARNs alone). A rule that
    could not decide every resource in a preview raises ``UndecidedError`` (``unknowns.py``)."""
    stack = [r if isinstance(r, StackResource) else StackResource(r[0], r[1]) for r in resources]
    found: list[str] = []
    for rule in STACK_RULES:
        config = rule.config((config_by_rule or {}).get(rule.name))
        found += [f"{rule.name}: {message}" for message in rule.check(stack, config)]
    return found
